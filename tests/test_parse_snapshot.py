"""build_snapshot over whole collector runs of the phone fixtures (tests/fixtures/device/<phone>/).

Each phone directory holds one file per collector section, named ``<section>[+key=value...].txt``;
an optional phone.toml sets ``crlf = true`` (Android < 7 pty output) and non-zero exit statuses.
The helpers below rebuild the collector's tagged output from them, exactly as collect.sh prints it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.parse import build_snapshot
from audit.sections import Collection, Section, split_sections
from audit.snapshot import AppOpState, AppState, DeviceSnapshot, PermissionStatus, UserKind

FIXTURES = Path(__file__).parent / "fixtures" / "device"
PHONES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and re.match(r"a\d\d_", p.name))
NONCE = "5eed5eed5eed5eed"
PACKAGES = ("com.whatsapp", "com.whatsapp.w4b", "ch.threema.app", "ch.threema.app.libre")
_FIRST = {"getprop": 0, "users": 1, "user-types": 2, "packages": 3, "dumpsys-package": 4, "clock": 5, "appops": 6}
_PER_USER = ("contacts", "raw-contacts", "cross-profile")
GRANTED, DENIED, UNKNOWN = PermissionStatus.GRANTED, PermissionStatus.DENIED, PermissionStatus.UNKNOWN
S = ("USER_SENSITIVE_WHEN_GRANTED", "USER_SENSITIVE_WHEN_DENIED")


def _sections(phone: str) -> list[tuple[str, dict[str, str], str, str]]:
    found = []
    for path in (FIXTURES / phone).glob("*.txt"):
        stem = path.name[: -len(".txt")]
        name, *pairs = stem.split("+")
        found.append((name, dict(p.split("=", 1) for p in pairs), path.read_text(encoding="utf-8"), stem))

    def order(item: tuple[str, dict[str, str], str, str]) -> tuple[int, int, str, int]:
        name, attrs = item[0], item[1]
        user = int(attrs.get("user", "-1"))
        if name in _FIRST:  # collect.sh: getprop, users, user types, packages per user, dumpsys, clock, appops
            return (_FIRST[name], user, attrs.get("pkg", ""), 0)
        if name not in _PER_USER:  # after every user: device-policy
            return (8, 0, "", 0)
        return (7, user, "", _PER_USER.index(name))  # then per user: contacts, raw, cross-profile

    return sorted(found, key=order)


def collector_output(phone: str) -> str:
    meta = FIXTURES / phone / "phone.toml"
    conf = tomllib.loads(meta.read_text(encoding="utf-8")) if meta.exists() else {}
    parts = [f"@@{NONCE} collect format=1\n"]
    sections = _sections(phone)
    for name, attrs, body, stem in sections:
        header = " ".join([name, *(f"{k}={v}" for k, v in attrs.items())])
        parts.append(f"@@{NONCE} begin {header}\n{body}")
        parts.append(f"\n@@{NONCE} end rc={conf.get('rc', {}).get(stem, 0)}\n")
    parts.append(f"@@{NONCE} done sections={len(sections)}\n")
    text = "".join(parts)
    return text.replace("\n", "\r\n") if conf.get("crlf") else text


def collection(phone: str) -> Collection:
    return split_sections(collector_output(phone), NONCE)


def snapshot(phone: str, packages: tuple[str, ...] = PACKAGES) -> DeviceSnapshot:
    return build_snapshot(f"serial-{phone}", collection(phone), packages)


def app(snap: DeviceSnapshot, user: int, package: str = "com.whatsapp") -> AppState:
    found = [a for a in snap.apps if a.user_id == user and a.package == package]
    assert len(found) == 1, (user, package)
    return found[0]


@pytest.mark.parametrize("phone", PHONES)
def test_every_phone_parses_whole_and_without_problems(phone):
    coll = collection(phone)
    assert coll.complete
    snap = build_snapshot("s", coll, PACKAGES)
    assert snap.problems == ()
    assert snap.serial == "s"
    assert [b.user_id for b in snap.address_books] == [u.id for u in snap.users]


def test_android6_crlf_phone():
    snap = snapshot("a06_generic")
    assert snap.info.sdk == 23
    assert [(u.id, u.name, u.kind, u.running) for u in snap.users] == [(0, "Besitzer", UserKind.OWNER, True)]
    assert snap.apps == (
        AppState(
            package="com.whatsapp",
            user_id=0,
            installed=True,
            version_name="2.17.79",
            version_code=451234,
            target_sdk=23,
            enabled_state=0,
            requests_read_contacts=True,
            read_contacts=GRANTED,
            read_contacts_flags=("USER_SET",),
            appops=(
                # the fixture's clock.txt: 1741948200 = 2025-03-14T10:30:00Z
                AppOpState("READ_CONTACTS", "allow", None, "+2h13m4s310ms ago", last_access_utc="2025-03-14T08:16:55Z"),
                AppOpState("WRITE_CONTACTS", "allow", None, "+2h13m4s305ms ago", last_access_utc="2025-03-14T08:16:55Z"),
                AppOpState("GET_ACCOUNTS", "allow", None, "+1d3h ago", last_access_utc="2025-03-13T07:30:00Z"),
            ),
            appops_known=True,
            first_install_time="2016-11-20 09:30:00",
        ),
    )
    (book,) = snap.address_books
    assert (book.complete, len(book.rows), book.raw_contacts_known) == (True, 8, True)
    assert book.raw_contacts_by_account == ((None, 2), ("com.google", 3), ("com.whatsapp", 2))
    assert book.raw_contacts_of("com.whatsapp") == 2
    assert book.cross_profile_contacts is None
    # no CR survives into any value
    assert all("\r" not in d.value for d in book.rows)


# (phone, user, package, installed, enabled, status, flags, effective app-op mode, appops_known)
EXPECTED = [
    ("a07_pixel", 0, "com.whatsapp", True, 0, DENIED, ("USER_SET", "USER_FIXED"), "allow", True),
    ("a07_pixel", 0, "ch.threema.app", True, 0, DENIED, (), None, True),
    ("a08_nokia", 0, "com.whatsapp", True, 0, GRANTED, ("USER_SET",), "allow", True),
    ("a08_nokia", 10, "com.whatsapp", True, 3, DENIED, (), "ignore", True),
    ("a09_sony", 0, "com.whatsapp.w4b", True, 0, GRANTED, ("USER_SET",), "ignore", True),
    ("a09_sony", 10, "com.whatsapp", True, 0, GRANTED, ("USER_SET",), "allow", True),
    ("a10_samsung", 0, "com.whatsapp", True, 0, GRANTED, ("USER_SET", *S), "allow", True),
    ("a10_samsung", 95, "com.whatsapp", True, 0, DENIED, S, "ignore", True),
    ("a10_samsung", 150, "com.whatsapp", True, 0, GRANTED, ("USER_SET", *S), None, True),
    ("a11_xiaomi", 0, "com.whatsapp", True, 0, GRANTED, ("USER_SET", *S), "allow", True),
    ("a11_xiaomi", 999, "com.whatsapp", True, 0, GRANTED, ("USER_SET", *S), "ignore", True),
    ("a12_oneplus", 0, "com.whatsapp", True, 0, GRANTED, ("USER_SET", *S), "allow", True),
    ("a12_oneplus", 0, "com.whatsapp.w4b", True, 2, DENIED, S, None, True),
    ("a12_oneplus", 999, "com.whatsapp", True, 0, DENIED, ("USER_SET", "USER_FIXED", *S), "ignore", True),
    ("a13_pixel", 0, "com.whatsapp", True, 0, GRANTED, ("USER_SET", *S), "allow", True),
    ("a13_pixel", 0, "ch.threema.app.libre", True, 0, PermissionStatus.NOT_REQUESTED, (), None, True),
    ("a14_workprofile", 0, "com.whatsapp", True, 0, DENIED, (*S, "AUTO_REVOKED"), "ignore", True),
    ("a14_workprofile", 10, "com.whatsapp.w4b", True, 0, GRANTED, ("POLICY_FIXED", *S), "allow", True),
    ("a15_pixel", 0, "com.whatsapp", True, 0, GRANTED, ("USER_SET", *S), "allow", True),
    ("a15_pixel", 11, "com.whatsapp", True, 0, GRANTED, ("USER_SET", *S), "allow", True),
    ("a16_pixel", 0, "com.whatsapp", True, 0, GRANTED, ("USER_SET", *S), "allow", True),
    ("a16_pixel", 10, "com.whatsapp", True, 0, DENIED, (), None, True),
    ("a17_pixel", 0, "com.whatsapp", True, 0, GRANTED, ("USER_SET", *S, "TRUSTED_UI_SHOWN", "TRUSTED_UI_CONSENTED"),
     "allow", True),
    ("a17_pixel", 10, "com.whatsapp.w4b", True, 0, PermissionStatus.NOT_REQUESTED, (), None, True),
]


@pytest.mark.parametrize(("phone", "user", "package", "installed", "enabled", "status", "flags", "mode", "known"), EXPECTED)
def test_app_states(phone, user, package, installed, enabled, status, flags, mode, known):
    state = app(snapshot(phone), user, package)
    assert (state.installed, state.enabled_state, state.read_contacts) == (installed, enabled, status)
    assert state.read_contacts_flags == flags
    rc = state.appop("READ_CONTACTS")
    assert (rc.effective_mode if rc else None) == mode
    assert state.appops_known is known


def test_exactly_the_installed_apps_are_reported():
    expected = {(phone, user, package) for phone, user, package, *_ in EXPECTED} | {("a06_generic", 0, "com.whatsapp")}
    actual = {(phone, a.user_id, a.package) for phone in PHONES for a in snapshot(phone).apps}
    assert actual == expected


def test_app_op_of_unknown_scope_printed_once_keeps_its_enforced_mode():
    state = app(snapshot("a08_nokia"), 10)
    assert state.appop("READ_CONTACTS") == AppOpState("READ_CONTACTS", unscoped_mode="ignore")
    assert state.problems == ()


def test_samsung_users_and_locked_secure_folder():
    snap = snapshot("a10_samsung")
    assert [(u.id, u.kind) for u in snap.users] == [
        (0, UserKind.OWNER),
        (95, UserKind.CLONE),
        (150, UserKind.SECURE_FOLDER),
    ]
    folder = snap.address_book(150)
    assert folder is not None
    assert (folder.complete, folder.rows, folder.raw_contacts_known) == (False, (), False)
    assert folder.raw_contacts_of("com.whatsapp") is None
    assert folder.problems == ("the contacts query failed (exit status 1)", "the raw contacts query failed (exit status 1)")
    assert folder.cross_profile_contacts == "1"
    assert app(snap, 0).version_name == "2.21.4.22"  # not the hidden factory image


def test_work_profile_cross_profile_setting_and_address_book():
    snap = snapshot("a09_sony")
    work = snap.address_book(10)
    assert work is not None
    assert (work.complete, len(work.rows), work.cross_profile_contacts) == (True, 4, "1")
    books = {phone: snapshot(phone).address_book(10) for phone in ("a14_workprofile", "a08_nokia")}
    assert {phone: b.cross_profile_contacts for phone, b in books.items() if b is not None} == {
        "a14_workprofile": "0",
        "a08_nokia": None,  # "null": never set
    }


def test_provider_error_with_exit_status_zero_is_incomplete():
    book = snapshot("a16_pixel").address_book(10)
    assert book is not None
    assert (book.complete, book.rows, book.raw_contacts_known) == (False, (), True)
    assert book.problems == ("the contacts provider reported an error",)


def test_android_17_shapes():
    """Android 17 (docs/android-versions.md): pccId, pcc inodes and appLockEnabled in the User
    line, a blank line before developerVerificationStatus, TRUSTED_UI_* flags, (visible) users."""
    snap = snapshot("a17_pixel")
    assert (snap.info.sdk, snap.info.android_release, snap.info.model) == (37, "17", "Pixel 10")
    assert [(u.id, u.kind, u.running) for u in snap.users] == [(0, UserKind.OWNER, True), (10, UserKind.WORK_PROFILE, True)]
    assert snap.users_complete is True
    owner = app(snap, 0)
    assert (owner.version_name, owner.version_code, owner.target_sdk) == ("2.26.10.72", 261020002, 36)
    assert owner.first_install_time == "2026-05-20 08:10:44"
    assert owner.problems == ()
    picker_only = app(snap, 10, "com.whatsapp.w4b")
    assert (picker_only.requests_read_contacts, picker_only.read_contacts) == (False, PermissionStatus.NOT_REQUESTED)
    assert picker_only.enabled is True
    assert [a.package for a in snap.apps if a.user_id == 0] == ["com.whatsapp"]  # w4b installed=false in user 0


def test_user_level_first_install_time_on_android_13_and_later():
    assert app(snapshot("a13_pixel"), 0).first_install_time == "2023-01-07 11:22:33"
    assert app(snapshot("a15_pixel"), 11).first_install_time == "2025-01-04 19:20:21"


def _with(coll: Collection, name: str, attrs: dict[str, str], body: str | None = None, rc: int | None = 0) -> Collection:
    """The collection with one section replaced (body None: removed)."""
    sections = []
    for s in coll.sections:
        if s.name == name and set(attrs.items()) <= set(s.attrs):
            if body is not None:
                sections.append(Section(s.name, s.attrs, body, rc))
        else:
            sections.append(s)
    return replace(coll, sections=tuple(sections))


def test_unusable_package_list_reports_the_app_as_possibly_installed():
    coll = _with(collection("a07_pixel"), "packages", {"user": "0"}, "Error: Unknown option: --user\n", 255)
    snap = build_snapshot("s", coll, PACKAGES)
    assert "user 0: the package list failed (exit status 255)" in snap.problems
    wa = app(snap, 0)
    assert wa.installed is True  # dumpsys says installed=true for user 0
    assert wa.read_contacts is DENIED
    assert "installed according to dumpsys; the package list could not be read" in wa.problems
    unknown = app(snap, 0, "com.whatsapp.w4b")
    assert (unknown.installed, unknown.read_contacts) == (None, UNKNOWN)
    assert unknown.problems == ("cannot tell whether the app is installed: the package list could not be read",)


def test_dumpsys_installed_but_not_listed_is_uncertain():
    coll = collection("a09_sony")
    body = "\n".join(f"package:{p}" for p in ("com.android.settings", "com.android.phone"))
    snap = build_snapshot("s", _with(coll, "packages", {"user": "10"}, body), PACKAGES)
    wa = app(snap, 10)
    assert wa.installed is None
    assert wa.problems == ("dumpsys says the app is installed, the package list does not name it",)


def test_listed_but_dumpsys_not_installed_is_uncertain():
    coll = collection("a09_sony")
    body = "package:com.android.settings\npackage:com.whatsapp\npackage:com.whatsapp.w4b"
    snap = build_snapshot("s", _with(coll, "packages", {"user": "0"}, body), PACKAGES)
    wa = app(snap, 0)
    assert (wa.installed, wa.read_contacts) == (None, DENIED)
    assert wa.problems == ("the package list names the app, dumpsys says it is not installed",)


def test_missing_dumpsys_section_leaves_facts_unknown():
    snap = build_snapshot("s", _with(collection("a07_pixel"), "dumpsys-package", {"pkg": "com.whatsapp"}), PACKAGES)
    wa = app(snap, 0)
    assert (wa.installed, wa.read_contacts, wa.version_name, wa.enabled_state) == (True, UNKNOWN, None, None)
    assert wa.problems == ("dumpsys package was not collected",)


def test_garbled_dumpsys_leaves_facts_unknown():
    coll = _with(collection("a08_nokia"), "dumpsys-package", {"pkg": "com.whatsapp"}, "Can't find service: package\n")
    wa = app(build_snapshot("s", coll, PACKAGES), 10)
    assert (wa.installed, wa.read_contacts) == (True, UNKNOWN)
    assert wa.problems[0] == "dumpsys package is not whole (dumpsys reported an error while dumping)"


def test_failed_appops_section():
    coll = _with(collection("a07_pixel"), "appops", {"user": "0", "pkg": "com.whatsapp"}, "", 1)
    wa = app(build_snapshot("s", coll, PACKAGES), 0)
    assert (wa.appops, wa.appops_known) == ((), False)
    assert wa.problems == ("appops failed (exit status 1)",)


def test_unreadable_users_fall_back_to_the_owner_only():
    coll = _with(collection("a10_samsung"), "users", {}, "Error: couldn't list users\n", 1)
    snap = build_snapshot("s", coll, PACKAGES)
    assert snap.users == (snap.users[0],)
    assert (snap.users[0].id, snap.users[0].kind, snap.users[0].flags) == (0, UserKind.OWNER, None)
    assert snap.problems[:2] == (
        "the user list failed (exit status 1)",
        "the phone's users could not be read: only the owner (user 0) is reported, if at all",
    )
    assert [a.user_id for a in snap.apps] == [0]
    assert snap.users_complete is False
    assert build_snapshot("s", collection("a10_samsung"), PACKAGES).users_complete is True


def test_unreadable_users_without_owner_sections_report_no_user():
    coll = Collection((Section("users", (), "garbage", 0),), True)
    snap = build_snapshot("s", coll, PACKAGES)
    assert (snap.users, snap.apps, snap.address_books) == ((), (), ())
    assert snap.problems == (
        "getprop was not collected",
        "the user list holds no user that could be read",
        "the phone's users could not be read: only the owner (user 0) is reported, if at all",
    )


def test_incomplete_collection_is_said_and_what_was_read_is_kept():
    text = collector_output("a07_pixel")
    cut = text.index("@@5eed5eed5eed5eed begin appops")
    snap = build_snapshot("s", split_sections(text[:cut], NONCE), PACKAGES)
    assert snap.problems[0] == "the collection is incomplete (output ended early (connection dropped or cut off))"
    wa = app(snap, 0)
    assert (wa.read_contacts, wa.appops_known) == (DENIED, False)
    assert "appops was not collected" in wa.problems
    book = snap.address_book(0)
    assert book is not None and book.complete is False


def test_no_raw_contact_value_reaches_repr_or_problems():
    for phone in PHONES:
        snap = snapshot(phone)
        text = repr(snap)
        for book in snap.address_books:
            for datum in book.rows:
                assert datum.value not in text, phone
                digits = re.sub(r"\D", "", datum.value)
                if len(digits) >= 6:
                    assert digits not in re.sub(r"\D", "", text.replace(snap.info.fingerprint or "", "")), phone


def _statuses(snap: DeviceSnapshot) -> dict[tuple[int, str], PermissionStatus]:
    return {(a.user_id, a.package): a.read_contacts for a in snap.apps}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(phone=st.sampled_from(PHONES), fraction=st.floats(min_value=0.0, max_value=1.0))
def test_a_cut_off_run_never_turns_a_fact_into_another(phone, fraction):
    text = collector_output(phone)
    end = text.index(f"@@{NONCE} done")
    full = _statuses(snapshot(phone))
    cut = build_snapshot("s", split_sections(text[: int(end * fraction)], NONCE), PACKAGES)
    assert cut.problems and cut.problems[0].startswith("the collection is incomplete")
    for key, status in _statuses(cut).items():
        if status is not UNKNOWN:
            assert full.get(key) == status, key
    full_books = {b.user_id: b for b in snapshot(phone).address_books}
    for book in cut.address_books:
        if book.complete:
            assert len(book.rows) == len(full_books[book.user_id].rows)


def _maker_and_flags(manufacturer: str | None, flags: str) -> Collection:
    coll = collection("a14_workprofile")
    getprop = coll.first("getprop")
    assert getprop is not None
    props = [line for line in getprop.body.split("\n") if not line.startswith("[ro.product.manufacturer]")]
    if manufacturer is not None:
        props.append(f"[ro.product.manufacturer]: [{manufacturer}]")
    coll = _with(coll, "getprop", {}, "\n".join(props))
    return _with(coll, "users", {}, f"Users:\n\tUserInfo{{0:Owner:4c13}} running\n\tUserInfo{{10:Profil:{flags}}} running\n")


@pytest.mark.parametrize(
    ("manufacturer", "flags", "kind", "alt_kinds"),
    [
        # 0x4000000: a Samsung DualDAR work profile or a ColorOS clone, read by the phone's maker
        ("samsung", "4001030", UserKind.WORK_PROFILE, ()),
        ("OPPO", "4001030", UserKind.CLONE, ()),
        # maker unknown: every maker's reading stays a candidate (the worse one is judged)
        (None, "4001030", UserKind.CLONE, (UserKind.WORK_PROFILE,)),
        ("Google", "4001030", UserKind.WORK_PROFILE, ()),
        ("Xiaomi", "801010", UserKind.CLONE, ()),
        ("samsung", "801010", UserKind.OTHER, (UserKind.CLONE,)),  # not Samsung's clone bit: a profile of unknown type
    ],
)
def test_user_kinds_are_read_with_the_phones_maker(manufacturer, flags, kind, alt_kinds):
    snap = build_snapshot("s", _maker_and_flags(manufacturer, flags), PACKAGES)
    assert [(u.id, u.kind, u.alt_kinds) for u in snap.users] == [(0, UserKind.OWNER, ()), (10, kind, alt_kinds)]


_A17_USERS = "Users:\n\tUserInfo{0:Owner:4c13} running\n\tUserInfo{10:Work profile:1030} running\n\tUserInfo{11:Clone:1010}\n"
_A17_TYPES = (
    "3 users:\n\n0: id=0, name=Owner, type=full.SYSTEM, flags=ADMIN|FULL|INITIALIZED|MAIN|PRIMARY|SYSTEM (running)\n"
    "1: id=10, name=Work profile, type=profile.MANAGED, flags=INITIALIZED|MANAGED_PROFILE|PROFILE (running)\n"
    "2: id=11, name=Clone, type={type}, flags=INITIALIZED|PROFILE\n"
)


@pytest.mark.parametrize(
    ("type_", "rc", "kind", "alt_kinds"),
    [
        # Android 14's clone profile: only the typed listing tells it from other profiles
        ("profile.CLONE", 0, UserKind.CLONE, ()),
        ("android.os.usertype.profile.CLONE", 0, UserKind.CLONE, ()),
        # a type AOSP does not define, or a typed listing that failed: a profile that may be a clone
        ("profile.PRIVATE", 0, UserKind.OTHER, (UserKind.CLONE,)),
        ("profile.CLONE", 1, UserKind.OTHER, (UserKind.CLONE,)),
    ],
)
def test_the_typed_user_list_settles_a_profiles_kind(type_, rc, kind, alt_kinds):
    coll = _with(collection("a17_pixel"), "users", {}, _A17_USERS)
    coll = _with(coll, "user-types", {}, _A17_TYPES.format(type=type_), rc)
    snap = build_snapshot("s", coll, PACKAGES)
    assert [(u.id, u.kind, u.alt_kinds) for u in snap.users] == [
        (0, UserKind.OWNER, ()), (10, UserKind.WORK_PROFILE, ()), (11, kind, alt_kinds),
    ]


@pytest.mark.parametrize("drop", ["packages", "contacts"])
def test_unreadable_users_keep_the_owner_when_either_owner_section_was_collected(drop):
    """The owner is reported (and judged) when the package list or the contacts of user 0 were
    collected, not only when both were: dropping the owner would leave the phone without a verdict."""
    coll = _with(collection("a10_samsung"), "users", {}, "Error: couldn't list users\n", 1)
    coll = _with(coll, drop, {"user": "0"})
    snap = build_snapshot("s", coll, PACKAGES)
    assert [(u.id, u.kind) for u in snap.users] == [(0, UserKind.OWNER)]
    assert [b.user_id for b in snap.address_books] == [0]


@pytest.mark.parametrize(
    ("body", "rc", "cross", "problems"),
    [
        (None, 0, None, ("the cross-profile contact search setting was not collected",)),
        ("", 1, None, ("the cross-profile contact search setting failed (exit status 1)",)),
        ("0", None, None, ("the cross-profile contact search setting was cut off",)),
        ("2\n", 0, None, ("cross-profile contact search: the setting has a value this tool does not know",)),
        ("null\n", 0, None, ()),
        ("1\n", 0, "1", ()),
    ],
)
def test_the_cross_profile_setting_of_a_profile(body, rc, cross, problems):
    """Read for every user but the owner, whose book has no such setting (and no problem about it)."""
    coll = _with(collection("a14_workprofile"), "cross-profile", {"user": "10"}, body, rc)
    snap = build_snapshot("s", coll, PACKAGES)
    owner, work = snap.address_book(0), snap.address_book(10)
    assert owner is not None and work is not None
    assert (owner.cross_profile_contacts, owner.problems) == (None, ())
    assert (work.cross_profile_contacts, work.problems) == (cross, problems)


def test_sections_cut_off_are_said_by_name_and_what_was_read_is_kept():
    coll = _with(collection("a14_workprofile"), "getprop", {}, collection("a14_workprofile").first("getprop").body, None)
    dumped = coll.first("dumpsys-package", pkg="com.whatsapp")
    assert dumped is not None
    coll = _with(coll, "dumpsys-package", {"pkg": "com.whatsapp"}, dumped.body, None)
    snap = build_snapshot("s", coll, PACKAGES)
    assert "getprop was cut off" in snap.problems
    assert snap.info.manufacturer == "Google"
    wa = app(snap, 0)
    assert wa.problems[0] == "dumpsys package was cut off"
    assert wa.version_name == "2.24.9.78"


def test_a_failed_dumpsys_is_reported_as_failed_whatever_it_printed():
    coll = _with(collection("a08_nokia"), "dumpsys-package", {"pkg": "com.whatsapp"}, "Can't find service: package\n", 1)
    wa = app(build_snapshot("s", coll, PACKAGES), 10)
    assert (wa.installed, wa.read_contacts) == (True, UNKNOWN)
    assert wa.problems[0] == "dumpsys package failed (exit status 1)"
