"""The human report: phones worst first, each with its verdicts, then the fleet summary.

Administrators read this at a terminal of any width, so the layout is computed for the width
the CLI passes (the terminal's, or ``COLUMNS``): from 100 columns on, verdicts are rows of a
table whose finding column takes whatever room is left; narrower, each verdict is stacked
(facts on one line, then finding and remediation as paragraphs). Nothing a decision needs is
ever cut: cells wrap (``overflow="fold"``), they are never truncated, so the third-party count
with its business/personal split and the remediation command always appear whole.

Rows are grouped per phone (a heading line names model, serial and Android release), phones
worst first; phones that could not be audited are listed apart, after them, with the reason.
Colours only when the CLI says stdout is a terminal; otherwise plain text without one escape
code. Device strings are stripped of escape and control characters (a phone must not be able to
drive the operator's terminal) and go into rich ``Text`` objects, never through markup.
"""

from __future__ import annotations

import io
import re
import textwrap
from dataclasses import dataclass

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from audit.android_versions import NEWEST_VERIFIED_RELEASE, NEWEST_VERIFIED_SDK, newer_than_verified
from audit.apps import display_name
from audit.management import ManagedState, management_of, phone_management
from audit.messages import render as render_message
from audit.report.labels import check_lang, device_reason, enum_label, header, human_time, text
from audit.report.summary import FleetSummary, summarize
from audit.report.text import terminal_text, truncate
from audit.results import DeviceResult, DeviceStatus, NumberClass, ScanReport, Severity, Verdict

WIDTH = 120  # when the CLI knows no terminal width (stdout is a file or a pipe, no COLUMNS)
MIN_WIDTH = 40  # below this nothing is readable; rich still wraps, nothing is cut
MAX_WIDTH = 1000
GAP = 2
# Wide layout: the short columns wrap beyond these widths (never cut), the finding takes the rest.
CAPS = {"user": 16, "app": 14, "permission": 14, "third_party": 18}
FINDING_MIN = 40  # below this the stacked layout reads better than a narrow finding column
PHONE_CAP = 30  # the phone column of the "not audited" list
RULE_MAX = 40  # the dashes under a header; a 170-column rule under "Finding" helps nobody
SEVERITY_STYLE = {
    Severity.CRITICAL: "bold red",
    Severity.HIGH: "red",
    Severity.UNKNOWN: "yellow",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "green",
    Severity.OK: "green",
}
WIDE_COLUMNS = ("severity", "user", "app", "permission", "third_party", "finding")


@dataclass(frozen=True)
class _Row:
    """One verdict as the table shows it, in one language, device text already made inert."""

    severity: Severity
    user: str  # "0 owner"
    app: str
    permission: str
    numbers: tuple[str, ...]  # "53", "20 business", "30 personal", "3 invalid" (or the unknown label)
    numbers_line: str  # the same facts as one sentence, for the stacked layout
    facts_line: str  # user, app and permission as one labelled line, for the stacked layout
    finding: str
    remediation: str


@dataclass(frozen=True)
class _Phone:
    """One audited phone: heading facts and its rows, worst first."""

    worst: Severity
    serial: str
    heading: str
    rows: tuple[_Row, ...]


