"""Plug-and-audit station: audit every phone as it is plugged in, until stopped.

IT staff at a desk plug phones in one after another. The station polls the adb server, audits
each phone once when it reaches the ``device`` state (unplug and replug to audit it again),
reports phones that cannot be audited once per state (e.g. "unauthorized: accept the RSA
prompt"), and hands every result to a callback (the CLI prints a line and records the history).
A phone that freezes costs its own deadline, never the station.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable

from audit.adb import AdbHost, AttachedDevice, start_server
from audit.errors import AuditError
from audit.policy import Policy
from audit.results import DeviceResult, DeviceStatus, Message
from audit.scan import INTERRUPTED_RUNNING, MAX_JOBS, STOP_GRACE_S, AuditPool

POLL_S = 1.0
# After an outage the server lists USB phones again only as it enumerates them; for this long
# a phone missing from the list keeps its "already audited" mark instead of losing it.
SETTLE_S = 10.0


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
    on_notice: Callable[[Message], None] | None = None,
    stop_grace: float = STOP_GRACE_S,
    settle_s: float = SETTLE_S,
) -> int:
    """Run until ``stop`` is set; returns how many phones were audited. Never raises for a phone.

    When the adb server stops answering, ``on_notice`` hears it once (a catalogue message, so
    the CLI says it in its language); a server the station started itself
    (``host.started_server``) is started again, the user's own is waited for. Phones that were
    audited before the outage and are listed again after it are not audited again (replug them
    for that). A phone whose audit failed while the server was gone is not
    reported: it is audited once the server is back. On stop, phones still running get
    ``stop_grace`` seconds and are then reported as ``interrupted``.
    """
    notice = on_notice or (lambda _message: None)
    pool = AuditPool(host, policy, timeout=timeout, jobs=jobs)
    finished: set[str] = set()  # audited (or failed) while attached: not again until replugged
    reported_state: dict[str, str] = {}  # serial -> last non-device state reported
    audited = 0
    server_up = True
    settle_until = 0.0  # while the monotonic clock is below this, finished phones are not forgotten

    def server_answers() -> bool:
        try:
            host.devices()
        except AuditError:
            return False
        return True

    def take(result: DeviceResult) -> None:
        nonlocal audited
        if result.status is not DeviceStatus.AUDITED and not server_answers():
            return  # failed because the server is gone, not the phone: audit it again later
        finished.add(result.serial)
        audited += result.status is DeviceStatus.AUDITED
        on_result(result)

    while not stop.is_set():
        try:
            attached = host.devices()
        except AuditError:
            if server_up:
                server_up = False
                notice(Message("station.server_gone.restart" if host.started_server else "station.server_gone.wait",
                               (("port", host.port),)))
            if host.started_server:
                with contextlib.suppress(AuditError):
                    start_server(host.port)
            attached = None
        if attached is not None:
            if not server_up:
                server_up = True
                settle_until = time.monotonic() + settle_s
                notice(Message("station.server_back", (("port", host.port),)))
            _plug(attached, pool, finished, reported_state, on_result, on_started,
                  forget=time.monotonic() >= settle_until)
        end = time.monotonic() + poll_s
        while time.monotonic() < end and not stop.is_set():
            for result in pool.wait(0.1):
                take(result)
    end = time.monotonic() + stop_grace
    while len(pool) and time.monotonic() < end:
        for result in pool.wait(0.1):
            take(result)
    for result in pool.abandon(INTERRUPTED_RUNNING):
        on_result(result)
    return audited


def _plug(
    attached: list[AttachedDevice],
    pool: AuditPool,
    finished: set[str],
    reported_state: dict[str, str],
    on_result: Callable[[DeviceResult], None],
    on_started: Callable[[str], None] | None,
    *,
    forget: bool,
) -> None:
    """Start phones newly in the ``device`` state; report each other state once. ``forget``:
    a finished phone missing from the list was unplugged, so it is audited again when back."""
    present = {d.serial for d in attached}
    if forget:
        finished &= present
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
        elif device.serial in finished:
            # audited already: a blip (the listing after a server restart shows a phone as
            # offline while it reconnects) is no reason to report it as not audited
            continue
        elif reported_state.get(device.serial) != device.state and device.serial not in pool:
            reported_state[device.serial] = device.state
            on_result(DeviceResult(device.serial, device.status, device.error_line, reason=device.reason))
