"""The human table: grouped per phone worst first, nothing key cut at 80/120/250 columns, the
remediation under every finding, German, hostile device strings, no ANSI unless asked for."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_report_builders import assert_golden, counts, device, fleet, rich_scan, scan, verdict

from audit import messages
from audit.messages import render as render_message
from audit.report import render
from audit.report.labels import enum_label, header
from audit.report.labels import text as label
from audit.report.table import GAP, management_lines, render_table
from audit.results import DeviceResult, DeviceStatus, Message, NumberClass, ScanReport, Severity, Upload, Verdict
from audit.snapshot import DeviceInfo, PermissionStatus, UserKind

ANSI = re.compile(r"\x1b\[")
WIDTHS = (80, 120, 250)


def real_verdicts_fleet() -> ScanReport:
    """Phones whose verdicts carry the catalogue's real, long sentences (and long serials)."""

    def real(v: Verdict, finding: str, remediation: str, serial: str) -> Verdict:
        c = v.counts
        params: tuple[tuple[str, str | int], ...] = (
            ("app", "WhatsApp"), ("user", v.user_id), ("third_party", c.third_party), ("business", c.business),
            ("personal", c.personal), ("invalid", c.invalid), ("colleague", c.colleague),
            ("alternatives", "Threema Work"), ("serial", serial), ("package", "com.whatsapp"))
        return replace(v, finding=Message(finding, params), remediation=Message(remediation, params))

    a, b, c = "192.168.178.23:5555", "R58M1234ABC", "emulator-5556"
    return scan(
        device(a,
               real(verdict(0, number_counts=counts(0, business=20, personal=29, invalid=4)),
                    "finding.reads_third_party", "fix.deny_lock.past", a),
               real(verdict(10, kind=UserKind.WORK_PROFILE, severity=Severity.OK, upload=Upload.NO,
                            permission=PermissionStatus.DENIED, number_counts=counts(10, business=11, invalid=4)),
                    "finding.locked.policy", "fix.none", a),
               model="Pixel 7"),
        device(b,
               real(verdict(0, severity=Severity.OK, upload=Upload.NO, permission=PermissionStatus.DENIED,
                            number_counts=counts(0, business=11, personal=6, invalid=5)),
                    "finding.locked.user", "fix.none", b),
               real(verdict(150, kind=UserKind.SECURE_FOLDER, severity=Severity.UNKNOWN, upload=Upload.UNKNOWN,
                            number_counts=counts(150, known=False)),
                    "finding.unknown.address_book", "fix.check_manually", b),
               real(verdict(95, kind=UserKind.CLONE, number_counts=counts(95, business=12, personal=7, invalid=6)),
                    "finding.reads_third_party", "fix.deny_lock", b),
               model="SM-A546B"),
        device(c,
               real(verdict(0, severity=Severity.MEDIUM, upload=Upload.POSSIBLE, permission=PermissionStatus.DENIED,
                            number_counts=counts(0, business=4, personal=8, invalid=2)),
                    "finding.dormant.denied", "fix.deny_lock", c),
               model="SM-G930F"),
        DeviceResult("SIMU0001", DeviceStatus.UNAUTHORIZED, "unauthorized: unlock",
                     reason=Message("device.hint.unauthorized")),
        DeviceResult("SIMT0002", DeviceStatus.TIMEOUT, "no answer", reason=Message("device.timeout")),
    )


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def groups(text: str) -> list[list[str]]:
    """The blocks of the report (separated by blank lines), as lists of lines."""
    return [block.splitlines() for block in text.split("\n\n") if block.strip()]


def column_from(block: list[str], offset: int) -> str:
    """The text of a block's last column (finding and remediation) starting at ``offset``."""
    return "".join(line[offset:] for line in block)


