"""Fixtures for the history tests: every history test runs against SQLite and a real PostgreSQL.

Import them into a test module (``from history_fixtures import history_target, pg_server``).
PostgreSQL is skipped only when no server binary can be found on this machine, with that reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pg_server import PgServer, find_bin_dir


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    bin_dir = find_bin_dir()
    if bin_dir is None:
        pytest.skip("no PostgreSQL server binary (initdb/pg_ctl) on this machine: apt-get install postgresql")
    server = PgServer(bin_dir)
    try:
        server.start()
    except Exception:
        server.stop()
        raise
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def history_target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty history: an SQLite file path, or a new PostgreSQL database's URL."""
    if request.param == "sqlite":
        return str(tmp_path / "history.sqlite3")
    server: PgServer = request.getfixturevalue("pg_server")
    return server.new_database()
