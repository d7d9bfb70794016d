"""Operating mistakes a new user makes: each gets one line that names what is wrong.

Through the real adb server where a server is involved (a serial that is not attached), and
through a child process where the mistake is in the environment (ANDROID_ADB_SERVER_PORT, which
adbutils parses when it is imported).
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audit.adb import bundled_adb
from audit.cli import app
from audit.simulator.harness import AdbServer, free_port


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "audit", *args], capture_output=True, text=True, timeout=120,
                          env=env, check=False)


@pytest.mark.parametrize("value", ["abc", "0", "70000", "50 37"])
@pytest.mark.parametrize("args", [("devices",), ("scan",), ("collect", "-s", "x"), ("station",),
                                  ("fix", "-s", "x", "--user", "0", "--package", "com.whatsapp", "--dry-run"),
                                  ("simulate", "pixel8-a14-critical")])
def test_a_bad_adb_port_variable_is_one_line_naming_it(args: tuple[str, ...], value: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONTACT_AUDIT_")}
    env["ANDROID_ADB_SERVER_PORT"] = value
    proc = run(*args, env=env)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("contact-audit: error: ANDROID_ADB_SERVER_PORT is "), lines[0]
    assert "internal error" not in proc.stderr and proc.stdout == ""


@pytest.mark.parametrize("args", [
    ("collect", "-s", "nosuch"),
    ("fix", "-s", "nosuch", "--user", "0", "--package", "com.whatsapp", "--dry-run"),
])
def test_a_serial_that_is_not_attached_is_named_with_a_pointer_to_devices(adb_server: AdbServer,
                                                                           args: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*args, "--adb-port", str(adb_server.port)])
    assert result.exit_code == 3, result.stderr
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1
    assert "'nosuch'" in line and "not attached" in line and "contact-audit devices" in line, line
    assert "gone" not in line and result.stdout == ""


def test_devices_gives_ready_phones_a_hint_and_spells_models_as_scan_does(start_isolated_fleet) -> None:  # type: ignore[no-untyped-def]
    fleet = start_isolated_fleet("galaxy-a54-a13-securefolder", "xperia-xz-a7-unauthorized")
    result = CliRunner().invoke(app, ["devices", "--adb-port", str(fleet.adb_port)])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    galaxy = next(x for x in lines if fleet.serial_of("galaxy-a54-a13-securefolder") in x)
    assert "SM-A546B" in galaxy and "SM_A546B" not in galaxy  # the phone's spelling, as in a scan
    assert "ready to audit" in galaxy
    locked = next(x for x in lines if fleet.serial_of("xperia-xz-a7-unauthorized") in x)
    assert "RSA" in locked and "ready" not in locked
    assert "started" not in result.stderr  # the server was running: nothing to say

    locked_serial = fleet.serial_of("xperia-xz-a7-unauthorized")
    for fmt in ("table", "csv"):
        scanned = CliRunner().invoke(app, ["scan", "--adb-port", str(fleet.adb_port), "-s", locked_serial, "-f", fmt])
        assert scanned.exit_code == 3
        both = scanned.stdout + scanned.stderr
        assert "RSA" in scanned.stdout and "unauthorized" in both
        assert "unauthorized: unauthorized" not in both and "(unauthorized): unauthorized" not in both, both


def test_devices_says_when_it_starts_a_background_server(tmp_path: Path) -> None:
    port = free_port()
    home = tmp_path / "home"
    (home / ".android").mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANDROID_", "ADB_", "CONTACT_AUDIT_"))}
    env.update(HOME=str(home), ANDROID_USER_HOME=str(home / ".android"), ADB_MDNS="0", ADB_USB="0")
    try:
        proc = run("devices", "--adb-port", str(port), env=env)
        assert proc.returncode == 0, proc.stderr
        assert f"started one; it keeps running in the background (`adb -P {port} kill-server`" in proc.stderr
    finally:
        subprocess.run([str(bundled_adb()), "-P", str(port), "kill-server"], env=env, capture_output=True,
                       timeout=30, check=False)


def test_last_contacts_access_is_an_utc_time_from_the_phones_clock(start_fleet) -> None:  # type: ignore[no-untyped-def]
    """The simulated phone's ``date`` is the host's clock and its app-ops say READ_CONTACTS was used
    1h47m12s301ms ago (pixel8-a14-critical.toml), so the time must lie that far before the scan."""
    fleet = start_fleet("pixel8-a14-critical")
    before = datetime.now(UTC)
    result = CliRunner().invoke(app, ["scan", "--adb-port", str(fleet.adb_port), "-f", "json", "-q"])
    after = datetime.now(UTC)
    (verdict,) = json.loads(result.stdout)["devices"][0]["verdicts"]
    assert verdict["last_contacts_access_text"] == "+1h47m12s301ms ago"
    when = datetime.fromisoformat(verdict["last_contacts_access"].replace("Z", "+00:00"))
    ago = timedelta(hours=1, minutes=47, seconds=12, milliseconds=301)
    assert before - ago - timedelta(seconds=2) <= when <= after - ago + timedelta(seconds=1), (before, when, after)

    csv_out = CliRunner().invoke(app, ["scan", "--adb-port", str(fleet.adb_port), "-f", "csv", "-q"]).stdout
    (row,) = list(csv.DictReader(io.StringIO(csv_out)))
    assert row["last_contacts_access"].endswith("Z") and not row["last_contacts_access"].startswith("'")
