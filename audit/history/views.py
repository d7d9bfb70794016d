"""The history's views as text: scans, the fleet's latest state, a timeline, what changed, exports.

Pure functions of the rows the store returns, so they are tested without a database and read
the same from SQLite and PostgreSQL (sorting happens here, not in SQL: the two servers' text
collations differ). Every string that came from a phone or a report file (serial, model,
station, app version, error) goes through ``textsafe.clean`` before it reaches the terminal.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from audit.history.rows import AppRow, AuditRow, LatestState, PhoneAudit
from audit.history.store import ScanLine
from audit.results import ScanReport
from audit.textsafe import clean, json_safe

_DISPLAY_RANK = {"critical": 6, "high": 5, "unknown": 4, "medium": 3, "low": 2, "ok": 1}
_ALLOWED = frozenset({"granted", "install_time"})  # the app can read the address book
_BLOCKED = frozenset({"denied", "not_requested"})
_CAN_UPLOAD = frozenset({"yes", "possible", "unknown"})


def rank(severity: str) -> int:
    """Display order of severities (unknown ranks with high for --fail-on; it is listed just below)."""
    return _DISPLAY_RANK.get(severity, _DISPLAY_RANK["unknown"])


def _c(text: object, limit: int = 40) -> str:
    return clean("" if text is None else str(text), limit)


def _table(rows: list[list[str]], headers: list[str]) -> str:
    """Columns padded to their widest cell (terminal cells, so wide characters line up), headers
    underlined: the layout of tabulate's "simple" style, in linear time (a fleet of thousands of
    phones is a table of tens of thousands of lines)."""
    from rich.cells import cell_len

    widths = [cell_len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            n = cell_len(cell)
            if n > widths[i]:
                widths[i] = n

    def line(cells: list[str]) -> str:
        return "  ".join(c + " " * (w - cell_len(c)) for c, w in zip(cells, widths, strict=True)).rstrip()

    out = [line(headers), "  ".join("-" * w for w in widths)]
    out += [line(row) for row in rows]
    return "\n".join(out)


# --- scans -----------------------------------------------------------------------------------------


def render_scans(lines: list[ScanLine]) -> str:
    """One line per scan; a station audit (one phone) names its phone and model."""
    rows = []
    for line in lines:
        phone = f"{_c(line.serial, 30)} ({_c(line.model, 30) or '?'})" if line.serial is not None else ""
        rows.append([line.info.scanned_at, _c(line.info.station, 30), _c(line.info.scan_id, 30), line.info.source,
                     str(line.phones), str(line.audited), line.worst or "-", phone])
    return _table(rows, ["scanned at (UTC)", "station", "scan", "source", "phones", "audited", "worst", "phone"])


# --- latest state and timeline ------------------------------------------------------------------------


def _user(app: AppRow) -> str:
    return f"{app.user_id} {_c(app.user_kind, 20)}"


def _third_party(app: AppRow) -> str:
    n = app.third_party_numbers
    return "?" if n is None else str(n)


def _app_cells(app: AppRow | None) -> list[str]:
    if app is None:
        return ["", "", "", "", ""]
    name = _c(app.app or app.package or "(no audited app)", 30)
    return [_user(app), name, _c(app.contacts_permission, 15), _third_party(app), app.severity]


def _worst(audit: AuditRow) -> str:
    return audit.severity if audit.status == "audited" else f"{audit.severity} ({_c(audit.status, 20)})"


def render_phones(state: LatestState) -> str:
    """The fleet's latest state: one block per phone (worst first), one line per app row."""
    rows: list[list[str]] = []
    for phone in state.phones:
        audit = phone.latest.audit
        head = [_c(audit.serial, 30), _c(audit.model, 30), phone.last_seen, _c(phone.latest.scan.station, 30),
                _worst(audit)]
        apps: list[AppRow | None] = list(audit.apps) or [None]
        for i, app in enumerate(apps):
            rows.append((head if i == 0 else [""] * len(head)) + _app_cells(app))
    return _table(rows, ["serial", "model", "last seen (UTC)", "station", "worst",
                         "user", "app", "permission", "third-party numbers", "severity"])


def render_timeline(audits: list[PhoneAudit]) -> str:
    """One phone over time: one block per audit (oldest first), one line per app row."""
    rows: list[list[str]] = []
    for item in audits:
        audit = item.audit
        head = [item.scan.scanned_at, _c(item.scan.station, 30), _c(item.scan.scan_id, 30), _c(audit.model, 30),
                _worst(audit)]
        apps: list[AppRow | None] = list(audit.apps) or [None]
        for i, app in enumerate(apps):
            rows.append((head if i == 0 else [""] * len(head)) + _app_cells(app))
    return _table(rows, ["scanned at (UTC)", "station", "scan", "model", "worst",
                         "user", "app", "permission", "third-party numbers", "severity"])


