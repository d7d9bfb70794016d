"""``appops get --user N <pkg>`` -> the package's app-op modes, UID-scoped and package-scoped.

Line form (Android 6+)::

    OP: <mode>[; time=+1h2m3s4ms ago][; rejectTime=+5m ago][ (running)|; duration=+12ms]

``No operations.`` means the package has no app-op state (every op at its default).

The ``Uid mode:`` quirk (Android 8+): the command first prints the UID's ops, then the
package's. It prints ``Uid mode: `` ONCE, in front of the first UID-scoped entry; the further
UID entries look exactly like package entries. Where the UID block ends is decided thus:

- Both blocks are printed in ascending AOSP op-code order (each is a SparseArray keyed by op),
  and an op appears at most once per block.
- UID entries carry only a mode: ``getUidOps`` returns no access times, so an entry with
  ``time=``, ``rejectTime=``, ``duration=`` or ``(running)`` is a package entry, and so is
  everything after it.
- Every split point that satisfies these rules is considered (op names this table does not
  know, e.g. OEM ops, take no part in the order comparison). An entry that lies on the same
  side for every possible split is decided; one that does not is *ambiguous*, and its mode is
  reported as unknown (``mode`` and ``uid_mode`` both None, with a problem).
- When no split satisfies the rules the ROM prints in an order this table does not know: only
  the first (prefixed) entry is known to be UID-scoped, entries with access times are the
  package's, and every other entry is ambiguous.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from audit.snapshot import CONTACT_OPS, AppOpState

# AppOpsManager op codes 0..: the order AOSP prints ops in.
AOSP_OPS: tuple[str, ...] = (
    "COARSE_LOCATION", "FINE_LOCATION", "GPS", "VIBRATE", "READ_CONTACTS", "WRITE_CONTACTS",
    "READ_CALL_LOG", "WRITE_CALL_LOG", "READ_CALENDAR", "WRITE_CALENDAR", "WIFI_SCAN",
    "POST_NOTIFICATION", "NEIGHBORING_CELLS", "CALL_PHONE", "READ_SMS", "WRITE_SMS",
    "RECEIVE_SMS", "RECEIVE_EMERGECY_SMS", "RECEIVE_MMS", "RECEIVE_WAP_PUSH", "SEND_SMS",
    "READ_ICC_SMS", "WRITE_ICC_SMS", "WRITE_SETTINGS", "SYSTEM_ALERT_WINDOW",
    "ACCESS_NOTIFICATIONS", "CAMERA", "RECORD_AUDIO", "PLAY_AUDIO", "READ_CLIPBOARD",
    "WRITE_CLIPBOARD", "TAKE_MEDIA_BUTTONS", "TAKE_AUDIO_FOCUS", "AUDIO_MASTER_VOLUME",
    "AUDIO_VOICE_VOLUME", "AUDIO_RING_VOLUME", "AUDIO_MEDIA_VOLUME", "AUDIO_ALARM_VOLUME",
    "AUDIO_NOTIFICATION_VOLUME", "AUDIO_BLUETOOTH_VOLUME", "WAKE_LOCK", "MONITOR_LOCATION",
    "MONITOR_HIGH_POWER_LOCATION", "GET_USAGE_STATS", "MUTE_MICROPHONE", "TOAST_WINDOW",
    "PROJECT_MEDIA", "ACTIVATE_VPN", "WRITE_WALLPAPER", "ASSIST_STRUCTURE", "ASSIST_SCREENSHOT",
    "READ_PHONE_STATE", "ADD_VOICEMAIL", "USE_SIP", "PROCESS_OUTGOING_CALLS", "USE_FINGERPRINT",
    "BODY_SENSORS", "READ_CELL_BROADCASTS", "MOCK_LOCATION", "READ_EXTERNAL_STORAGE",
    "WRITE_EXTERNAL_STORAGE", "TURN_ON_SCREEN", "GET_ACCOUNTS", "RUN_IN_BACKGROUND",
    "AUDIO_ACCESSIBILITY_VOLUME", "READ_PHONE_NUMBERS", "REQUEST_INSTALL_PACKAGES",
    "PICTURE_IN_PICTURE", "INSTANT_APP_START_FOREGROUND", "ANSWER_PHONE_CALLS",
    "RUN_ANY_IN_BACKGROUND", "CHANGE_WIFI_STATE", "REQUEST_DELETE_PACKAGES",
    "BIND_ACCESSIBILITY_SERVICE", "ACCEPT_HANDOVER", "MANAGE_IPSEC_TUNNELS", "START_FOREGROUND",
    "BLUETOOTH_SCAN", "USE_BIOMETRIC", "ACTIVITY_RECOGNITION", "SMS_FINANCIAL_ACCESS",
    "READ_MEDIA_AUDIO", "WRITE_MEDIA_AUDIO", "READ_MEDIA_VIDEO", "WRITE_MEDIA_VIDEO",
    "READ_MEDIA_IMAGES", "WRITE_MEDIA_IMAGES", "LEGACY_STORAGE", "ACCESS_ACCESSIBILITY",
    "READ_DEVICE_IDENTIFIERS", "ACCESS_MEDIA_LOCATION", "QUERY_ALL_PACKAGES",
    "MANAGE_EXTERNAL_STORAGE", "INTERACT_ACROSS_PROFILES", "ACTIVATE_PLATFORM_VPN",
    "LOADER_USAGE_STATS", "deprecated", "AUTO_REVOKE_PERMISSIONS_IF_UNUSED",
    "AUTO_REVOKE_MANAGED_BY_INSTALLER", "NO_ISOLATED_STORAGE", "PHONE_CALL_MICROPHONE",
    "PHONE_CALL_CAMERA", "RECORD_AUDIO_HOTWORD", "MANAGE_ONGOING_CALLS", "MANAGE_CREDENTIALS",
    "USE_ICC_AUTH_WITH_DEVICE_IDENTIFIER", "RECORD_AUDIO_OUTPUT", "SCHEDULE_EXACT_ALARM",
    "FINE_LOCATION_SOURCE", "COARSE_LOCATION_SOURCE", "MANAGE_MEDIA", "BLUETOOTH_CONNECT",
    "UWB_RANGING", "ACTIVITY_RECOGNITION_SOURCE", "BLUETOOTH_ADVERTISE",
    "RECORD_INCOMING_PHONE_AUDIO", "NEARBY_WIFI_DEVICES", "ESTABLISH_VPN_SERVICE",
    "ESTABLISH_VPN_MANAGER", "ACCESS_RESTRICTED_SETTINGS", "RECEIVE_SOUNDTRIGGER_AUDIO",
    "RECEIVE_EXPLICIT_USER_INTERACTION_AUDIO", "RUN_USER_INITIATED_JOBS",
    "READ_MEDIA_VISUAL_USER_SELECTED", "SYSTEM_EXEMPT_FROM_SUSPENSION",
    "SYSTEM_EXEMPT_FROM_DISMISSIBLE_NOTIFICATIONS", "READ_WRITE_HEALTH_DATA",
    "FOREGROUND_SERVICE_SPECIAL_USE", "SYSTEM_EXEMPT_FROM_POWER_RESTRICTIONS",
    "SYSTEM_EXEMPT_FROM_HIBERNATION", "SYSTEM_EXEMPT_FROM_ACTIVITY_BG_START_RESTRICTION",
    "CAPTURE_CONSENTLESS_BUGREPORT_ON_USERDEBUG_BUILD",
)
# Older releases print some ops under other names; same codes.
_ALIASES = {"TURN_SCREEN_ON": "TURN_ON_SCREEN", "RECEIVE_EMERGENCY_SMS": "RECEIVE_EMERGECY_SMS"}
OP_CODES: dict[str, int] = {name: code for code, name in enumerate(AOSP_OPS)}
OP_CODES.update({alias: OP_CODES[name] for alias, name in _ALIASES.items()})

_ENTRY = re.compile(r"^([A-Z][A-Z0-9_]*|Unknown\(\d+\)): ([a-z]+|mode=-?\d+)(?=$|[;\s])(.*)$")
_IGNORED = ("WARNING: linker:",)


@dataclass(frozen=True)
class OpEntry:
    """One printed op line; ``scope`` is "uid", "package" or "ambiguous"."""

    op: str
    mode: str
    scope: str
    last_access: str | None = None
    last_reject: str | None = None
    duration: str | None = None

    @property
    def timed(self) -> bool:
        return self.last_access is not None or self.last_reject is not None or self.duration is not None


@dataclass(frozen=True)
class AppOpsListing:
    """``known`` False: the output is an error or unreadable; no mode may be read from it."""

    known: bool
    entries: tuple[OpEntry, ...] = ()
    problems: tuple[str, ...] = ()

    def states(self, ops: Iterable[str] = CONTACT_OPS) -> tuple[AppOpState, ...]:
        """One AppOpState per printed op of ``ops``; an op that is not printed is at its default."""
        if not self.known:
            return ()
        out: list[AppOpState] = []
        for op in ops:
            mine = [e for e in self.entries if e.op == op]
            if not mine:
                continue
            if len(mine) == 1 and mine[0].scope == "ambiguous":
                # Printed once: whichever block it is in, the other scope is at its default,
                # so the enforced mode is known even though its scope is not.
                only = mine[0]
                out.append(AppOpState(op, unscoped_mode=only.mode))
                continue
            if any(e.scope == "ambiguous" for e in mine):
                out.append(AppOpState(op))
                continue
            uid = next((e for e in mine if e.scope == "uid"), None)
            pkg = next((e for e in mine if e.scope == "package"), None)
            out.append(
                AppOpState(
                    op,
                    mode=pkg.mode if pkg else None,
                    uid_mode=uid.mode if uid else None,
                    last_access=pkg.last_access if pkg else None,
                    last_reject=pkg.last_reject if pkg else None,
                    duration=pkg.duration if pkg else None,
                )
            )
        return tuple(out)

    def ambiguous(self, ops: Iterable[str] = CONTACT_OPS) -> tuple[str, ...]:
        wanted = set(ops)
        return tuple(dict.fromkeys(e.op for e in self.entries if e.scope == "ambiguous" and e.op in wanted))


@dataclass(frozen=True)
class _Line:
    op: str
    mode: str
    uid_prefixed: bool
    last_access: str | None
    last_reject: str | None
    duration: str | None

    @property
    def timed(self) -> bool:
        return self.last_access is not None or self.last_reject is not None or self.duration is not None


def parse_appops(text: str) -> AppOpsListing:
    """Never raises."""
    lines: list[_Line] = []
    unreadable = 0
    no_ops = False
    for raw in text.split("\n"):
        line = raw.strip()
        if not line or line.startswith(_IGNORED):
            continue
        if line == "No operations.":
            no_ops = True
            continue
        if no_ops and line.startswith("Default mode:"):
            continue
        parsed = _parse_line(line)
        if parsed is None:
            unreadable += 1
        else:
            lines.append(parsed)
    if unreadable or not (lines or no_ops) or (no_ops and lines):
        problem = "the app-op output is an error or unreadable" if unreadable or not lines else (
            "the app-op output is contradictory"
        )
        return AppOpsListing(False, problems=(problem,))
    entries = _scoped(lines)
    problems: tuple[str, ...] = ()
    printed = [e.op for e in entries]
    unclear = sorted({
        e.op for e in entries
        if e.scope == "ambiguous" and e.op in CONTACT_OPS and printed.count(e.op) > 1
    })
    if unclear:
        problems = (f"cannot tell the UID mode from the package mode of {', '.join(unclear)}",)
    return AppOpsListing(True, entries, problems)


def _parse_line(line: str) -> _Line | None:
    prefixed = line.startswith("Uid mode: ")
    if prefixed:
        line = line[len("Uid mode: "):]
    match = _ENTRY.match(line)
    if match is None:
        return None
    op, mode, rest = match.groups()
    last_access = last_reject = duration = None
    if rest.endswith(" (running)"):
        duration = "running"
        rest = rest[: -len(" (running)")]
    for part in rest.split(";"):
        part = part.strip()
        if not part:
            continue
        key, sep, value = part.partition("=")
        if not sep:
            return None
        if key == "time":
            last_access = value
        elif key == "rejectTime":
            last_reject = value
        elif key == "duration":
            duration = value
        # other keys (OEM additions) carry nothing we need
    return _Line(op, mode, prefixed, last_access, last_reject, duration)


def _scoped(lines: list[_Line]) -> tuple[OpEntry, ...]:
    start = next((i for i, line in enumerate(lines) if line.uid_prefixed), None)
    if start is None:  # Android 6/7, or no UID-scoped ops: everything is the package's
        return tuple(_entry(line, "package") for line in lines)
    # Entries before the prefix would be out of AOSP order; treat them as the package's.
    head = tuple(_entry(line, "package") for line in lines[:start])
    rest = lines[start:]
    uid_ok, package_ok = _uid_prefixes_ok(rest), _package_suffixes_ok(rest)
    splits = [b for b in range(1, len(rest) + 1) if uid_ok[b] and package_ok[b]]
    scoped: list[OpEntry] = []
    for i, line in enumerate(rest):
        if i == 0:
            scope = "uid"
        elif line.timed:
            scope = "package"  # UID entries never carry access times
        elif not splits:
            scope = "ambiguous"
        elif i < splits[0]:
            scope = "uid"
        elif i >= splits[-1]:
            scope = "package"
        else:
            scope = "ambiguous"
        scoped.append(_entry(line, scope))
    return head + tuple(scoped)


def _uid_prefixes_ok(block: list[_Line]) -> list[bool]:
    """ok[b]: block[:b] can be the UID block (mode-only, ascending, each op once, one prefix)."""
    ok = [False] * (len(block) + 1)
    seen: set[str] = set()
    last = -1
    for b, line in enumerate(block):
        if line.timed or (b > 0 and line.uid_prefixed) or line.op in seen:
            break
        code = OP_CODES.get(line.op)
        if code is not None:
            if code <= last:
                break
            last = code
        seen.add(line.op)
        ok[b + 1] = True
    return ok


def _package_suffixes_ok(block: list[_Line]) -> list[bool]:
    """ok[b]: block[b:] can be the package block (ascending, each op once, no prefix)."""
    ok = [False] * (len(block) + 1)
    ok[len(block)] = True
    seen: set[str] = set()
    following: int | None = None  # the smallest (first) known op code after position b
    for b in range(len(block) - 1, -1, -1):
        line = block[b]
        if line.uid_prefixed or line.op in seen:
            break
        code = OP_CODES.get(line.op)
        if code is not None:
            if following is not None and code >= following:
                break
            following = code
        seen.add(line.op)
        ok[b] = True
    return ok


def _entry(line: _Line, scope: str) -> OpEntry:
    return OpEntry(line.op, line.mode, scope, line.last_access, line.last_reject, line.duration)
