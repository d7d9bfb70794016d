"""Fleet scans: every phone concurrently, each under its own wall-clock deadline.

A phone that cannot be audited becomes a DeviceResult with its status and reason; it never
stops or slows the others beyond its deadline. Progress is reported to an observer; drawing is
the CLI's business, so the core stays silent and testable.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import os
import queue
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from audit import __version__
from audit.adb import AdbHost, AttachedDevice, not_attached_reason
from audit.collect import collect
from audit.errors import AuditError, DeviceError
from audit.messages import render
from audit.results import DeviceResult, DeviceStatus, Message, ScanReport

if TYPE_CHECKING:
    from audit.classify import NumberCache
    from audit.policy import Policy
    from audit.sections import Collection
    from audit.workers import WorkerPool

MAX_JOBS = 16
GRACE_S = 5.0  # a worker past its deadline by this much is abandoned and reported as timed out
STOP_GRACE_S = 2.0  # after a stop (Ctrl-C, SIGTERM), phones in flight get this long to finish
INTERRUPTED_RUNNING = Message("device.interrupted.running")
INTERRUPTED_WAITING = Message("device.interrupted.waiting")


class ProgressObserver(Protocol):
    def phones_found(self, devices: Sequence[AttachedDevice]) -> None: ...

    def phone_started(self, serial: str) -> None: ...

    def phone_finished(self, result: DeviceResult) -> None: ...


class NullObserver:
    def phones_found(self, devices: Sequence[AttachedDevice]) -> None:
        pass

    def phone_started(self, serial: str) -> None:
        pass

    def phone_finished(self, result: DeviceResult) -> None:
        pass


@dataclass(frozen=True)
class ScanOptions:
    serials: tuple[str, ...] = ()  # empty: every attached phone
    jobs: int | None = None  # default: number of phones, at most MAX_JOBS
    timeout: float = 60.0
    station: str = field(default_factory=socket.gethostname)
    workers: int | None = None  # processes that parse and classify; None: see worker_count


def collect_packages(policy: Policy) -> tuple[str, ...]:
    """Packages the collector looks for: audited apps, then alternatives, without repeats."""
    seen: dict[str, None] = {}
    for package in (*policy.audit_packages, *policy.alternative_packages):
        seen.setdefault(package, None)
    return tuple(seen)


def audit_one(
    host: AdbHost,
    serial: str,
    policy: Policy,
    *,
    timeout: float,
    cache: NumberCache | None = None,
    deadline: float | None = None,
    workers: WorkerPool | None = None,
) -> DeviceResult:
    """Collect, parse, classify and assess one phone. Never raises for anything a phone does.

    With ``workers``, parsing and classification run in a worker process when one is ready
    (audit/workers.py); otherwise, and always without workers, in this process.
    """
    started = time.monotonic()
    if deadline is None:
        deadline = started + timeout
    try:
        packages = collect_packages(policy)
        collection = collect(host, serial, packages, deadline=deadline)
    except DeviceError as exc:
        return DeviceResult(serial, _status(exc.status), str(exc), duration_s=time.monotonic() - started,
                            reason=exc.reason)
    except AuditError as exc:
        return DeviceResult(serial, DeviceStatus.ERROR, str(exc), duration_s=time.monotonic() - started)
    except Exception as exc:  # a bug must cost one phone, not the scan; no message: it could hold data
        return replace(_internal(serial, exc), duration_s=time.monotonic() - started)
    # a worker's answer is awaited as long as the pool would wait for this thread (deadline + grace)
    result = workers.audit(serial, collection, packages, deadline + GRACE_S) if workers is not None else None
    if result is None:
        result = assess_collection(serial, collection, packages, policy, cache)
    return replace(result, duration_s=time.monotonic() - started)


def assess_collection(
    serial: str, collection: Collection, packages: tuple[str, ...], policy: Policy, cache: NumberCache | None
) -> DeviceResult:
    """Parse, classify and assess what was collected (here or in a worker process); never raises."""
    from audit.assess import audit_snapshot
    from audit.parse import build_snapshot

    try:
        with _cycle_collection_paused():
            snapshot = build_snapshot(serial, collection, packages)
            result = audit_snapshot(snapshot, policy, cache)
    except DeviceError as exc:
        return DeviceResult(serial, _status(exc.status), str(exc), reason=exc.reason)
    except AuditError as exc:
        return DeviceResult(serial, DeviceStatus.ERROR, str(exc))
    except Exception as exc:  # a bug must cost one phone, not the scan; no message: it could hold data
        return _internal(serial, exc)
    return _without_rows(result)


_gc_lock = threading.Lock()
_gc_pausers = 0
_gc_was_enabled = False


@contextlib.contextmanager
def _cycle_collection_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a book is parsed and classified.

    A 20,000-contact book allocates ~100,000 rows, strings and readings, none of them in a
    reference cycle, so every collection the allocations trigger walks a growing heap and frees
    nothing: about a fifth of the book's CPU. Reference counting still frees everything; the
    collector resumes when the last thread doing this is done (counted, as threads overlap).
    """
    global _gc_pausers, _gc_was_enabled
    with _gc_lock:
        if _gc_pausers == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pausers += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pausers -= 1
            if _gc_pausers == 0 and _gc_was_enabled:
                gc.enable()