def render_table(report: ScanReport, lang: str = "en", *, width: int = WIDTH, colour: bool = False) -> str:
    """The report for a terminal ``width`` columns wide; ANSI colours only when ``colour``."""
    check_lang(lang)
    width = max(MIN_WIDTH, min(width, MAX_WIDTH))
    console = Console(
        file=io.StringIO(),
        width=width,
        color_system="standard" if colour else None,
        force_terminal=colour,
        no_color=not colour,
        highlight=False,
        markup=False,
        emoji=False,
        legacy_windows=False,
        soft_wrap=False,
    )
    console.print(Text(_title(report, lang), style="bold"))
    audited = [d for d in report.devices if d.status is DeviceStatus.AUDITED]
    skipped = [d for d in report.devices if d.status is not DeviceStatus.AUDITED]
    phones = sorted((_phone(d, lang) for d in audited), key=lambda p: (-p.worst.rank, p.serial))
    if not report.devices:
        console.print()
        console.print(text("no_phones", lang))
    if phones:
        _print_phones(console, phones, lang, width)
    if skipped:
        _print_skipped(console, skipped, lang, width)
    notes = version_notes(report, lang, width)
    for note in notes:
        console.print()
        console.print(Text(note))
    managed = management_lines(report, lang, width)
    if managed:
        console.print()
        for line in managed:
            console.print(Text(line))
    console.print()
    for line in summary_lines(summarize(report), lang):
        console.print(Text(line))
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(out, str)
    return "\n".join(line.rstrip() for line in out.splitlines()) + "\n"


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
        scanned_at=truncate(terminal_text(human_time(report.scanned_at, lang)), 30),
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


def _phone_name(device: DeviceResult) -> str:
    """Model and serial, whole: the serial is what staff act on (``-s SERIAL``)."""
    serial = terminal_text(device.serial) or "?"
    model = _model(device)
    return f"{model} ({serial})" if model else serial


def _phone(device: DeviceResult, lang: str) -> _Phone:
    info = device.snapshot.info if device.snapshot is not None else None
    release = terminal_text(info.android_release) if info is not None else ""
    rows = sorted((_row(v, lang) for v in device.verdicts), key=lambda r: -r.severity.rank)
    if not rows:  # audited, yet nothing was concluded: uncertain, so it ranks as unknown
        rows = [_Row(Severity.UNKNOWN, "-", "-", "-", ("-",), "", "", text("no_verdicts", lang), "")]
    worst = device.worst
    heading = text(
        "phone_heading",
        lang,
        phone=_phone_name(device),
        android=f", Android {truncate(release, 12)}" if release else "",
        worst=enum_label(worst, lang),
    )
    return _Phone(worst, terminal_text(device.serial), heading, tuple(rows))


def _row(verdict: Verdict, lang: str) -> _Row:
    if verdict.package is None:
        app = text("no_app", lang)
    else:
        app = terminal_text(verdict.app) or display_name(verdict.package)
    c = verdict.counts
    if c.known:
        classes = ((NumberClass.BUSINESS, c.business), (NumberClass.PERSONAL, c.personal),
                   (NumberClass.INVALID, c.invalid))
        parts = tuple(f"{n} {enum_label(cls, lang)}" for cls, n in classes)
        numbers = (str(c.third_party), *parts)
        numbers_line = text("numbers_line", lang, count=c.third_party, breakdown=", ".join(parts))
    else:
        numbers = (enum_label(Severity.UNKNOWN, lang),)
        numbers_line = text("numbers_unknown", lang)
    return _Row(
        severity=verdict.severity,
        user=f"{verdict.user_id} {enum_label(verdict.user_kind, lang)}",
        app=app,
        permission=enum_label(verdict.contacts_permission, lang),
        numbers=numbers,
        numbers_line=numbers_line,
        facts_line=text("facts_line", lang, user=verdict.user_id, kind=enum_label(verdict.user_kind, lang), app=app,
                        permission=enum_label(verdict.contacts_permission, lang)),
        finding=terminal_text(render_message(verdict.finding, lang)),
        remediation=text("remediation", lang, text=terminal_text(render_message(verdict.remediation, lang))),
    )


def _cells(row: _Row, column: str) -> list[str]:
    """The lines a short column shows for ``row``."""
    if column == "third_party":
        return list(row.numbers)
    return [getattr(row, column)]


def _widths(phones: list[_Phone], lang: str, width: int) -> dict[str, int] | None:
    """Column widths of the wide layout, or None when the finding would get too little room."""
    widths: dict[str, int] = {}
    for column in WIDE_COLUMNS[:-1]:
        head = max(cell_len(word) for word in _header_text(column, lang).split())
        natural = max(cell_len(cell) for p in phones for r in p.rows for cell in _cells(r, column))
        if column == "severity":  # every severity word, so the column does not jump between scans
            natural = max(cell_len(enum_label(s, lang)) for s in Severity)
        widths[column] = max(head, min(natural, CAPS.get(column, natural)))
    finding = width - sum(widths.values()) - GAP * (len(WIDE_COLUMNS) - 1)
    if finding < FINDING_MIN:
        return None
    widths["finding"] = finding
    return widths


