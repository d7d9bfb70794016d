"""What the pipeline concludes: counts, verdicts and per-phone results.

These values are what reports serialise, so they hold no raw personal data: numbers are
counted, and the fleet-wide de-duplication uses keyed digests (``exposed_keys``) that never
leave the process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from audit.management import UNKNOWN as MANAGEMENT_UNKNOWN
from audit.management import Management
from audit.snapshot import DeviceSnapshot, PermissionStatus, UserKind


class Severity(str, Enum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    OK = "ok"
    UNKNOWN = "unknown"

    @property
    def rank(self) -> int:
        """Order for sorting and --fail-on; unknown ranks with high (fail closed)."""
        return _RANK[self]

    def at_least(self, threshold: Severity) -> bool:
        return self.rank >= threshold.rank


_RANK = {
    Severity.CRITICAL: 5,
    Severity.HIGH: 4,
    Severity.UNKNOWN: 4,
    Severity.MEDIUM: 3,
    Severity.LOW: 2,
    Severity.OK: 1,
}


class Upload(str, Enum):
    """uploads_third_party: would WhatsApp upload numbers of people who did not consent?"""

    YES = "yes"
    POSSIBLE = "possible"
    NO = "no"
    UNKNOWN = "unknown"


class Tri(str, Enum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class DeviceStatus(str, Enum):
    AUDITED = "audited"
    UNAUTHORIZED = "unauthorized"
    OFFLINE = "offline"
    NO_PERMISSIONS = "no_permissions"
    TIMEOUT = "timeout"
    ERROR = "error"
    # Appended (schema v1 is additive): a phone the scan was stopped before it finished (Ctrl-C,
    # SIGTERM), and a serial the adb server does not list at all.
    INTERRUPTED = "interrupted"
    NOT_ATTACHED = "not_attached"


class NumberClass(str, Enum):
    COLLEAGUE = "colleague"
    INVALID = "invalid"
    BUSINESS = "business"
    PERSONAL = "personal"


@dataclass(frozen=True)
class Message:
    """A sentence in no particular language: a catalogue key plus its parameters.

    Rendered by ``audit.messages.render(message, lang)`` so that reports can be English or
    German from the same verdict. Parameters are counts, package names and app names only.
    """

    key: str
    params: tuple[tuple[str, str | int], ...] = ()

    def param(self, name: str) -> str | int | None:
        for key, value in self.params:
            if key == name:
                return value
        return None


@dataclass(frozen=True)
class NumberCounts:
    """The classified address book of one Android user: counts only."""

    user_id: int
    known: bool  # False: the address book could not be read, every count below is meaningless
    contacts: int = 0  # raw contacts in the address book (messenger-synced ones excluded)
    phone_numbers: int = 0  # phone rows
    distinct_numbers: int = 0
    colleague: int = 0
    business: int = 0
    personal: int = 0
    invalid: int = 0
    # --explain: rule id (e.g. "colleague.prefix") -> distinct numbers it classified
    by_rule: tuple[tuple[str, int], ...] = ()
    # account type ("" = device-local) -> raw contacts
    by_account_type: tuple[tuple[str, int], ...] = ()
    # messenger package -> raw contacts it wrote itself (its synced contacts)
    synced_by_package: tuple[tuple[str, int], ...] = ()
    # keyed digests of this user's third-party numbers, for fleet-wide de-duplication in memory
    exposed_keys: frozenset[bytes] = field(default=frozenset(), repr=False, compare=False)

    @property
    def third_party(self) -> int:
        return self.business + self.personal + self.invalid


@dataclass(frozen=True)
class Verdict:
    """The decision for one (phone, Android user, audited app installed in that user).

    ``package`` is None for a user without any audited app.
    """

    user_id: int
    user_kind: UserKind
    package: str | None
    app: str | None
    app_version: str | None
    app_enabled: bool | None
    contacts_permission: PermissionStatus
    permission_flags: tuple[str, ...]
    appop_mode: str | None
    last_contacts_access: str | None  # ISO 8601 UTC; "unknown" when the time cannot be established
    synced_contacts: int | None
    past_upload: Tri
    counts: NumberCounts
    uploads_third_party: Upload
    severity: Severity
    rule: str
    finding: Message
    remediation: Message
    alternatives: tuple[str, ...] = ()
    # The phone's own relative text behind last_contacts_access (``+3h0m4s5ms ago``): evidence.
    last_contacts_access_text: str | None = None
    # Who manages this user (its device or profile owner, the MDM); unknown unless read whole.
    management: Management = MANAGEMENT_UNKNOWN


@dataclass(frozen=True)
class DeviceResult:
    """One phone's outcome: audited with verdicts, or skipped with its reason (a value, not an error)."""

    serial: str
    status: DeviceStatus
    error: str | None = None  # one line, safe to print
    snapshot: DeviceSnapshot | None = None
    counts: tuple[NumberCounts, ...] = ()
    verdicts: tuple[Verdict, ...] = ()
    alternatives: tuple[str, ...] = ()  # compliant alternatives installed anywhere on the phone
    duration_s: float = 0.0
    # Why it was not audited, as a catalogue message, so human reports can say it in their
    # language; ``error`` keeps the English line that CSV and JSON carry. None: only ``error``.
    reason: Message | None = None

    @property
    def worst(self) -> Severity:
        """The phone's worst severity; ``UNKNOWN`` when it was not audited or has no verdict: a
        phone nobody could judge is never milder than a finding."""
        if self.status is not DeviceStatus.AUDITED or not self.verdicts:
            return Severity.UNKNOWN
        return max((v.severity for v in self.verdicts), key=lambda s: s.rank)


@dataclass(frozen=True)
class ScanReport:
    """A whole scan: what every report format serialises."""

    scan_id: str
    scanned_at: str  # ISO 8601 UTC
    station: str
    tool_version: str
    policy_name: str | None
    policy_hash: str | None
    devices: tuple[DeviceResult, ...]
    interrupted: bool = False
