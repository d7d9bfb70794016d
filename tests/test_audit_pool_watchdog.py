"""AuditPool's own watchdog, on its own: a worker that ignores its deadline is dropped after deadline + grace.

The frozen-phone end-to-end tests are stopped by the adb layer's deadline first, so they never
reach this guarantee. Here the collector itself hangs (the bug the watchdog is there for: a
call that ignores the deadline), so only the pool can free the slot. No adb server is used.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from judgement_fixtures import policy

import audit.scan as scan_module
from audit.adb import AdbHost
from audit.results import DeviceResult, DeviceStatus
from audit.scan import AuditPool
from audit.simulator.harness import free_port


@pytest.fixture
def hanging_collector(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """``collect`` blocks until the test releases it, whatever the deadline says."""
    release = threading.Event()

    def collect(*args: object, **kwargs: object) -> object:
        release.wait(60)
        raise scan_module.DeviceError("error", "released")

    monkeypatch.setattr(scan_module, "collect", collect)
    yield release
    release.set()


def pool(timeout: float, jobs: int = 1, grace: float = scan_module.GRACE_S) -> AuditPool:
    return AuditPool(AdbHost(free_port()), policy(), timeout=timeout, jobs=jobs, grace=grace)


def wait_for_results(audits: AuditPool, limit: float = 30.0) -> list[DeviceResult]:
    """Poll like the scan loop does; the limit only bounds a broken watchdog."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        results = audits.wait(0.05)
        if results:
            return results
    return []


def test_a_hung_worker_is_reported_as_timeout_and_frees_its_slot(
    hanging_collector: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    audits = pool(timeout=0.1, grace=0.2)
    audits.start("SERIAL1")
    assert audits.full and "SERIAL1" in audits
    results = wait_for_results(audits)
    assert [(r.serial, r.status) for r in results] == [("SERIAL1", DeviceStatus.TIMEOUT)]
    assert results[0].duration_s == pytest.approx(0.1 + 0.2)
    assert len(audits) == 0 and not audits.full and "SERIAL1" not in audits
    # the worker finishing late changes nothing: its result is dropped
    hanging_collector.set()
    time.sleep(0.2)
    assert audits.wait(0.2) == []


def test_the_grace_period_is_granted_after_the_deadline(
    hanging_collector: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    audits = pool(timeout=0.01, grace=3600.0)
    audits.start("SERIAL1")
    time.sleep(0.05)  # past the deadline, far inside the grace period
    assert audits.wait(0.05) == []
    assert "SERIAL1" in audits and audits.full


def test_no_timeout_before_the_deadline(hanging_collector: threading.Event, monkeypatch: pytest.MonkeyPatch) -> None:
    audits = pool(timeout=3600.0, jobs=2, grace=0.0)
    audits.start("SERIAL1")
    assert audits.wait(0.05) == []
    assert not audits.full and len(audits) == 1


def test_a_result_in_time_is_returned_once(monkeypatch: pytest.MonkeyPatch) -> None:
    def collect(*args: object, **kwargs: object) -> object:
        raise scan_module.DeviceError("offline", "the phone is gone")

    monkeypatch.setattr(scan_module, "collect", collect)
    audits = pool(timeout=3600.0)
    audits.start("SERIAL1")
    results = wait_for_results(audits)
    assert [(r.serial, r.status) for r in results] == [("SERIAL1", DeviceStatus.OFFLINE)]
    assert len(audits) == 0
    assert audits.wait(0.05) == []
