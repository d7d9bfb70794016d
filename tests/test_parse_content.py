"""content query rows (contacts, raw contacts) and the cross-profile setting."""

from pathlib import Path

import pytest

from audit.parse.content import CONTACT_COLUMNS, parse_contacts, parse_raw_contacts, parse_rows
from audit.parse.settings import SettingValue, parse_setting
from audit.snapshot import ContactDatum, DataKind

FIXTURES = Path(__file__).parent / "fixtures" / "device"


def fixture(path: str) -> str:
    return (FIXTURES / path).read_text(encoding="utf-8")


def test_contacts_rows_with_commas_in_values_and_null_accounts():
    rows = parse_contacts(fixture("a06_generic/contacts+user=0.txt"))
    assert rows.complete and rows.problems == ()
    assert [(d.raw_contact_id, d.account_type, d.kind, d.value) for d in rows.data] == [
        (1, "com.google", DataKind.PHONE, "+49 30 90182011"),
        (1, "com.google", DataKind.EMAIL, "anna.beispiel@example.de"),
        (1, "com.google", DataKind.ORGANIZATION, "Beispiel GmbH"),
        (2, "com.google", DataKind.PHONE, "030 90182012"),
        (3, None, DataKind.PHONE, "07700 900123"),
        (4, "com.google", DataKind.PHONE, "+44 7700 900456"),
        (4, "com.google", DataKind.ORGANIZATION, "Muster, Beispiel & Partner"),
        (5, None, DataKind.PHONE, "+49 (30) 901820-19"),
    ]


def test_a_value_with_a_newline_continues_on_the_next_line():
    rows = parse_contacts(fixture("a09_sony/contacts+user=10.txt"))
    assert rows.complete
    orgs = [d.value for d in rows.data if d.kind is DataKind.ORGANIZATION]
    assert orgs == ["Beispiel AG\nAbteilung Einkauf"]
    assert len(rows.data) == 4


def test_a_value_that_merely_holds_row_is_part_of_the_value():
    text = (
        "Row: 0 raw_contact_id=1, mimetype=vnd.android.cursor.item/organization, account_type=NULL,"
        " data1=Firma\nRow: 7 Abteilung\n"
        "Row: 1 raw_contact_id=2, mimetype=vnd.android.cursor.item/phone_v2, account_type=NULL, data1=+49 30 90182001"
    )
    rows = parse_contacts(text)
    assert rows.complete
    assert [(d.raw_contact_id, d.value) for d in rows.data] == [(1, "Firma\nRow: 7 Abteilung"), (2, "+49 30 90182001")]


PHONE = "vnd.android.cursor.item/phone_v2"
ORG = "vnd.android.cursor.item/organization"


def test_a_value_posing_as_the_next_row_cannot_hide_the_real_one():
    """The issue's case: an organisation holding ``\nRow: 1 ...`` swallowed the real row 1."""
    text = (
        f"Row: 0 raw_contact_id=1, mimetype={ORG}, account_type=NULL, data1=Firma\n"
        f"Row: 1 raw_contact_id=1, mimetype={ORG}, account_type=NULL, data1=x\n"
        f"Row: 1 raw_contact_id=2, mimetype={PHONE}, account_type=NULL, data1=+49 30 90182001\n"
        f"Row: 2 raw_contact_id=3, mimetype={PHONE}, account_type=NULL, data1=+49 30 90182002\n"
    )
    rows = parse_contacts(text)
    assert not rows.complete
    assert any("out of sequence" in p for p in rows.problems)


@pytest.mark.parametrize("number", ["0", "2", "7", "1000"])
def test_a_row_line_with_a_skipped_or_repeated_number_makes_the_answer_unknown(number):
    text = (
        f"Row: 0 raw_contact_id=1, mimetype={ORG}, account_type=NULL, data1=Firma\n"
        f"Row: {number} raw_contact_id=9, mimetype={PHONE}, account_type=NULL, data1=+49 30 90182009\n"
        f"Row: 1 raw_contact_id=2, mimetype={PHONE}, account_type=NULL, data1=+49 30 90182001"
    )
    assert not parse_contacts(text).complete
    raw = parse_raw_contacts(f"Row: 0 account_type=com.google\nRow: {number} account_type=x\nRow: 1 account_type=NULL")
    assert not raw.known


def test_null_values_and_other_mimetypes_are_skipped():
    rows = parse_contacts(fixture("a13_pixel/contacts+user=0.txt"))
    assert rows.complete
    assert [(d.kind, d.value) for d in rows.data] == [
        (DataKind.PHONE, "+49 30 90182071"),
        (DataKind.EMAIL, "x@example.de"),
        (DataKind.PHONE, "+49 30 90182072, ext. 5"),
    ]
    other = parse_contacts(
        "Row: 0 raw_contact_id=1, mimetype=vnd.android.cursor.item/name, account_type=NULL, data1=Erika"
    )
    assert (other.complete, other.data) == (True, ())


