"""The station's bookkeeping per poll (``audit.station._plug``), without a server or phones."""

from __future__ import annotations

from audit.adb import AttachedDevice
from audit.results import DeviceResult, DeviceStatus
from audit.station import _plug


class Pool:
    """The part of ``AuditPool`` that ``_plug`` uses: which phones run, and starting one."""

    def __init__(self) -> None:
        self.running: list[str] = []
        self.full = False

    def __contains__(self, serial: object) -> bool:
        return serial in self.running

    def start(self, serial: str) -> None:
        self.running.append(serial)


def poll(attached: list[AttachedDevice], pool: Pool, finished: set[str], reported: dict[str, str],
         forget: bool = True) -> list[DeviceResult]:
    results: list[DeviceResult] = []
    _plug(attached, pool, finished, reported, results.append, None, forget=forget)  # type: ignore[arg-type]
    return results


def test_an_audited_phone_seen_offline_after_a_server_restart_is_not_reported_again() -> None:
    pool, finished, reported = Pool(), {"A"}, {}
    assert poll([AttachedDevice("A", "offline", DeviceStatus.OFFLINE)], pool, finished, reported, forget=False) == []
    assert poll([AttachedDevice("A", "device", None)], pool, finished, reported) == []
    assert pool.running == [], "audited once per plug"


def test_a_phone_not_audited_yet_is_reported_once_per_state_and_audited_when_ready() -> None:
    pool, finished, reported = Pool(), set(), {}
    offline = AttachedDevice("B", "offline", DeviceStatus.OFFLINE)
    first = poll([offline], pool, finished, reported)
    assert [(r.serial, r.status) for r in first] == [("B", DeviceStatus.OFFLINE)]
    assert poll([offline], pool, finished, reported) == []
    assert poll([AttachedDevice("B", "unauthorized", DeviceStatus.UNAUTHORIZED)], pool, finished, reported)
    assert poll([AttachedDevice("B", "device", None)], pool, finished, reported) == []
    assert pool.running == ["B"]


def test_an_unplugged_phone_is_audited_again_when_plugged_back() -> None:
    pool, finished, reported = Pool(), {"C"}, {}
    poll([], pool, finished, reported)
    assert finished == set()
    poll([AttachedDevice("C", "device", None)], pool, finished, reported)
    assert pool.running == ["C"]
