"""``contact-audit fix``: deny and lock an app's Contacts permission on one phone, when asked to.

This is the only code that changes a phone, so it is deliberately narrow: one phone, one
Android user, one package, and only after the operator confirmed (or passed --yes). It reads the
phone before and after, so the outcome shown is what the phone reports, not what was intended.

What the shell can do (see shared notes on Android's `pm`):
- ``pm revoke --user N PKG android.permission.READ_CONTACTS`` (Android 6+) denies the permission.
- ``pm set-permission-flags ... user-set user-fixed`` (Android 12+) locks the denial: the app can
  no longer show the permission dialog. Earlier releases cannot lock it from the shell; the
  remaining step is the device policy (MDM) or "Don't allow" on the phone.
- ``appops set --user N PKG READ_CONTACTS ignore`` is belt and braces only: on Android 10+ the
  system re-syncs the app-op from the permission and may reset it.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass

from audit.apps import is_package_name
from audit.assess import audit_snapshot
from audit.collect import Transport, collect
from audit.errors import UsageError
from audit.parse import build_snapshot
from audit.policy import Policy
from audit.results import Verdict
from audit.snapshot import LOCKING_FLAGS, READ_CONTACTS, DeviceSnapshot, PermissionStatus

FLAGS_SDK = 31  # pm set-permission-flags exists from Android 12 (API 31) on


@dataclass(frozen=True)
class FixStep:
    why: str
    command: str
    key: str = ""  # the catalogue key of ``why`` (audit/report/labels.py), for other languages


@dataclass(frozen=True)
class StepResult:
    step: FixStep
    rc: int | None  # None: no exit status came back (connection lost)
    output: str  # the command's own output, one line, bounded


@dataclass(frozen=True)
class FixOutcome:
    before: Verdict
    after: Verdict | None
    results: tuple[StepResult, ...]
    locked: bool  # the denial is now locked (USER_FIXED / POLICY_FIXED / SYSTEM_FIXED)
    denied: bool  # READ_CONTACTS is now denied


def plan_fix(sdk: int | None, user_id: int, package: str) -> tuple[FixStep, ...]:
    """The commands for one (user, package); every word is validated, nothing needs quoting."""
    if not is_package_name(package):
        raise UsageError(f"not a valid Android package name: {package[:80]!r}")
    if not 0 <= user_id < 1_000_000:
        raise UsageError(f"not a valid Android user id: {user_id}")
    steps = [FixStep("deny the Contacts permission", f"pm revoke --user {user_id} {package} {READ_CONTACTS}",
                     "fix_step_deny")]
    if sdk is not None and sdk >= FLAGS_SDK:
        steps.append(FixStep(
            "lock the denial (the app may not ask again)",
            f"pm set-permission-flags --user {user_id} {package} {READ_CONTACTS} user-set user-fixed",
            "fix_step_lock",
        ))
    steps.append(FixStep("block the app-op as well", f"appops set --user {user_id} {package} READ_CONTACTS ignore",
                         "fix_step_appop"))
    return tuple(steps)


def step_script(steps: Sequence[FixStep], nonce: str) -> str:
    """One shell line: every step, each followed by a marker with its exit status."""
    parts = []
    for i, step in enumerate(steps):
        parts.append(f"{step.command} 2>&1; echo \"@@{nonce} step {i} rc=$?\"")
    return "; ".join(parts)


def parse_steps(text: str, steps: Sequence[FixStep], nonce: str) -> tuple[StepResult, ...]:
    marker = re.compile(rf"@@{nonce} step ([0-9]+) rc=([0-9]+)")
    results: list[StepResult] = []
    buffer: list[str] = []
    seen: dict[int, tuple[int, str]] = {}
    for line in text.replace("\r\n", "\n").split("\n"):
        match = marker.fullmatch(line.strip())
        if match:
            seen[int(match.group(1))] = (int(match.group(2)), " ".join(" ".join(buffer).split())[:300])
            buffer = []
        elif line.strip():
            buffer.append(line.strip())
    for i, step in enumerate(steps):
        rc, output = seen.get(i, (None, ""))
        results.append(StepResult(step, rc, output))
    return tuple(results)


def fix_packages(policy: Policy, package: str) -> tuple[str, ...]:
    """What to collect around a fix: the scan's packages, plus the one being fixed."""
    from audit.scan import collect_packages

    return tuple(dict.fromkeys((*collect_packages(policy), package)))


def read_phone(transport: Transport, serial: str, packages: Sequence[str], deadline: float) -> DeviceSnapshot:
    return build_snapshot(serial, collect(transport, serial, packages, deadline=deadline), packages)


def verdict_for(snapshot: DeviceSnapshot, policy: Policy, user_id: int, package: str) -> Verdict | None:
    result = audit_snapshot(snapshot, policy)
    return next((v for v in result.verdicts if v.user_id == user_id and v.package == package), None)


def find_target(snapshot: DeviceSnapshot, policy: Policy, user_id: int, package: str) -> Verdict:
    if snapshot.user(user_id) is None:
        users = ", ".join(str(u.id) for u in snapshot.users) or "none"
        raise UsageError(f"the phone has no Android user {user_id} (users: {users})")
    verdict = verdict_for(snapshot, policy, user_id, package)
    if verdict is None:
        raise UsageError(f"{package} is not installed in user {user_id} of this phone")
    return verdict


def apply_fix(
    transport: Transport,
    serial: str,
    snapshot: DeviceSnapshot,
    policy: Policy,
    user_id: int,
    package: str,
    *,
    timeout: float = 60.0,
) -> FixOutcome:
    """Run the plan on the phone (one shell call), then read the phone again and judge it."""
    before = find_target(snapshot, policy, user_id, package)
    steps = plan_fix(snapshot.info.sdk, user_id, package)
    deadline = time.monotonic() + timeout
    nonce = secrets.token_hex(8)
    raw = transport.shell_bytes(serial, step_script(steps, nonce), deadline)
    results = parse_steps(raw.decode("utf-8", "replace"), steps, nonce)
    after_snapshot = read_phone(transport, serial, fix_packages(policy, package), time.monotonic() + timeout)
    after = verdict_for(after_snapshot, policy, user_id, package)
    app = next((a for a in after_snapshot.apps_in(user_id) if a.package == package), None)
    denied = app is not None and app.read_contacts is PermissionStatus.DENIED
    locked = denied and app is not None and bool(LOCKING_FLAGS.intersection(app.read_contacts_flags))
    return FixOutcome(before, after, results, locked, denied)
