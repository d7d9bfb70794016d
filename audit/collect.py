"""Collect one phone: push adb_scripts/collect.sh, run it, split its tagged sections.

Two ADB round trips per phone (sync push + one shell), whatever the number of users and apps.
Pushing instead of inlining the script keeps it independent of the phone's maximum ADB payload
(4 KiB on old phones). The script deletes itself when it starts.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Sequence
from typing import Protocol

from audit.apps import is_package_name
from audit.errors import CollectionError, UsageError
from audit.results import Message
from audit.scripts import script_text
from audit.sections import COUNT_MISMATCH, CUT_OFF, NO_HEADER, Collection, split_sections

SCRIPT = "collect.sh"
REMOTE_DIR = "/data/local/tmp"
DEFAULT_TIMEOUT = 60.0
_PROBLEM_KEYS = {
    NO_HEADER: "device.output.no_header",
    CUT_OFF: "device.output.cut",
    COUNT_MISMATCH: "device.output.count",
}


class Transport(Protocol):
    """What collection needs from adb (audit.adb.AdbHost provides it)."""

    def push(self, serial: str, data: bytes, path: str, deadline: float) -> None: ...

    def shell_bytes(self, serial: str, command: str, deadline: float) -> bytes: ...


def collector_command(path: str, nonce: str, packages: Sequence[str]) -> str:
    """The one shell command line; every word is validated, so no quoting games are needed."""
    if not all(c in "0123456789abcdef" for c in nonce) or not nonce:
        raise UsageError("internal: bad nonce")
    bad = [p for p in packages if not is_package_name(p)]
    if bad:
        raise UsageError(f"not a valid Android package name: {bad[0][:80]!r}")
    return " ".join(["sh", path, nonce, *packages])


def collect(
    transport: Transport,
    serial: str,
    packages: Sequence[str],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    deadline: float | None = None,
) -> Collection:
    """Run the collector on one phone and return its complete sections.

    Raises DeviceError (timeout, unauthorized, ...) or CollectionError when the output is not
    complete: a truncated run is never parsed as if it were whole.
    """
    if deadline is None:
        deadline = time.monotonic() + timeout
    nonce = secrets.token_hex(8)
    path = f"{REMOTE_DIR}/contact-audit-{nonce}.sh"
    command = collector_command(path, nonce, packages)
    transport.push(serial, script_text(SCRIPT).encode("utf-8"), path, deadline)
    raw = transport.shell_bytes(serial, command, deadline)
    collection = split_sections(raw.decode("utf-8", errors="replace"), nonce)
    if not collection.complete:
        problem = collection.problem or "incomplete output"
        raise CollectionError(problem, Message(_PROBLEM_KEYS.get(problem, "device.output.incomplete")))
    return collection
