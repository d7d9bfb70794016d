"""The human table: worst first, fleet summary, German, hostile device strings, 120 columns."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_report_builders import counts, device, fleet, scan, verdict

from audit import messages
from audit.report import render
from audit.report.table import render_table
from audit.results import DeviceStatus, Severity, Upload
from audit.snapshot import DeviceInfo

SEVERITY_WORDS = {"critical", "high", "medium", "low", "ok", "unknown"}


def body_lines(text: str) -> list[str]:
    """Table rows that start a verdict (continuation lines of a wrapped finding start with blanks)."""
    lines = text.split("\n\n")[1].splitlines()[3:]
    return [line for line in lines if line and not line.startswith(" ")]


def test_lines_are_worst_first_then_serial_then_user() -> None:
    rows = body_lines(render_table(fleet()))
    assert [r.split()[0] for r in rows] == ["critical", "high", "unknown", "unknown", "unknown", "ok", "ok"]
    serials = [re.search(r"SIM[A-E]000\d", r).group(0) for r in rows]  # type: ignore[union-attr]
    assert serials == ["SIMA0001", "SIMB0002", "SIMB0002", "SIMC0003", "SIMD0004", "SIMA0001", "SIME0005"]


def test_ordering_uses_rank_not_declaration_order() -> None:
    report = scan(
        device("SIMA0001", verdict(0, severity=Severity.LOW)),
        device("SIMB0002", verdict(0, severity=Severity.MEDIUM)),
        device("SIMC0003", verdict(0, severity=Severity.OK), verdict(5, severity=Severity.CRITICAL)),
    )
    rows = body_lines(render_table(report))
    assert [r.split()[0] for r in rows] == ["critical", "medium", "low", "ok"]


def test_not_audited_phones_show_status_and_reason() -> None:
    text = render_table(fleet())
    assert "Not audited (unauthorized): accept" in text
    assert "Not audited (offline)" in text


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
    text = render(fleet(), "table", lang="de")
    header = text.split("\n\n")[1].splitlines()[0]
    assert header.split() == ["Risiko", "Telefon", "Benutzer", "App", "Berechtigung", "Fremd-", "Befund"]
    assert "Telefone: 5 gesehen, 3 geprüft, 2 nicht geprüft (nicht autorisiert 1, offline 1)" in text
    assert "Lädt hoch." in text
    assert "kritisch" in text and "Nicht geprüft (nicht autorisiert)" in text
    assert "Uploads." not in text and "Severity" not in text


def test_english_headers() -> None:
    header = render_table(fleet()).split("\n\n")[1].splitlines()[0]
    assert header.split() == ["Severity", "Phone", "User", "App", "Permission", "Third-party", "Finding"]


def test_unknown_third_party_count_is_a_question_mark_not_zero() -> None:
    rows = body_lines(render_table(fleet()))
    clone = next(r for r in rows if "95 clone" in r)
    assert re.search(r"unknown\s+\?\s", clone)


def test_escape_sequences_and_newlines_cannot_reach_the_terminal() -> None:
    model = "\x1b[2J\x1b]0;owned\x07Pixel\nFAKE critical line\r\u202eevil\x00"
    text = render_table(scan(device("SIMX\x1b[31m0001", verdict(0), model=model)))
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]", text)
    assert "owned" not in text
    assert not any(line.startswith("FAKE") for line in text.splitlines())
    assert "SIMX0001" in text


def test_serial_survives_a_long_model() -> None:
    text = render_table(scan(device("192.168.178.23:5555", verdict(0), model="X" * 80)))
    # Too long for one line: the whole serial, and below it as much of the model as fits.
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if "192.168.178.23:5555" in line)
    assert "XXXXXXXXXX" in lines[at + 1]


def test_model_and_serial_share_a_line_when_they_fit() -> None:
    text = render_table(scan(device("R58M1234ABC", verdict(0), model="Pixel 8")))
    assert "Pixel 8 (R58M1234ABC)" in text


def test_long_findings_wrap_and_are_cut_with_an_ellipsis(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(messages.CATALOGUE, "test.finding.upload.granted", {"en": "word " * 200})
    text = render_table(scan(device("SIMX0001", verdict(0))))
    table = text.split("\n\n")[1].splitlines()
    assert len(table) == 3 + 4  # header (two lines), rule, four finding lines
    assert table[-1].endswith(" …")


def test_empty_scan_says_so() -> None:
    text = render_table(scan())
    assert "No phones were scanned." in text
    assert "Phones: 0 seen" in text


def test_audited_phone_without_verdicts_still_gets_a_line() -> None:
    text = render_table(scan(device("SIMX0001")))
    assert "no verdict was produced" in text


def test_interrupted_scan_is_flagged() -> None:
    assert "interrupted" in render_table(scan(device("SIMX0001", verdict(0)), interrupted=True))


@settings(max_examples=100, deadline=None)
@given(
    model=st.text(max_size=60),
    serial=st.text(min_size=1, max_size=40),
    app=st.text(max_size=40),
    lang=st.sampled_from(["en", "de"]),
)
def test_any_device_strings_fit_in_120_columns(model: str, serial: str, app: str, lang: str) -> None:
    dev = device(serial, replace(verdict(0), app=app), status=DeviceStatus.AUDITED)
    assert dev.snapshot is not None
    dev = replace(dev, snapshot=replace(dev.snapshot, info=DeviceInfo(model=model)))
    skipped = device(serial + "x", status=DeviceStatus.ERROR, error=model * 3)
    text = render_table(scan(dev, skipped), lang)
    for line in text.splitlines():
        assert len(line) <= 120
        assert not re.search(r"[\x00-\x1f\x7f-\x9f]", line)