# --- diff ---------------------------------------------------------------------------------------------

REGRESSION, CHANGE, IMPROVEMENT = "regression", "change", "improvement"
_KIND_ORDER = {REGRESSION: 0, CHANGE: 1, IMPROVEMENT: 2}


@dataclass(frozen=True)
class Change:
    kind: str  # REGRESSION, CHANGE or IMPROVEMENT
    text: str  # already terminal-safe


@dataclass(frozen=True)
class PhoneDiff:
    serial: str
    before: PhoneAudit | None  # None: the phone is new since the date
    after: PhoneAudit
    changes: tuple[Change, ...]

    @property
    def regressed(self) -> bool:
        return any(c.kind == REGRESSION for c in self.changes)


def _app_name(app: AppRow) -> str:
    return f"{_c(app.app or app.package, 30)} in user {app.user_id} ({_c(app.user_kind, 20)})"


def compare(before: AuditRow, after: AuditRow) -> list[Change]:
    """What changed from one audit of a phone to a later one, regressions first."""
    out: list[Change] = []
    if before.status != after.status:
        if after.status != "audited":
            out.append(Change(REGRESSION, f"not audited this time ({_c(after.status, 20)}): its state is unknown"))
        elif before.status != "audited":
            out.append(Change(CHANGE, f"audited again (last time: {_c(before.status, 20)})"))
    if rank(after.severity) > rank(before.severity):
        out.append(Change(REGRESSION, f"worst severity {before.severity} -> {after.severity}"))
    elif rank(after.severity) < rank(before.severity):
        out.append(Change(IMPROVEMENT, f"worst severity {before.severity} -> {after.severity}"))
    if before.status == "audited" and after.status == "audited":
        out += _compare_apps(before, after)
    out.sort(key=lambda c: _KIND_ORDER[c.kind])
    return out


def _compare_apps(before: AuditRow, after: AuditRow) -> list[Change]:
    out: list[Change] = []
    old = {(a.user_id, a.package): a for a in before.apps if a.package}
    new = {(a.user_id, a.package): a for a in after.apps if a.package}
    for key, app in new.items():
        if key not in old:
            kind = REGRESSION if app.uploads_third_party in _CAN_UPLOAD else CHANGE
            out.append(Change(kind, f"{_app_name(app)} is new there (permission {_c(app.contacts_permission, 15)})"))
            continue
        was = old[key]
        name = _app_name(app)
        if app.contacts_permission != was.contacts_permission:
            if app.contacts_permission in _ALLOWED and was.contacts_permission not in _ALLOWED:
                again = " again" if was.contacts_permission == "denied" else ""
                out.append(Change(REGRESSION, f"{name}: contacts permission granted{again} "
                                              f"({was.contacts_permission} -> {app.contacts_permission})"))
            elif app.contacts_permission in _BLOCKED and was.contacts_permission not in _BLOCKED:
                out.append(Change(IMPROVEMENT, f"{name}: contacts permission {was.contacts_permission} -> "
                                               f"{app.contacts_permission}"))
            else:
                kind = REGRESSION if app.contacts_permission == "unknown" else CHANGE
                out.append(Change(kind, f"{name}: contacts permission {was.contacts_permission} -> "
                                        f"{app.contacts_permission}"))
        b, a = was.third_party_numbers, app.third_party_numbers
        if b is not None and a is not None and a != b:
            if a > b:
                kind = REGRESSION if app.uploads_third_party in _CAN_UPLOAD else CHANGE
                out.append(Change(kind, f"{name}: {a - b} new third-party number(s) ({b} -> {a})"))
            else:
                out.append(Change(CHANGE, f"{name}: {b - a} fewer third-party number(s) ({b} -> {a})"))
        elif b is not None and a is None:
            out.append(Change(REGRESSION, f"{name}: third-party numbers could not be counted this time"))
        if rank(app.severity) > rank(was.severity):
            out.append(Change(REGRESSION, f"{name}: severity {was.severity} -> {app.severity}"))
        elif rank(app.severity) < rank(was.severity):
            out.append(Change(IMPROVEMENT, f"{name}: severity {was.severity} -> {app.severity}"))
    for key, was in old.items():
        if key not in new:
            kind = IMPROVEMENT if was.uploads_third_party in _CAN_UPLOAD else CHANGE
            out.append(Change(kind, f"{_app_name(was)} is gone"))
    return out


