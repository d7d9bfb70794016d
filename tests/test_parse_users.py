"""pm list users / cmd user list -> users and their kinds (rules in audit/parse/users.py)."""

from pathlib import Path

import pytest

from audit.parse.users import classify_user, flags_from_names, named_user_ids, oem_of, parse_users
from audit.snapshot import AndroidUser, UserKind

FIXTURES = Path(__file__).parent / "fixtures" / "device"


def fixture(path: str) -> str:
    return (FIXTURES / path).read_text(encoding="utf-8")


def kinds(text: str) -> list[tuple[int, UserKind]]:
    return [(u.id, u.kind) for u in parse_users(text).users]


def test_samsung_dual_messenger_and_secure_folder():
    listing = parse_users(fixture("a10_samsung/users.txt"))
    assert listing.usable and listing.problems == ()
    assert listing.users == (
        AndroidUser(0, "Owner", 0x13, UserKind.OWNER, True),
        AndroidUser(95, "DUAL_APP", 0x20001010, UserKind.CLONE, True),
        AndroidUser(150, "Secure Folder", 0x10061030, UserKind.SECURE_FOLDER, False),
    )


@pytest.mark.parametrize(
    ("phone", "expected"),
    [
        ("a06_generic", [(0, UserKind.OWNER)]),
        ("a08_nokia", [(0, UserKind.OWNER), (10, UserKind.SECONDARY), (11, UserKind.GUEST)]),
        ("a09_sony", [(0, UserKind.OWNER), (10, UserKind.WORK_PROFILE)]),
        ("a11_xiaomi", [(0, UserKind.OWNER), (999, UserKind.CLONE)]),
        ("a12_oneplus", [(0, UserKind.OWNER), (998, UserKind.CLONE), (999, UserKind.CLONE)]),
        ("a14_workprofile", [(0, UserKind.OWNER), (10, UserKind.WORK_PROFILE)]),
        ("a15_pixel", [(0, UserKind.OWNER), (11, UserKind.OTHER)]),
        ("a16_pixel", [(0, UserKind.OWNER), (10, UserKind.SECONDARY), (12, UserKind.GUEST)]),
        ("a17_pixel", [(0, UserKind.OWNER), (10, UserKind.WORK_PROFILE)]),
    ],
)
def test_every_phone_fixture(phone, expected):
    assert kinds(fixture(f"{phone}/users.txt")) == expected


def test_names_with_colons_and_braces_without_leading_tab():
    users = parse_users(fixture("formats/users_names.txt")).users
    assert [(u.id, u.name, u.flags, u.kind, u.running) for u in users] == [
        (0, "Owner", 0xC13, UserKind.OWNER, True),
        (10, "Work: profile", 0x30, UserKind.WORK_PROFILE, True),
        (11, "a:1} b", 0x10, UserKind.SECONDARY, False),
        (12, "Gast", 0x14, UserKind.GUEST, False),
        # ColorOS sets MANAGED_PROFILE on its clone user: the clone rule comes first.
        (999, "Multi-App", 0x4000030, UserKind.CLONE, True),
    ]


def test_oem_fields_after_the_brace_leave_running_unknown():
    users = parse_users(fixture("formats/users_oem_fields.txt")).users
    assert [(u.id, u.kind, u.running) for u in users] == [
        (0, UserKind.OWNER, None),
        (998, UserKind.CLONE, None),
        (999, UserKind.CLONE, None),
    ]


def test_cmd_user_list_verbose():
    listing = parse_users(fixture("formats/users_verbose.txt"))
    assert listing.problems == ()
    assert [(u.id, u.name, u.flags, u.kind, u.running) for u in listing.users] == [
        (0, "Owner", 0x4C13, UserKind.OWNER, True),
        (10, "Work", 0x1030, UserKind.WORK_PROFILE, True),
        (11, "Clone", 0x1010, UserKind.CLONE, True),
        (12, "Mia", 0x410, UserKind.SECONDARY, False),
    ]


def test_verbose_name_with_comma_and_unknown_flag_name():
    listing = parse_users("1 users:\n\n0: id=10, name=Doe, Jane, type=full.SECONDARY, flags=FULL|NEW_THING\n")
    (user,) = listing.users
    assert (user.id, user.name, user.flags, user.kind) == (10, "Doe, Jane", None, UserKind.SECONDARY)


