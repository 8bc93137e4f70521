"""Detection of the real services some tests need, and a real Celery worker for them."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections

REPO_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def postgres_unavailable() -> str:
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        return "needs PostgreSQL: set DATABASE_URL=postgres://…"
    return ""


def redis_unavailable() -> str:
    if not settings.REDIS_URL:
        return "needs Redis: set REDIS_URL=redis://…"
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        return f"Redis at REDIS_URL did not answer: {exc}"
    return ""


def worker_unavailable() -> str:
    return postgres_unavailable() or redis_unavailable()


def browser_unavailable() -> str:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        return f"needs Chromium at {CHROMIUM} (Debian package chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "needs the playwright Python package"
    return postgres_unavailable() or redis_unavailable()


def mail_unavailable() -> str:
    from tests.mail_servers import mail_unavailable as missing

    return missing() or postgres_unavailable()


def converters_unavailable() -> str:
    missing = [tool for tool in ("soffice", "tesseract", "pdftoppm") if not shutil.which(tool)]
    if missing:
        packages = "libreoffice-*-nogui, tesseract-ocr, poppler-utils"
        return f"needs {', '.join(missing)} (Debian: {packages})"
    return ""


def replica_unavailable() -> str:
    from tests.replica_server import server_binaries

    if server_binaries() is None:
        return "needs the PostgreSQL server binaries for a replica (Debian package postgresql)"
    return postgres_unavailable()


SERVICE_CHECKS = {
    "converters": converters_unavailable,
    "postgres": postgres_unavailable,
    "redis": redis_unavailable,
    "worker": worker_unavailable,
    "browser": browser_unavailable,
    "mail": mail_unavailable,
    "replica": replica_unavailable,
}


def database_url_for_test_db() -> str:
    """The DATABASE_URL of the test database pytest-django created, for child processes."""
    params = connections["default"].settings_dict
    user = params.get("USER") or ""
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    host = params.get("HOST") or "127.0.0.1"
    port = f":{params['PORT']}" if params.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{params['NAME']}"


@dataclass
class WorkerProcess:
    process: subprocess.Popen[bytes]
    queue: str
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill_group(self) -> None:
        """SIGKILL the worker and its pool children at once, as a crashed machine would."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def start_worker(
    queue: str | None = None, log_dir: Path | None = None, extra_env: dict[str, str] | None = None
) -> WorkerProcess:
    """Start `celery worker` on the test database and wait until it is ready.

    The worker leads its own process group, so `kill_group` takes its pool children too.
    """
    queue = queue or f"test-{uuid.uuid4().hex[:12]}"
    log_dir = log_dir or REPO_ROOT / "test-artifacts"
    log_dir.mkdir(exist_ok=True)
    log_path = log_dir / f"worker-{queue}-{int(time.time() * 1000)}.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url_for_test_db(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_QUEUE": queue,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "test-worker-secret"),
        "DB_CONN_MAX_AGE": "0",
        **(extra_env or {}),
    }
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker",
        "--loglevel=INFO", "--pool=prefork", "--concurrency=1",
        "-Q", queue, "-n", f"{queue}@%h",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    worker = WorkerProcess(process=process, queue=queue, log_path=log_path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Celery worker exited early:\n{worker.log()}")
        if " ready." in worker.log():
            return worker
        time.sleep(0.2)
    worker.stop(signal.SIGKILL)
    raise RuntimeError(f"Celery worker did not become ready in 60 s:\n{worker.log()}")
