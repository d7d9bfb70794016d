"""The fleet-wide figures every report format shows.

Computed once from a ``ScanReport`` so that the table, the CSV consumers and the JSON report
cannot disagree about how many phones were audited or how many third-party numbers are exposed.
"""

from __future__ import annotations

from dataclasses import dataclass

from audit.management import ManagedState, phone_management
from audit.results import DeviceResult, DeviceStatus, ScanReport, Severity, Upload, Verdict

# Declaration order (critical ... ok, unknown): the order every report lists severities in.
SEVERITY_ORDER = tuple(Severity)
NOT_AUDITED_STATUSES = tuple(s for s in DeviceStatus if s is not DeviceStatus.AUDITED)
EXPOSING = frozenset({Upload.YES, Upload.POSSIBLE})


@dataclass(frozen=True)
class FleetSummary:
    """Counts over a whole scan; no per-phone detail and no personal data."""

    phones: int
    audited: int
    not_audited: int
    # every non-audited DeviceStatus, in declaration order, with its count (zeros included)
    not_audited_by_status: tuple[tuple[DeviceStatus, int], ...]
    verdicts: int
    # every Severity in SEVERITY_ORDER with its count (zeros included)
    verdicts_by_severity: tuple[tuple[Severity, int], ...]
    worst: Severity | None
    # phones with at least one verdict whose app can (possibly) upload third-party numbers
    phones_exposing: int
    # distinct third-party numbers across the fleet those apps can upload (keyed digests, deduplicated)
    exposed_numbers: int
    # False: some exposing user's numbers are unknown or lack digests, so exposed_numbers is a lower bound
    exposed_complete: bool
    interrupted: bool
    # issue 12: audited phones by management (device or profile owner), and the findings an MDM
    # policy denying READ_CONTACTS would close (see mdm_closable)
    managed_phones: int = 0
    unmanaged_phones: int = 0
    management_unknown_phones: int = 0
    mdm_closable_findings: int = 0

    def not_audited_count(self, status: DeviceStatus) -> int:
        return dict(self.not_audited_by_status).get(status, 0)

    def severity_count(self, severity: Severity) -> int:
        return dict(self.verdicts_by_severity).get(severity, 0)


def summarize(report: ScanReport) -> FleetSummary:
    """Fleet figures for ``report``.

    Exposed numbers are de-duplicated across phones through ``NumberCounts.exposed_keys`` (keyed
    digests made in this process); the union lives only in this function's memory.
    """
    status_counts = dict.fromkeys(NOT_AUDITED_STATUSES, 0)
    severity_counts = dict.fromkeys(SEVERITY_ORDER, 0)
    audited = 0
    phones_exposing = 0
    exposed: set[bytes] = set()
    complete = True
    for device in report.devices:
        if device.status is DeviceStatus.AUDITED:
            audited += 1
        else:
            status_counts[device.status] = status_counts.get(device.status, 0) + 1
        for verdict in device.verdicts:
            severity_counts[verdict.severity] = severity_counts.get(verdict.severity, 0) + 1
        device_exposes, device_complete = _collect_exposed(device, exposed)
        phones_exposing += device_exposes
        complete = complete and device_complete
    verdicts = sum(severity_counts.values())
    # A phone that was not audited counts as UNKNOWN: a fleet with a gap is never "worst: ok".
    worst = max((d.worst for d in report.devices), key=lambda s: s.rank, default=None)
    return FleetSummary(
        phones=len(report.devices),
        audited=audited,
        not_audited=len(report.devices) - audited,
        not_audited_by_status=tuple(status_counts.items()),
        verdicts=verdicts,
        verdicts_by_severity=tuple(severity_counts.items()),
        worst=worst,
        phones_exposing=phones_exposing,
        exposed_numbers=len(exposed),
        exposed_complete=complete,
        interrupted=report.interrupted,
        **_management_counts(report),
    )


def mdm_closable(verdict: Verdict) -> bool:
    """A finding the user's MDM closes by denying and locking READ_CONTACTS for the app.

    Every verdict of an installed audited app that is not ``ok`` on a managed user: once the MDM
    denies the permission with POLICY_FIXED, the next audit finds it ``locked``.
    """
    return (
        verdict.package is not None
        and verdict.severity is not Severity.OK
        and verdict.rule != "unknown.installed"
        and verdict.management.state is ManagedState.MANAGED
    )


def _management_counts(report: ScanReport) -> dict[str, int]:
    counts = {"managed_phones": 0, "unmanaged_phones": 0, "management_unknown_phones": 0, "mdm_closable_findings": 0}
    for device in report.devices:
        if device.status is not DeviceStatus.AUDITED or device.snapshot is None:
            continue
        state = phone_management(device.snapshot).state
        key = {ManagedState.MANAGED: "managed_phones", ManagedState.UNMANAGED: "unmanaged_phones"}.get(
            state, "management_unknown_phones"
        )
        counts[key] += 1
        counts["mdm_closable_findings"] += sum(1 for v in device.verdicts if mdm_closable(v))
    return counts


def _collect_exposed(device: DeviceResult, exposed: set[bytes]) -> tuple[int, bool]:
    """Add the digests of every exposing user of ``device``; (1 if it exposes, all digests known)."""
    users = {v.user_id for v in device.verdicts if v.uploads_third_party in EXPOSING}
    if not users:
        return 0, True
    complete = True
    for user_id in sorted(users):
        keys: set[bytes] = set()
        counts = [v.counts for v in device.verdicts if v.user_id == user_id]
        counts += [c for c in device.counts if c.user_id == user_id]
        for c in counts:
            keys |= c.exposed_keys
        known = [c for c in counts if c.known]
        # Fail closed: unknown counts, or fewer digests than counted third-party numbers.
        if not known or any(len(keys) < c.third_party for c in known):
            complete = False
        exposed |= keys
    return 1, complete