@pytest.mark.parametrize(
    ("user_id", "name", "flags", "kind"),
    [
        (150, "Sicherer Ordner", 0x61010, UserKind.SECURE_FOLDER),
        (151, "Secure Folder", 0x10061030, UserKind.SECURE_FOLDER),
        (12, "secure folder", 0x1030, UserKind.SECURE_FOLDER),
        (95, "Dual Messenger", 0x1010, UserKind.CLONE),
        (11, "XSpace", 0x800010, UserKind.CLONE),
        (13, "whatever", 0x20001010, UserKind.CLONE),
        (10, "Work", 0x30, UserKind.WORK_PROFILE),
        (10, "Guest", 0x4, UserKind.GUEST),
        (10, "Restricted", 0x18, UserKind.OTHER),
        (10, "Profile", 0x1010, UserKind.OTHER),
        (10, "Unknown OEM", 0x08000010, UserKind.OTHER),
        (10, "Pre-11 secondary", 0x10, UserKind.SECONDARY),
        (10, "Full", 0x410, UserKind.SECONDARY),
        (10, "No flags", None, UserKind.OTHER),
    ],
)
def test_classification_rules(user_id, name, flags, kind):
    assert classify_user(user_id, name, flags) == kind


def test_flag_names_to_bits():
    assert flags_from_names("ADMIN|FULL|INITIALIZED|MAIN|PRIMARY|SYSTEM") == 0x4C13
    assert flags_from_names("0x10000000|PROFILE") == 0x10001000
    assert flags_from_names("BOGUS") is None


def test_errors_and_empty_output_are_unusable():
    for text in ("", "Error: java.lang.SecurityException: shell cannot list users\n", "Users:\n"):
        listing = parse_users(text)
        assert listing.usable is False
        assert listing.users == ()
        assert listing.problems == ("the user list holds no user that could be read",)


def test_duplicate_ids_keep_the_first():
    listing = parse_users("Users:\n\tUserInfo{0:Owner:13} running\n\tUserInfo{0:Other:13}\n")
    assert [u.name for u in listing.users] == ["Owner"]
    assert listing.problems == ("the user list names 1 user id(s) twice; the first was kept",)


@pytest.mark.parametrize(("user_id", "kind"), [
    (149, UserKind.SECONDARY), (150, UserKind.SECURE_FOLDER), (155, UserKind.SECURE_FOLDER),
    (160, UserKind.SECURE_FOLDER), (161, UserKind.SECONDARY),
])
def test_secure_folder_id_range_is_150_to_160_inclusive(user_id, kind):
    """Samsung gives the Secure Folder an id from 150 to 160 (both ends count), whatever its name."""
    assert classify_user(user_id, "Ordner", 0x410) is kind  # a full user outside the range


_OWNER = "Users:\n\tUserInfo{0:Owner:c13} running\n"


