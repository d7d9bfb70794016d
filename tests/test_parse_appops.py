"""appops get: 6/7 lines, the 8+ "Uid mode:" quirk and its split heuristic, errors."""

from pathlib import Path

import pytest

from audit.parse.appops import AOSP_OPS, OP_CODES, parse_appops
from audit.snapshot import AppOpState

FIXTURES = Path(__file__).parent / "fixtures" / "device"


def fixture(path: str) -> str:
    return (FIXTURES / path).read_text(encoding="utf-8")


def scopes(text: str) -> list[tuple[str, str]]:
    return [(e.op, e.scope) for e in parse_appops(text).entries]


def test_android6_lines_with_times_durations_and_running():
    listing = parse_appops(fixture("a06_generic/appops+user=0+pkg=com.whatsapp.txt"))
    assert listing.known and listing.problems == ()
    assert all(e.scope == "package" for e in listing.entries)
    wake = next(e for e in listing.entries if e.op == "WAKE_LOCK")
    assert (wake.mode, wake.last_access, wake.duration) == ("allow", "+41s200ms ago", "running")
    assert listing.states() == (
        AppOpState("READ_CONTACTS", "allow", None, "+2h13m4s310ms ago"),
        AppOpState("WRITE_CONTACTS", "allow", None, "+2h13m4s305ms ago"),
        AppOpState("GET_ACCOUNTS", "allow", None, "+1d3h ago"),
    )


def test_android7_reject_time():
    listing = parse_appops(fixture("a07_pixel/appops+user=0+pkg=com.whatsapp.txt"))
    assert listing.states() == (AppOpState("READ_CONTACTS", "allow", None, None, "+3m10s ago"),)


def test_no_operations_is_known_and_empty():
    listing = parse_appops("No operations.\n")
    assert (listing.known, listing.entries, listing.states()) == (True, (), ())
    assert parse_appops("No operations.\nDefault mode: allow\n").known


def test_uid_block_ends_where_the_op_order_restarts():
    text = fixture("a11_xiaomi/appops+user=0+pkg=com.whatsapp.txt")
    assert scopes(text) == [
        ("COARSE_LOCATION", "uid"),
        ("FINE_LOCATION", "uid"),
        ("READ_CONTACTS", "uid"),
        ("LEGACY_STORAGE", "uid"),
        ("FINE_LOCATION", "package"),
        ("READ_CONTACTS", "package"),
        ("WRITE_CONTACTS", "package"),
    ]
    states = parse_appops(text).states()
    assert states[0] == AppOpState("READ_CONTACTS", "allow", "allow", "+6m ago")


def test_uid_mode_wins_when_it_is_not_default():
    (rc,) = parse_appops(fixture("a11_xiaomi/appops+user=999+pkg=com.whatsapp.txt")).states()
    assert (rc.mode, rc.uid_mode, rc.effective_mode) == ("allow", "ignore", "ignore")


def test_an_entry_with_access_times_is_the_packages():
    text = fixture("a09_sony/appops+user=10+pkg=com.whatsapp.txt")
    assert scopes(text) == [("COARSE_LOCATION", "uid"), ("READ_CONTACTS", "package"), ("GET_ACCOUNTS", "package")]


def test_uid_only_op():
    states = parse_appops(fixture("a12_oneplus/appops+user=999+pkg=com.whatsapp.txt")).states()
    assert states == (
        AppOpState("READ_CONTACTS", "ignore", "ignore", None, "+2h ago"),
        AppOpState("WRITE_CONTACTS", None, "ignore"),
    )


def test_undecidable_split_of_an_op_printed_once_still_knows_the_enforced_mode():
    listing = parse_appops(fixture("a08_nokia/appops+user=10+pkg=com.whatsapp.txt"))
    assert scopes(fixture("a08_nokia/appops+user=10+pkg=com.whatsapp.txt")) == [
        ("COARSE_LOCATION", "uid"),
        ("READ_CONTACTS", "ambiguous"),
        ("WAKE_LOCK", "ambiguous"),
    ]
    assert listing.known
    # Whether READ_CONTACTS is the UID's or the package's, the other scope is at its default.
    assert listing.states() == (AppOpState("READ_CONTACTS", unscoped_mode="ignore"),)
    assert listing.states()[0].effective_mode == "ignore"
    assert listing.problems == ()
    assert listing.ambiguous() == ("READ_CONTACTS",)


def test_an_op_printed_twice_is_split_uid_first_then_package() -> None:
    # An op appears at most once per block, so its second appearance starts the package block.
    text = "Uid mode: COARSE_LOCATION: ignore\nREAD_CONTACTS: ignore\nREAD_CONTACTS: allow\nWAKE_LOCK: allow\n"
    (state,) = parse_appops(text).states()
    assert (state.uid_mode, state.mode, state.unscoped_mode, state.effective_mode) == ("ignore", "allow", None, "ignore")


