"""CSV schema v1: one row per verdict, for spreadsheets and scripts.

The column list is a published contract (docs/report-schema.md): columns are only ever added at
the end. Every cell is text a spreadsheet will open, and some of it comes from the phone, so
every cell goes through ``neutralise`` (OWASP "CSV Injection") before it is written.
"""

from __future__ import annotations

import csv
import io

from audit.android_versions import newer_than_verified
from audit.management import phone_management
from audit.messages import render as render_message
from audit.report.labels import check_lang
from audit.report.text import redact_free_text, valid_unicode
from audit.results import DeviceResult, NumberCounts, ScanReport, Verdict

SCHEMA_VERSION = 1

COLUMNS: tuple[str, ...] = (
    "schema_version",
    "tool_version",
    "scan_id",
    "scanned_at",
    "station",
    "serial",
    "device_status",
    "device_error",
    "manufacturer",
    "model",
    "android_version",
    "sdk",
    "user_id",
    "user_kind",
    "package",
    "app",
    "app_version",
    "app_enabled",
    "contacts_permission",
    "permission_flags",
    "appop_mode",
    "last_contacts_access",
    "synced_contacts",
    "past_upload",
    "contacts",
    "phone_numbers",
    "distinct_numbers",
    "colleague_numbers",
    "business_numbers",
    "personal_numbers",
    "invalid_numbers",
    "third_party_numbers",
    "uploads_third_party",
    "severity",
    "rule",
    "finding",
    "remediation",
    "alternatives",
    "android_newer_than_verified",
    # issue 12: who manages the phone and the verdict's user (appended, schema v1 is additive)
    "phone_managed",
    "user_managed",
    "mdm",
    "mdm_package",
    "mdm_role",
    "scan_interrupted",
)

LIST_SEPARATOR = "|"
BOM = "\ufeff"

# A spreadsheet evaluates a cell as a formula when it starts with one of these (TAB and CR
# because some spreadsheets skip them before looking; NUL as OWASP ASVS 1.2.10 lists it).
DANGEROUS_FIRST = frozenset("=+-@\t\r\n\0")
# Formula starters that are still dangerous after leading blanks (spreadsheets that trim cells),
# including the full-width forms some locales' spreadsheets accept.
FORMULA_CHARS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")


def neutralise(cell: str) -> str:
    """``cell`` made inert for spreadsheets: prefixed with ``'`` when it could start a formula.

    The quote is what Excel and LibreOffice treat as "this is text"; the value itself is kept,
    so a reader that knows the rule can strip the one leading quote again.
    """
    cell = valid_unicode(cell).replace("\0", "\ufffd")
    if not cell:
        return cell
    if cell[0] in DANGEROUS_FIRST or cell[0] in FORMULA_CHARS:
        return "'" + cell
    stripped = cell.lstrip()
    if stripped and stripped[0] in FORMULA_CHARS:
        return "'" + cell
    return cell


def records(report: ScanReport, lang: str = "en") -> list[dict[str, str]]:
    """The CSV rows as column -> text, before neutralisation (the JSON tests compare these)."""
    check_lang(lang)
    rows: list[dict[str, str]] = []
    for device in report.devices:
        base = _scan_cells(report) | _device_cells(device) | phone_management_cells(device)
        if not device.verdicts:
            # never an empty severity: a spreadsheet filtered by severity must still show the phone
            rows.append({c: base.get(c, "") for c in COLUMNS} | {"severity": device.worst.value})
            continue
        for verdict in device.verdicts:
            row = base | _verdict_cells(verdict, lang) | user_management_cells(verdict)
            rows.append({c: row.get(c, "") for c in COLUMNS})
    return rows


def render_csv(report: ScanReport, lang: str = "en", *, excel: bool = False) -> str:
    """The CSV text (RFC 4180, CRLF). ``excel``: BOM first and ``;`` between cells (German Excel).

    Column names stay English in every language; ``lang`` only changes finding and remediation.
    """
    buffer = io.StringIO(newline="")
    if excel:
        buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=";" if excel else ",", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for row in records(report, lang):
        writer.writerow([neutralise(row[c]) for c in COLUMNS])
    return buffer.getvalue()


def _text(value: str | int | None) -> str:
    return "" if value is None else str(value)


def _bool(value: bool | None) -> str:
    return "" if value is None else ("true" if value else "false")


def _scan_cells(report: ScanReport) -> dict[str, str]:
    return {
        "schema_version": str(SCHEMA_VERSION),
        "tool_version": report.tool_version,
        "scan_id": report.scan_id,
        "scanned_at": report.scanned_at,
        "station": report.station,
        "scan_interrupted": _bool(report.interrupted),
    }


def _device_cells(device: DeviceResult) -> dict[str, str]:
    info = device.snapshot.info if device.snapshot is not None else None
    return {
        "serial": device.serial,
        "device_status": device.status.value,
        "device_error": _text(redact_free_text(device.error) if device.error else None),
        "manufacturer": _text(info.manufacturer if info else None),
        "model": _text(info.model if info else None),
        "android_version": _text(info.android_release if info else None),
        "sdk": _text(info.sdk if info else None),
        "android_newer_than_verified": _bool(newer_than_verified(info.sdk if info else None)),
    }


def count_cells(counts: NumberCounts) -> dict[str, str]:
    """The count columns; all empty when the address book could not be read (unknown is not 0)."""
    values = {
        "contacts": counts.contacts,
        "phone_numbers": counts.phone_numbers,
        "distinct_numbers": counts.distinct_numbers,
        "colleague_numbers": counts.colleague,
        "business_numbers": counts.business,
        "personal_numbers": counts.personal,
        "invalid_numbers": counts.invalid,
        "third_party_numbers": counts.third_party,
    }
    return {k: (str(v) if counts.known else "") for k, v in values.items()}


def _verdict_cells(verdict: Verdict, lang: str) -> dict[str, str]:
    return {
        "user_id": str(verdict.user_id),
        "user_kind": verdict.user_kind.value,
        "package": _text(verdict.package),
        "app": _text(verdict.app),
        "app_version": _text(verdict.app_version),
        "app_enabled": _bool(verdict.app_enabled),
        "contacts_permission": verdict.contacts_permission.value,
        "permission_flags": LIST_SEPARATOR.join(verdict.permission_flags),
        "appop_mode": _text(verdict.appop_mode),
        "last_contacts_access": _text(verdict.last_contacts_access),
        "synced_contacts": _text(verdict.synced_contacts),
        "past_upload": verdict.past_upload.value,
        **count_cells(verdict.counts),
        "uploads_third_party": verdict.uploads_third_party.value,
        "severity": verdict.severity.value,
        "rule": verdict.rule,
        "finding": render_message(verdict.finding, lang),
        "remediation": render_message(verdict.remediation, lang),
        "alternatives": LIST_SEPARATOR.join(verdict.alternatives),
    }


def phone_management_cells(device: DeviceResult) -> dict[str, str]:
    """``phone_managed``: empty when the phone was not read or its owners are unknown (never "false")."""
    if device.snapshot is None:
        return {"phone_managed": ""}
    return {"phone_managed": _bool(phone_management(device.snapshot).managed)}


def user_management_cells(verdict: Verdict) -> dict[str, str]:
    """Whether the verdict's user is managed and by which MDM app; empty when unknown."""
    m = verdict.management
    return {
        "user_managed": _bool(m.managed),
        "mdm": m.vendor.value if m.vendor is not None else "",
        "mdm_package": _text(m.package),
        "mdm_role": m.role.value if m.role is not None else "",
    }
