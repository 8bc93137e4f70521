"""The load run of issue 7: `python -m benchmarks.load` (see `make load`).

Starts gunicorn on loopback against the database in DATABASE_URL, signs in `--users` people
through the real sign-in form (officers, reviewers and managers), and has each of them browse
for `--seconds`: case lists, case pages, search, the review queue and the dashboard. It prints
one JSON object with the request count, p50/p95/p99 and the status codes, writes it to
benchmarks/results/load.json, and exits non-zero on any 5xx or failed connection.

Figures, never a timed test: nothing in `make test` runs this.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from benchmarks.run import git_commit, percentile

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
HOST = "127.0.0.1"
PASSWORD = "load-run-password-2026"
MIN_CASES = 500
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SEARCH_TERMS = ("security", "police", "threat", "office", "expenses", "bridger", "cyber")
ROLES = (("FOI officer", 0.7), ("Reviewer", 0.1), ("Manager", 0.2))


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    by_page: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    reconnects: int = 0

    def add(self, page: str, status: int, ms: float) -> None:
        with self.lock:
            self.latencies_ms.append(ms)
            self.statuses[status] += 1
            self.by_page.setdefault(page, []).append(ms)

    def fail(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)


def prepare(users: int) -> tuple[list[tuple[str, str]], list[str]]:
    """Create the load users (one password hash shared) and return them with sample cases."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command

    from foi_cases.models import Case

    if Case.objects.count() < MIN_CASES:
        call_command("seed_bulk", cases=MIN_CASES)
    password_hash = make_password(PASSWORD)
    people = []
    for number in range(users):
        role = random.Random(number).choices(
            [name for name, _ in ROLES], [weight for _, weight in ROLES]
        )[0]
        user, _ = User.objects.update_or_create(
            username=f"load-user-{number:03d}",
            defaults={"password": password_hash, "is_active": True},
        )
        user.groups.set([Group.objects.get(name=role)])
        people.append((user.username, role))
    references = list(
        Case.objects.filter(restricted=False)
        .order_by("?")
        .values_list("reference", flat=True)[:200]
    )
    return people, references


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_gunicorn(port: int, workers: int, threads: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi:application",
            f"--bind={HOST}:{port}",
            f"--workers={workers}",
            f"--threads={threads}",
            "--timeout=60",
            "--keep-alive=5",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.5)
    stop(server)
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


class Browser:
    """One signed-in person on one keep-alive connection, holding their own cookies."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection(HOST, port, timeout=60)
        self.cookies: dict[str, str] = {}
        self.reconnects = 0

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        payload = None
        if body is not None:
            payload = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{self.port}{path}"
        try:
            response = self._send(method, path, payload, headers)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # The server closed an idle keep-alive connection as we reused it: a browser
            # opens a new one and sends the request again, and so do we, once.
            self.reconnects += 1
            response = self._send(method, path, payload, headers)
        text = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, text

    def _send(
        self, method: str, path: str, payload: str | None, headers: dict[str, str]
    ) -> http.client.HTTPResponse:
        try:
            self.connection.request(method, path, payload, headers)
            return self.connection.getresponse()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
            raise

    def sign_in(self, username: str) -> None:
        status, page = self.request("GET", "/sign-in/")
        token = CSRF_FIELD.search(page)
        if status != 200 or not token:
            raise RuntimeError(f"sign-in page gave {status}")
        status, _ = self.request(
            "POST",
            "/sign-in/",
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
        )
        if status != 302:
            raise RuntimeError(f"signing in {username} gave {status}, not a redirect")


def pages_for(role: str, references: list[str], rng: random.Random) -> tuple[str, str]:
    """The next page this person opens, weighted as an FOI team spends its day."""
    choices: list[tuple[str, str, int]] = [
        ("case list", "/cases/", 4),
        ("case page", f"/cases/{rng.choice(references)}/", 4),
        ("search", "/cases/team/?" + urlencode({"q": rng.choice(SEARCH_TERMS)}), 2),
    ]
    if role == "Reviewer":
        choices.append(("review queue", "/reviews/", 3))
    if role == "Manager":
        choices += [
            ("dashboard", "/dashboard/", 3),
            ("statistics", "/dashboard/statistics/", 1),
            ("decisions", f"/cases/{rng.choice(references)}/decisions/", 1),
        ]
    name, path, _ = rng.choices(choices, [weight for *_, weight in choices])[0]
    return name, path


def browse(
    port: int,
    username: str,
    role: str,
    references: list[str],
    start: threading.Barrier,
    stop_at: list[float],
    tally: Tally,
    think: float,
) -> None:
    rng = random.Random(username)
    browser = Browser(port)
    try:
        browser.sign_in(username)
    except (OSError, http.client.HTTPException, RuntimeError) as error:
        tally.fail(f"{username}: {error}")
        return
    finally:
        start.wait()
    if think:  # people arrive over time, not all at the same instant
        time.sleep(rng.uniform(0, 2 * think))
    while time.monotonic() < stop_at[0]:
        name, path = pages_for(role, references, rng)
        began = time.perf_counter()
        try:
            status, _ = browser.request("GET", path)
        except (OSError, http.client.HTTPException) as error:
            tally.fail(f"{username} {path}: {error!r}")
            continue
        tally.add(name, status, (time.perf_counter() - began) * 1000)
        if think:
            time.sleep(max(0.0, min(rng.expovariate(1 / think), stop_at[0] - time.monotonic())))
    with tally.lock:
        tally.reconnects += browser.reconnects


def summarise(tally: Tally, args: argparse.Namespace, seconds: float) -> dict:
    def figures(samples: list[float]) -> dict:
        return {
            "requests": len(samples),
            "p50_ms": round(percentile(samples, 0.50), 1),
            "p95_ms": round(percentile(samples, 0.95), 1),
        }

    latencies = tally.latencies_ms or [0.0]
    server_errors = sum(n for status, n in tally.statuses.items() if status >= 500)
    return {
        "measurement": "load",
        "users": args.users,
        "think_seconds_mean": args.think,
        "seconds": round(seconds, 1),
        "gunicorn": {"workers": args.workers, "threads": args.threads},
        "requests": len(tally.latencies_ms),
        "requests_per_second": round(len(tally.latencies_ms) / seconds, 1),
        "p50_ms": round(percentile(latencies, 0.50), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
        "max_ms": round(max(latencies), 1),
        "statuses": {str(status): n for status, n in sorted(tally.statuses.items())},
        "server_errors": server_errors,
        "connection_errors": len(tally.errors),
        "keep_alive_reconnects": tally.reconnects,
        "first_errors": tally.errors[:5],
        "by_page": {page: figures(samples) for page, samples in sorted(tally.by_page.items())},
        "cpu_count": os.cpu_count(),
        "commit": git_commit(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean seconds a person reads a page before the next (exponential); 0: none",
    )
    args = parser.parse_args()

    people, references = prepare(args.users)
    port = free_port()
    server = start_gunicorn(port, args.workers, args.threads)
    tally = Tally()
    stop_at = [float("inf")]
    start = threading.Barrier(len(people) + 1)
    try:
        workers = [
            threading.Thread(
                target=browse,
                args=(port, name, role, references, start, stop_at, tally, args.think),
            )
            for name, role in people
        ]
        for worker in workers:
            worker.start()
        start.wait()
        began = time.monotonic()
        stop_at[0] = began + args.seconds
        for worker in workers:
            worker.join()
        elapsed = time.monotonic() - began
    finally:
        stop(server)

    result = summarise(tally, args, elapsed)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "load.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))
    return 1 if result["server_errors"] or result["connection_errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
