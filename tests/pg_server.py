"""A throwaway PostgreSQL server from the machine's own binaries (Debian's `postgresql`).

Why not a mock or a container: the history's PostgreSQL backend must be tested against the real
server (transactions, upserts, privileges). The server runs on a free loopback port with its data
in a temporary directory, as an unprivileged user when we are root (initdb refuses root), and is
stopped and deleted afterwards. Used by the tests (tests/history_fixtures.py) and by
bench/bench_history.py.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from procs import RUN_MARK


def find_bin_dir() -> Path | None:
    """The directory holding initdb, pg_ctl and postgres, or None when the machine has none."""
    candidates: list[Path] = []
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)

    def version(path: str) -> int:
        try:
            return int(Path(path).parent.parent.name)
        except ValueError:
            return 0

    for found in sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=version, reverse=True):
        candidates.append(Path(found).parent)
    for directory in candidates:
        if all((directory / name).is_file() for name in ("initdb", "pg_ctl", "postgres")):
            return directory
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgServer:
    """initdb + pg_ctl start in a temporary directory; ``stop`` removes everything."""

    def __init__(self, bin_dir: Path, *, durable: bool = False) -> None:
        self.bin_dir = bin_dir
        self.durable = durable  # False (tests): fsync off; True (benchmarks): the server's defaults
        root = os.geteuid() == 0
        # as root the server runs as "nobody", who must be able to reach its directory: /tmp, not a
        # private TMPDIR
        self.dir = Path(tempfile.mkdtemp(prefix="contact-audit-pg-", dir="/tmp" if root and os.path.isdir("/tmp") else None))
        self.data = self.dir / "data"
        self.port = _free_port()
        self._run_as: dict[str, Any] = {}
        self._counter = 0
        if root:  # initdb and postgres refuse to run as root
            nobody = pwd.getpwnam("nobody")
            os.chown(self.dir, nobody.pw_uid, nobody.pw_gid)
            self._run_as = {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []}
        os.chmod(self.dir, 0o700)

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, database: str, user: str = "postgres", password: str | None = None) -> str:
        auth = f"{user}:{password}" if password else user
        return f"postgresql://{auth}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> None:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "HOME": str(self.dir)}
        if RUN_MARK in os.environ:  # so a postmaster left running fails the run (conftest)
            env[RUN_MARK] = os.environ[RUN_MARK]
        result = subprocess.run([str(self.bin_dir / args[0]), *args[1:]], cwd=self.dir, env=env,
                                capture_output=True, text=True, timeout=120, check=False, **self._run_as)
        if result.returncode != 0:
            log = (self.dir / "log").read_text(errors="replace") if (self.dir / "log").exists() else ""
            raise RuntimeError(f"{args[0]} failed ({result.returncode}): {result.stderr.strip()} {log[-2000:]}")

    def start(self) -> PgServer:
        # password auth on TCP (so the privilege tests can log in as a station role), trust for the
        # superuser "postgres" the fixture itself uses
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth-local=trust", "--auth-host=trust",
                  "-E", "UTF8", "--locale=C", "--no-sync")
        with open(self.data / "pg_hba.conf", "w", encoding="ascii") as hba:
            hba.write("local all all trust\nhost all postgres 127.0.0.1/32 trust\n"
                      "host all all 127.0.0.1/32 scram-sha-256\n")
        options = [f"-p {self.port}", "-c listen_addresses=127.0.0.1", f"-c unix_socket_directories={self.dir}"]
        if not self.durable:
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.dir / "log"), "-w", "-t", "60",
                  "-o", " ".join(options), "start")
        return self

    def new_database(self) -> str:
        """A fresh, empty database; returns its URL (superuser)."""
        import psycopg

        self._counter += 1
        name = f"history_{self._counter}"
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def sql(self, database: str, *statements: str) -> None:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)  # type: ignore[call-overload]

    def restart(self) -> None:
        """Stop and start again (open connections are cut, as when a server is restarted)."""
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.dir / "log"), "-m", "fast", "-w", "-t", "60",
                  "restart")

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "-t", "60", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
