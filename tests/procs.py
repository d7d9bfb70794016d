"""Child processes for tests that interrupt a command: they obey SIGINT, and they always end.

Why a launcher instead of ``python -m audit``: a shell starts a background job (``( pytest & )``)
with SIGINT ignored, children inherit that, and Python then installs no KeyboardInterrupt handler,
so a test that sends SIGINT waited for a child that ignores it. contact-audit keeps an inherited
SIG_IGN on purpose (the Ctrl-C in that terminal was not meant for it), so the launcher restores
Python's handler before running the CLI, as an interactive shell would have left it.

``child`` stops the process in its teardown whatever the test did: SIGINT, then SIGKILL.
``leaked_processes`` finds what a run left running (conftest's ``_no_leaked_processes``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

LAUNCHER = (
    "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "sys.argv[0] = 'contact-audit'; from audit.cli import main; main()"
)
STOP_WAIT_S = 30.0


def command(*args: str) -> list[str]:
    """``contact-audit ARGS`` as a child command line that reacts to SIGINT like a terminal's."""
    return [sys.executable, "-c", LAUNCHER, *args]


def stop(proc: subprocess.Popen[Any], wait: float = STOP_WAIT_S) -> None:
    """End ``proc`` if it still runs (SIGINT, then SIGKILL) and close its pipes."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    for pipe in (proc.stdin, proc.stdout, proc.stderr):
        if pipe is not None:
            pipe.close()


@contextmanager
def child(*args: str, **popen: Any) -> Iterator[subprocess.Popen[str]]:
    """``contact-audit ARGS`` running for the ``with`` block; always stopped afterwards."""
    popen.setdefault("text", True)
    proc: subprocess.Popen[str] = subprocess.Popen(command(*args), **popen)
    try:
        yield proc
    finally:
        stop(proc)


RUN_MARK = "CA_TEST_RUN"  # not CONTACT_AUDIT_*: tests strip those from a child's environment


def marked_processes(mark: str) -> dict[int, str]:
    """pid -> command line of every live process (but this one) whose environment carries
    ``RUN_MARK=mark``: the children of one test run, including daemons that left their parent
    (an adb server, a PostgreSQL postmaster, a simulated phone), which a parent-pid walk misses."""
    wanted = f"{RUN_MARK}={mark}".encode()
    found: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if wanted not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:  # gone meanwhile, a zombie, or another user's
            continue
        found[int(entry.name)] = cmdline[:200]
    return found


def leaked_processes(mark: str, wait: float = 10.0) -> dict[int, str]:
    """The marked processes still alive after ``wait`` seconds (one that is exiting gets time)."""
    deadline = time.monotonic() + wait
    while True:
        found = marked_processes(mark)
        if not found or time.monotonic() >= deadline:
            return found
        time.sleep(0.2)