def _internal(serial: str, exc: BaseException) -> DeviceResult:
    """A bug costs this phone only; its reason names the exception's type, never its message."""
    reason = Message("device.internal_error", (("kind", type(exc).__name__),))
    return DeviceResult(serial, DeviceStatus.ERROR, render(reason, "en"), reason=reason)


def _without_rows(result: DeviceResult) -> DeviceResult:
    """Drop the raw address-book rows: once counted, the numbers, e-mails and companies have no
    business staying in memory until the report is written (nor crossing a process boundary)."""
    snapshot = result.snapshot
    if snapshot is not None:
        snapshot = replace(snapshot, address_books=tuple(replace(b, rows=()) for b in snapshot.address_books))
    return replace(result, snapshot=snapshot)


def _status(value: str) -> DeviceStatus:
    try:
        return DeviceStatus(value)
    except ValueError:
        return DeviceStatus.ERROR


def worker_count(requested: int | None, phones: int, jobs: int) -> int:
    """Worker processes for a scan: as asked, else one per core but one, on 3+ cores, for 2+ phones.

    The scanning process keeps a core for adb I/O, collection and the report; on a 2-core machine
    one worker measured slower than none (docs/benchmarks.md: its start-up and the copy of each
    collection cost more than the one free core gave back), so workers start only where two or
    more cores are left for them. Never more than phones audited at once, and a single phone is
    audited in this process (handing it over would only add the copy).
    """
    if requested is not None:
        return max(0, min(requested, jobs, phones))
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if phones < 2 or cores < 3:
        return 0
    return min(cores - 1, jobs, phones)


def worker_pool(requested: int | None, phones: int, jobs: int, policy: Policy) -> WorkerPool | None:
    count = worker_count(requested, phones, jobs)
    if count == 0:
        return None
    from audit.workers import WorkerPool

    return WorkerPool(count, policy)


def new_scan_id() -> str:
    return uuid.uuid4().hex[:12]


def utc_now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


AuditFunction = Callable[..., DeviceResult]


class AuditPool:
    """Phones being audited, each in a daemon worker thread under its own wall-clock deadline.

    Shared by the fleet scan and the station. Only the owning thread calls it. A worker stuck
    past its deadline (plus ``grace``) is dropped, which frees its slot, and reported as timed
    out; if it ever finishes, its late result is ignored. Results are matched to runs by a token
    per run, not by serial: a phone abandoned and plugged in again must get the result of its new
    run, never the late one of the run it was abandoned in.
    """

    def __init__(
        self,
        host: AdbHost,
        policy: Policy,
        *,
        timeout: float,
        jobs: int,
        grace: float = GRACE_S,
        audit: AuditFunction = audit_one,
        workers: WorkerPool | None = None,
    ) -> None:
        from audit.classify import NumberCache

        self._host, self._policy, self._timeout, self._jobs = host, policy, timeout, jobs
        self._grace, self._audit = grace, audit
        self._extra = {"workers": workers} if workers is not None else {}
        self._cache = NumberCache()  # one per pool: numbers repeated across phones are parsed once
        self._done: queue.Queue[tuple[int, DeviceResult]] = queue.Queue()
        self._running: dict[str, tuple[int, float]] = {}  # serial -> (run token, deadline)
        self._tokens = itertools.count(1)

    def __len__(self) -> int:
        return len(self._running)

    def __contains__(self, serial: object) -> bool:
        return serial in self._running

    @property
    def full(self) -> bool:
        return len(self._running) >= self._jobs

    def start(self, serial: str) -> None:
        if serial in self._running:
            raise ValueError(f"internal: {serial!r} is already being audited")
        token = next(self._tokens)
        deadline = time.monotonic() + self._timeout
        self._running[serial] = (token, deadline)
        threading.Thread(target=self._work, args=(serial, token, deadline), daemon=True,
                         name=f"audit-{serial}").start()

    def _work(self, serial: str, token: int, deadline: float) -> None:
        result = self._audit(self._host, serial, self._policy, timeout=self._timeout, cache=self._cache,
                             deadline=deadline, **self._extra)
        self._done.put((token, replace(result, serial=serial)))

    def abandon(self, reason: Message) -> list[DeviceResult]:
        """Give up every phone still running (the scan or station was stopped): each becomes an
        ``interrupted`` result, never silently dropped; a late result of theirs is ignored."""
        now = time.monotonic()
        out = [DeviceResult(serial, DeviceStatus.INTERRUPTED, render(reason, "en"),
                            duration_s=max(0.0, self._timeout - (deadline - now)), reason=reason)
               for serial, (_, deadline) in self._running.items()]
        self._running.clear()
        return out

    def wait(self, seconds: float) -> list[DeviceResult]:
        """Results that arrive within ``seconds`` (or are there already), plus phones past their deadline."""
        arrived: list[tuple[int, DeviceResult]] = []
        with contextlib.suppress(queue.Empty):
            arrived.append(self._done.get(timeout=seconds))
            while True:
                arrived.append(self._done.get_nowait())
        out: list[DeviceResult] = []
        for token, result in arrived:
            run = self._running.get(result.serial)
            if run is not None and run[0] == token:  # else: a run already reported as timed out
                del self._running[result.serial]
                out.append(result)
        now = time.monotonic()
        for serial, (_, deadline) in list(self._running.items()):
            if now > deadline + self._grace:
                del self._running[serial]
                reason = Message("device.timeout.abandoned")
                out.append(DeviceResult(serial, DeviceStatus.TIMEOUT, render(reason, "en"),
                                        duration_s=self._timeout + self._grace, reason=reason))
        return out


