"""A real PostgreSQL streaming replica of the test database's cluster, for the replica tests.

`pg_basebackup -R` copies the primary (the cluster at DATABASE_URL) into a temporary
directory and the Debian server binaries start it on a free loopback port as a hot standby
following the primary. The primary must accept replication connections from 127.0.0.1 for
the `postgres` role (`.ci/run` allows it). PostgreSQL refuses to run as root, so under root
the commands run as the postgres OS user.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg2

REPLICATION_ROLE = "postgres"


def server_binaries() -> Path | None:
    """The newest Debian PostgreSQL server's bin directory, if installed."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_basebackup"),
        key=lambda path: int(path.parent.parent.name),
    )
    return found[-1].parent if found else None


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Replica:
    port: int
    base: Path
    bin: Path
    primary: dict[str, Any]

    @property
    def data(self) -> Path:
        return self.base / "data"

    def admin(self, sql: str, *, on_primary: bool = False) -> Any:
        """Run one statement as the superuser, on the replica or the primary; its value."""
        port = (self.primary["PORT"] or 5432) if on_primary else self.port
        host = self.primary["HOST"] or "127.0.0.1"
        with psycopg2.connect(
            host=host, port=port, user=REPLICATION_ROLE, dbname="postgres"
        ) as connection:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchone()[0] if cursor.description else None

    def wait_for_replay(self, timeout: float = 30) -> None:
        """Until the replica has replayed everything the primary has written so far."""
        target = self.admin("SELECT pg_current_wal_lsn()::text", on_primary=True)
        deadline = time.monotonic() + timeout
        while not self.admin(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"):
            if time.monotonic() > deadline:
                raise TimeoutError(f"the replica did not replay up to {target} in {timeout} s")
            time.sleep(0.05)

    def stop(self) -> None:
        stop = [str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]
        subprocess.run(_as_postgres(stop), capture_output=True, check=False)
        shutil.rmtree(self.base, ignore_errors=True)


def start_replica(primary: dict[str, Any]) -> Replica:
    """Copy the primary with pg_basebackup and start the copy as its streaming replica."""
    binaries = server_binaries()
    if binaries is None:
        raise RuntimeError("needs the PostgreSQL server binaries (Debian package postgresql)")
    base = Path(tempfile.mkdtemp(prefix="foi-replica-"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    replica = Replica(port=_free_port(), base=base, bin=binaries, primary=primary)
    try:
        _run(
            [
                str(binaries / "pg_basebackup"),
                "--host", primary["HOST"] or "127.0.0.1",
                "--port", str(primary["PORT"] or 5432),
                "--username", REPLICATION_ROLE,
                "--pgdata", str(replica.data),
                "--write-recovery-conf",
                "--wal-method", "stream",
                "--checkpoint", "fast",
                "--no-sync",
            ]
        )  # fmt: skip
        # Debian keeps the primary's configuration outside its data directory: give the copy
        # its own, for this port and loopback only.
        _write(
            replica.data / "postgresql.conf",
            f"port = {replica.port}\n"
            "listen_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{base}'\n"
            "hot_standby = on\n"
            "fsync = off\n",
        )
        _write(replica.data / "pg_hba.conf", "host all all 127.0.0.1/32 trust\n")
        _run(
            [
                str(binaries / "pg_ctl"),
                "--pgdata", str(replica.data),
                "--log", str(base / "server.log"),
                "--wait",
                "start",
            ]
        )  # fmt: skip
    except BaseException:
        log = base / "server.log"
        text = log.read_text() if log.exists() else ""
        replica.stop()
        if text:
            raise RuntimeError(f"the replica did not start:\n{text}") from None
        raise
    return replica


def _write(path: Path, text: str) -> None:
    _run(["sh", "-c", f"cat > '{path}'"], input=text)


def _run(command: list[str], input: str | None = None) -> None:
    result = subprocess.run(
        _as_postgres(command), capture_output=True, text=True, input=input, check=False
    )
    if result.returncode:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
