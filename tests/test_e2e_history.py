"""A bad or failing history never costs a scan or stops the station (issue 9, item 2), and
scan records into the history on both backends, through the real adb server."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from procs import command
from typer.testing import CliRunner

from audit.cli import app
from audit.history.store import open_history
from audit.history.target import parse_target

PHONE = "nokia61-a8-mdm"


def failing_history(path: Path) -> Path:
    """A valid history whose every write fails later (as on a full disk): a trigger refuses it."""
    open_history(parse_target(str(path)), create=True).close()
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TRIGGER refuse BEFORE INSERT ON scans "
                     "BEGIN SELECT RAISE(ABORT, 'database or disk is full (test)'); END")
    return path


def test_scan_refuses_a_bad_history_before_reading_any_phone(start_fleet, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fleet = start_fleet(PHONE)
    output = tmp_path / "fleet.csv"
    cases = {
        str(tmp_path / "no" / "such" / "h.sqlite3"): "does not exist",
        str(tmp_path): "is a directory",
        "mysql://db/x": "unsupported history URL scheme",
    }
    for value, message in cases.items():
        result = CliRunner().invoke(app, ["scan", "--adb-port", str(fleet.adb_port), "-s", fleet.serial_of(PHONE),
                                          "-f", "csv", "-o", str(output), "--history", value])
        assert result.exit_code == 2, result.stderr
        assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
        assert "attached" not in result.stderr  # no phone was looked at
        assert not output.exists()


def test_a_history_failing_after_the_scan_costs_a_warning_not_the_report(start_fleet, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fleet = start_fleet(PHONE)
    args = ["scan", "--adb-port", str(fleet.adb_port), "-s", fleet.serial_of(PHONE), "-f", "csv"]
    baseline = CliRunner().invoke(app, [*args, "-o", str(tmp_path / "base.csv"), "--no-history"])
    history = failing_history(tmp_path / "h.sqlite3")
    output = tmp_path / "fleet.csv"
    result = CliRunner().invoke(app, [*args, "-o", str(output), "--history", str(history)])
    assert result.exit_code == baseline.exit_code, result.stderr
    assert output.read_text(encoding="utf-8").count(fleet.serial_of(PHONE)) >= 1  # the report was written
    assert "warning: not recorded in the history:" in result.stderr and "disk is full (test)" in result.stderr
    assert "report written to" in result.stderr


def test_scan_records_in_the_history_on_both_backends(start_fleet, history_target: str) -> None:  # type: ignore[no-untyped-def]
    fleet = start_fleet(PHONE)
    serial = fleet.serial_of(PHONE)
    result = CliRunner().invoke(app, ["scan", "--adb-port", str(fleet.adb_port), "-q", "-f", "json", "-s", serial,
                                      "--history", history_target])
    assert result.exit_code in (0, 1), result.stderr
    with open_history(parse_target(history_target), create=False) as store:
        (phone,) = store.latest().phones
    assert phone.latest.serial == serial and phone.latest.audit.status == "audited"
    assert phone.latest.scan.source == "scan" and phone.latest.audit.model
    assert phone.latest.audit.apps  # its verdict rows


def test_scan_records_in_the_default_history_unless_told_not_to(start_fleet, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fleet = start_fleet(PHONE)
    args = ["scan", "--adb-port", str(fleet.adb_port), "-q", "-f", "csv", "-s", fleet.serial_of(PHONE)]
    CliRunner().invoke(app, args, env={"XDG_DATA_HOME": str(tmp_path / "a")})
    assert (tmp_path / "a" / "contact-audit" / "history.sqlite3").is_file()
    listing = CliRunner().invoke(app, ["history", "phones"], env={"XDG_DATA_HOME": str(tmp_path / "a")})
    assert fleet.serial_of(PHONE) in listing.stdout
    CliRunner().invoke(app, [*args, "--no-history"], env={"XDG_DATA_HOME": str(tmp_path / "b")})
    assert not (tmp_path / "b").exists()


def _station(port: int, history: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        command("station", "--adb-port", str(port), "--history", history, "--timeout", "120"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def test_station_keeps_auditing_when_its_history_fails(start_isolated_fleet, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fleet = start_isolated_fleet("pixel8-a14-critical")
    serial = fleet.serial_of("pixel8-a14-critical")
    proc = _station(fleet.adb_port, str(failing_history(tmp_path / "h.sqlite3")))
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        end = time.monotonic() + 90
        while time.monotonic() < end and not any(serial in x for x in lines):
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            out, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
    lines += out.splitlines()
    assert proc.returncode == 0, err
    assert any(serial in x and "CRITICAL" in x for x in lines), lines  # the result is still shown
    assert "warning: not recorded in the history:" in err and "disk is full (test)" in err
    assert "1 result(s) could not be recorded" in err


@pytest.mark.parametrize("history", ["mysql://x/y", "/nonexistent-dir/h.sqlite3"])
def test_station_refuses_a_bad_history_at_start(history: str) -> None:
    proc = _station(1, history)  # port 1: had it reached adb, it would say so instead
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and out == ""
    assert err.startswith("contact-audit: error:") and len(err.strip().splitlines()) == 1
    assert "adb" not in err
