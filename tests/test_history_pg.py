"""PostgreSQL specifics: the privileges docs/history.md documents, and a server that restarts.

Against the real server the ``pg_server`` fixture starts (skipped, saying why, only when this
machine has no PostgreSQL server binaries).
"""

from __future__ import annotations

import dataclasses
import secrets

from pg_server import PgServer
from test_report_builders import fleet
from typer.testing import CliRunner

from audit.cli import app
from audit.history.store import open_history
from audit.history.target import parse_target


def _role(server: PgServer) -> tuple[str, str]:
    name, password = f"station_{secrets.token_hex(4)}", secrets.token_hex(8)
    server.sql("postgres", f"CREATE ROLE {name} LOGIN PASSWORD '{password}'")
    return name, password


def test_a_station_role_with_the_documented_grants_records_and_reads(pg_server: PgServer) -> None:
    owner_url = pg_server.new_database()
    database = owner_url.rsplit("/", 1)[1]
    code = CliRunner().invoke(app, ["history", "--history", owner_url]).exit_code  # the owner creates the tables
    assert code == 0
    role, password = _role(pg_server)
    pg_server.sql(database,
                  f"GRANT CONNECT ON DATABASE {database} TO {role}",
                  f"GRANT USAGE ON SCHEMA public TO {role}",
                  f"GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO {role}")
    station_url = pg_server.url(database, role, password)
    with open_history(parse_target(station_url), create=True) as store:
        assert store.record(fleet(), "station")
        assert store.record(dataclasses.replace(fleet(), scan_id="later", scanned_at="2026-06-01T00:00:00Z"), "scan")
    result = CliRunner().invoke(app, ["history", "phones", "--history", station_url])
    assert result.exit_code == 0 and "SIMA0001" in result.stdout
    assert password not in result.stdout + result.stderr


def test_a_role_that_may_not_create_the_tables_gets_one_line(pg_server: PgServer) -> None:
    database = pg_server.new_database().rsplit("/", 1)[1]
    role, password = _role(pg_server)
    pg_server.sql(database, f"GRANT CONNECT ON DATABASE {database} TO {role}")
    result = CliRunner().invoke(app, ["scan", "-q", "--adb-port", "1", "--history",
                                      pg_server.url(database, role, password)])
    assert result.exit_code == 2  # refused before any phone (or adb server) is touched
    assert "may not do this" in result.stderr and "docs/history.md" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and password not in result.stderr


def test_recording_survives_a_server_restart(pg_server: PgServer) -> None:
    """A station's connection cut by a server restart: the next record reconnects and succeeds."""
    url = pg_server.new_database()
    with open_history(parse_target(url), create=True) as store:
        assert store.record(fleet(), "station")
        connection = store.db
        pg_server.restart()
        assert store.record(dataclasses.replace(fleet(), scan_id="after-restart"), "station")
        assert store.db is not connection  # it did find the old connection cut, and reconnected
        assert {s.info.scan_id for s in store.scans()} == {fleet().scan_id, "after-restart"}


def test_an_unreachable_server_is_one_line_before_the_scan() -> None:
    result = CliRunner().invoke(app, ["scan", "-q", "--adb-port", "1", "--history",
                                      "postgresql://station:pw-secret@127.0.0.1:1/contact_audit"])
    assert result.exit_code == 2
    assert "cannot use the history server 'postgresql://station:***@127.0.0.1:1/contact_audit'" in result.stderr
    assert "pw-secret" not in result.stderr and len(result.stderr.strip().splitlines()) == 1

