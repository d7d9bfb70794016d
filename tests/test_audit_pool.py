"""AuditPool matches each result to the run that produced it.

A phone abandoned at its deadline keeps its worker thread; when the phone is plugged in again
and audited anew, the first run may still finish late. Its result belongs to no one: the new
run's own result is the one to report. The audit function is a stand-in here on purpose: the
subject is the pool's bookkeeping, and a real phone cannot be made to finish on cue.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from audit.adb import AdbHost
from audit.policy import default_policy
from audit.results import DeviceResult, DeviceStatus
from audit.scan import AuditPool


class ScriptedAudits:
    """Run N of a serial blocks until ``release(N)``, then reports ``"run N"`` as its error."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._runs = 0
        self._gates: dict[int, threading.Event] = {}

    def gate(self, run: int) -> threading.Event:
        with self._lock:
            return self._gates.setdefault(run, threading.Event())

    def release(self, run: int) -> None:
        self.gate(run).set()

    def __call__(self, host: AdbHost, serial: str, policy: Any, **_: Any) -> DeviceResult:
        with self._lock:
            self._runs += 1
            run = self._runs
        self.gate(run).wait(30)
        return DeviceResult(serial, DeviceStatus.ERROR, f"run {run}")


def _wait_for(pool: AuditPool, seconds: float) -> list[DeviceResult]:
    out: list[DeviceResult] = []
    end = time.monotonic() + seconds
    while time.monotonic() < end and not out:
        out = pool.wait(0.05)
    return out


def test_a_late_result_of_an_abandoned_run_is_not_taken_for_the_next_run() -> None:
    audits = ScriptedAudits()
    pool = AuditPool(AdbHost(1), default_policy(), timeout=0.2, jobs=4, grace=0.1, audit=audits)
    try:
        pool.start("phone")
        first = _wait_for(pool, 5.0)
        assert [(r.serial, r.status) for r in first] == [("phone", DeviceStatus.TIMEOUT)]
        assert "phone" not in pool

        pool.start("phone")  # replugged: a second run
        audits.release(1)  # the abandoned first run finishes late
        time.sleep(0.2)
        assert pool.wait(0.2) == [], "the first run's late result was taken for the second run"
        assert "phone" in pool

        audits.release(2)
        second = _wait_for(pool, 5.0)
        assert [(r.serial, r.error) for r in second] == [("phone", "run 2")]
        assert len(pool) == 0
    finally:
        for run in (1, 2):
            audits.release(run)


def test_results_of_different_phones_are_kept_apart() -> None:
    audits = ScriptedAudits()
    pool = AuditPool(AdbHost(1), default_policy(), timeout=10.0, jobs=4, audit=audits)
    try:
        pool.start("a")
        pool.start("b")
        assert pool.full is False and len(pool) == 2
        audits.release(1)
        audits.release(2)
        results: list[DeviceResult] = []
        end = time.monotonic() + 5.0
        while len(results) < 2 and time.monotonic() < end:
            results += pool.wait(0.05)
        assert sorted(r.serial for r in results) == ["a", "b"]
        assert sorted(r.error or "" for r in results) == ["run 1", "run 2"]
        assert len(pool) == 0
    finally:
        audits.release(1)
        audits.release(2)