def _header_text(column: str, lang: str) -> str:
    """A header as the table prints it: it may wrap at spaces, and a long compound after its
    hyphen ("Kontakte-Berechtigung"), so a long German word does not widen its column."""
    return re.sub(r"\S{13,}", lambda m: m.group().replace("-", "-\n", 1), header(column, lang))


def _grid(widths: list[int]) -> Table:
    table = Table(box=None, show_header=False, show_edge=False, pad_edge=False, padding=(0, GAP, 0, 0),
                  expand=False)
    for w in widths:
        table.add_column(width=w, min_width=w, max_width=w, overflow="fold", no_wrap=False)
    return table


def _print_phones(console: Console, phones: list[_Phone], lang: str, width: int) -> None:
    widths = _widths(phones, lang, width)
    if widths is not None:
        heads = _grid([widths[c] for c in WIDE_COLUMNS])
        heads.add_row(*(Text(_header_text(c, lang), style="bold") for c in WIDE_COLUMNS))
        heads.add_row(*(Text("-" * min(widths[c], RULE_MAX)) for c in WIDE_COLUMNS))
        console.print()
        console.print(heads)
    for phone in phones:
        console.print()
        console.print(Text(phone.heading, style="bold"))
        if widths is not None:
            grid = _grid([widths[c] for c in WIDE_COLUMNS])
            for row in phone.rows:
                grid.add_row(
                    _severity(row.severity, lang),
                    Text(row.user),
                    Text(row.app),
                    Text(row.permission),
                    Text("\n".join(row.numbers)),
                    _finding(row, stacked=False),
                )
        else:
            sev = max(cell_len(enum_label(s, lang)) for s in Severity)
            grid = _grid([sev, max(1, width - sev - GAP)])
            for row in phone.rows:
                grid.add_row(_severity(row.severity, lang), _finding(row, stacked=True))
        console.print(grid)


def _severity(severity: Severity, lang: str) -> Text:
    return Text(enum_label(severity, lang), style=SEVERITY_STYLE.get(severity, ""))


def _finding(row: _Row, *, stacked: bool) -> Text:
    """Finding and remediation (and, stacked, the facts line first): every word of them, wrapped."""
    out = Text()
    if stacked and row.facts_line:
        out.append(row.facts_line + "\n")
        out.append(row.numbers_line + "\n", style="bold")
    out.append(row.finding)
    if row.remediation:
        out.append("\n")
        out.append(row.remediation, style="cyan")
    return out


def _print_skipped(console: Console, devices: list[DeviceResult], lang: str, width: int) -> None:
    console.print()
    console.print(Text(text("not_audited_heading", lang, count=len(devices)), style="bold"))
    names = [_phone_name(d) for d in devices]
    phone_w = min(PHONE_CAP, max(cell_len(n) for n in names), max(10, width // 3))
    grid = _grid([phone_w, max(1, width - phone_w - GAP)])
    for device, name in sorted(zip(devices, names, strict=True), key=lambda pair: pair[1]):
        reason = Text(enum_label(device.status, lang), style="yellow")
        detail = not_audited_reason(device, lang)
        if detail:
            reason.append(": " + detail)
        grid.add_row(Text(name), reason)
    console.print(grid)


def not_audited_reason(device: DeviceResult, lang: str) -> str:
    """``labels.device_reason`` made inert for a terminal (it may hold adb's words)."""
    return terminal_text(device_reason(device, lang))


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
        users = [u.id for u in snapshot.users] or [0]
        managed = [(uid, m) for uid in users if (m := management_of(snapshot, uid)).state is ManagedState.MANAGED]
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
