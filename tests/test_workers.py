"""Worker processes (audit/workers.py): same results as in-process, and a failure costs one phone."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest
from test_parse_snapshot import PACKAGES, PHONES, collection

from audit.adb import AdbHost
from audit.classify import NumberCache
from audit.collect import collect
from audit.policy import load_policy
from audit.results import DeviceStatus
from audit.scan import assess_collection, audit_one, collect_packages, worker_count
from audit.workers import WorkerPool

POLICY = load_policy(Path(__file__).resolve().parent.parent / "audit" / "data" / "demo-policy.toml")
READY_S = 60.0  # a loaded 2-core machine can take seconds to start a Python process


@pytest.fixture
def one_worker():  # type: ignore[no-untyped-def]
    with WorkerPool(1, POLICY) as pool:
        assert pool.wait_ready(READY_S), "the worker process did not start"
        yield pool


def test_a_worker_gives_the_in_process_result_for_every_fixture_phone(one_worker: WorkerPool) -> None:
    cache = NumberCache()
    for phone in PHONES:
        here = assess_collection(f"serial-{phone}", collection(phone), PACKAGES, POLICY, cache)
        there = one_worker.audit(f"serial-{phone}", collection(phone), PACKAGES, time.monotonic() + 60)
        assert there is not None
        assert there == here  # exposed-number digests too: the worker uses this process's key
    assert one_worker.audited == len(PHONES)
    assert one_worker.failures == 0


def test_a_dead_worker_costs_one_phone_and_is_replaced(one_worker: WorkerPool) -> None:
    phone = "a14_workprofile"
    for worker in one_worker._idle:
        worker.process.kill()
        worker.process.wait()
    lost = one_worker.audit("lost", collection(phone), PACKAGES, time.monotonic() + 60)
    assert lost is not None
    assert lost.status is DeviceStatus.ERROR
    assert "worker process" in (lost.error or "")
    assert one_worker.failures == 1
    assert one_worker.wait_ready(READY_S), "no replacement worker"
    fine = one_worker.audit("fine", collection(phone), PACKAGES, time.monotonic() + 60)
    assert fine is not None
    assert fine.status is DeviceStatus.AUDITED


def test_a_worker_past_the_deadline_times_the_phone_out_and_is_replaced(one_worker: WorkerPool) -> None:
    late = one_worker.audit("late", collection("a13_pixel"), PACKAGES, time.monotonic() - 1)
    assert late is not None
    assert late.status is DeviceStatus.TIMEOUT
    assert one_worker.failures == 1  # killed: it may still be busy with the phone
    assert one_worker.wait_ready(READY_S)
    again = one_worker.audit("again", collection("a13_pixel"), PACKAGES, time.monotonic() + 60)
    assert again is not None
    assert again.status is DeviceStatus.AUDITED


def test_without_a_ready_worker_the_phone_is_audited_in_process() -> None:
    with WorkerPool(1, POLICY) as starting:  # a Python process needs far more than this call to start
        assert starting.audit("x", collection("a13_pixel"), PACKAGES, time.monotonic() + 60) is None
    with WorkerPool(0, POLICY) as none:
        assert none.audit("x", collection("a13_pixel"), PACKAGES, time.monotonic() + 60) is None
    closed = WorkerPool(1, POLICY)
    closed.close()
    assert closed.audit("x", collection("a13_pixel"), PACKAGES, time.monotonic() + 60) is None


@pytest.mark.parametrize(
    ("requested", "phones", "jobs", "expected"),
    [
        (None, 1, 16, 0),  # one phone: handing it over only adds the copy
        (0, 10, 16, 0),
        (4, 2, 16, 2),  # never more than phones
        (4, 10, 3, 3),  # nor more than phones audited at once
        (2, 10, 16, 2),
    ],
)
def test_worker_count(requested: int | None, phones: int, jobs: int, expected: int) -> None:
    assert worker_count(requested, phones, jobs) == expected


def test_worker_count_by_default_leaves_one_core_to_the_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.sched_getaffinity", lambda _pid: {0, 1, 2, 3}, raising=False)
    assert worker_count(None, 10, 16) == 3
    assert worker_count(None, 2, 16) == 2
    assert worker_count(None, 10, 2) == 2
    monkeypatch.setattr("os.sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    assert worker_count(None, 10, 16) == 0  # measured slower than none on 2 cores
    assert worker_count(2, 10, 16) == 2  # unless asked for


def test_phones_audited_by_a_worker_match_the_in_process_audit(start_fleet) -> None:  # type: ignore[no-untyped-def]
    """Through the real adb server: one collection per phone, parsed and classified here and in
    the worker. (Two collections would differ: each reads the phone's clock, which dates the last
    contacts access.)"""
    fleet = start_fleet("pixel8-a14-critical", "motog8-a10-colleagues", "pixel7-a15-workprofile")
    host = AdbHost(fleet.adb_port)
    packages = collect_packages(POLICY)
    with WorkerPool(2, POLICY) as pool:
        assert pool.wait_ready(READY_S)
        for serial in fleet.serials:
            collected = collect(host, serial, packages, deadline=time.monotonic() + 60)
            here = assess_collection(serial, collected, packages, POLICY, NumberCache())
            there = pool.audit(serial, collected, packages, time.monotonic() + 60)
            assert there is not None and there.status is DeviceStatus.AUDITED
            assert replace(there, duration_s=0) == replace(here, duration_s=0)
            assert audit_one(host, serial, POLICY, timeout=60, cache=NumberCache(), workers=pool).status \
                is DeviceStatus.AUDITED
        assert pool.audited == 2 * len(fleet.serials)