@pytest.mark.parametrize(
    ("work", "users", "problems"),
    [
        # a device-policy app may put line breaks into a profile name: the record is joined
        ("\tUserInfo{10:Work\nprofile:1030} running\n", [(10, "Work\nprofile", UserKind.WORK_PROFILE, True)], ()),
        ("\tUserInfo{10:Work\n\nExample GmbH\n:1030}\n", [(10, "Work\n\nExample GmbH\n", UserKind.WORK_PROFILE, False)],
         ()),
        # 16 continuation lines are the most one record may span
        ("\tUserInfo{10:W" + "\nx" * 15 + "\n:1030} running\n",
         [(10, "W" + "\nx" * 15 + "\n", UserKind.WORK_PROFILE, True)], ()),
        # never across the start of the next record: the broken one is an unknown line, the next one is read
        ("\tUserInfo{10:Work\n\tUserInfo{11:Gast:14}\n", [(11, "Gast", UserKind.GUEST, False)],
         ("the user list has 1 line(s) that are not users",)),
        ("\tUserInfo{10:W" + "\nx" * 16 + "\n:1030} running\n", [],
         ("the user list has 18 line(s) that are not users",)),
        ("\tUserInfo{10:Work profile:1030 running\n", [], ("the user list has 1 line(s) that are not users",)),
        # the next record after a joined one is read too
        ("\tUserInfo{10:Work\nprofile:1030} running\n\tUserInfo{11:Gast:14}\n",
         [(10, "Work\nprofile", UserKind.WORK_PROFILE, True), (11, "Gast", UserKind.GUEST, False)], ()),
        # CRLF line ends (Android < 7 over a pty) are not part of the name; its own spaces are
        ("\tUserInfo{10:Work\r\nMax \r\nFAX\r\n:1030} running\r\n",
         [(10, "Work\nMax \nFAX\n", UserKind.WORK_PROFILE, True)], ()),
        # a typed-list line or a new listing is the start of another record, never part of a name
        ("\tUserInfo{10:Work\n1: id=11, name=Gast, type=full.GUEST, flags=GUEST|INITIALIZED\n:1030}\n",
         [(11, "Gast", UserKind.GUEST, False)], ("the user list has 2 line(s) that are not users",)),
        ("\tUserInfo{10:Work\nUsers:\n:1030}\n", [], ("the user list has 2 line(s) that are not users",)),
        # at most _MAX_RECORD (16384) characters for a record spread over lines
        ("\tUserInfo{10:Work\n" + "W" * (16384 - 16 - 14) + ":1030} running\n",
         [(10, "Work\n" + "W" * (16384 - 16 - 14), UserKind.WORK_PROFILE, True)], ()),
        ("\tUserInfo{10:Work\n" + "W" * 16400 + ":1030} running\n", [],
         ("the user list has 2 line(s) that are not users",)),
    ],
)
def test_a_user_record_spanning_lines(work, users, problems):
    """A record whose line does not end it is joined with the next lines, within bounds; what
    still does not parse is counted, and its id stays known to the assembler (unknown.users)."""
    listing = parse_users(_OWNER + work)
    assert [(u.id, u.name, u.kind, u.running) for u in listing.users] == [(0, "Owner", UserKind.OWNER, True), *users]
    assert listing.problems == problems
    assert 10 in named_user_ids(_OWNER + work)


@pytest.mark.parametrize(
    ("user_id", "name", "flags", "user_type", "oem", "kind"),
    [
        # OEM bits are read by their maker (audit.parse.users docstring)
        (12, "Profil", 0x4001030, None, "samsung", UserKind.WORK_PROFILE),  # Samsung DualDAR work profile
        (12, "Profil", 0x4001030, None, None, UserKind.CLONE),  # maker unknown: the clone reading comes first
        (12, "Profil", 0x4001010, None, "oplus", UserKind.CLONE),  # ColorOS clone
        (12, "Profil", 0x10001030, None, "samsung", UserKind.WORK_PROFILE),  # Knox workspace
        (12, "Profil", 0x20001010, None, "samsung", UserKind.CLONE),  # Dual Messenger
        (12, "Profil", 0x20001010, "", "xiaomi", UserKind.OTHER),  # not Xiaomi's bit
        (12, "Profil", 0x801010, None, "xiaomi", UserKind.CLONE),  # XSpace
        # the type cmd user list -v prints settles the kind
        (11, "Clone", 0x1010, "android.os.usertype.profile.CLONE", None, UserKind.CLONE),
        (11, "Clone", 0x1010, "profile.CLONE", "samsung", UserKind.CLONE),
        (10, "Work", 0x1030, "profile.MANAGED", None, UserKind.WORK_PROFILE),
        (12, "Gast", 0x414, "full.GUEST", None, UserKind.GUEST),
        (13, "Mia", 0x1010, "full.SECONDARY", "other", UserKind.SECONDARY),
    ],
)
def test_kind_by_maker_and_type(user_id, name, flags, user_type, oem, kind):
    assert classify_user(user_id, name, flags, user_type, oem) is kind


@pytest.mark.parametrize(
    ("manufacturer", "oem"),
    [
        ("samsung", "samsung"), (" Samsung ", "samsung"), ("Xiaomi", "xiaomi"), ("Redmi", "xiaomi"), ("POCO", "xiaomi"),
        ("OPPO", "oplus"), ("OnePlus", "oplus"), ("realme", "oplus"), ("Google", "other"), ("", None), (None, None),
    ],
)
def test_the_maker_family_whose_flag_bits_apply(manufacturer, oem):
    assert oem_of(manufacturer) == oem
