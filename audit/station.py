"""Plug-and-audit station: audit every phone as it is plugged in, until stopped.

IT staff at a desk plug phones in one after another. The station polls the adb server, audits
each phone once when it reaches the ``device`` state (unplug and replug to audit it again),
reports phones that cannot be audited once per state (e.g. "unauthorized: accept the RSA
prompt"), and hands every result to a callback (the CLI prints a line and records the history).
A phone that freezes costs its own deadline, never the station.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from audit.adb import AdbHost
from audit.errors import AuditError
from audit.policy import Policy
from audit.results import DeviceResult, DeviceStatus
from audit.scan import MAX_JOBS, AuditPool

POLL_S = 1.0


def run_station(
    host: AdbHost,
    policy: Policy,
    on_result: Callable[[DeviceResult], None],
    stop: threading.Event,
    *,
    timeout: float = 60.0,
    jobs: int = MAX_JOBS,
    poll_s: float = POLL_S,
    on_started: Callable[[str], None] | None = None,
) -> int:
    """Run until ``stop`` is set; returns how many phones were audited. Never raises for a phone."""
    pool = AuditPool(host, policy, timeout=timeout, jobs=jobs)
    finished: set[str] = set()  # audited (or failed) while attached: not again until replugged
    reported_state: dict[str, str] = {}  # serial -> last non-device state reported
    audited = 0

    while not stop.is_set():
        try:
            attached = host.devices()
        except AuditError:
            attached = []  # the server went away for a moment; keep polling
        present = {d.serial for d in attached}
        finished &= present  # an unplugged phone is audited again when it comes back
        for serial in list(reported_state):
            if serial not in present:
                del reported_state[serial]
        for device in attached:
            if device.status is None:
                reported_state.pop(device.serial, None)
                if device.serial in pool or device.serial in finished or pool.full:
                    continue
                pool.start(device.serial)
                if on_started is not None:
                    on_started(device.serial)
            elif reported_state.get(device.serial) != device.state and device.serial not in pool:
                reported_state[device.serial] = device.state
                on_result(DeviceResult(device.serial, device.status, f"{device.state}: {device.hint}",
                                       reason=device.reason))
        end = time.monotonic() + poll_s
        while time.monotonic() < end and not stop.is_set():
            for result in pool.wait(0.1):
                finished.add(result.serial)
                audited += result.status is DeviceStatus.AUDITED
                on_result(result)
    return audited