def diff(before: dict[str, PhoneAudit], after: dict[str, PhoneAudit], *, new_phones: bool) -> list[PhoneDiff]:
    """Per phone in ``after``, what changed since its audit in ``before``; phones with a regression
    first (worst current severity first), unchanged phones left out. ``new_phones``: a phone
    missing from ``before`` is listed as new (a regression when its worst is high or above)."""
    out: list[PhoneDiff] = []
    for serial, now in after.items():
        was = before.get(serial)
        if was is None:
            if not new_phones:
                continue
            worst = now.audit.severity
            kind = REGRESSION if rank(worst) >= rank("unknown") else CHANGE
            changes: tuple[Change, ...] = (Change(kind, f"new phone, worst {worst}"),)
        else:
            changes = tuple(compare(was.audit, now.audit))
        if changes:
            out.append(PhoneDiff(serial, was, now, changes))
    out.sort(key=lambda d: (not d.regressed, -rank(d.after.audit.severity), d.serial))
    return out


def render_diff(diffs: list[PhoneDiff]) -> str:
    rows = []
    for d in diffs:
        since = d.before.scan.scanned_at if d.before is not None else "-"
        for change in d.changes:
            rows.append([_c(d.serial, 30), _c(d.after.audit.model, 30), since, d.after.scan.scanned_at,
                         change.kind, change.text])
    return _table(rows, ["serial", "model", "before (UTC)", "now (UTC)", "change", "what"])


# --- exports ------------------------------------------------------------------------------------------


def export_csv(state: LatestState, lang: str = "en", *, excel: bool = False) -> str:
    """The latest state as CSV schema v1: each phone's rows as its last scan reported them (its own
    scan id, time and station), formula-neutralised and with terminal controls replaced."""
    from audit.report.csv_report import BOM, COLUMNS, neutralise, records

    buffer = io.StringIO(newline="")
    if excel:
        buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=";" if excel else ",", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for report in state.reports():
        for row in records(report, lang):
            writer.writerow([neutralise(clean(row[c], 1 << 30)) for c in COLUMNS])
    return buffer.getvalue()


EXPORT_SCHEMA_VERSION = 1


def export_document(state: LatestState, lang: str, generated_at: str) -> dict[str, Any]:
    """The latest state as a JSON document (docs/history.md): per phone its last audit, with the
    verdicts in the JSON report's shape."""
    from audit.android_versions import newer_than_verified
    from audit.report.json_report import verdict_document

    phones = []
    for p in state.phones:
        scan, audit = p.latest.scan, p.latest.audit
        result = audit.to_result()
        phones.append({
            "serial": audit.serial,
            "first_seen": p.first_seen,
            "last_seen": p.last_seen,
            "scan_id": scan.scan_id,
            "scanned_at": scan.scanned_at,
            "station": scan.station,
            "tool_version": scan.tool_version,
            "policy": {"name": scan.policy_name, "sha256": scan.policy_hash},
            "status": audit.status,
            "error": audit.error,
            "info": {"manufacturer": audit.manufacturer, "model": audit.model,
                     "android_version": audit.android_version, "sdk": audit.sdk},
            "severity": audit.severity,
            "android_newer_than_verified": newer_than_verified(audit.sdk),
            "alternatives": list(audit.alternatives),
            "verdicts": [verdict_document(v, lang) for v in result.verdicts],
        })
    return {"schema_version": EXPORT_SCHEMA_VERSION, "kind": "contact-audit history: latest state",
            "generated_at": generated_at, "lang": lang, "phones": phones}


def latest_report(state: LatestState, generated_at: str, tool_version: str) -> ScanReport:
    """The latest state as one fleet ``ScanReport``, so every report format (the HTML page for
    the data-protection officer among them) can show it. Each phone is as its last audit found
    it; the page's time is when it was made, its station and policy those of the audits when
    they all agree, else a list (a count past three; no policy hash then)."""
    reports = state.reports()

    def agreed(values: list[str | None]) -> str | None:
        distinct = list(dict.fromkeys(v for v in values if v))
        if len(distinct) <= 1:
            return distinct[0] if distinct else None
        return ", ".join(distinct) if len(distinct) <= 3 else f"{len(distinct)} different"

    return ScanReport(
        scan_id="history-latest",
        scanned_at=generated_at,
        station=agreed([r.station for r in reports]) or "-",
        tool_version=tool_version,
        policy_name=agreed([r.policy_name for r in reports]),
        policy_hash=(hashes[0] if len(hashes := list(dict.fromkeys(r.policy_hash for r in reports))) == 1 else None),
        devices=tuple(d for r in reports for d in r.devices),
    )


def export_json(state: LatestState, lang: str, generated_at: str) -> str:
    """``export_document`` as JSON text; terminal controls escaped (the same JSON values)."""
    return json_safe(json.dumps(export_document(state, lang, generated_at), ensure_ascii=False, indent=2)) + "\n"
