"""A phone on an Android newer than contact-audit has been checked against is flagged in every format.

The audit of such a phone runs as usual (its verdicts are untouched); what every report adds is a
per-phone statement that its release is beyond the verified range, so an administrator knows
to update contact-audit (docs/android-versions.md).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

import pytest
from test_report_builders import device, scan, verdict

from audit.android_versions import (
    NEWEST_VERIFIED_RELEASE,
    NEWEST_VERIFIED_SDK,
    OLDEST_SUPPORTED_SDK,
    has_contact_picker,
    newer_than_verified,
)
from audit.report import FORMATS, render
from audit.results import DeviceResult, DeviceStatus, ScanReport
from audit.snapshot import DeviceInfo

NEWER = NEWEST_VERIFIED_SDK + 1


def on_android(serial: str, release: str | None, sdk: int | None, model: str = "Pixel 11") -> DeviceResult:
    dev = device(serial, verdict(0), model=model)
    assert dev.snapshot is not None
    info = DeviceInfo(manufacturer="Google", model=model, android_release=release, sdk=sdk)
    return replace(dev, snapshot=replace(dev.snapshot, info=info))


def mixed_fleet() -> ScanReport:
    return scan(
        on_android("NEWER0001", "18", NEWER),
        on_android("VERIFIED01", NEWEST_VERIFIED_RELEASE, NEWEST_VERIFIED_SDK, model="Pixel 10"),
        on_android("UNREAD0001", None, None, model="Pixel 9"),
        device("OFFLINE001", status=DeviceStatus.OFFLINE, error="the phone is offline"),
    )


def test_the_verified_range_is_android_6_to_17() -> None:
    assert (OLDEST_SUPPORTED_SDK, NEWEST_VERIFIED_SDK, NEWEST_VERIFIED_RELEASE) == (23, 37, "17")
    assert [newer_than_verified(s) for s in (None, 23, 36, 37, 38, 99)] == [None, False, False, False, True, True]
    assert [has_contact_picker(s) for s in (None, 36, 37, 38)] == [False, False, True, True]


@pytest.mark.parametrize("lang", ["en", "de"])
def test_csv_has_the_flag_in_column_39(lang: str) -> None:
    rows = list(csv.reader(io.StringIO(render(mixed_fleet(), "csv", lang), newline="")))
    assert rows[0][38] == "android_newer_than_verified"  # appended after column 38; later columns follow it
    by_serial = {r[rows[0].index("serial")]: r[38] for r in rows[1:]}
    assert by_serial == {"NEWER0001": "true", "VERIFIED01": "false", "UNREAD0001": "", "OFFLINE001": ""}


@pytest.mark.parametrize("lang", ["en", "de"])
def test_json_has_the_flag_per_phone(lang: str) -> None:
    doc = json.loads(render(mixed_fleet(), "json", lang))
    flags = {d["serial"]: d["android_newer_than_verified"] for d in doc["devices"]}
    assert flags == {"NEWER0001": True, "VERIFIED01": False, "UNREAD0001": None, "OFFLINE001": None}


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ("runs Android 18 (SDK 38)", "up to Android 17, SDK 37", "update contact-audit")),
        ("de", ("läuft mit Android 18 (SDK 38)", "bis Android 17, SDK 37", "contact-audit aktualisieren")),
    ],
)
def test_table_has_a_note_for_exactly_the_newer_phone(lang: str, words: tuple[str, ...]) -> None:
    table = render(mixed_fleet(), "table", lang)
    flat = " ".join(table.split())  # the note is wrapped to the table's width
    for word in words:
        assert word in flat
    assert flat.count("contact-audit aktualisieren" if lang == "de" else "update contact-audit") == 1
    assert "Pixel 11 (NEWER0001)" in flat
    for other in ("VERIFIED01", "UNREAD0001", "OFFLINE001"):
        note_lines = [line for line in table.splitlines() if other in line and "SDK" in line]
        assert note_lines == []


def test_every_format_says_it_and_none_does_for_a_verified_phone() -> None:
    newer = scan(on_android("NEWER0001", "18", NEWER))
    verified = scan(on_android("VERIFIED01", "17", NEWEST_VERIFIED_SDK))
    for fmt in FORMATS:
        assert _flagged(render(newer, fmt), fmt) is True, fmt
        assert _flagged(render(verified, fmt), fmt) is False, fmt


def test_the_verdicts_of_a_newer_phone_are_unchanged() -> None:
    """The flag is a statement next to the audit, never a reason to soften or drop a verdict."""
    newer, same = on_android("NEWER0001", "18", NEWER), on_android("NEWER0001", "17", NEWEST_VERIFIED_SDK)
    doc_newer = json.loads(render(scan(newer), "json"))["devices"][0]
    doc_same = json.loads(render(scan(same), "json"))["devices"][0]
    assert doc_newer["verdicts"] == doc_same["verdicts"]


def test_device_strings_in_the_note_cannot_drive_the_terminal() -> None:
    report = scan(on_android("NEWER0001", "18\x1b[2J", NEWER, model="Evil\x1b]0;pwned\x07"))
    table = render(report, "table")
    assert "\x1b" not in table and "\x07" not in table


def test_a_note_names_a_phone_whose_strings_are_all_control_characters_by_a_question_mark() -> None:
    """Stripped of escape sequences, nothing may be left of a serial or release; the note still
    says which facts are missing ('?') rather than printing an empty pair of brackets."""
    report = scan(on_android("\x1b[2J", "\x1b[31m", NEWER, model="Pixel 11"))
    notes = [line for line in render(report, "table").splitlines() if line.startswith("Note:")]
    assert [n.split(", newer than")[0] for n in notes] == [f"Note: Pixel 11 (?) runs Android ? (SDK {NEWER})"]


def _flagged(text: str, fmt: str) -> bool:
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
        return {r["android_newer_than_verified"] for r in rows} == {"true"}
    if fmt == "json":
        return bool(json.loads(text)["devices"][0]["android_newer_than_verified"])
    if fmt in ("table", "html"):  # the HTML page states it in the phone's section, like the table's note
        return "update contact-audit" in " ".join(text.split())
    raise AssertionError(f"no check for the new format {fmt!r}: add one here")