def scan(
    host: AdbHost,
    policy: Policy,
    options: ScanOptions,
    observer: ProgressObserver | None = None,
    stop: threading.Event | None = None,
    *,
    stop_grace: float = STOP_GRACE_S,
) -> ScanReport:
    """Audit the attached (or named) phones concurrently and return the whole report.

    ``stop`` (set by the CLI on Ctrl-C or SIGTERM; a KeyboardInterrupt does the same) ends the
    scan: no new phone starts, phones in flight get ``stop_grace`` seconds to finish, and every
    phone that did not finish is reported with status ``interrupted`` (docs/report-schema.md).
    """
    observer = observer or NullObserver()
    stop = stop or threading.Event()
    scan_id, scanned_at = new_scan_id(), utc_now()
    attached = host.devices()
    observer.phones_found(attached)

    by_serial = {d.serial: d for d in attached}
    targets = list(options.serials) if options.serials else [d.serial for d in attached]
    targets = list(dict.fromkeys(targets))

    results: dict[str, DeviceResult] = {}
    auditable: list[str] = []
    for serial in targets:
        device = by_serial.get(serial)
        if device is None:
            reason = not_attached_reason(host.port)
            results[serial] = DeviceResult(serial, DeviceStatus.NOT_ATTACHED, render(reason, "en"), reason=reason)
        elif device.status is not None:
            results[serial] = DeviceResult(serial, device.status, device.error_line, reason=device.reason)
        else:
            auditable.append(serial)
    for skipped in results.values():
        observer.phone_finished(skipped)

    jobs = max(1, min(options.jobs or len(auditable) or 1, MAX_JOBS))
    workers = worker_pool(options.workers, len(auditable), jobs, policy)
    pool = AuditPool(host, policy, timeout=options.timeout, jobs=jobs, workers=workers)

    def finish(result: DeviceResult) -> None:
        if result.serial not in results:
            results[result.serial] = result
            observer.phone_finished(result)

    pending = list(auditable)
    try:
        try:
            while (pending or len(pool)) and not stop.is_set():
                while pending and not pool.full:
                    serial = pending.pop(0)
                    pool.start(serial)
                    observer.phone_started(serial)
                for result in pool.wait(0.1):
                    finish(result)
        except KeyboardInterrupt:  # no signal handler of the caller's: Ctrl-C arrives as an exception
            stop.set()
        interrupted = stop.is_set() and bool(pending or len(pool))
        if interrupted:
            # Phones in flight get a moment to finish; every phone that did not is a row of its
            # own (status interrupted), so a stopped scan never drops a phone silently.
            end = time.monotonic() + stop_grace
            while len(pool) and time.monotonic() < end:
                for result in pool.wait(0.1):
                    finish(result)
            for result in pool.abandon(INTERRUPTED_RUNNING):
                finish(result)
            for serial in pending:
                finish(DeviceResult(serial, DeviceStatus.INTERRUPTED, render(INTERRUPTED_WAITING, "en"),
                                    reason=INTERRUPTED_WAITING))
    finally:
        if workers is not None:
            workers.close()

    ordered = tuple(results[s] for s in targets if s in results)
    return ScanReport(
        scan_id=scan_id,
        scanned_at=scanned_at,
        station=options.station,
        tool_version=__version__,
        policy_name=policy.name,
        policy_hash=policy.sha256,
        devices=ordered,
        interrupted=interrupted,
    )