def test_a_later_restart_decides_the_entries_before_it():
    text = "Uid mode: COARSE_LOCATION: ignore\nREAD_CONTACTS: ignore\nLEGACY_STORAGE: allow\nCAMERA: allow\n"
    # CAMERA (26) after LEGACY_STORAGE (87) restarts the order, and the package block is
    # ascending too, so it cannot start before CAMERA: READ_CONTACTS is the UID's.
    assert scopes(text) == [
        ("COARSE_LOCATION", "uid"),
        ("READ_CONTACTS", "uid"),
        ("LEGACY_STORAGE", "uid"),
        ("CAMERA", "package"),
    ]
    text2 = "Uid mode: COARSE_LOCATION: ignore\nLEGACY_STORAGE: allow\nREAD_CONTACTS: ignore\n"
    assert scopes(text2) == [("COARSE_LOCATION", "uid"), ("LEGACY_STORAGE", "uid"), ("READ_CONTACTS", "package")]


def test_repeated_op_name_ends_the_uid_block_even_for_unknown_ops():
    text = "Uid mode: OEM_SPECIAL: ignore\nREAD_CONTACTS: ignore\nOEM_SPECIAL: allow\nREAD_CONTACTS: allow\n"
    assert scopes(text) == [
        ("OEM_SPECIAL", "uid"),
        ("READ_CONTACTS", "uid"),
        ("OEM_SPECIAL", "package"),
        ("READ_CONTACTS", "package"),
    ]


def test_order_unknown_to_the_table_leaves_untimed_entries_ambiguous():
    text = "Uid mode: CAMERA: ignore\nREAD_CONTACTS: ignore\nCOARSE_LOCATION: allow\nVIBRATE: allow; time=+1s ago\n"
    # No split keeps both blocks ascending: only the prefixed and the timed entries are decided.
    assert scopes(text)[0] == ("CAMERA", "uid")
    assert ("VIBRATE", "package") in scopes(text)
    # READ_CONTACTS is printed once, so its enforced mode is known though its scope is not.
    assert parse_appops(text).states() == (AppOpState("READ_CONTACTS", unscoped_mode="ignore"),)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Error: Unknown package: com.whatsapp\n",
        "Security exception: uid 2000 cannot query ops\n",
        "java.lang.SecurityException: Permission Denial\n\tat android.os.Parcel.readException(Parcel.java:1)\n",
        "READ_CONTACTS: allow\nsomething odd\n",
        "No operations.\nREAD_CONTACTS: allow\n",
    ],
)
def test_errors_and_garbage_are_unknown(text):
    listing = parse_appops(text)
    assert listing.known is False
    assert listing.states() == ()
    assert len(listing.problems) == 1


def test_numeric_modes_and_unknown_ops_parse():
    listing = parse_appops("Unknown(200): allow\nREAD_CONTACTS: mode=5; time=+1s ago\n")
    assert listing.known
    assert listing.states() == (AppOpState("READ_CONTACTS", "mode=5", None, "+1s ago"),)


def test_op_table_holds_the_contacts_ops_at_their_aosp_codes():
    assert (OP_CODES["READ_CONTACTS"], OP_CODES["WRITE_CONTACTS"], OP_CODES["GET_ACCOUNTS"]) == (4, 5, 62)
    assert AOSP_OPS[87] == "LEGACY_STORAGE"
    assert len(set(AOSP_OPS)) == len(AOSP_OPS)


@pytest.mark.parametrize(
    ("phone", "expected"),
    [
        # a duration after the access time, and an op still running (reported in the JSON report)
        ("a13_pixel", AppOpState("READ_CONTACTS", "allow", None, "+4m2s ago", None, "+35ms")),
        ("a16_pixel", AppOpState("READ_CONTACTS", "allow", None, "+9s ago", None, "running")),
    ],
)
def test_the_access_evidence_of_a_contacts_op_is_kept(phone, expected):
    states = parse_appops(fixture(f"{phone}/appops+user=0+pkg=com.whatsapp.txt")).states()
    assert states[0] == expected


def test_contacts_ops_printed_twice_in_an_unknown_order_are_all_unknown_and_named():
    """No split fits the op table (an OEM order): an op printed twice cannot be told UID from
    package, so its mode is unknown (never the milder of the two), every such op is named in
    the problem, and the ops after it are still reported."""
    text = (
        "Uid mode: CAMERA: ignore\nREAD_CONTACTS: ignore\nWRITE_CONTACTS: ignore\nCOARSE_LOCATION: allow\n"
        "READ_CONTACTS: allow\nWRITE_CONTACTS: allow\nGET_ACCOUNTS: allow; time=+1s ago\n"
    )
    listing = parse_appops(text)
    assert listing.known
    assert listing.states() == (
        AppOpState("READ_CONTACTS"),
        AppOpState("WRITE_CONTACTS"),
        AppOpState("GET_ACCOUNTS", "allow", None, "+1s ago"),
    )
    assert all(state.effective_mode is None for state in listing.states()[:2])
    assert listing.problems == ("cannot tell the UID mode from the package mode of READ_CONTACTS, WRITE_CONTACTS",)
    assert listing.ambiguous() == ("READ_CONTACTS", "WRITE_CONTACTS")