def finding_offset(text: str, lang: str) -> int:
    """Where the finding column starts: under its header in the wide layout, else right after the
    severity column of the stacked layout."""
    head = header("finding", lang)
    for line in text.splitlines():
        if line.startswith(header("severity", lang)) and head in line:
            return line.index(head)
    return max(len(enum_label(s, lang)) for s in Severity) + GAP


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["en", "de"])
def test_nothing_key_is_cut_at_any_width(width: int, lang: str) -> None:
    report = real_verdicts_fleet()
    text = render_table(report, lang, width=width)
    assert "…" not in text
    offset = finding_offset(text, lang)
    blocks = groups(text)
    for dev in report.devices:
        if dev.status is not DeviceStatus.AUDITED:
            continue
        block = next(b for b in blocks if dev.serial in b[0])  # the phone's heading opens its block
        body = block[1:]
        assert all(len(line) <= width for line in block)
        column = squash(column_from(body, offset))
        everything = squash("".join(body))
        for v in dev.verdicts:
            # finding and remediation, every word, in the finding column; the command to run on a
            # line of its own, whole (the sentence points to it)
            assert squash(render_message(v.finding, lang)) in column, (width, lang, v.user_id)
            remediation = render_message(v.remediation, lang)
            if "`" in remediation:
                before, command, after = remediation.split("`")
                remediation = before + label("command_below", lang) + after
                assert command in [line.strip() for line in body], (width, lang, command)
            assert squash(remediation) in column, (width, lang, v.user_id)
            if v.counts.known:
                biz, pers = enum_label(NumberClass.BUSINESS, lang), enum_label(NumberClass.PERSONAL, lang)
                assert squash(f"{v.counts.business} {biz}") in everything
                assert squash(f"{v.counts.personal} {pers}") in everything
                assert re.search(rf"(^|\s){v.counts.third_party}(\s|$)", "\n".join(body), re.M)
    assert "contact-audit fix -s 192.168.178.23:5555 --user 0 --package com.whatsapp" in [
        line.strip() for line in text.splitlines()]


def test_wide_terminals_are_used_and_80_columns_stack() -> None:
    report = real_verdicts_fleet()
    narrow, wide = render_table(report, "en", width=80), render_table(report, "en", width=250)
    assert max(len(line) for line in wide.splitlines()) > 200
    assert header("finding", "en") in wide.splitlines()[3]  # a header row: the wide layout
    assert header("finding", "en") not in narrow  # stacked: facts on a labelled line instead
    assert "Third-party numbers: 53 (20 business, 29 personal, 4 invalid)" in narrow
    assert len(wide.splitlines()) < len(narrow.splitlines())


def test_phones_grouped_worst_first_with_rows_worst_first() -> None:
    text = render_table(real_verdicts_fleet(), "en", width=250)
    headings = [line for line in text.splitlines() if ": worst " in line]
    assert [h.split(" (")[1].split(")")[0] for h in headings] == [
        "192.168.178.23:5555", "R58M1234ABC", "emulator-5556"]
    assert headings[0].endswith("worst critical") and headings[2].endswith("worst medium")
    block = next(b for b in groups(text) if "R58M1234ABC" in b[0])
    severities = [line.split()[0] for line in block[1:] if line and not line.startswith(" ")]
    assert severities == ["critical", "unknown", "ok"]  # 95 clone, 150 secure folder, 0 owner


def test_ties_between_phones_go_by_serial_and_the_not_audited_come_apart_last() -> None:
    report = scan(
        device("SIMB0002", verdict(0, severity=Severity.LOW)),
        device("SIMZ0009", status=DeviceStatus.OFFLINE, error="gone"),
        device("SIMA0001", verdict(0, severity=Severity.LOW)),
        device("SIMC0003", verdict(0, severity=Severity.OK), verdict(5, severity=Severity.CRITICAL)),
    )
    text = render_table(report, width=120)
    order = [s for s in ("SIMC0003", "SIMA0001", "SIMB0002", "Not audited: 1", "SIMZ0009")]
    positions = [text.index(s) for s in order]
    assert positions == sorted(positions)
    assert text.index("SIMZ0009") > text.index("Not audited: 1") > text.index("SIMB0002")


def test_not_audited_phones_show_status_and_reason_once() -> None:
    text = render_table(real_verdicts_fleet(), "en", width=120)
    line = next(line for line in text.splitlines() if "SIMU0001" in line)
    assert "unauthorized: unlock the phone and accept the RSA key prompt" in line
    assert "unauthorized: unauthorized" not in text
    de = render_table(real_verdicts_fleet(), "de", width=120)
    assert "nicht autorisiert: Telefon entsperren" in de
    assert "Zeitüberschreitung: keine Antwort innerhalb der Zeitgrenze" in de


def test_a_reason_without_catalogue_message_is_shown_as_recorded() -> None:
    text = render_table(fleet(), "de", width=120)
    assert "nicht autorisiert: accept the USB debugging prompt" in text


def test_summary_counts() -> None:
    text = render_table(fleet())
    assert "Phones: 5 seen, 3 audited, 2 not audited (unauthorized 1, offline 1)" in text
    assert "Verdicts: 5 (critical 1, high 1, medium 0, low 0, ok 2, unknown 1)" in text
    assert text.rstrip().endswith("across the fleet: 8")