def test_no_result_is_complete_and_empty():
    assert parse_contacts("No result found.\n") == parse_contacts("No result found.")
    rows = parse_contacts("No result found.")
    assert (rows.complete, rows.data, rows.problems) == (True, (), ())


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (fixture("a10_samsung/contacts+user=150.txt"), "the contacts provider reported an error"),
        ("", "the query printed nothing"),
        ("usage: content [subcommand] [options]\n", "the query output has 1 line(s) that are not rows"),
        ("Row: 1 raw_contact_id=1, mimetype=a, account_type=b, data1=c\n", "the query output has 1 line(s) that are not rows"),
        ("Row: 0 raw_contact_id=1; mimetype=a\n", "1 row(s) could not be read"),
        ("No result found.\nRow: 0 raw_contact_id=1, mimetype=a, account_type=b, data1=c\n",
         "the query output has rows and says it has none"),
    ],
)
def test_errors_are_incomplete_never_empty(text, problem):
    rows = parse_contacts(text)
    assert rows.complete is False
    assert problem in rows.problems


def test_an_error_after_rows_makes_the_answer_incomplete():
    text = fixture("a06_generic/contacts+user=0.txt") + fixture("a16_pixel/contacts+user=10.txt")
    rows = parse_contacts(text)
    assert rows.complete is False
    assert rows.problems == ("the contacts provider reported an error",)


def test_non_numeric_raw_contact_id_makes_the_answer_incomplete():
    rows = parse_contacts(
        "Row: 0 raw_contact_id=NULL, mimetype=vnd.android.cursor.item/phone_v2, account_type=NULL, data1=+49 30 90182001"
    )
    assert rows.complete is False
    assert rows.problems == ("1 contact row(s) have no readable raw contact id",)


def test_generic_rows_and_crlf():
    result = parse_rows("Row: 0 a=1, b=x, y\r\nRow: 1 a=NULL, b=\r\n", ("a", "b"))
    assert result.complete
    assert result.rows == (("1", "x, y"), (None, ""))


def test_raw_contact_counts_by_account_type():
    counts = parse_raw_contacts(fixture("a10_samsung/raw-contacts+user=0.txt"))
    assert counts.known
    assert counts.by_account == (
        ("com.google", 2),
        ("com.whatsapp", 3),
        ("vnd.sec.contact.phone", 1),
        ("vnd.sec.contact.sim", 1),
    )
    local = parse_raw_contacts(fixture("a06_generic/raw-contacts+user=0.txt"))
    assert local.by_account == ((None, 2), ("com.google", 3), ("com.whatsapp", 2))


def test_raw_contact_errors_are_unknown():
    counts = parse_raw_contacts(fixture("a15_pixel/raw-contacts+user=11.txt"))
    assert (counts.known, counts.by_account) == (False, ())
    assert parse_raw_contacts("No result found.").known


def test_contact_values_stay_out_of_repr():
    rows = parse_contacts(fixture("a06_generic/contacts+user=0.txt"))
    assert "90182011" not in repr(rows)
    assert "90182011" not in repr(rows.data[0])
    assert rows.data[0] == ContactDatum(1, "com.google", DataKind.PHONE, "+49 30 90182011")


def test_columns_constant_matches_the_collector_projection():
    script = (Path(__file__).parents[1] / "adb_scripts" / "collect.sh").read_text(encoding="utf-8")
    assert "--projection " + ":".join(CONTACT_COLUMNS) in script


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1\n", SettingValue("1", known=True)),
        ("0", SettingValue("0", known=True)),
        ("null\n", SettingValue(None, unset=True, known=True)),
        ("2\n", SettingValue(None, problem="the setting has a value this tool does not know")),
        ("", SettingValue(None, problem="the setting could not be read")),
        ("Invalid user: 10\nusage: settings ...\n", SettingValue(None, problem="the setting could not be read")),
    ],
)
def test_cross_profile_setting(text, expected):
    assert parse_setting(text) == expected


@pytest.mark.parametrize(
    ("raw_id", "read"),
    [("9223372036854775807", True), ("0", True), ("92233720368547758070", False), ("-1", False), ("١٢", False)],
)
def test_raw_contact_ids_up_to_the_largest_android_long_are_read(raw_id, read):
    rows = parse_contacts(f"Row: 0 raw_contact_id={raw_id}, mimetype={PHONE}, account_type=NULL, data1=+49 30 90182001")
    assert rows.complete is read
    assert [d.raw_contact_id for d in rows.data] == ([int(raw_id)] if read else [])


def test_rows_out_of_sequence_are_counted_in_the_problem():
    text = (
        f"Row: 0 raw_contact_id=1, mimetype={ORG}, account_type=NULL, data1=Firma\n"
        f"Row: 5 raw_contact_id=9, mimetype={PHONE}, account_type=NULL, data1=+49 30 90182009\n"
        f"Row: 0 raw_contact_id=8, mimetype={PHONE}, account_type=NULL, data1=+49 30 90182008\n"
        f"Row: 1 raw_contact_id=2, mimetype={PHONE}, account_type=NULL, data1=+49 30 90182001"
    )
    rows = parse_contacts(text)
    assert (rows.complete, rows.problems) == (False, ("2 row(s) are out of sequence (a value may hide rows)",))
