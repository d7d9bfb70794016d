"""JSON report, schema v1: everything the CSV says plus the evidence behind each verdict.

Key order is fixed by construction (dicts are built in schema order and never sorted), so two
scans diff cleanly. Every key is documented in docs/report-schema.md and described by
audit/report/schema-v1.json. Raw address-book rows and the exposed-number digests are never
read here: only counts leave the process.
"""

from __future__ import annotations

import json
from typing import Any

from audit.android_versions import newer_than_verified
from audit.apps import display_name
from audit.management import Management, management_of, phone_management, recognise
from audit.messages import render as render_message
from audit.report.labels import check_lang
from audit.report.summary import FleetSummary, summarize
from audit.report.text import redact_free_text, valid_unicode
from audit.results import DeviceResult, Message, NumberCounts, ScanReport, Verdict
from audit.snapshot import AddressBook, AndroidUser, AppOpState, AppState, DeviceInfo, DeviceSnapshot

SCHEMA_VERSION = 1

Json = dict[str, Any]


def render_json(report: ScanReport, lang: str = "en") -> str:
    """The JSON text (UTF-8, two-space indent, trailing newline)."""
    return json.dumps(report_document(report, lang), ensure_ascii=False, indent=2) + "\n"


def report_document(report: ScanReport, lang: str = "en") -> Json:
    """The report as plain dicts and lists, in schema key order."""
    check_lang(lang)
    return {
        "schema_version": SCHEMA_VERSION,
        "tool_version": _s(report.tool_version),
        "scan_id": _s(report.scan_id),
        "scanned_at": _s(report.scanned_at),
        "station": _s(report.station),
        "lang": lang,
        "policy": {"name": _s(report.policy_name), "sha256": _s(report.policy_hash)},
        "interrupted": report.interrupted,
        "summary": summary_document(summarize(report)),
        "devices": [_device(d, lang) for d in report.devices],
    }


def summary_document(summary: FleetSummary) -> Json:
    return {
        "phones": summary.phones,
        "audited": summary.audited,
        "not_audited": summary.not_audited,
        "not_audited_by_status": {s.value: n for s, n in summary.not_audited_by_status},
        "verdicts": summary.verdicts,
        "verdicts_by_severity": {s.value: n for s, n in summary.verdicts_by_severity},
        "worst_severity": summary.worst.value if summary.worst is not None else None,
        "phones_exposing": summary.phones_exposing,
        "exposed_third_party_numbers": summary.exposed_numbers,
        "exposed_complete": summary.exposed_complete,
        "managed_phones": summary.managed_phones,
        "unmanaged_phones": summary.unmanaged_phones,
        "management_unknown_phones": summary.management_unknown_phones,
        "mdm_closable_findings": summary.mdm_closable_findings,
    }


def _s(value: str | None) -> str | None:
    return None if value is None else valid_unicode(value)


def _notes(problems: tuple[str, ...]) -> list[str]:
    return [redact_free_text(p) for p in problems]


def _device(device: DeviceResult, lang: str) -> Json:
    snapshot = device.snapshot
    return {
        "serial": _s(device.serial),
        "status": device.status.value,
        "error": _s(redact_free_text(device.error) if device.error else None),
        "reason": _message(device.reason, lang) if device.reason is not None else None,
        "duration_s": round(device.duration_s, 3),
        "info": _info(snapshot.info) if snapshot is not None else None,
        "problems": _notes(snapshot.problems) if snapshot is not None else [],
        "users": _users(device),
        "alternatives": list(device.alternatives),
        "verdicts": [verdict_document(v, lang) for v in device.verdicts],
        "severity": device.worst.value,
        "android_newer_than_verified": newer_than_verified(
            snapshot.info.sdk if snapshot is not None else None
        ),
        "management": _phone_management(snapshot),
    }


def _management(m: Management) -> Json:
    return {
        "state": m.state.value,
        "managed": m.managed,
        "mdm": m.vendor.value if m.vendor is not None else None,
        "mdm_name": m.mdm_name,
        "package": m.package,
        "role": m.role.value if m.role is not None else None,
    }


def _phone_management(snapshot: DeviceSnapshot | None) -> Json | None:
    """The phone's management plus every owner read; ``null`` when the phone was not read."""
    if snapshot is None:
        return None
    policy = snapshot.device_policy
    return {
        **_management(phone_management(snapshot)),
        "owners_known": policy.known,
        "owners": [
            {
                "role": o.role.value,
                "user_id": o.user_id,
                "package": o.package,
                "component": _s(o.component),
                "mdm": recognise(o.package).value,
            }
            for o in policy.owners
        ],
        "problems": _notes(policy.problems),
    }


def _info(info: DeviceInfo) -> Json:
    return {
        "manufacturer": _s(info.manufacturer),
        "model": _s(info.model),
        "android_version": _s(info.android_release),
        "sdk": info.sdk,
        "fingerprint": _s(info.fingerprint),
        "serialno": _s(info.serialno),
        "sim_country": _s(info.sim_country),
        "locale": _s(info.locale),
    }


def _users(device: DeviceResult) -> list[Json]:
    """Every user the snapshot lists, then any user only the counts or verdicts mention."""
    snapshot = device.snapshot
    ids: list[int] = []
    for uid in (
        ([u.id for u in snapshot.users] if snapshot is not None else [])
        + [c.user_id for c in device.counts]
        + [v.user_id for v in device.verdicts]
    ):
        if uid not in ids:
            ids.append(uid)
    return [_user(device, snapshot, uid) for uid in ids]


_PERSONAL_KINDS = frozenset({"owner", "secondary", "guest"})


