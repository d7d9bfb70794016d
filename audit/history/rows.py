"""What the history stores, as frozen rows: counts, states and verdict keys, never personal data.

Why rows of their own and not the JSON report: the database needs flat, typed columns to answer
"the latest state of every phone" and "what changed" with one query each, and the rows say
exactly what is kept. They are made from a ``ScanReport`` (scan, station) or from a JSON report
(import), and turn back into ``DeviceResult``/``ScanReport`` values so that every report renderer
(CSV, JSON, later HTML) can show the history without knowing about it. A value a newer or edited
database holds that this version does not know becomes "unknown", never a milder value.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

from audit.report.text import redact_free_text
from audit.results import DeviceResult, DeviceStatus, Message, NumberCounts, ScanReport, Severity, Tri, Upload, Verdict
from audit.snapshot import DeviceInfo, DeviceSnapshot, PermissionStatus, UserKind

E = TypeVar("E", bound=Enum)

SOURCES = ("scan", "station", "import")


@dataclass(frozen=True)
class AppRow:
    """One verdict: a (user, app) of one audit, with counts only (no number, name or e-mail)."""

    user_id: int
    user_kind: str
    package: str | None
    app: str | None
    app_version: str | None
    app_enabled: bool | None
    contacts_permission: str
    permission_flags: tuple[str, ...]
    appop_mode: str | None
    last_contacts_access: str | None
    synced_contacts: int | None
    past_upload: str
    counts_known: bool
    contacts: int | None
    phone_numbers: int | None
    distinct_numbers: int | None
    colleague_numbers: int | None
    business_numbers: int | None
    personal_numbers: int | None
    invalid_numbers: int | None
    uploads_third_party: str
    severity: str
    rule: str
    finding_key: str
    finding_params: tuple[tuple[str, str | int], ...]
    remediation_key: str
    remediation_params: tuple[tuple[str, str | int], ...]
    alternatives: tuple[str, ...]

    @property
    def third_party_numbers(self) -> int | None:
        parts = (self.business_numbers, self.personal_numbers, self.invalid_numbers)
        if not self.counts_known or any(p is None for p in parts):
            return None
        return sum(p for p in parts if p is not None)

    def to_verdict(self) -> Verdict:
        # counts marked known with one missing (an edited database, a hand-made report) are not
        # known: shown as 0 they would understate the third parties
        known = self.counts_known and None not in (
            self.contacts, self.phone_numbers, self.distinct_numbers, self.colleague_numbers,
            self.business_numbers, self.personal_numbers, self.invalid_numbers)
        counts = NumberCounts(
            user_id=self.user_id,
            known=known,
            contacts=self.contacts or 0,
            phone_numbers=self.phone_numbers or 0,
            distinct_numbers=self.distinct_numbers or 0,
            colleague=self.colleague_numbers or 0,
            business=self.business_numbers or 0,
            personal=self.personal_numbers or 0,
            invalid=self.invalid_numbers or 0,
        )
        return Verdict(
            user_id=self.user_id,
            user_kind=_enum(UserKind, self.user_kind, UserKind.OTHER),
            package=self.package,
            app=self.app,
            app_version=self.app_version,
            app_enabled=self.app_enabled,
            contacts_permission=_enum(PermissionStatus, self.contacts_permission, PermissionStatus.UNKNOWN),
            permission_flags=self.permission_flags,
            appop_mode=self.appop_mode,
            last_contacts_access=self.last_contacts_access,
            synced_contacts=self.synced_contacts,
            past_upload=_enum(Tri, self.past_upload, Tri.UNKNOWN),
            counts=counts,
            uploads_third_party=_enum(Upload, self.uploads_third_party, Upload.UNKNOWN),
            severity=_enum(Severity, self.severity, Severity.UNKNOWN),
            rule=self.rule,
            finding=Message(self.finding_key, self.finding_params),
            remediation=Message(self.remediation_key, self.remediation_params),
            alternatives=self.alternatives,
        )


@dataclass(frozen=True)
class AuditRow:
    """One phone in one scan: its state, model and worst severity, and its app rows."""

    serial: str
    status: str
    error: str | None
    manufacturer: str | None
    model: str | None
    android_version: str | None
    sdk: int | None
    severity: str  # the phone's worst; "unknown" when it was not audited
    duration_s: float
    alternatives: tuple[str, ...]
    apps: tuple[AppRow, ...]

    @property
    def worst(self) -> Severity:
        return _enum(Severity, self.severity, Severity.UNKNOWN)

    def to_result(self) -> DeviceResult:
        """The phone as a report value (its snapshot holds the model only: no users, apps or rows)."""
        info = DeviceInfo(manufacturer=self.manufacturer, model=self.model,
                          android_release=self.android_version, sdk=self.sdk)
        has_info = any(v is not None for v in (self.manufacturer, self.model, self.android_version, self.sdk))
        snapshot = DeviceSnapshot(self.serial, info, (), (), ()) if has_info else None
        status = _enum(DeviceStatus, self.status, DeviceStatus.ERROR)
        return DeviceResult(
            serial=self.serial,
            status=status,
            error=self.error,
            snapshot=snapshot,
            verdicts=tuple(a.to_verdict() for a in self.apps),
            alternatives=self.alternatives,
            duration_s=self.duration_s,
        )


@dataclass(frozen=True)
class ScanInfo:
    scan_id: str
    scanned_at: str  # ISO 8601 UTC, as in the report
    station: str
    tool_version: str
    policy_name: str | None
    policy_hash: str | None
    interrupted: bool
    source: str  # "scan", "station" or "import"


@dataclass(frozen=True)
class ScanRow:
    info: ScanInfo
    audits: tuple[AuditRow, ...]


@dataclass(frozen=True)
class PhoneAudit:
    """One stored audit with the scan it belongs to: enough to render it as a report."""

    scan: ScanInfo
    audit: AuditRow

    @property
    def serial(self) -> str:
        return self.audit.serial

    def to_report(self) -> ScanReport:
        s = self.scan
        return ScanReport(s.scan_id, s.scanned_at, s.station, s.tool_version, s.policy_name, s.policy_hash,
                          (self.audit.to_result(),), s.interrupted)


@dataclass(frozen=True)
class PhoneState:
    """A phone's latest stored audit, with when it was first and last seen."""

    first_seen: str
    last_seen: str
    latest: PhoneAudit


