"""A phone that trickles its answer is cut off at its deadline, through the real adb server.

The adb server forwards each WRTE as it arrives, so a phone sending one byte every few hundred
milliseconds reaches the tool as a socket that is never silent long enough for a per-``recv``
timeout, yet never done. Every read must be bounded by the phone's deadline as a whole. The
bounds asserted here are correctness bounds (deadline plus a generous grace), not performance
figures: before the fix, these reads ran for minutes to hours.

Each run happens in a daemon thread (or a child process) joined with that bound, so a
regression fails the test instead of hanging the suite; the fleet's teardown then ends it.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import subprocess
import sys
import threading
import time
from typing import Any

import pytest

from audit.adb import AdbHost
from audit.errors import DeviceError
from audit.policy import default_policy
from audit.results import DeviceResult, DeviceStatus
from audit.scan import audit_one
from audit.simulator.profile import Faults, load_profile

# Correctness bounds, not performance figures: the bug they catch ran for hours, so they can be
# generous enough for a niced test on a loaded 2-core machine (seen: a child interpreter needing
# several seconds just to import the CLI).
GRACE_S = 10.0  # scheduling past the deadline
STARTUP_S = 20.0  # a child interpreter importing the CLI before the deadline starts


def trickling(name: str, trickle_ms: int) -> Any:
    profile = load_profile("pixel8-a14-critical")
    return dataclasses.replace(profile, name=name, faults=Faults(trickle_ms=trickle_ms))


def run_bounded(target: Any, bound: float) -> tuple[bool, float, list[Any]]:
    """(finished within ``bound``, seconds taken, [result or exception])."""
    box: list[Any] = []

    def work() -> None:
        try:
            box.append(target())
        except BaseException as exc:
            box.append(exc)

    started = time.monotonic()
    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    thread.join(bound)
    return not thread.is_alive(), time.monotonic() - started, box


def test_a_trickled_output_is_cut_off_at_the_phones_deadline(start_fleet) -> None:  # type: ignore[no-untyped-def]
    """A byte every 150 ms: the push reply arrives in time, then the collector's output never
    ends. The scan's path reports the phone as timeout at its deadline, not at the pool's grace."""
    fleet = start_fleet(trickling("trickle-output", 150))
    host = AdbHost(fleet.adb_port)
    timeout = 4.0

    def audit() -> DeviceResult:
        return audit_one(host, fleet.serials[0], default_policy(), timeout=timeout)

    done, took, box = run_bounded(audit, timeout + GRACE_S)
    assert done, f"still reading {took:.1f}s after a {timeout}s deadline"
    [result] = box
    assert isinstance(result, DeviceResult)
    assert result.status is DeviceStatus.TIMEOUT, result.error
    assert "deadline" in (result.error or "")


def test_collect_stops_at_its_timeout_while_the_push_reply_trickles(start_fleet, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The issue's case: ``collect --timeout T`` stayed alive for hours. A byte every 2 s, as
    there, makes even the 8-byte push reply outlast T. One line on stderr, exit 3, no traceback."""
    fleet = start_fleet(trickling("trickle-push", 2000))
    timeout = 3
    env = dict(os.environ, HOME=str(tmp_path), NO_COLOR="1")
    env.pop("CONTACT_AUDIT_SERIAL", None)
    started = time.monotonic()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "audit", "collect", "--serial", fleet.serials[0],
             "--adb-port", str(fleet.adb_port), "--timeout", str(timeout)],
            capture_output=True, text=True, timeout=timeout + GRACE_S + STARTUP_S, env=env, cwd=tmp_path,
            check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        pytest.fail(f"collect --timeout {timeout} still ran after {time.monotonic() - started:.1f}s")
    assert proc.returncode == 3, proc.stderr
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "deadline" in lines[0], proc.stderr


def test_a_command_output_past_the_cap_is_an_error_not_a_read(start_fleet) -> None:  # type: ignore[no-untyped-def]
    fleet = start_fleet("pixel8-a14-critical")
    host = AdbHost(fleet.adb_port)
    serial = fleet.serials[0]
    deadline = time.monotonic() + 120  # never meant to expire
    assert len(host.shell_bytes(serial, "seq 1 1000", deadline, limit=100_000)) < 100_000
    with pytest.raises(DeviceError) as caught:
        host.shell_bytes(serial, "yes | head -c 300000", deadline, limit=100_000)
    assert caught.value.status == DeviceStatus.ERROR.value
    assert "100000 bytes" in str(caught.value)


def test_a_scan_lists_the_trickling_phone_as_timeout_with_severity_unknown(start_fleet, tmp_path) -> None:  # type: ignore[no-untyped-def]
    fleet = start_fleet(trickling("trickle-scan", 150))
    timeout = 3
    env = dict(os.environ, HOME=str(tmp_path), NO_COLOR="1")
    proc = subprocess.run(
        [sys.executable, "-m", "audit", "scan", "--serial", fleet.serials[0], "--adb-port", str(fleet.adb_port),
         "--timeout", str(timeout), "--format", "csv"],
        capture_output=True, text=True, timeout=timeout + GRACE_S + STARTUP_S + 5.0, env=env, cwd=tmp_path,
        check=False,
    )  # fmt: skip
    assert proc.returncode == 3, proc.stderr
    [row] = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert (row["device_status"], row["severity"]) == ("timeout", "unknown")
    assert "deadline" in row["device_error"]