def test_fleet_dedup_counts_a_number_on_two_phones_once() -> None:
    shared = counts(0, business=2, exposed=(1, 2))
    report = scan(
        device("SIMA0001", verdict(0, number_counts=shared)),
        device("SIMB0002", verdict(0, number_counts=counts(0, personal=3, exposed=(2, 3, 4)))),
        device(
            "SIMC0003",
            verdict(
                0,
                upload=Upload.NO,
                severity=Severity.OK,
                number_counts=counts(0, personal=9, exposed=tuple(range(10, 19))),
            ),
        ),
    )
    assert "across the fleet: 4\n" in render_table(report)


def test_lower_bound_is_marked_when_an_exposing_book_is_unreadable() -> None:
    report = scan(
        device("SIMA0001", verdict(0, number_counts=counts(0, business=2))),
        device("SIMB0002", verdict(0, upload=Upload.POSSIBLE, number_counts=counts(0, known=False))),
    )
    assert "across the fleet: at least 2 (some address books could not be read)" in render_table(report)


def test_german_headers_summary_and_texts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(messages.CATALOGUE, "test.finding.upload.granted", {"en": "Uploads.", "de": "Lädt hoch."})
    text = render(fleet(), "table", lang="de", width=250)
    head = next(line for line in text.splitlines() if line.startswith("Schweregrad"))
    assert head.split() == ["Schweregrad", "Benutzer", "App", "Kontakte-", "Rufnummern", "Dritter", "Befund"]
    assert "Telefone: 5 erkannt, 3 geprüft, 2 nicht geprüft (nicht autorisiert 1, offline 1)" in text
    assert "Lädt hoch." in text
    assert "kritisch" in text and "Nicht geprüft: 2" in text and "höchster Schweregrad kritisch" in text
    assert "01.05.2026 10:00:00 UTC" in text and "Prüfung" in text
    assert "Uploads." not in text and "Severity" not in text


def test_english_headers() -> None:
    head = next(line for line in render_table(fleet(), width=250).splitlines() if line.startswith("Severity"))
    assert head.split() == ["Severity", "User", "App", "Contacts", "Third-party", "Finding"]


def test_unknown_third_party_count_says_unknown_not_zero() -> None:
    text = render_table(fleet(), width=250)
    clone = next(line for line in text.splitlines() if "95 clone" in line)
    assert re.search(r"unknown\s+95 clone\s+WhatsApp\s+unknown\s+unknown\s", clone)
    assert "Third-party numbers: unknown" in render_table(fleet(), width=80)


def test_no_ansi_without_colour_and_colours_when_asked() -> None:
    for width in WIDTHS:
        for lang in ("en", "de"):
            assert not ANSI.search(render_table(real_verdicts_fleet(), lang, width=width))
    coloured = render_table(real_verdicts_fleet(), "en", width=120, colour=True)
    assert ANSI.search(coloured)
    assert ANSI.sub("", re.sub(r"\x1b\[[0-9;]*m", "", coloured)).split() == \
        render_table(real_verdicts_fleet(), "en", width=120).split()


def test_escape_sequences_and_newlines_cannot_reach_the_terminal() -> None:
    model = "\x1b[2J\x1b]0;owned\x07Pixel\nFAKE critical line\r\u202eevil\x00"
    for colour in (False, True):
        text = render_table(scan(device("SIMX\x1b[31m0001", verdict(0), model=model)), colour=colour)
        if colour:
            text = re.sub(r"\x1b\[[0-9;]*m", "", text)  # our own colours, nothing else
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]", text)
        assert "owned" not in text
        assert not any(line.startswith("FAKE") for line in text.splitlines())
        assert "SIMX0001" in text


def test_rich_markup_in_device_text_is_shown_literally() -> None:
    text = render_table(scan(device("SIMX0001", verdict(0), model="[bold red]Pixel[/]")), colour=True)
    assert "[bold red]Pixel[/]" in re.sub(r"\x1b\[[0-9;]*m", "", text)


def test_serial_survives_a_long_model() -> None:
    text = render_table(scan(device("192.168.178.23:5555", verdict(0), model="X" * 80)), width=80)
    assert "192.168.178.23:5555" in squash(text)
    assert "X" * 80 in squash(text)