@dataclass(frozen=True)
class LatestState:
    """The fleet as the history last saw it: one ``PhoneState`` per phone, worst first.

    ``reports()`` gives each phone as the one-phone ``ScanReport`` it was recorded in (its own
    scan id, time and station), which is what report renderers need.
    """

    phones: tuple[PhoneState, ...]

    def reports(self) -> list[ScanReport]:
        return [p.latest.to_report() for p in self.phones]


def scan_row(report: ScanReport, source: str) -> ScanRow:
    """The rows one report adds to the history."""
    info = ScanInfo(report.scan_id, report.scanned_at, report.station, report.tool_version,
                    report.policy_name, report.policy_hash, report.interrupted, source)
    return ScanRow(info, tuple(audit_row(d) for d in report.devices))


def audit_row(device: DeviceResult) -> AuditRow:
    info = device.snapshot.info if device.snapshot is not None else None
    return AuditRow(
        serial=device.serial,
        status=device.status.value,
        error=redact_free_text(device.error) if device.error else None,  # as every report shows it
        manufacturer=info.manufacturer if info else None,
        model=info.model if info else None,
        android_version=info.android_release if info else None,
        sdk=info.sdk if info else None,
        severity=device.worst.value,
        duration_s=round(device.duration_s, 3),
        alternatives=device.alternatives,
        apps=tuple(app_row(v) for v in device.verdicts),
    )


def app_row(verdict: Verdict) -> AppRow:
    c = verdict.counts
    known = c.known

    def count(n: int) -> int | None:
        return n if known else None

    return AppRow(
        user_id=verdict.user_id,
        user_kind=verdict.user_kind.value,
        package=verdict.package,
        app=verdict.app,
        app_version=verdict.app_version,
        app_enabled=verdict.app_enabled,
        contacts_permission=verdict.contacts_permission.value,
        permission_flags=verdict.permission_flags,
        appop_mode=verdict.appop_mode,
        last_contacts_access=verdict.last_contacts_access,
        synced_contacts=verdict.synced_contacts,
        past_upload=verdict.past_upload.value,
        counts_known=known,
        contacts=count(c.contacts),
        phone_numbers=count(c.phone_numbers),
        distinct_numbers=count(c.distinct_numbers),
        colleague_numbers=count(c.colleague),
        business_numbers=count(c.business),
        personal_numbers=count(c.personal),
        invalid_numbers=count(c.invalid),
        uploads_third_party=verdict.uploads_third_party.value,
        severity=verdict.severity.value,
        rule=verdict.rule,
        finding_key=verdict.finding.key,
        finding_params=verdict.finding.params,
        remediation_key=verdict.remediation.key,
        remediation_params=verdict.remediation.params,
        alternatives=verdict.alternatives,
    )


@functools.lru_cache(maxsize=4096)
def dump_list(values: tuple[str, ...]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


@functools.lru_cache(maxsize=4096)
def dump_params(params: tuple[tuple[str, str | int], ...]) -> str:
    return json.dumps([[k, v] for k, v in params], ensure_ascii=False)


@functools.lru_cache(maxsize=4096)  # a fleet repeats the same few flag lists and messages
def load_list(text: str | None) -> tuple[str, ...]:
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return ()
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


@functools.lru_cache(maxsize=4096)
def load_params(text: str | None) -> tuple[tuple[str, str | int], ...]:
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return ()
    if not isinstance(value, list):
        return ()
    out: list[tuple[str, str | int]] = []
    for pair in value:
        if isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str):
            v = pair[1]
            out.append((pair[0], v if isinstance(v, int) and not isinstance(v, bool) else str(v)))
    return tuple(out)


def _enum(kind: type[E], value: str, fallback: E) -> E:
    try:
        return kind(value)
    except ValueError:
        return fallback
