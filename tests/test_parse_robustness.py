"""No parser raises on any text, and cutting real output short never changes a fact (only to unknown)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.parse import build_snapshot
from audit.parse.appops import parse_appops
from audit.parse.content import parse_contacts, parse_raw_contacts
from audit.parse.dumpsys_package import parse_dumpsys_package
from audit.parse.getprop import parse_getprop
from audit.parse.grants import read_contacts
from audit.parse.packages import parse_package_list
from audit.parse.settings import parse_setting
from audit.parse.users import parse_users
from audit.sections import Collection, Section
from audit.snapshot import PermissionStatus

FIXTURES = Path(__file__).parent / "fixtures" / "device"
DUMPS = sorted(FIXTURES.glob("a*/dumpsys-package+pkg=*.txt"))
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces of real output, so that random text reaches the parsers' deeper branches.
FRAGMENTS = [
    "\n", "  ", "    ", "\t", ": ", ", ", "=", "[", "]", "{", "}", ":", "|", "(", ")", ";",
    "Packages:", "Hidden system packages:", "Shared users:", "Package [com.whatsapp] (1a2b):",
    "SharedUser [x.y] (1):", "sharedUser=SharedUserSetting{1 x.y/1000}", "userId=10", "appId=10",
    "versionCode=1 minSdk=2 targetSdk=3", "versionName=", "requested permissions:",
    "install permissions:", "runtime permissions:", "User 0:", "User 10: ", "installed=true",
    "installed=false", "enabled=3", "android.permission.READ_CONTACTS", ": granted=true",
    ": granted=false", ", granted=false", ", flags=[ USER_SET ]", ", flags=[ USER_FIXED|524288]",
    ", flags=0x3", ", userId=10", "Uid mode: ", "READ_CONTACTS: allow", "GET_ACCOUNTS: ignore",
    "; time=+1h ago", "; rejectTime=+1s ago", "; duration=+1ms", " (running)", "No operations.",
    "Row: 0 ", "Row: 1 ", "raw_contact_id=1", "mimetype=vnd.android.cursor.item/phone_v2",
    "account_type=NULL", "data1=+49 30 90182000", "No result found.", "Error while accessing provider:x",
    "UserInfo{0:Owner:c13} running", "UserInfo{10:a:b:30}", "0: id=0, name=x, type=full.SYSTEM, flags=FULL",
    "package:com.whatsapp", "package:/a=b.c versionCode:1 uid:1,2", "Error: Unknown option: -U",
    "[ro.product.model]: [", "[gsm.sim.operator.iso-country]: [de,]", "null", "1", "\r\n", "\x00", "ü",
]
device_text = st.one_of(st.text(), st.lists(st.sampled_from(FRAGMENTS), max_size=80).map("".join))


@FAST
@given(device_text)
def test_no_parser_raises(text):
    parse_getprop(text)
    parse_users(text)
    parse_package_list(text)
    dump = parse_dumpsys_package(text, "com.whatsapp")
    for user in (0, 10):
        read_contacts(dump, user)
    listing = parse_appops(text)
    listing.states()
    parse_contacts(text)
    parse_raw_contacts(text)
    parse_setting(text)


def _statuses(text: str, package: str) -> dict[int, tuple[PermissionStatus, bool | None]]:
    dump = parse_dumpsys_package(text, package)
    return {user: (read_contacts(dump, user).status, read_contacts(dump, user).requested) for user in (0, 10, 11, 95, 150, 999)}


@FAST
@given(path=st.sampled_from(DUMPS), fraction=st.floats(min_value=0.0, max_value=1.0))
def test_cutting_dumpsys_short_never_changes_a_permission(path, fraction):
    text = path.read_text(encoding="utf-8")
    package = path.stem.split("pkg=", 1)[1]
    full = _statuses(text, package)
    cut = _statuses(text[: int(len(text) * fraction)], package)
    for user, (status, requested) in cut.items():
        if status is not PermissionStatus.UNKNOWN:
            assert status is full[user][0], (user, status, full[user])
        if requested is not None:
            assert requested == full[user][1]


def test_cutting_dumpsys_at_every_line_end_never_changes_a_permission():
    for path in DUMPS:
        text = path.read_text(encoding="utf-8")
        package = path.stem.split("pkg=", 1)[1]
        full = _statuses(text, package)
        ends = [i for i, c in enumerate(text) if c == "\n"]
        for end in ends:
            for cut in (text[:end], text[: end + 1]):
                for user, (status, _) in _statuses(cut, package).items():
                    if status is not PermissionStatus.UNKNOWN:
                        assert status is full[user][0], (path.name, end, user)


def test_granted_survives_exactly_where_it_is_printed():
    # The non-vacuous half: the prefix that ends right after "granted=true" still says granted.
    path = FIXTURES / "a13_pixel" / "dumpsys-package+pkg=com.whatsapp.txt"
    text = path.read_text(encoding="utf-8")
    marker = "android.permission.READ_CONTACTS: granted=true"
    end = text.index(marker) + len(marker)
    assert _statuses(text[:end], "com.whatsapp")[0][0] is PermissionStatus.GRANTED
    assert _statuses(text[: end - 2], "com.whatsapp")[0][0] is PermissionStatus.UNKNOWN


@FAST
@given(path=st.sampled_from(sorted(FIXTURES.glob("a*/appops+*.txt"))), fraction=st.floats(0.0, 1.0))
def test_cutting_appops_short_never_raises(path, fraction):
    text = path.read_text(encoding="utf-8")
    parse_appops(text[: int(len(text) * fraction)]).states()


section_names = st.sampled_from(
    ["getprop", "users", "packages", "dumpsys-package", "appops", "contacts", "raw-contacts", "cross-profile"]
)
attrs = st.sampled_from([(), (("user", "0"),), (("user", "10"),), (("pkg", "com.whatsapp"),),
                         (("user", "0"), ("pkg", "com.whatsapp"))])
sections = st.builds(Section, section_names, attrs, device_text, st.one_of(st.none(), st.integers(-1, 255)))


@FAST
@given(st.lists(sections, max_size=12), st.booleans())
def test_build_snapshot_never_raises(found, complete):
    snap = build_snapshot("serial", Collection(tuple(found), complete), ("com.whatsapp", "com.whatsapp.w4b"))
    if not complete:
        assert snap.problems[0].startswith("the collection is incomplete")
    for app in snap.apps:
        if app.read_contacts is PermissionStatus.DENIED:
            # a denial needs a dumpsys block for the app
            assert any(s.name == "dumpsys-package" for s in found)
