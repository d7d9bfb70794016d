"""The plug-and-audit station and the history, through the real adb server."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

from procs import child
from typer.testing import CliRunner

from audit.adb import AdbHost
from audit.cli import app
from audit.history.store import open_history
from audit.history.target import parse_target


def _wait_for(proc: subprocess.Popen[str], needle: str, lines: list[str], seconds: float = 150) -> None:
    assert proc.stdout is not None
    end = time.monotonic() + seconds
    while time.monotonic() < end and not any(needle in line for line in lines):
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)


def test_station_audits_each_phone_once_per_plug_and_records_history(start_isolated_fleet, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fleet = start_isolated_fleet("pixel8-a14-critical", "xperia-xz-a7-unauthorized")
    port = str(fleet.adb_port)
    history = tmp_path / "history.sqlite3"
    pixel, locked = fleet.serial_of("pixel8-a14-critical"), fleet.serial_of("xperia-xz-a7-unauthorized")
    lines: list[str] = []
    with child("station", "--adb-port", port, "--history", str(history), "--timeout", "120",
               stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        _wait_for(proc, "CRITICAL", lines)
        _wait_for(proc, "unauthorized", lines)
        time.sleep(2.5)  # two more polls: neither phone may be reported again while it stays plugged in
        host = AdbHost(fleet.adb_port)
        host.disconnect_tcp(pixel)
        time.sleep(1.5)
        host.connect_tcp(pixel)
        before = len([x for x in lines if pixel in x])
        later: list[str] = []
        _wait_for(proc, "CRITICAL", later)  # read on until the replugged phone's line
        lines += later
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    lines += out.splitlines()
    assert proc.returncode == 0, err
    pixel_lines = [x for x in lines if pixel in x]
    assert before == 1 and len(pixel_lines) == 2, lines
    assert all("CRITICAL" in x for x in pixel_lines)
    assert len([x for x in lines if locked in x]) == 1 and "RSA" in next(x for x in lines if locked in x)
    assert "station stopped" in err

    with open_history(parse_target(str(history)), create=False) as store:
        scans = store.scans()
    assert len(scans) == 2  # the unauthorized phone is a hint, not an audit
    assert all(s.serial == pixel and s.info.source == "station" for s in scans)
    listing = CliRunner().invoke(app, ["history", "--history", str(history), "-s", pixel])
    assert listing.exit_code == 0 and listing.stdout.count("critical") == 4  # worst and the WhatsApp row, twice
    listing = CliRunner().invoke(app, ["history", "--history", str(history)])
    model = scans[0].model
    assert model and listing.stdout.count(f"{pixel} ({model})") == 2  # station audits name phone and model


def test_scan_records_its_report_in_the_history(start_fleet, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fleet = start_fleet("nokia61-a8-mdm")
    serial = fleet.serial_of("nokia61-a8-mdm")
    history = tmp_path / "h.sqlite3"
    result = CliRunner().invoke(app, ["scan", "--adb-port", str(fleet.adb_port), "-q", "-f", "csv", "-s", serial,
                                      "--history", str(history)])
    assert result.exit_code == 0
    with open_history(parse_target(str(history)), create=False) as store:
        (phone,) = store.latest().phones
    assert phone.latest.serial == serial and phone.latest.audit.status == "audited"
    assert phone.latest.scan.source == "scan"