def _user(device: DeviceResult, snapshot: DeviceSnapshot | None, uid: int) -> Json:
    user: AndroidUser | None = snapshot.user(uid) if snapshot is not None else None
    kind = user.kind.value if user is not None else None
    if kind is None:
        kind = next((v.user_kind.value for v in device.verdicts if v.user_id == uid), None)
    counts = next((c for c in device.counts if c.user_id == uid), None)
    if counts is None:
        counts = next((v.counts for v in device.verdicts if v.user_id == uid), None)
    book = snapshot.address_book(uid) if snapshot is not None else None
    apps = snapshot.apps_in(uid) if snapshot is not None else ()
    return {
        "id": uid,
        # Full users (owner, secondary, guest) are usually named after a person: data
        # minimisation keeps those names out of reports; profiles carry system labels.
        "name": _s(user.name) if user is not None and kind not in _PERSONAL_KINDS else None,
        "kind": kind,
        "flags": user.flags if user is not None else None,
        "running": user.running if user is not None else None,
        "address_book": _address_book(book, counts),
        "apps": [_app(a) for a in apps],
        "management": _management(management_of(snapshot, uid)) if snapshot is not None else None,
    }


def _pairs(pairs: tuple[tuple[str, int], ...], key: str, value: str) -> list[Json]:
    return [{key: _s(k), value: n} for k, n in pairs]


def _address_book(book: AddressBook | None, counts: NumberCounts | None) -> Json:
    known = counts is not None and counts.known

    def count(n: int) -> int | None:
        return n if known else None

    return {
        "readable": book.complete if book is not None else None,
        "counts_known": known,
        "contacts": count(counts.contacts) if counts else None,
        "phone_numbers": count(counts.phone_numbers) if counts else None,
        "distinct_numbers": count(counts.distinct_numbers) if counts else None,
        "by_class": {
            "colleague": count(counts.colleague) if counts else None,
            "business": count(counts.business) if counts else None,
            "personal": count(counts.personal) if counts else None,
            "invalid": count(counts.invalid) if counts else None,
            "third_party": count(counts.third_party) if counts else None,
        },
        "by_rule": _pairs(counts.by_rule, "rule", "numbers") if known and counts else [],
        "by_account_type": (_pairs(counts.by_account_type, "account_type", "raw_contacts") if known and counts else []),
        "synced_by_package": (_pairs(counts.synced_by_package, "package", "raw_contacts") if known and counts else []),
        "cross_profile_contacts": _s(book.cross_profile_contacts) if book is not None else None,
        "problems": _notes(book.problems) if book is not None else [],
    }


def _app(app: AppState) -> Json:
    return {
        "package": app.package,
        "app": display_name(app.package),
        "installed": app.installed,
        "version": _s(app.version_name),
        "version_code": app.version_code,
        "target_sdk": app.target_sdk,
        "enabled": app.enabled,
        "enabled_state": app.enabled_state,
        "requests_read_contacts": app.requests_read_contacts,
        "contacts_permission": app.read_contacts.value,
        "permission_flags": [_s(f) for f in app.read_contacts_flags],
        "appops_known": app.appops_known,
        "appops": [_appop(op) for op in app.appops],
        "first_install_time": _s(app.first_install_time),
        "shared_user": _s(app.shared_user),
        "problems": _notes(app.problems),
    }


def _appop(op: AppOpState) -> Json:
    return {
        "op": _s(op.op),
        "mode": _s(op.mode),
        "uid_mode": _s(op.uid_mode),
        "effective_mode": _s(op.effective_mode),
        "last_access": _s(op.last_access),
        "last_reject": _s(op.last_reject),
        "duration": _s(op.duration),
        "last_access_utc": _s(op.last_access_utc),
    }


def _message(message: Message, lang: str) -> Json:
    return {
        "text": render_message(message, lang),
        "key": message.key,
        "params": {k: (v if isinstance(v, int) else valid_unicode(v)) for k, v in message.params},
    }


def verdict_document(verdict: Verdict, lang: str) -> Json:
    """One verdict in the JSON report's shape; public because the history export promises the
    same shape for the verdicts it stores (docs/history.md)."""
    counts = verdict.counts

    def count(n: int) -> int | None:
        return n if counts.known else None

    return {
        "user_id": verdict.user_id,
        "user_kind": verdict.user_kind.value,
        "package": verdict.package,
        "app": _s(verdict.app),
        "app_version": _s(verdict.app_version),
        "app_enabled": verdict.app_enabled,
        "contacts_permission": verdict.contacts_permission.value,
        "permission_flags": [_s(f) for f in verdict.permission_flags],
        "appop_mode": _s(verdict.appop_mode),
        "last_contacts_access": _s(verdict.last_contacts_access),
        "synced_contacts": verdict.synced_contacts,
        "past_upload": verdict.past_upload.value,
        "counts_known": counts.known,
        "contacts": count(counts.contacts),
        "phone_numbers": count(counts.phone_numbers),
        "distinct_numbers": count(counts.distinct_numbers),
        "colleague_numbers": count(counts.colleague),
        "business_numbers": count(counts.business),
        "personal_numbers": count(counts.personal),
        "invalid_numbers": count(counts.invalid),
        "third_party_numbers": count(counts.third_party),
        "uploads_third_party": verdict.uploads_third_party.value,
        "severity": verdict.severity.value,
        "rule": verdict.rule,
        "finding": _message(verdict.finding, lang),
        "remediation": _message(verdict.remediation, lang),
        "alternatives": list(verdict.alternatives),
        "last_contacts_access_text": _s(verdict.last_contacts_access_text),
        "user_managed": verdict.management.managed,
        "mdm": verdict.management.vendor.value if verdict.management.vendor is not None else None,
        "mdm_package": verdict.management.package,
        "mdm_role": verdict.management.role.value if verdict.management.role is not None else None,
    }
