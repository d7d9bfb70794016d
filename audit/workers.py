"""Parse, classify and assess phones in worker processes, so that a fleet scan uses every core.

Why: the scan's threads share one interpreter lock, so on a station with several cores only one
parses and classifies; adb I/O is what threads are good at. A ``WorkerPool`` keeps a few child
processes (``python -m audit.workers``), each with its own ``NumberCache``; a phone's thread
collects as before and hands the collected text to an idle worker, which returns the finished
``DeviceResult`` (address-book rows already dropped).

How it fails: a worker is an accelerator, never a dependency. When no worker is ready (all busy,
or still starting), the phone is audited in the scanning process as before, so a worker that
starts slowly never costs a phone its deadline. When a worker dies, garbles its answer or
outlives the phone's deadline, that phone gets an error (or timeout) result, the worker is killed
and replaced, and the scan goes on. The random key of the number digests is handed to each
worker through its pipe (never argv, environment or disk), so fleet-wide distinct counts still
add up across workers. The pipe carries pickles between this process and its own children only.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING

from audit.messages import render
from audit.results import DeviceResult, DeviceStatus, Message

if TYPE_CHECKING:
    from audit.policy import Policy
    from audit.sections import Collection

_READY = "ready"
_PACKAGE_ROOT = str(Path(__file__).resolve().parent.parent)


class _Worker:
    """One child process and the two ends of its pipes."""

    def __init__(self, policy: Policy, digest_key: bytes) -> None:
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (_PACKAGE_ROOT, env.get("PYTHONPATH", "")) if p)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "audit.workers", str(to_child_r), str(from_child_w)],
                pass_fds=(to_child_r, from_child_w), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, env=env, close_fds=True,
            )
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        self.send_end = Connection(to_child_w, readable=False)
        self.recv_end = Connection(from_child_r, writable=False)
        self.ready = False
        self.send_end.send((policy, digest_key))

    def poll_ready(self) -> bool:
        """True once the child has imported everything and said so (never blocks)."""
        if not self.ready:
            try:
                if self.recv_end.poll(0):
                    self.ready = self.recv_end.recv() == _READY
            except (EOFError, OSError, pickle.UnpicklingError):
                return False
        return self.ready

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.process.kill()
        for end in (self.send_end, self.recv_end):
            with contextlib.suppress(OSError):
                end.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)

    def stop(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.send_end.send(None)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=2)
        self.kill()


class WorkerPool:
    """``count`` worker processes shared by a scan's threads (every method is thread-safe)."""

    def __init__(self, count: int, policy: Policy) -> None:
        from audit.classify import digest_key

        self._policy, self._key = policy, digest_key()
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._busy = 0
        self._closed = False
        self._count = max(0, count)
        self.failures = 0  # workers that died, garbled an answer or outlived a deadline
        self.audited = 0  # phones whose result came from a worker
        for _ in range(self._count):
            self._idle.append(_Worker(policy, self._key))

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _take(self) -> _Worker | None:
        with self._lock:
            if self._closed:
                return None
            for worker in self._idle:
                if worker.poll_ready():
                    self._idle.remove(worker)
                    self._busy += 1
                    return worker
                if not worker.alive():  # died while starting: replace it
                    self._idle.remove(worker)
                    worker.kill()
                    self.failures += 1
                    self._idle.append(_Worker(self._policy, self._key))
                    break
            return None

    def _give_back(self, worker: _Worker, healthy: bool) -> None:
        replacement = None
        if not healthy:
            worker.kill()
            replacement = _Worker(self._policy, self._key)
        with self._lock:
            self._busy -= 1
            if self._closed:
                (replacement or worker).stop()
                return
            self._idle.append(replacement or worker)
            if not healthy:
                self.failures += 1

    def audit(self, serial: str, collection: Collection, packages: tuple[str, ...],
              deadline: float) -> DeviceResult | None:
        """The phone's result from a worker; None when no worker is ready (audit it here instead).

        ``deadline`` is when to give up on the worker's answer: the phone then times out.
        """
        worker = self._take()
        if worker is None:
            return None
        healthy = False
        try:
            worker.send_end.send((serial, collection, packages))
            if not worker.recv_end.poll(max(0.0, deadline - time.monotonic())):
                late = Message("device.worker_late", ())
                return DeviceResult(serial, DeviceStatus.TIMEOUT, render(late, "en"), reason=late)
            answer = worker.recv_end.recv()
            if not isinstance(answer, DeviceResult) or answer.serial != serial:
                raise TypeError("not this phone's result")
            healthy = True
            with self._lock:
                self.audited += 1
            return answer
        except Exception as exc:  # the worker died or garbled its answer: this phone only
            failed = Message("device.worker_error", (("kind", type(exc).__name__),))
            return DeviceResult(serial, DeviceStatus.ERROR, render(failed, "en"), reason=failed)
        finally:
            self._give_back(worker, healthy)

    def wait_ready(self, seconds: float) -> bool:
        """Wait until every worker has started (tests and benchmarks; a scan never waits)."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            with self._lock:
                if len(self._idle) == self._count and all(w.poll_ready() for w in self._idle):
                    return True
            time.sleep(0.02)
        return False

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.stop()


def _serve(recv_end: Connection, send_end: Connection) -> None:
    """The worker's loop: (serial, collection, packages) in, DeviceResult out, until None or EOF."""
    import signal

    from audit.classify import NumberCache, use_digest_key
    from audit.scan import assess_collection

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the scan's to handle; EOF ends us
    policy, key = recv_end.recv()
    use_digest_key(key)
    cache = NumberCache()
    send_end.send(_READY)
    while True:
        try:
            job = recv_end.recv()
        except EOFError:
            return
        if job is None:
            return
        serial, collection, packages = job
        send_end.send(assess_collection(serial, collection, packages, policy, cache))


if __name__ == "__main__":
    _serve(Connection(int(sys.argv[1]), writable=False), Connection(int(sys.argv[2]), readable=False))