def test_model_and_serial_share_the_heading() -> None:
    text = render_table(scan(device("R58M1234ABC", verdict(0), model="Pixel 8")))
    assert "Pixel 8 (R58M1234ABC), Android 14: worst critical" in text


def test_long_findings_wrap_and_are_never_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(messages.CATALOGUE, "test.finding.upload.granted", {"en": "word " * 199 + "END"})
    for width in WIDTHS:
        text = render_table(scan(device("SIMX0001", verdict(0))), width=width)
        assert "…" not in text and "END" in text
        assert text.count("word") == 199


def test_empty_scan_says_so() -> None:
    text = render_table(scan())
    assert "No phones were scanned." in text
    assert "Phones: 0 seen" in text


def test_audited_phone_without_verdicts_still_gets_a_line() -> None:
    text = render_table(scan(device("SIMX0001")))
    assert "no verdict was produced" in text
    assert "worst unknown" in text


def test_interrupted_scan_is_flagged() -> None:
    assert "interrupted" in render_table(scan(device("SIMX0001", verdict(0)), interrupted=True))


@settings(max_examples=60, deadline=None)
@given(
    model=st.text(max_size=60),
    serial=st.text(min_size=1, max_size=40),
    app=st.text(max_size=40),
    lang=st.sampled_from(["en", "de"]),
    width=st.sampled_from(WIDTHS),
)
def test_any_device_strings_fit_the_width(model: str, serial: str, app: str, lang: str, width: int) -> None:
    dev = device(serial, replace(verdict(0), app=app), status=DeviceStatus.AUDITED)
    assert dev.snapshot is not None
    dev = replace(dev, snapshot=replace(dev.snapshot, info=DeviceInfo(model=model)))
    skipped = device(serial + "x", status=DeviceStatus.ERROR, error=model * 3)
    text = render_table(scan(dev, skipped), lang, width=width)
    for line in text.splitlines():
        assert len(line) <= width
        assert not re.search(r"[\x00-\x1f\x7f-\x9f]", line)


@pytest.mark.parametrize(
    ("lang", "width", "colour"),
    [("en", 120, False), ("en", 80, False), ("de", 80, False), ("de", 130, False), ("en", 250, True)],
)
def test_the_whole_table_of_a_varied_scan(lang: str, width: int, colour: bool) -> None:
    """Every line of the table for a scan in which every field has a value of its own (rich_scan),
    wide and stacked, in both languages and once with colours: a count under the wrong label, a
    phone out of order, a missing note or MDM line, fails here."""
    text = render_table(rich_scan(), lang, width=width, colour=colour)
    assert all(len(ANSI.sub("", re.sub(r"\x1b\[[0-9;]*m", "", line))) <= width for line in text.splitlines())
    assert_golden(f"rich.{lang}.{width}{'.colour' if colour else ''}.txt", text)


def test_the_not_audited_list_is_as_wide_as_its_longest_phone_name() -> None:
    """The reason starts two columns after the longest phone name (at most 30 columns in; a longer
    name folds onto the next line, whole), so short serials do not push reasons far to the right."""
    text = render_table(real_verdicts_fleet(), "en", width=120)
    lines = text.splitlines()
    start = lines.index("Not audited: 2")
    assert lines[start + 1:start + 3] == [
        'SIMT0002  timeout: no answer before the deadline (phone frozen or too slow)',
        'SIMU0001  unauthorized: unlock the phone and accept the RSA key prompt ("Allow USB debugging")',
    ]


def test_an_mdm_line_cuts_long_device_strings_where_it_says() -> None:
    """Model (30 columns), serial (40) and the MDM's package (60) are device text: cut, with an
    ellipsis, so one phone cannot flood the MDM lines; the MDM's name and role stay whole."""
    from audit.snapshot import DevicePolicyState, OwnerRole, PolicyOwner

    package = "com.example." + "verylongmobiledevicemanagementagent" * 2
    dev = device("R58M" + "1" * 46, verdict(0), model="Galaxy " + "X" * 40)
    assert dev.snapshot is not None
    policy = DevicePolicyState(known=True, owners=(PolicyOwner(OwnerRole.DEVICE_OWNER, 0, package),))
    dev = replace(dev, snapshot=replace(dev.snapshot, device_policy=policy))
    line = " ".join(management_lines(scan(dev), "en", width=1000))
    assert line == (f"Galaxy {'X' * 22}… (R58M{'1' * 35}…): managed: user 0 by MDM ({package[:59]}…, device owner)")
