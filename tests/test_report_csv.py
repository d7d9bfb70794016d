"""CSV schema v1: column order, enum values, quoting, Excel mode and formula neutralisation."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_report_builders import assert_golden, counts, device, fleet, rich_scan, scan, verdict

from audit import messages
from audit.errors import UsageError
from audit.report import render
from audit.report.csv_report import neutralise, render_csv
from audit.results import DeviceStatus, Severity, Tri, Upload
from audit.snapshot import DeviceInfo, PermissionStatus, UserKind

# Written out on purpose (not imported): the published order is the contract under test.
EXPECTED_HEADER = [
    "schema_version", "tool_version", "scan_id", "scanned_at", "station", "serial", "device_status",
    "device_error", "manufacturer", "model", "android_version", "sdk", "user_id", "user_kind",
    "package", "app", "app_version", "app_enabled", "contacts_permission", "permission_flags",
    "appop_mode", "last_contacts_access", "synced_contacts", "past_upload", "contacts",
    "phone_numbers", "distinct_numbers", "colleague_numbers", "business_numbers", "personal_numbers",
    "invalid_numbers", "third_party_numbers", "uploads_third_party", "severity", "rule", "finding",
    "remediation", "alternatives", "android_newer_than_verified",
    # issue 12 (appended)
    "phone_managed", "user_managed", "mdm", "mdm_package", "mdm_role",
    "scan_interrupted",
]  # fmt: skip

ALLOWED = {
    "device_status": {"audited", "unauthorized", "offline", "no_permissions", "timeout", "error", "interrupted",
                      "not_attached"},
    "user_kind": {"owner", "work_profile", "secure_folder", "clone", "secondary", "guest", "other", ""},
    "contacts_permission": {"granted", "denied", "install_time", "not_requested", "unknown", ""},
    "uploads_third_party": {"yes", "possible", "no", "unknown", ""},
    "past_upload": {"yes", "no", "unknown", ""},
    "severity": {"critical", "high", "medium", "low", "ok", "unknown"},
    "app_enabled": {"true", "false", ""},
    "android_newer_than_verified": {"true", "false", ""},
    "scan_interrupted": {"true", "false"},
    "phone_managed": {"true", "false", ""},
    "user_managed": {"true", "false", ""},
    "mdm": {"intune", "workspace_one", "android_device_policy", "samsung_knox", "other", ""},
    "mdm_role": {"device_owner", "profile_owner", ""},
}
COUNT_COLUMNS = [
    "contacts", "phone_numbers", "distinct_numbers", "colleague_numbers", "business_numbers",
    "personal_numbers", "invalid_numbers", "third_party_numbers",
]  # fmt: skip
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def parse(text: str, delimiter: str = ",") -> list[dict[str, str]]:
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=delimiter))
    assert rows[0] == EXPECTED_HEADER
    assert all(len(r) == len(EXPECTED_HEADER) for r in rows)
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def with_model(model: str, serial: str = "SIMX0001", manufacturer: str = "Google", *, excel: bool = False) -> str:
    dev = device(serial, verdict(0))
    assert dev.snapshot is not None
    info = DeviceInfo(manufacturer=manufacturer, model=model, android_release="14", sdk=34)
    dev = replace(dev, snapshot=replace(dev.snapshot, info=info))
    return render_csv(scan(dev), excel=excel)


def test_header_is_the_published_order() -> None:
    first_line = render_csv(fleet()).split("\r\n", 1)[0]
    assert first_line.split(",") == EXPECTED_HEADER


def test_one_row_per_verdict_and_one_per_skipped_phone() -> None:
    rows = parse(render_csv(fleet()))
    assert [(r["serial"], r["user_id"]) for r in rows] == [
        ("SIMA0001", "0"),
        ("SIMA0001", "10"),
        ("SIMB0002", "0"),
        ("SIMB0002", "95"),
        ("SIMC0003", ""),
        ("SIMD0004", ""),
        ("SIME0005", "0"),
    ]


def test_skipped_phone_row_has_status_and_error_and_nothing_else() -> None:
    rows = parse(render_csv(fleet()))
    skipped = next(r for r in rows if r["serial"] == "SIMC0003")
    assert skipped["device_status"] == "unauthorized"
    assert skipped["device_error"] == "accept the USB debugging prompt"
    scan_columns = {"schema_version", "tool_version", "scan_id", "scanned_at", "station", "scan_interrupted"}
    filled = {k for k, v in skipped.items() if v}
    assert filled == scan_columns | {"serial", "device_status", "device_error", "severity"}


@pytest.mark.parametrize("status", [s for s in DeviceStatus if s is not DeviceStatus.AUDITED])
def test_a_phone_that_was_not_audited_has_severity_unknown(status: DeviceStatus) -> None:
    """A spreadsheet filtered by severity must never hide a phone nobody could read."""
    rows = parse(render_csv(scan(device("SIMX0001", status=status, error="why"))))
    assert [(r["serial"], r["device_status"], r["severity"]) for r in rows] == [("SIMX0001", status.value, "unknown")]


def test_every_enum_value_lands_in_its_allowed_set() -> None:
    verdicts = []
    for i, (sev, up, tri, perm, kind) in enumerate(
        zip(
            list(Severity) * 2,
            list(Upload) * 3,
            list(Tri) * 4,
            list(PermissionStatus) * 3,
            list(UserKind) * 2,
            strict=False,
        )
    ):
        v = verdict(i, kind=kind, severity=sev, upload=up, permission=perm)
        verdicts.append(replace(v, past_upload=tri, app_enabled=(None, True, False)[i % 3]))
    devices = [device("SIMV0001", *verdicts)]
    devices += [device(f"SIMS{s.value}", status=s, error="x") for s in DeviceStatus if s.value != "audited"]
    rows = parse(render_csv(scan(*devices)))
    for column, allowed in ALLOWED.items():
        seen = {r[column] for r in rows}
        assert seen <= allowed, column
    assert {r["severity"] for r in rows} >= {s.value for s in Severity}
    assert {r["device_status"] for r in rows} == ALLOWED["device_status"]
    assert {r["app_enabled"] for r in rows} == {"true", "false", ""}


def test_scan_and_verdict_cells() -> None:
    row = parse(render_csv(fleet()))[1]
    assert row["schema_version"] == "1"
    assert row["scanned_at"] == "2026-05-01T10:00:00Z"
    assert row["permission_flags"] == "USER_SET|USER_FIXED"
    assert row["alternatives"] == "ch.threema.app"
    assert row["user_kind"] == "work_profile"
    assert row["colleague_numbers"] == "5"
    assert row["third_party_numbers"] == "0"
    assert row["app_enabled"] == "true"
    assert row["synced_contacts"] == "4"


def test_unknown_counts_are_empty_not_zero() -> None:
    rows = parse(render_csv(fleet()))
    clone = next(r for r in rows if r["user_id"] == "95")
    assert all(clone[c] == "" for c in COUNT_COLUMNS)
    owner = next(r for r in rows if r["serial"] == "SIMA0001" and r["user_id"] == "0")
    assert [owner[c] for c in COUNT_COLUMNS] == ["9", "10", "8", "2", "3", "2", "1", "6"]


def test_zero_counts_stay_zero_when_known() -> None:
    dev = device("SIMZ0001", verdict(0, number_counts=counts(0)))
    row = parse(render_csv(scan(dev)))[0]
    assert row["third_party_numbers"] == "0"
    assert row["colleague_numbers"] == "0"


def test_rfc4180_quoting_of_device_strings() -> None:
    model = 'Pixel "7", Pro\nline two'
    text = with_model(model, manufacturer="Goo,gle")
    assert '"Pixel ""7"", Pro\nline two"' in text
    assert ',"Goo,gle",' in text
    row = parse(text)[0]
    assert row["model"] == model
    assert row["manufacturer"] == "Goo,gle"


def test_records_end_with_crlf() -> None:
    text = render_csv(fleet())
    assert text.endswith("\r\n")
    assert text.count("\r\n") == 1 + 7
    assert "\n" not in text.replace("\r\n", "")


def test_excel_mode_has_bom_and_semicolons() -> None:
    text = render_csv(fleet(), excel=True)
    assert text.startswith("\ufeff")
    assert text.removeprefix("\ufeff").split("\r\n", 1)[0] == ";".join(EXPECTED_HEADER)
    rows = parse(text, delimiter=";")
    assert rows[0]["model"] == "Pixel 7"
    assert not render_csv(fleet()).startswith("\ufeff")


def test_excel_mode_quotes_semicolons_in_cells() -> None:
    dev = device("SIMX0001", verdict(0), model="A;B")
    text = render_csv(scan(dev), excel=True)
    assert ';"A;B";' in text
    assert parse(text, delimiter=";")[0]["model"] == "A;B"


def test_render_dispatches_excel_only_to_csv() -> None:
    assert render(fleet(), "csv", excel=True).startswith("\ufeff")
    assert render(fleet(), "csv") == render_csv(fleet())
    with pytest.raises(UsageError, match="unknown report format"):
        render(fleet(), "xlsx")
    with pytest.raises(UsageError, match="unknown language"):
        render(fleet(), "csv", lang="fr")


@pytest.mark.parametrize("value", ["=1+1", "+4930", "-2+3", "@SUM(A1)", "\t=1", "\rfoo", " =1", "\uff1dA1"])
def test_each_dangerous_prefix_is_neutralised(value: str) -> None:
    row = parse(with_model(value))[0]
    assert row["model"] == "'" + value


@pytest.mark.parametrize("value", ["Pixel 7", "'quoted", "SM-G991B", "", "1+1", "a=b"])
def test_harmless_values_are_untouched(value: str) -> None:
    assert neutralise(value) == value


def test_neutralisation_covers_every_column() -> None:
    v = replace(verdict(0), rule="=rule", app="@app", last_contacts_access="+3d ago")
    dev = replace(device("-serial", v), error="=err")
    row = parse(render_csv(scan(dev)))[0]
    assert row["rule"] == "'=rule"
    assert row["app"] == "'@app"
    assert row["last_contacts_access"] == "'+3d ago"
    assert row["serial"] == "'-serial"


def test_finding_text_is_neutralised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(messages.CATALOGUE, "test.finding.upload.granted", {"en": "=HYPERLINK(x)"})
    row = parse(render_csv(scan(device("SIMX0001", verdict(0)))))[0]
    assert row["finding"] == "'=HYPERLINK(x)"


def test_lang_changes_texts_but_not_column_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(
        messages.CATALOGUE,
        "test.finding.upload.granted",
        {"en": "{app} can upload {numbers} numbers.", "de": "{app} kann {numbers} Nummern hochladen."},
    )
    report = scan(device("SIMX0001", verdict(0)))
    en = parse(render_csv(report, "en"))[0]
    de = parse(render_csv(report, "de"))[0]
    assert en["finding"] == "WhatsApp can upload 3 numbers."
    assert de["finding"] == "WhatsApp kann 3 Nummern hochladen."
    assert render_csv(report, "de").split("\r\n", 1)[0].split(",") == EXPECTED_HEADER


@settings(max_examples=150, deadline=None)
@given(model=st.text(max_size=30), serial=st.text(min_size=1, max_size=20), maker=st.text(max_size=10))
def test_no_cell_starts_with_a_formula(model: str, serial: str, maker: str) -> None:
    text = with_model(model, serial=serial, manufacturer=maker)
    excel = with_model(model, serial=serial, manufacturer=maker, excel=True)
    for delimiter, body in ((",", text), (";", excel)):
        for row in parse(body, delimiter):
            for cell in row.values():
                assert not cell.startswith(DANGEROUS)
                assert not cell.lstrip().startswith(("=", "+", "-", "@")) or cell.startswith("'")
    row = parse(text)[0]
    for shown, original in ((row["model"], model), (row["serial"], serial), (row["manufacturer"], maker)):
        original = original.replace("\0", "\ufffd")
        assert shown in (original, "'" + original)


@pytest.mark.parametrize("value", [" =1", " +4930", " -2+3", "  @SUM(A1)", " \uff1dA1", " \uff0b1", " \uff0d1", " \uff20A1"])
def test_formula_starters_after_leading_blanks_are_neutralised(value: str) -> None:
    """Spreadsheets that trim cells would still see the formula: every starter counts after blanks too."""
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize(("lang", "excel"), [("en", False), ("de", True)])
def test_every_cell_of_a_varied_scan_is_in_its_column(lang: str, excel: bool) -> None:
    """The whole CSV of a scan in which every field has a value of its own (rich_scan): a count or
    a management fact in another column, a skipped phone without its row, fails here."""
    text = render_csv(rich_scan(), lang, excel=excel)
    rows = parse(text, ";" if excel else ",")
    assert len(rows) == 9  # six verdicts, one audited phone without any, two phones not audited
    assert_golden(f"rich.{lang}{'.excel' if excel else ''}.csv", text)
