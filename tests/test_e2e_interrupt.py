"""Ctrl-C and SIGTERM during a fleet scan, through the real adb server and a child process.

Two slow phones (every Android command stub sleeps first) are still running when the signal
arrives; one quick phone has finished. The report must list all three: the slow ones as
``interrupted`` rows (never dropped), and say that the scan was interrupted. A second Ctrl-C
quits at once, without a report.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from procs import child, stop
from test_report_json import schema, validate

from audit.simulator.profile import Faults, load_profile

WAIT_S = 120.0  # correctness bound for a loaded machine, not a performance figure


def slow(name: str) -> Any:
    """A phone whose every command takes 3 s: a collection takes far longer than the test waits."""
    return dataclasses.replace(load_profile("pixel8-a14-critical"), name=name, faults=Faults(latency_ms=3000))


def _read_until(proc: subprocess.Popen[str], needle: str) -> str:
    """stderr of ``proc`` up to the first line holding ``needle`` (or its end)."""
    assert proc.stderr is not None
    seen = ""
    end = time.monotonic() + WAIT_S
    while time.monotonic() < end and needle not in seen:
        line = proc.stderr.readline()
        if not line:
            break
        seen += line
    return seen


def _scan(fleet: Any, out: Path, fmt: str) -> Any:
    return child("scan", "--adb-port", str(fleet.adb_port), "-f", fmt, "-o", str(out), "--timeout", "300",
                 "-s", fleet.serial_of("nokia61-a8-mdm"), "-s", fleet.serial_of("slow1"),
                 "-s", fleet.serial_of("slow2"),
                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ, PYTHONUNBUFFERED="1"))


def test_ctrl_c_lists_phones_in_flight_as_interrupted_in_the_csv(start_fleet, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fleet = start_fleet("nokia61-a8-mdm", slow("slow1"), slow("slow2"))
    out = tmp_path / "fleet.csv"
    with _scan(fleet, out, "csv") as proc:
        seen = _read_until(proc, "verdict(s)")  # the quick phone is done, the slow ones are not
        assert "verdict(s)" in seen, seen
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=WAIT_S)
    assert proc.returncode == 3, err  # a gap in the audit, not a pass
    assert "stopping" in err and "interrupted" in err
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    status = {r["serial"]: r["device_status"] for r in rows}
    assert status == {fleet.serial_of("nokia61-a8-mdm"): "audited",
                      fleet.serial_of("slow1"): "interrupted", fleet.serial_of("slow2"): "interrupted"}
    assert {r["scan_interrupted"] for r in rows} == {"true"}
    stopped = [r for r in rows if r["device_status"] == "interrupted"]
    assert {r["severity"] for r in stopped} == {"unknown"}
    assert all("stopped" in r["device_error"] for r in stopped)


def test_sigterm_acts_like_ctrl_c_and_the_json_keeps_every_phone(start_fleet, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fleet = start_fleet("nokia61-a8-mdm", slow("slow1"), slow("slow2"))
    out = tmp_path / "fleet.json"
    with _scan(fleet, out, "json") as proc:
        assert "verdict(s)" in _read_until(proc, "verdict(s)")
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=WAIT_S)
    assert proc.returncode == 3, err
    doc = json.loads(out.read_text(encoding="utf-8"))
    validate(doc, schema())
    assert doc["interrupted"] is True
    statuses = sorted(d["status"] for d in doc["devices"])
    assert statuses == ["audited", "interrupted", "interrupted"]
    assert doc["summary"]["not_audited_by_status"]["interrupted"] == 2
    assert all(d["severity"] == "unknown" for d in doc["devices"] if d["status"] == "interrupted")


def test_a_second_ctrl_c_quits_at_once_without_a_report(start_fleet, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fleet = start_fleet("nokia61-a8-mdm", slow("slow1"), slow("slow2"))
    out = tmp_path / "fleet.csv"
    with _scan(fleet, out, "csv") as proc:
        assert "phone(s) attached" in _read_until(proc, "phone(s) attached")
        proc.send_signal(signal.SIGINT)
        assert "stopping" in _read_until(proc, "stopping")
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=WAIT_S)
    assert proc.returncode == 130, err
    assert "quitting at once" in err and "Traceback" not in err
    assert not out.exists()
    assert not list(tmp_path.glob(".fleet.csv.*")), "no temporary file may be left behind"


def test_station_lists_a_phone_in_flight_as_interrupted_and_quits_on_a_second_ctrl_c(start_isolated_fleet) -> None:  # type: ignore[no-untyped-def]
    fleet = start_isolated_fleet(slow("slow1"))
    args = ("station", "--adb-port", str(fleet.adb_port), "--no-history", "--timeout", "300")
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    with child(*args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) as proc:
        assert "auditing" in _read_until(proc, "auditing")
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=WAIT_S)
    assert proc.returncode == 0, err
    assert f"{fleet.serial_of('slow1')}: Not audited (interrupted)" in out
    assert "station stopped" in err

    with child(*args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) as proc:
        assert "auditing" in _read_until(proc, "auditing")
        proc.send_signal(signal.SIGINT)
        assert "stopping" in _read_until(proc, "stopping")
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=WAIT_S)
    assert proc.returncode == 130, err
    assert "quitting at once" in err and "station stopped" not in err


IGNORING = ("import signal, sys; signal.signal(signal.SIGINT, signal.SIG_IGN); "
            "sys.argv[0] = 'contact-audit'; from audit.cli import main; main()")


def test_a_background_job_keeps_ignoring_sigint_and_stops_on_sigterm(start_fleet, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Started with SIGINT ignored (a shell's background job), the terminal's Ctrl-C is not for it."""
    fleet = start_fleet("nokia61-a8-mdm", slow("slow1"), slow("slow2"))
    out = tmp_path / "fleet.csv"
    proc = subprocess.Popen(
        [sys.executable, "-c", IGNORING, "scan", "--adb-port", str(fleet.adb_port), "-f", "csv", "-o", str(out),
         "--timeout", "300", "-s", fleet.serial_of("nokia61-a8-mdm"), "-s", fleet.serial_of("slow1"),
         "-s", fleet.serial_of("slow2")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ, PYTHONUNBUFFERED="1"))
    try:
        assert "verdict(s)" in _read_until(proc, "verdict(s)")
        proc.send_signal(signal.SIGINT)
        time.sleep(1.0)  # give an (unwanted) reaction time to show; the slow phones take far longer
        assert proc.poll() is None and not out.exists()
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=WAIT_S)
    finally:
        stop(proc)
    assert proc.returncode == 3, err
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert sorted(r["device_status"] for r in rows) == ["audited", "interrupted", "interrupted"]
