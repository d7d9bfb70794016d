"""Simulated phone profiles: the bundled fleet loads and covers what the audit must judge, and
every mistake in a profile is one clear line naming the file and the key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from audit.simulator.android import book
from audit.simulator.profile import (
    Profile,
    ProfileError,
    bundled_profiles,
    load_profile,
    parse_profile,
)

WA, W4B, THREEMA_WORK = "com.whatsapp", "com.whatsapp.w4b", "ch.threema.app.work"
READ_CONTACTS = "android.permission.READ_CONTACTS"

# Fictional number ranges only (E.164 prefixes), plus emergency/service short numbers.
FICTIONAL = (
    "+4930901820", "+493023125", "+496990009", "+494066969", "+492214710", "+498999998",
    "+447700900", "+442079460", "+441134960", "+441614960", "+495232980",
)
SHORT = {"112", "110", "116117"}


@pytest.fixture(scope="module")
def fleet() -> list[Profile]:
    return [load_profile(p) for p in bundled_profiles()]


def _major(release: str) -> int:
    return int(release.split(".")[0])


def _read_contacts(profile: Profile, package: str, user: int) -> tuple[bool, tuple[str, ...]] | None:
    pkg = profile.package(package)
    entry = pkg.in_user(user) if pkg else None
    if entry is None:
        return None
    for perm in entry.permissions:
        if perm.name == READ_CONTACTS:
            return perm.granted, perm.flags
    return None


def _contacts(profile: Profile, user_id: int) -> list[book.ContactSpec]:
    user = profile.user(user_id)
    assert user is not None
    contacts = list(user.book.contacts)
    for block in user.book.generate:
        contacts.extend(book.generate(block, profile.sim_country or "de"))
    return contacts


# --- the bundled fleet ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", bundled_profiles(), ids=lambda p: p.stem)
def test_every_bundled_profile_loads(path: Path) -> None:
    profile = load_profile(path)
    assert profile.name == path.stem
    assert profile.description
    assert profile.user(0) is not None
    assert load_profile(path.stem) == profile  # by bundled name, too


def test_fleet_is_big_enough_and_names_are_unique(fleet: list[Profile]) -> None:
    assert len(fleet) >= 11
    assert len({p.name for p in fleet}) == len(fleet)
    assert len({p.serialno for p in fleet}) == len(fleet)


def test_fleet_covers_the_android_versions(fleet: list[Profile]) -> None:
    majors = {_major(p.android_release) for p in fleet}
    assert {6, 8, 10, 11, 12, 13, 14, 15, 16, 17} <= majors
    for p in fleet:
        assert 23 <= p.sdk <= 37  # 38 (newer than verified) is for trials, not the bundled fleet


def test_samsung_with_secure_folder_and_dual_messenger(fleet: list[Profile]) -> None:
    samsung = [p for p in fleet if p.manufacturer.lower() == "samsung"]
    matches = [
        p for p in samsung
        if (sf := p.user(150)) is not None and sf.kind == "secure_folder" and (dm := p.user(95)) is not None
        and dm.kind == "clone"
    ]
    assert matches, "a Samsung phone with Secure Folder 150 and Dual Messenger 95"
    assert any(p.user(150).locked for p in matches if p.user(150) is not None)  # type: ignore[union-attr]


def test_xiaomi_xspace(fleet: list[Profile]) -> None:
    assert any(p.manufacturer == "Xiaomi" and (u := p.user(999)) is not None and u.kind == "clone" for p in fleet)


def test_work_profile_business_policy_denied_personal_whatsapp_reads(fleet: list[Profile]) -> None:
    found = False
    for p in fleet:
        for user in p.users:
            if user.kind != "work_profile":
                continue
            business = _read_contacts(p, W4B, user.id)
            personal = _read_contacts(p, WA, 0)
            if business and not business[0] and "POLICY_FIXED" in business[1] and personal and personal[0]:
                found = True
                assert user.id in (10, 11, 12)
                assert all(c.account_type != "com.google.android.gm.exchange" for c in _contacts(p, 0))
    assert found


def test_customer_service_business_never_granted(fleet: list[Profile]) -> None:
    assert any(_read_contacts(p, W4B, 0) == (False, ()) and p.package(WA) is None for p in fleet)


def test_threema_work_instead_of_whatsapp(fleet: list[Profile]) -> None:
    assert any(p.package(THREEMA_WORK) is not None and p.package(WA) is None and p.package(W4B) is None for p in fleet)


def test_colleagues_only_book_with_the_company_numbers_and_domain(fleet: list[Profile]) -> None:
    def colleagues_only(p: Profile) -> bool:
        contacts = _contacts(p, 0)
        numbers = [book.normalize(n, "de") for c in contacts for n in c.phones]
        mails = [m for c in contacts for m in c.emails]
        return bool(contacts) and all((n is not None and n.startswith("+495232980")) or (n is not None
                                      and n.startswith(FICTIONAL)) for n in numbers) and all(
            m.endswith("@example.de") for m in mails) and all(c.organization == "Example GmbH" for c in contacts)

    matches = [p for p in fleet if colleagues_only(p)]
    assert matches
    assert any(_read_contacts(p, WA, 0) == (True, ("USER_SET",)) for p in matches)


@pytest.mark.parametrize("flag", ["POLICY_FIXED", "AUTO_REVOKED", "ONE_TIME", "USER_FIXED"])
def test_fleet_has_each_permission_flag_on_whatsapp(fleet: list[Profile], flag: str) -> None:
    assert any(
        (state := _read_contacts(p, WA, u.id)) is not None and flag in state[1] for p in fleet for u in p.users
    )


def test_critical_phone_granted_mixed_book_synced_raw_contacts(fleet: list[Profile]) -> None:
    def critical(p: Profile) -> bool:
        state = _read_contacts(p, WA, 0)
        contacts = _contacts(p, 0)
        company = [c for c in contacts if c.organization == "Example GmbH"]
        private = [c for c in contacts if c.organization is None and c.phones]
        synced = [c for c in contacts if WA in c.messengers]
        return bool(state and state[0] and company and private and synced)

    assert any(critical(p) for p in fleet)


def test_fault_phones(fleet: list[Profile]) -> None:
    assert sum(p.faults.unauthorized for p in fleet) == 1
    dropping = [p for p in fleet if p.faults.drop_after_bytes is not None]
    assert len(dropping) == 1
    assert 10_000 <= (dropping[0].faults.drop_after_bytes or 0) <= 50_000
    assert dropping[0].user(0) is not None and dropping[0].user(0).book.size >= 200  # type: ignore[union-attr]
    slow = [p for p in fleet if p.faults.latency_ms]
    assert len(slow) <= 1 and all(p.faults.latency_ms <= 50 for p in slow)
    assert not any(p.faults.garbage_command or p.faults.no_answer or p.faults.freeze_after_bytes for p in fleet)


def test_fleet_data_is_synthetic(fleet: list[Profile]) -> None:
    for p in fleet:
        country = p.sim_country or "de"
        for user in p.users:
            for contact in _contacts(p, user.id):
                for number in contact.phones:
                    digits = re.sub(r"\D", "", number)
                    normal = book.normalize(number, country)
                    assert digits in SHORT or (normal is not None and normal.startswith(FICTIONAL)), (
                        f"{p.name}: a number outside the fictional ranges"
                    )
                for mail in contact.emails:
                    assert re.search(r"@example\.(com|de|org|net)$", mail), f"{p.name}: a non-example e-mail"
                if contact.organization and "Example" in contact.organization:
                    assert contact.organization == "Example GmbH"


# --- loading errors ---------------------------------------------------------------------------------

MINIMAL = """
[device]
manufacturer = "Google"
model = "Pixel 8"
product = "shiba"
device = "shiba"
sdk = 34
"""

BAD = [
    ("name = 'x'\n", "device"),
    ("[device]\nmodel = 'x'\n", "device.sdk"),
    (MINIMAL.replace("sdk = 34", "sdk = 22"), "device.sdk"),
    (MINIMAL.replace("sdk = 34", "sdk = '34'"), "device.sdk"),
    (MINIMAL + "colour = 'red'\n", "device.colour"),
    (MINIMAL + "[faults]\nlatency_ms = -1\n", "faults.latency_ms"),
    (MINIMAL + "[faults]\ngarbage_command = 'rm -rf /'\n", "faults.garbage_command"),
    (MINIMAL + "[[users]]\nid = 10\n", "users"),
    (MINIMAL + "[[users]]\nid = 0\n[[users]]\nid = 0\n", "users[1].id"),
    (MINIMAL + "[[users]]\nid = 0\nkind = 'boss'\n", "users[0].kind"),
    (MINIMAL + "[[users]]\nid = 0\n[[users.book.contacts]]\nphones = ['112']\n", "users[0].book.contacts[0].name"),
    (MINIMAL + "[[users]]\nid = 0\n[[users.book.contacts]]\nname = 'A'\nmessengers = ['icq']\n",
     "users[0].book.contacts[0].messengers"),
    (MINIMAL + "[[users]]\nid = 0\n[[users.book.generate]]\ncount = 5\nmix = { friends = 1 }\n",
     "users[0].book.generate[0].mix.friends"),
    (MINIMAL + "[[users]]\nid = 0\n[[users.book.generate]]\ncount = 5\nwhatsapp = 2\n",
     "users[0].book.generate[0].whatsapp"),
    (MINIMAL + "[[users]]\nid = 0\n[[users.book.generate]]\ncount = 999999999\n", "users[0].book.generate[0].count"),
    (MINIMAL + "[[packages]]\npackage = 'not a package'\n", "packages[0].package"),
    (MINIMAL + "[[packages]]\npackage = 'com.whatsapp'\n[[packages.users]]\nuser = 5\n",
     "packages[com.whatsapp].users[0].user"),
    (MINIMAL + "[[packages]]\npackage = 'com.whatsapp'\n[[packages.users]]\nuser = 0\n"
     "permissions = { READ_CONTACTS = { granted = true, flags = ['USR_SET'] } }\n",
     "packages[com.whatsapp].users[0].permissions.READ_CONTACTS.flags"),
    (MINIMAL + "[[packages]]\npackage = 'com.example.app'\nrequested = ['INTERNET']\n[[packages.users]]\nuser = 0\n"
     "permissions = { READ_CONTACTS = true }\n", "packages[com.example.app].users[0].permissions.READ_CONTACTS"),
    (MINIMAL + "[[packages]]\npackage = 'com.whatsapp'\n[[packages.users]]\nuser = 0\n"
     "permissions = { INTERNET = true }\n", "packages[com.whatsapp].users[0].permissions.INTERNET"),
    (MINIMAL + "[[packages]]\npackage = 'com.whatsapp'\n[[packages.users]]\nuser = 0\n"
     "appops = { READ_CONTACT = 'allow' }\n", "packages[com.whatsapp].users[0].appops.READ_CONTACT"),
    (MINIMAL + "[[packages]]\npackage = 'com.whatsapp'\n[[packages.users]]\nuser = 0\n"
     "appops = { READ_CONTACTS = { mode = 'maybe' } }\n", "packages[com.whatsapp].users[0].appops.READ_CONTACTS.mode"),
    (MINIMAL + "[[packages]]\npackage = 'com.whatsapp'\n[[packages.users]]\nuser = 0\n"
     "appops = { READ_CONTACTS = { access = 'yesterday' } }\n",
     "packages[com.whatsapp].users[0].appops.READ_CONTACTS.access"),
    (MINIMAL + "[[packages]]\npackage = 'com.whatsapp'\nfirst_install = '2024-13'\n", "packages[com.whatsapp].first_install"),
    (MINIMAL + "[[packages]]\npackage = 'com.whatsapp'\n[[packages]]\npackage = 'com.whatsapp'\n", "packages[1].package"),
    (MINIMAL.replace('sdk = 34', 'sdk = 34\nprops = { "ro bad" = "x" }'), "device.props.ro bad"),
    (MINIMAL.replace("sdk = 34", "sdk = 23") + "[faults]\ndumpsys_timeout = {}\n", "faults.dumpsys_timeout"),
    (MINIMAL + "[faults]\ndumpsys_timeout = { wait = 1 }\n", "faults.dumpsys_timeout.wait"),
    (MINIMAL + "[faults]\ndumpsys_timeout = { after = '  ' }\n", "faults.dumpsys_timeout.after"),
    (MINIMAL + "[faults]\ndumpsys_timeout = { package = 'com.whatsapp\\n' }\n", "faults.dumpsys_timeout.package"),
    (MINIMAL.replace("sdk = 34", "sdk = 25") + "[faults]\nappops_refused = true\n", "faults.appops_refused"),
    (MINIMAL + "[faults]\nappops_refused = ['not a package']\n", "faults.appops_refused"),
    (MINIMAL + "[faults]\nappops_refused = []\n", "faults.appops_refused"),
    (MINIMAL + '[[users]]\nid = 0\nname = "a\\u0000b"\n', "users[0].name"),
]


@pytest.mark.parametrize(("text", "key"), BAD, ids=[key for _, key in BAD])
def test_bad_profile_names_file_and_key_in_one_line(tmp_path: Path, text: str, key: str) -> None:
    path = tmp_path / "broken-phone.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: {key}: "), message


def test_fault_tables_and_odd_user_names_load() -> None:
    """The faults issue 8 needs: dumpsys ending early, appops refused, names over lines or long."""
    text = (MINIMAL + "[faults]\ndumpsys_timeout = { after = '  requested permissions:', package = 'com.whatsapp' }\n"
            'appops_refused = true\n[[users]]\nid = 0\nname = "Owner\\nsecond line "\n')
    profile = parse_profile(text)
    timeout = profile.faults.dumpsys_timeout
    assert timeout is not None
    assert (timeout.after, timeout.package, timeout.timeout_ms) == ("requested permissions:", "com.whatsapp", 10_000)
    assert profile.faults.appops_refused == ("*",)
    assert profile.users[0].name == "Owner\nsecond line "
    assert parse_profile(MINIMAL).faults.dumpsys_timeout is None
    long_name = parse_profile(MINIMAL + f"[[users]]\nid = 0\nname = '{'W' * 20_000}'\n")
    assert len(long_name.users[0].name) == 20_000


def test_invalid_toml_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "phone.toml"
    path.write_text("[device\nsdk = 3", encoding="utf-8")
    with pytest.raises(ProfileError, match=r"phone\.toml: invalid TOML") as caught:
        load_profile(path)
    assert "\n" not in str(caught.value)


def test_unknown_name_lists_the_bundled_profiles() -> None:
    with pytest.raises(ProfileError, match="pixel8-a14-critical") as caught:
        load_profile("no-such-phone")
    assert "no-such-phone" in str(caught.value)


def test_missing_file_is_a_profile_error(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="no such profile file"):
        load_profile(tmp_path / "absent.toml")


# --- defaults and derived values --------------------------------------------------------------------


def test_defaults_fill_a_minimal_profile() -> None:
    profile = parse_profile(MINIMAL, default_name="mini")
    assert profile.name == "mini"
    assert profile.android_release == "14"
    assert [u.id for u in profile.users] == [0]
    assert profile.users[0].flags == 0x4C13  # MAIN appears with Android 14
    assert profile.shell_v2
    props = profile.properties()
    assert props["ro.build.version.sdk"] == "34"
    assert props["ro.product.model"] == "Pixel 8"
    assert props["persist.sys.locale"] == "de-DE"
    assert list(props) == sorted(props)


def test_android_6_has_no_persist_locale_and_no_shell_protocol() -> None:
    profile = parse_profile(MINIMAL.replace("sdk = 34", "sdk = 23"))
    props = profile.properties()
    assert "persist.sys.locale" not in props
    assert props["ro.product.locale"] == "de-DE"
    assert not profile.shell_v2
    assert profile.users[0].flags == 0x13


def test_work_profile_gets_cross_profile_search_setting() -> None:
    profile = parse_profile(MINIMAL + "[[users]]\nid = 0\n[[users]]\nid = 10\nkind = 'work_profile'\n")
    work = profile.user(10)
    assert work is not None
    assert dict(work.settings)["managed_profile_contact_remote_search"] == "1"
    assert work.parent == 0
    assert work.type == "profile.MANAGED"


def test_durations_parse_like_android_prints_them() -> None:
    profile = parse_profile(
        MINIMAL + "[[packages]]\npackage = 'com.whatsapp'\n[[packages.users]]\nuser = 0\n"
        "appops = { READ_CONTACTS = { access = '1d2h3m4s5ms', reject = 1500, duration = '45m' } }\n"
    )
    pkg = profile.package(WA)
    assert pkg is not None
    op = pkg.users[0].appops[0]
    assert op.access_ms == ((24 + 2) * 60 + 3) * 60_000 + 4005
    assert op.reject_ms == 1500
    assert op.duration_ms == 45 * 60_000


def test_generated_books_are_deterministic_and_sized() -> None:
    spec = book.GenerateSpec(count=300, seed=4, shares=(("whatsapp", 0.5),))
    first = list(book.generate(spec))
    again = list(book.generate(spec))
    other = list(book.generate(book.GenerateSpec(count=300, seed=5, shares=(("whatsapp", 0.5),))))
    assert len(first) == 300
    assert first == again
    assert first != other
    synced = sum(WA in c.messengers for c in first)
    assert 90 < synced < 210


def test_contact_values_stay_out_of_repr() -> None:
    contact = book.ContactSpec(name="Clara Beispiel", phones=("+49 30 90182011",), emails=("c@example.com",))
    text = repr(contact)
    assert "90182011" not in text and "Clara" not in text and "example.com" not in text
