"""The human report: one line per verdict, worst first, then the fleet summary.

Meant for a terminal 120 columns wide. Device strings are stripped of escape and control
characters (a phone must not be able to drive the operator's terminal), short columns are
truncated and the finding is wrapped; the full, untruncated text is in the CSV and JSON.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from tabulate import tabulate

from audit.android_versions import NEWEST_VERIFIED_RELEASE, NEWEST_VERIFIED_SDK, newer_than_verified
from audit.apps import display_name
from audit.management import ManagedState, management_of, phone_management, user_ids_to_judge
from audit.messages import render as render_message
from audit.report.labels import check_lang, enum_label, header, text
from audit.report.summary import FleetSummary, summarize
from audit.report.text import cell_width, terminal_text, truncate
from audit.results import DeviceResult, DeviceStatus, ScanReport, Severity, Verdict

WIDTH = 120
COLUMNS = ("severity", "phone", "user", "app", "permission", "third_party", "finding")
GAP = 2  # tabulate's "plain" format puts two spaces between columns
FINDING_MIN = 34
FINDING_MAX_LINES = 4
CAPS = {"phone": 34, "user": 20, "app": 20, "permission": 18}
# When the table would be wider than WIDTH, these columns give way, in this order, down to
# these widths; the phone's serial is what staff act on, so it gives way last.
SHRINK_ORDER = (
    ("permission", 10),
    ("user", 13),
    ("app", 12),
    ("phone", 20),
    ("user", 8),
    ("app", 8),
    ("phone", 12),
)


@dataclass(frozen=True)
class _Line:
    """One table row before layout, with what it sorts by."""

    rank: int
    serial: str
    user_id: int
    model: str
    cells: dict[str, str]  # every column but "phone", which is fitted from model and serial


def render_table(report: ScanReport, lang: str = "en", *, width: int = WIDTH) -> str:
    check_lang(lang)
    summary = summarize(report)
    parts = [_title(report, lang)]
    lines = sorted(
        (line for device in report.devices for line in _device_lines(device, lang)),
        key=lambda line: (-line.rank, line.serial, line.user_id),
    )
    if lines:
        parts.append(_layout(lines, lang, width))
    else:
        parts.append(text("no_phones", lang))
    notes = version_notes(report, lang, width)
    if notes:
        parts.append("\n".join(notes))
    managed = management_lines(report, lang, width)
    if managed:
        parts.append("\n".join(managed))
    parts.append("\n".join(summary_lines(summary, lang)))
    return "\n\n".join(parts) + "\n"


def summary_lines(summary: FleetSummary, lang: str) -> list[str]:
    """The fleet summary as sentences (also what a CLI could print under another format)."""
    reasons = ", ".join(
        f"{enum_label(status, lang)} {count}" for status, count in summary.not_audited_by_status if count
    )
    phones = text("phones", lang, phones=summary.phones, audited=summary.audited, not_audited=summary.not_audited)
    if reasons:
        phones += f" ({reasons})"
    by_severity = ", ".join(f"{enum_label(s, lang)} {n}" for s, n in summary.verdicts_by_severity)
    verdicts = text("verdicts", lang, count=summary.verdicts) + f" ({by_severity})"
    count: str | int = summary.exposed_numbers
    if not summary.exposed_complete:
        count = text("exposed_lower_bound", lang, count=summary.exposed_numbers)
    lines = [phones, verdicts]
    if summary.audited:
        lines.append(
            text(
                "mdm_summary", lang, managed=summary.managed_phones, unmanaged=summary.unmanaged_phones,
                unknown=summary.management_unknown_phones, closable=summary.mdm_closable_findings,
            )
        )
    lines.append(text("exposed", lang, count=count))
    if summary.interrupted:
        lines.append(text("interrupted", lang))
    return lines


def version_notes(report: ScanReport, lang: str, width: int = WIDTH) -> list[str]:
    """One note per phone whose Android is newer than contact-audit has been checked against."""
    notes: list[str] = []
    for device in report.devices:
        info = device.snapshot.info if device.snapshot is not None else None
        if info is None or not newer_than_verified(info.sdk):
            continue
        model = _model(device)
        serial = terminal_text(device.serial) or "?"
        phone = f"{truncate(model, 30)} ({truncate(serial, 40)})" if model else truncate(serial, 40)
        note = text(
            "newer_android",
            lang,
            phone=phone,
            release=truncate(terminal_text(info.android_release), 12) or "?",
            sdk=info.sdk if info.sdk is not None else "?",
            verified=NEWEST_VERIFIED_RELEASE,
            verified_sdk=NEWEST_VERIFIED_SDK,
        )
        notes.append("\n".join(textwrap.wrap(note, width=width, break_long_words=True)))
    return notes


def _title(report: ScanReport, lang: str) -> str:
    title = text(
        "title",
        lang,
        version=truncate(terminal_text(report.tool_version), 20),
        scan_id=truncate(terminal_text(report.scan_id), 40),
        station=truncate(terminal_text(report.station), 30),
        scanned_at=truncate(terminal_text(report.scanned_at), 30),
    )
    if report.policy_name is None and report.policy_hash is None:
        return title + "\n" + text("no_policy", lang)
    policy = text(
        "policy",
        lang,
        name=truncate(terminal_text(report.policy_name), 60) or "-",
        sha=terminal_text(report.policy_hash)[:12] or "-",
    )
    return title + "\n" + policy


def _model(device: DeviceResult) -> str:
    info = device.snapshot.info if device.snapshot is not None else None
    return terminal_text(info.model) if info is not None else ""


def _phone(model: str, serial: str, width: int) -> str:
    """Model and serial in ``width`` columns; the serial is what staff need, so the model gives way."""
    serial = serial or "?"
    if not model:
        return truncate(serial, width)
    full = f"{model} ({serial})"
    if cell_width(full) <= width:
        return full
    room = width - cell_width(serial) - 3
    if room >= 12:
        return f"{truncate(model, room)} ({serial})"
    # Too narrow for both on one line: the serial first, the model below it (rows are several
    # lines high anyway, because the finding wraps).
    return f"{truncate(serial, width)}\n{truncate(model, width)}"


def _device_lines(device: DeviceResult, lang: str) -> list[_Line]:
    serial = terminal_text(device.serial)
    if device.verdicts:
        return [_verdict_line(device, v, lang) for v in device.verdicts]
    # A phone without verdicts is a line of its own: uncertain, so it sorts with "unknown".
    if device.status is DeviceStatus.AUDITED:
        finding = text("no_verdicts", lang)
    else:
        finding = text("not_audited", lang, status=enum_label(device.status, lang))
        if device.error:
            finding += f": {terminal_text(device.error)}"
    cells = {
        "severity": enum_label(Severity.UNKNOWN, lang),
        "user": "-",
        "app": "-",
        "permission": "-",
        "third_party": "?",
        "finding": finding,
    }
    return [_Line(Severity.UNKNOWN.rank, serial, -1, _model(device), cells)]


def _verdict_line(device: DeviceResult, verdict: Verdict, lang: str) -> _Line:
    if verdict.package is None:
        app = text("no_app", lang)
    else:
        app = terminal_text(verdict.app) or display_name(verdict.package)
    cells = {
        "severity": enum_label(verdict.severity, lang),
        "user": f"{verdict.user_id} {enum_label(verdict.user_kind, lang)}",
        "app": app,
        "permission": enum_label(verdict.contacts_permission, lang),
        "third_party": str(verdict.counts.third_party) if verdict.counts.known else "?",
        "finding": terminal_text(render_message(verdict.finding, lang)),
    }
    serial = terminal_text(device.serial)
    return _Line(verdict.severity.rank, serial, verdict.user_id, _model(device), cells)


def _layout(lines: list[_Line], lang: str, width: int) -> str:
    """Fit the columns into ``width``: cap them, shrink them in SHRINK_ORDER, wrap the finding."""
    headers = [header(c, lang) for c in COLUMNS]
    floors = {c: _header_width(h) for c, h in zip(COLUMNS, headers, strict=True)}
    widths: dict[str, int] = {}
    for column in COLUMNS[:-1]:
        if column == "phone":
            natural = max(cell_width(_phone(line.model, line.serial, 10**6)) for line in lines)
        else:
            natural = max(cell_width(line.cells[column]) for line in lines)
        widths[column] = max(floors[column], min(natural, CAPS.get(column, natural)))

    def fixed() -> int:
        return sum(widths.values()) + GAP * (len(COLUMNS) - 1)

    for column, floor in SHRINK_ORDER:
        excess = fixed() + FINDING_MIN - width
        if excess <= 0:
            break
        shrunk = max(widths[column] - excess, floor, floors[column])
        widths[column] = min(widths[column], shrunk)
    finding_width = max(FINDING_MIN, width - fixed())
    widths["finding"] = finding_width
    # Header and rule are ordinary rows: tabulate's own header handling would pad every column.
    rows = [headers, ["-" * widths[c] for c in COLUMNS]]
    for line in lines:
        row = [
            _phone(line.model, line.serial, widths[c]) if c == "phone" else truncate(line.cells[c], widths[c])
            for c in COLUMNS[:-1]
        ]
        row.append(_wrap(line.cells["finding"], finding_width))
        rows.append(row)
    return tabulate(rows, tablefmt="plain", disable_numparse=True)


def _header_width(head: str) -> int:
    return max(cell_width(part) for part in head.split("\n"))


def _wrap(finding: str, width: int) -> str:
    """At most FINDING_MAX_LINES lines of ``width``; a cut is marked with " …"."""
    wrapped = textwrap.wrap(finding, width=width, break_long_words=True) or [""]
    if len(wrapped) > FINDING_MAX_LINES:
        wrapped = wrapped[:FINDING_MAX_LINES]
        last = wrapped[-1]
        while last and cell_width(last) > width - 2:
            last = last[:-1]
        wrapped[-1] = last.rstrip() + " …"
    return "\n".join(wrapped)


def management_lines(report: ScanReport, lang: str, width: int = WIDTH) -> list[str]:
    """Which MDM manages which user of each audited phone (issue 12): a line per managed phone and
    per phone whose owners are unknown (said, never read as "none"), then one line naming the
    phones without an MDM."""
    lines: list[str] = []
    unmanaged: list[str] = []
    for device in report.devices:
        snapshot = device.snapshot
        if device.status is not DeviceStatus.AUDITED or snapshot is None:
            continue
        model = _model(device)
        serial = terminal_text(device.serial) or "?"
        phone = f"{truncate(model, 30)} ({truncate(serial, 40)})" if model else truncate(serial, 40)
        managed = [
            (uid, m)
            for uid in user_ids_to_judge(snapshot)
            if (m := management_of(snapshot, uid)).state is ManagedState.MANAGED
        ]
        if managed:
            described = "; ".join(
                text(
                    "mdm_user", lang, user=uid, mdm=m.mdm_name or "MDM",
                    package=truncate(terminal_text(m.package), 60) or "?",
                    role=text(f"mdm_role.{m.role.value}", lang) if m.role is not None else "?",
                )
                for uid, m in managed
            )
            line = text("mdm_phone_managed", lang, phone=phone, users=described)
        elif phone_management(snapshot).state is ManagedState.UNKNOWN:
            line = text("mdm_phone_unknown", lang, phone=phone)
        else:
            unmanaged.append(phone)
            continue
        lines.append("\n".join(textwrap.wrap(line, width=width, break_long_words=True)))
    if unmanaged:
        line = text("mdm_phones_none", lang, phones=", ".join(unmanaged))
        lines.append("\n".join(textwrap.wrap(line, width=width, break_long_words=True)))
    return lines
