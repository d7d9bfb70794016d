"""The simulated phones' Android side, driven through ``SimulatedPhone.spawn`` (no adb: fast).

Each command is checked on several Android versions against the layout that release prints,
write commands are checked against the phone's state, and the phone's shell against what an
Android shell has (mksh + toybox, no awk). Expected strings are written out by hand from the
Android formats, not computed with the simulator's own helpers.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import adbutils
import pytest

from audit.scripts import script_text
from audit.simulator.android import stub
from audit.simulator.android.text import (
    PERMISSION_FLAGS,
    format_duration,
    java_string_hash,
    permission_flags,
    user_flags_to_string,
)
from audit.simulator.harness import Fleet
from audit.simulator.phone import SimulatedPhone
from audit.simulator.profile import parse_profile

WA, W4B = "com.whatsapp", "com.whatsapp.w4b"
RC = "android.permission.READ_CONTACTS"
COLLECT_WHERE = (
    "\"deleted=0 AND mimetype IN ('vnd.android.cursor.item/phone_v2','vnd.android.cursor.item/email_v2',"
    "'vnd.android.cursor.item/organization')\""
)


def phone_toml(sdk: int, extra: str = "", device: str = "") -> str:
    return f"""
name = "sim{sdk}"
[device]
manufacturer = "Google"
model = "Sim {sdk}"
product = "sim{sdk}"
device = "sim{sdk}"
sdk = {sdk}
oem_user_tokens = ["restricted=false"]
{device}

[[users]]
id = 0
name = "Owner"
[[users.book.contacts]]
name = "Clara Beispiel"
phones = ["+49 30 90182011"]
emails = ["clara@example.com"]
messengers = ["com.whatsapp"]
[[users.book.contacts]]
name = "Ida Probe"
phones = ["05232 980112"]
organization = "Example GmbH"
[[users.book.contacts]]
name = "Gone Contact"
phones = ["+49 30 90182019"]
deleted = true

[[users]]
id = 10
name = "Work: Example GmbH"
kind = "work_profile"
[[users.book.contacts]]
name = "Paul Vorlage"
phones = ["+49 5232 980-140"]

[[users]]
id = 150
name = "Secure Folder"
kind = "secure_folder"
running = false
locked = true

[[packages]]
package = "com.whatsapp"
version_name = "2.24.25.78"
version_code = 242578000
min_sdk = 21
target_sdk = 34
first_install = "2023-04-11 08:12:40"
[[packages.users]]
user = 0
permissions = {{ READ_CONTACTS = {{ granted = true, flags = ["USER_SET"] }} }}
appops = {{ READ_CONTACTS = {{ mode = "allow", access = "1h2m3s4ms", duration = "5ms" }} }}

[[packages]]
package = "com.whatsapp.w4b"
[[packages.users]]
user = 10
permissions = {{ READ_CONTACTS = {{ granted = false, flags = ["POLICY_FIXED"] }} }}

[[packages]]
package = "com.example.sharedone"
shared_user = "com.example.shared"
requested = ["READ_CONTACTS", "INTERNET"]
[[packages.users]]
user = 0
permissions = {{ READ_CONTACTS = true }}

[[packages]]
package = "com.example.disabled"
requested = ["INTERNET", "READ_SMS"]
[[packages.users]]
user = 0
enabled = 3
{extra}
"""


@dataclass
class Result:
    rc: int
    out: str
    err: str


def run(phone: SimulatedPhone, command: str | None, stdin: bytes | None = None) -> Result:
    proc = phone.spawn(command)
    out, err = proc.communicate(stdin, timeout=60)
    return Result(proc.returncode, out.decode("utf-8"), err.decode("utf-8"))


PhoneFactory = Callable[..., SimulatedPhone]


@pytest.fixture(scope="module")
def shared_phones(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[int], SimulatedPhone]]:
    """Read-only phones per SDK, built once per module (tests that write use ``fresh_phone``)."""
    phones: dict[int, SimulatedPhone] = {}

    def get(sdk: int) -> SimulatedPhone:
        if sdk not in phones:
            phones[sdk] = SimulatedPhone(parse_profile(phone_toml(sdk)), tmp_path_factory.mktemp(f"sdk{sdk}"))
        return phones[sdk]

    yield get
    for phone in phones.values():
        phone.close()


@pytest.fixture
def fresh_phone(tmp_path: Path) -> Iterator[PhoneFactory]:
    made: list[SimulatedPhone] = []

    def make(sdk: int, extra: str = "", device: str = "") -> SimulatedPhone:
        phone = SimulatedPhone(parse_profile(phone_toml(sdk, extra, device)), tmp_path / f"p{len(made)}")
        made.append(phone)
        return phone

    yield make
    for phone in made:
        phone.close()


# --- formatting rules (hand-checked values) ------------------------------------------------------


def test_durations_like_timeutils() -> None:
    assert format_duration(3_723_004) == "+1h2m3s4ms"
    assert format_duration(2 * 3_600_000) == "+2h0m0s0ms"
    assert format_duration(5) == "+5ms"
    assert format_duration(30_000) == "+30s0ms"
    assert format_duration(-(4 * 3_600_000 + 50 * 60_000 + 23_772)) == "-4h50m23s772ms"
    assert format_duration(90_061_001) == "+1d1h1m1s1ms"


def test_permission_flag_lists_per_version() -> None:
    both = PERMISSION_FLAGS["USER_SET"] | PERMISSION_FLAGS["USER_FIXED"]
    assert permission_flags(both, 28) == ", flags=[ USER_SET USER_FIXED ]"
    assert permission_flags(both, 29) == ", flags=[ USER_SET|USER_FIXED]"
    assert permission_flags(0, 34) == ""
    assert permission_flags(PERMISSION_FLAGS["ONE_TIME"], 29) == ", flags=[ 65536]"
    assert permission_flags(PERMISSION_FLAGS["ONE_TIME"], 30) == ", flags=[ ONE_TIME]"
    assert permission_flags(PERMISSION_FLAGS["REVOKED_COMPAT"], 28) == ", flags=[ REVOKE_ON_UPGRADE ]"


def test_user_flags_and_java_hash() -> None:
    assert user_flags_to_string(0x4C13) == "ADMIN|FULL|INITIALIZED|MAIN|PRIMARY|SYSTEM"
    assert user_flags_to_string(0x10061030) == "INITIALIZED|MANAGED_PROFILE|PROFILE|0x10060000"
    assert java_string_hash("hello") == 99162322
    assert java_string_hash("polygenelubricants") == -(2**31)


# --- getprop -------------------------------------------------------------------------------------


@pytest.mark.parametrize("sdk", [23, 30, 36])
def test_getprop_lists_sorted_bracket_pairs(shared_phones: Callable[[int], SimulatedPhone], sdk: int) -> None:
    result = run(shared_phones(sdk), "getprop")
    assert result.rc == 0 and result.err == ""
    lines = result.out.splitlines()
    assert all(re.fullmatch(r"\[[^\]]+\]: \[[^\]]*\]", line) for line in lines)
    keys = [line[1 : line.index("]")] for line in lines]
    assert keys == sorted(keys)
    assert f"[ro.build.version.sdk]: [{sdk}]" in lines
    assert f"[ro.product.model]: [Sim {sdk}]" in lines
    assert ("[persist.sys.locale]: [de-DE]" in lines) == (sdk >= 24)


@pytest.mark.parametrize("sdk", [23, 34])
def test_getprop_single_value(shared_phones: Callable[[int], SimulatedPhone], sdk: int) -> None:
    phone = shared_phones(sdk)
    assert run(phone, "getprop ro.build.version.sdk").out == f"{sdk}\n"
    assert run(phone, "getprop no.such.prop").out == "\n"
    assert run(phone, "getprop no.such.prop fallback").out == "fallback\n"


# --- users ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("sdk", "owner"), [(23, "13"), (28, "13"), (34, "4c13")])
def test_pm_list_users(shared_phones: Callable[[int], SimulatedPhone], sdk: int, owner: str) -> None:
    result = run(shared_phones(sdk), "pm list users")
    assert result.rc == 0
    assert result.out.splitlines() == [
        "Users:",
        f"\tUserInfo{{0:Owner:{owner}}} running",
        f"\tUserInfo{{10:Work: Example GmbH:{'1030' if sdk >= 30 else '30'}}} running",
        "\tUserInfo{150:Secure Folder:10061030}",
    ]


@pytest.mark.parametrize("sdk", [30, 34, 36])
def test_cmd_user_list_verbose(shared_phones: Callable[[int], SimulatedPhone], sdk: int) -> None:
    lines = run(shared_phones(sdk), "cmd user list -v").out.splitlines()
    assert lines[0] == "3 users:" and lines[1] == ""
    assert lines[2].startswith("0: id=0, name=Owner, type=full.SYSTEM, flags=ADMIN|FULL|INITIALIZED|")
    assert lines[2].endswith("(running) (current)" + (" (visible)" if sdk >= 34 else ""))
    assert lines[3] == (
        "1: id=10, name=Work: Example GmbH, type=profile.MANAGED, flags=INITIALIZED|MANAGED_PROFILE|PROFILE"
        " (parentId=0) (running)"
    )
    assert lines[4].startswith("2: id=150, name=Secure Folder, ") and "(running)" not in lines[4]


def test_android_6_has_no_cmd(shared_phones: Callable[[int], SimulatedPhone]) -> None:
    result = run(shared_phones(23), "cmd user list")
    assert result.rc == 127
    assert "cmd" in result.err and "not found" in result.err


# --- pm list packages ----------------------------------------------------------------------------


@pytest.mark.parametrize("sdk", [23, 30, 34])
def test_pm_list_packages_default_user(shared_phones: Callable[[int], SimulatedPhone], sdk: int) -> None:
    result = run(shared_phones(sdk), "pm list packages")
    lines = result.out.splitlines()
    assert result.rc == 0 and lines and all(line.startswith("package:") for line in lines)
    names = [line[len("package:") :] for line in lines]
    assert WA in names and "android" in names and "com.android.providers.contacts" in names
    assert W4B not in names  # installed in the work profile only
    assert names == sorted(names, key=java_string_hash)  # PackageManager's ArrayMap order


def test_pm_list_packages_option_errors_on_android_6(shared_phones: Callable[[int], SimulatedPhone]) -> None:
    result = run(shared_phones(23), "pm list packages -U --user 0")
    assert (result.rc, result.out, result.err) == (1, "", "Error: Unknown option: -U\n")


def test_show_versioncode_arrives_with_android_9(shared_phones: Callable[[int], SimulatedPhone]) -> None:
    old = run(shared_phones(27), "pm list packages --show-versioncode whatsapp")
    assert old.rc == 255 and "Unknown option: --show-versioncode" in old.err
    new = run(shared_phones(28), "pm list packages --show-versioncode whatsapp")
    assert new.out == "package:com.whatsapp versionCode:242578000\n"


@pytest.mark.parametrize("sdk", [27, 30, 34])
def test_pm_list_packages_uids_per_user(shared_phones: Callable[[int], SimulatedPhone], sdk: int) -> None:
    phone = shared_phones(sdk)
    owner = run(phone, "pm list packages -U --user 0 com.whatsapp").out
    match = re.fullmatch(r"package:com\.whatsapp uid:(1\d{4})\n", owner)
    assert match
    work = run(phone, "pm list packages -U --user 10 w4b").out
    assert re.fullmatch(r"package:com\.whatsapp\.w4b uid:10\d{5}\n", work)
    assert run(phone, "pm list packages --user 10 com.whatsapp").out == "package:com.whatsapp.w4b\n"


@pytest.mark.parametrize("sdk", [35, 36])
def test_android_15_lists_all_users_by_default(shared_phones: Callable[[int], SimulatedPhone], sdk: int) -> None:
    lines = run(shared_phones(sdk), "pm list packages -U").out.splitlines()
    assert any(re.fullmatch(r"package:com\.whatsapp\.w4b uid:10\d{5}", line) for line in lines)
    assert "package:com.android.phone uid:1001,1001001,15001001" in lines


def test_pm_list_packages_filters(shared_phones: Callable[[int], SimulatedPhone]) -> None:
    phone = shared_phones(34)
    assert run(phone, "pm list packages -d").out == "package:com.example.disabled\n"
    assert "com.example.disabled" not in run(phone, "pm list packages -e").out
    assert run(phone, "pm list packages -3 example").out.splitlines() == sorted(
        ["package:com.example.sharedone", "package:com.example.disabled"],
        key=lambda line: java_string_hash(line[8:]),
    )
    assert "package:com.android.phone" in run(phone, "pm list packages -s").out


@pytest.mark.parametrize("sdk", [25, 34])
def test_cmd_package_is_pm(shared_phones: Callable[[int], SimulatedPhone], sdk: int) -> None:
    phone = shared_phones(sdk)
    assert run(phone, "cmd package list packages --user 0").out == run(phone, "pm list packages --user 0").out


# --- dumpsys package -----------------------------------------------------------------------------

USER0 = {
    23: "    User 0:  installed=true hidden=false stopped=false restricted=false notLaunched=false enabled=0",
    25: "    User 0: ceDataInode=N installed=true hidden=false suspended=false stopped=false restricted=false"
    " notLaunched=false enabled=0",
    27: "    User 0: ceDataInode=N installed=true hidden=false suspended=false stopped=false restricted=false"
    " notLaunched=false enabled=0 instant=false",
    28: "    User 0: ceDataInode=N installed=true hidden=false suspended=false stopped=false restricted=false"
    " notLaunched=false enabled=0 instant=false virtual=false",
    30: "    User 0: ceDataInode=N installed=true hidden=false suspended=false distractionFlags=0 stopped=false"
    " restricted=false notLaunched=false enabled=0 instant=false virtual=false",
    35: "    User 0: ceDataInode=N deDataInode=N installed=true hidden=false suspended=false distractionFlags=0"
    " stopped=false restricted=false notLaunched=false enabled=0 instant=false virtual=false quarantined=false",
}


@pytest.mark.parametrize("sdk", sorted(USER0))
def test_dumpsys_user_line_per_version(shared_phones: Callable[[int], SimulatedPhone], sdk: int) -> None:
    out = run(shared_phones(sdk), f"dumpsys package {WA}").out
    lines = [re.sub(r"(ce|de)DataInode=\d+", r"\1DataInode=N", line) for line in out.splitlines()]
    assert USER0[sdk] in lines
    assert any(line.startswith("    User 10: ") and "installed=false" in line for line in lines)
    assert any(line.startswith("    User 150: ") and "installed=false" in line for line in lines)


@pytest.mark.parametrize(
    ("sdk", "id_key", "min_sdk", "package_first", "user_first"),
    [(23, "userId", False, True, False), (28, "userId", True, True, False), (31, "userId", True, True, False),
     (33, "appId", True, False, True), (35, "appId", True, False, True)],
)
def test_dumpsys_package_header_per_version(
    shared_phones: Callable[[int], SimulatedPhone], sdk: int, id_key: str, min_sdk: bool, package_first: bool,
    user_first: bool,
) -> None:
    out = run(shared_phones(sdk), f"dumpsys package {WA}").out
    lines = out.splitlines()
    assert lines.count(f"  Package [{WA}] ({lines[lines.index('Packages:') + 1].split('(')[1]}") == 1
    assert any(re.fullmatch(rf"    {id_key}=1\d{{4}}", line) for line in lines)
    version = "    versionCode=242578000 minSdk=21 targetSdk=34" if min_sdk else "    versionCode=242578000 targetSdk=34"
    assert version in lines
    assert ("    firstInstallTime=2023-04-11 08:12:40" in lines) == package_first
    assert ("      firstInstallTime=2023-04-11 08:12:40" in lines) == user_first
    assert ("      dataDir=/data/user/0/com.whatsapp" in lines) == (sdk >= 35)
    assert "    requested permissions:" in lines and f"      {RC}" in lines


@pytest.mark.parametrize(
    ("sdk", "line"),
    [
        (23, f"        {RC}: granted=true, flags=[ USER_SET ]"),
        (28, f"        {RC}: granted=true, flags=[ USER_SET ]"),
        (29, f"        {RC}: granted=true, flags=[ USER_SET|USER_SENSITIVE_WHEN_GRANTED|USER_SENSITIVE_WHEN_DENIED]"),
        (36, f"        {RC}: granted=true, flags=[ USER_SET|USER_SENSITIVE_WHEN_GRANTED|USER_SENSITIVE_WHEN_DENIED]"),
    ],
)
def test_dumpsys_runtime_permission_flags(shared_phones: Callable[[int], SimulatedPhone], sdk: int, line: str) -> None:
    out = run(shared_phones(sdk), f"dumpsys package {WA}").out.splitlines()
    assert line in out
    assert "      runtime permissions:" in out
    assert "    install permissions:" in out and "      android.permission.INTERNET: granted=true" in out


@pytest.mark.parametrize("sdk", [28, 29])
def test_restricted_permissions_marked_from_android_10(shared_phones: Callable[[int], SimulatedPhone], sdk: int) -> None:
    out = run(shared_phones(sdk), "dumpsys package com.example.disabled").out.splitlines()
    expected = "      android.permission.READ_SMS: restricted=true" if sdk >= 29 else "      android.permission.READ_SMS"
    assert expected in out


@pytest.mark.parametrize("sdk", [23, 30, 34])
def test_shared_user_permissions_under_shared_users(shared_phones: Callable[[int], SimulatedPhone], sdk: int) -> None:
    out = run(shared_phones(sdk), "dumpsys package com.example.sharedone").out
    package_part, _, shared_part = out.partition("\nShared users:\n")
    assert shared_part, "a Shared users: section"
    assert "sharedUser=SharedUserSetting{" in package_part and "com.example.shared/" in package_part
    assert "runtime permissions:" not in package_part.split("Queries:")[0]
    shared = shared_part.splitlines()
    assert shared[0].startswith("  SharedUser [com.example.shared] (")
    assert "    User 0: " in shared
    assert any(line.startswith(f"        {RC}: granted=true") for line in shared)


@pytest.mark.parametrize("sdk", [23, 30, 36])
def test_dumpsys_unknown_package(shared_phones: Callable[[int], SimulatedPhone], sdk: int) -> None:
    result = run(shared_phones(sdk), "dumpsys package com.example.absent")
    assert result.rc == 0
    assert "Package [" not in result.out
    if sdk >= 24:
        assert "  Unable to find package: com.example.absent" in result.out.splitlines()
    else:
        assert result.out == ""


# --- appops --------------------------------------------------------------------------------------

PACKAGE_LINE = "READ_CONTACTS: allow; time=+1h2m3s4ms ago; duration=+5ms"


@pytest.mark.parametrize("sdk", [23, 25, 27, 28])
def test_appops_get_before_android_10(shared_phones: Callable[[int], SimulatedPhone], sdk: int) -> None:
    result = run(shared_phones(sdk), f"appops get --user 0 {WA}")
    assert (result.rc, result.out) == (0, PACKAGE_LINE + "\n")


@pytest.mark.parametrize("sdk", [29, 34, 36])
def test_appops_get_prints_uid_mode_once(shared_phones: Callable[[int], SimulatedPhone], sdk: int) -> None:
    lines = run(shared_phones(sdk), f"appops get --user 0 {WA}").out.splitlines()
    assert lines[0].startswith("Uid mode: ")
    assert sum("Uid mode" in line for line in lines) == 1
    assert lines[-1] == PACKAGE_LINE
    assert "CAMERA: ignore" in lines  # the denied CAMERA's uid mode follows its grant


@pytest.mark.parametrize(("sdk", "expected"), [(28, "No operations.\nDefault mode: allow\n"), (34, "Uid mode: CAMERA: ignore\n")])
def test_appops_get_one_op(shared_phones: Callable[[int], SimulatedPhone], sdk: int, expected: str) -> None:
    assert run(shared_phones(sdk), f"appops get {WA} CAMERA").out == expected


def test_appops_policy_denied_work_app(shared_phones: Callable[[int], SimulatedPhone]) -> None:
    assert run(shared_phones(34), f"appops get --user 10 {W4B} READ_CONTACTS").out == "Uid mode: READ_CONTACTS: ignore\n"


@pytest.mark.parametrize(("sdk", "rc"), [(23, 0), (25, 0), (28, 255), (34, 255)])
def test_appops_package_missing_in_user(shared_phones: Callable[[int], SimulatedPhone], sdk: int, rc: int) -> None:
    result = run(shared_phones(sdk), f"appops get --user 10 {WA}")
    assert (result.rc, result.out, result.err) == (rc, "", "Error: No UID for com.whatsapp in user 10\n")


# --- content query -------------------------------------------------------------------------------


@pytest.mark.parametrize("sdk", [23, 30, 36])
def test_content_query_as_the_collector_asks(shared_phones: Callable[[int], SimulatedPhone], sdk: int) -> None:
    result = run(
        shared_phones(sdk),
        "content query --user 0 --uri content://com.android.contacts/data"
        f" --projection raw_contact_id:mimetype:account_type:data1 --where {COLLECT_WHERE}",
    )
    assert result.rc == 0 and result.err == ""
    assert result.out.splitlines() == [
        "Row: 0 raw_contact_id=1, mimetype=vnd.android.cursor.item/phone_v2, account_type=NULL, data1=+49 30 90182011",
        "Row: 1 raw_contact_id=1, mimetype=vnd.android.cursor.item/email_v2, account_type=NULL, data1=clara@example.com",
        "Row: 2 raw_contact_id=3, mimetype=vnd.android.cursor.item/phone_v2, account_type=NULL, data1=05232 980112",
        "Row: 3 raw_contact_id=3, mimetype=vnd.android.cursor.item/organization, account_type=NULL, data1=Example GmbH",
    ]


def test_content_query_user_and_sort(shared_phones: Callable[[int], SimulatedPhone]) -> None:
    phone = shared_phones(34)
    work = run(phone, "content query --user 10 --uri content://com.android.contacts/data/phones --projection data1:data4")
    assert work.out == "Row: 0 data1=+49 5232 980-140, data4=+495232980140\n"
    raw = run(
        phone,
        "content query --uri content://com.android.contacts/raw_contacts --projection _id:account_type:sync1"
        " --where deleted=0 --sort '_id DESC'",
    )
    assert raw.out.splitlines() == [
        "Row: 0 _id=3, account_type=NULL, sync1=NULL",
        "Row: 1 _id=2, account_type=com.whatsapp, sync1=493090182011@s.whatsapp.net",
        "Row: 2 _id=1, account_type=NULL, sync1=NULL",
    ]
    contacts = run(phone, "content query --uri content://com.android.contacts/contacts --projection display_name")
    assert contacts.out == "Row: 0 display_name=Clara Beispiel\nRow: 1 display_name=Ida Probe\n"


def test_raw_contacts_uri_returns_deleted_rows_too(shared_phones: Callable[[int], SimulatedPhone]) -> None:
    phone = shared_phones(34)
    every = run(phone, "content query --uri content://com.android.contacts/raw_contacts --projection deleted")
    assert every.out.splitlines() == ["Row: 0 deleted=0", "Row: 1 deleted=0", "Row: 2 deleted=0", "Row: 3 deleted=1"]
    assert phone.state.raw_contacts(0) == 3
    assert phone.state.raw_contacts(0, include_deleted=True) == 4
    assert phone.state.raw_contacts(0, "com.whatsapp") == 1


def test_content_query_no_result(shared_phones: Callable[[int], SimulatedPhone]) -> None:
    phone = shared_phones(30)
    assert run(phone, "content query --uri content://com.android.contacts/data --where '1=0'").out == "No result found.\n"


@pytest.mark.parametrize(
    ("args", "exception"),
    [
        ("--user 150 --uri content://com.android.contacts/data", "java.lang.IllegalStateException: Could not find provider"),
        ("--user 99 --uri content://com.android.contacts/data", "java.lang.IllegalStateException: Could not find provider"),
        ("--uri content://com.android.contacts/nothing", "java.lang.IllegalArgumentException: Unknown URL"),
        ("--uri content://com.android.contacts/data --projection nope", "java.lang.IllegalArgumentException: Invalid column nope"),
        ("--uri content://com.android.contacts/data --where 'deleted='", "android.database.sqlite.SQLiteException"),
        (
            "--uri content://com.android.contacts/data --where '_id IN (SELECT _id FROM u10_raw_contacts)'",
            "android.database.sqlite.SQLiteException: access to u10_raw_contacts._id is prohibited (code 23 SQLITE_AUTH)",
        ),
        (
            "--uri content://com.android.contacts/data --where '(SELECT COUNT(*) FROM packages) > 0'",
            "android.database.sqlite.SQLiteException: not authorized (code 23 SQLITE_AUTH)",
        ),
    ],
)
def test_content_query_errors(shared_phones: Callable[[int], SimulatedPhone], args: str, exception: str) -> None:
    result = run(shared_phones(34), f"content query {args}")
    assert result.rc == 0  # AOSP's content tool exits 0 even on provider errors
    assert result.out == ""
    lines = result.err.splitlines()
    assert lines[0] == "Error while accessing provider:com.android.contacts"
    assert lines[1].startswith(exception)
    assert lines[2].startswith("\tat ")


def test_content_error_status_can_differ(fresh_phone: PhoneFactory) -> None:
    phone = fresh_phone(31, device="content_error_status = 1")
    result = run(phone, "content query --user 150 --uri content://com.android.contacts/data")
    assert result.rc == 1 and "Could not find provider" in result.err


# --- settings ------------------------------------------------------------------------------------


@pytest.mark.parametrize("sdk", [23, 30, 34])
def test_settings_get_put(fresh_phone: PhoneFactory, sdk: int) -> None:
    phone = fresh_phone(sdk)
    assert run(phone, "settings --user 10 get secure managed_profile_contact_remote_search").out == "1\n"
    assert run(phone, "settings get secure managed_profile_contact_remote_search").out == "null\n"
    assert run(phone, "settings --user 10 put secure managed_profile_contact_remote_search 0").rc == 0
    assert run(phone, "settings --user 10 get secure managed_profile_contact_remote_search").out == "0\n"
    assert phone.state.setting(10, "managed_profile_contact_remote_search") == "0"
    missing = run(phone, "settings --user 99 get secure managed_profile_contact_remote_search")
    assert missing.rc != 0 and "User 99" in missing.err


# --- write commands change the state ------------------------------------------------------------


@pytest.mark.parametrize("sdk", [23, 30, 34])
def test_revoke_and_grant_change_state_and_dumpsys(fresh_phone: PhoneFactory, sdk: int) -> None:
    phone = fresh_phone(sdk)
    before = phone.state.permission(WA, 0, "READ_CONTACTS")
    assert before is not None and before.granted and "USER_SET" in before.flags
    assert run(phone, f"pm revoke {WA} {RC}") == Result(0, "", "")
    after = phone.state.permission(WA, 0, RC)
    assert after is not None and not after.granted and after.flags == before.flags
    assert f"        {RC}: granted=false" in "\n".join(
        line.split(", flags")[0] for line in run(phone, f"dumpsys package {WA}").out.splitlines()
    )
    assert run(phone, f"pm grant --user 0 {WA} {RC}").rc == 0
    again = phone.state.permission(WA, 0, RC)
    assert again is not None and again.granted


@pytest.mark.parametrize(("sdk", "rc", "first"), [(23, 1, "Operation not allowed: java.lang.SecurityException"),
                                                 (30, 255, "Exception occurred while executing:"),
                                                 (34, 255, "Exception occurred while executing 'grant':")])
def test_policy_fixed_cannot_be_changed(fresh_phone: PhoneFactory, sdk: int, rc: int, first: str) -> None:
    phone = fresh_phone(sdk)
    result = run(phone, f"pm grant --user 10 {W4B} {RC}")
    assert result.rc == rc
    assert result.err.startswith(first)
    assert "Cannot grant policy fixed permission" in result.err
    state = phone.state.permission(W4B, 10, RC)
    assert state is not None and not state.granted


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (f"pm grant com.example.absent {RC}", "Unknown package: com.example.absent"),
        (f"pm grant {WA} android.permission.INTERNET", "is not a changeable permission type"),
        (f"pm grant com.example.disabled {RC}", "has not requested permission"),
        (f"pm grant --user 10 {WA} {RC}", "Unknown package: com.whatsapp"),
    ],
)
def test_grant_errors(shared_phones: Callable[[int], SimulatedPhone], command: str, message: str) -> None:
    result = run(shared_phones(34), command)
    assert result.rc == 255 and message in result.err


@pytest.mark.parametrize("sdk", [31, 34])
def test_permission_flags_from_android_12(fresh_phone: PhoneFactory, sdk: int) -> None:
    phone = fresh_phone(sdk)
    assert run(phone, f"pm revoke {WA} {RC}").rc == 0
    assert run(phone, f"pm set-permission-flags {WA} {RC} user-set user-fixed").rc == 0
    state = phone.state.permission(WA, 0, RC)
    assert state is not None and {"USER_SET", "USER_FIXED"} <= state.flags and not state.granted
    assert "USER_SET|USER_FIXED|" in run(phone, f"dumpsys package {WA}").out
    assert run(phone, f"pm clear-permission-flags {WA} {RC} user-fixed").rc == 0
    cleared = phone.state.permission(WA, 0, RC)
    assert cleared is not None and "USER_FIXED" not in cleared.flags
    bad = run(phone, f"pm set-permission-flags {WA} {RC} policy-fixed")
    assert bad.rc != 0 and "policy-fixed" in bad.err


def test_permission_flags_absent_before_android_12(shared_phones: Callable[[int], SimulatedPhone]) -> None:
    result = run(shared_phones(30), f"pm set-permission-flags {WA} {RC} user-fixed")
    assert (result.rc, result.err) == (255, "Unknown command: set-permission-flags\n")


@pytest.mark.parametrize("sdk", [23, 28, 34])
def test_appops_set_persists(fresh_phone: PhoneFactory, sdk: int) -> None:
    phone = fresh_phone(sdk)
    assert run(phone, f"appops set {WA} READ_CONTACTS ignore") == Result(0, "", "")
    assert phone.state.appop(WA, 0, "READ_CONTACTS") == "ignore"
    assert "READ_CONTACTS: ignore; time=+1h2m3s4ms ago; duration=+5ms" in run(phone, f"appops get {WA}").out


@pytest.mark.parametrize(("sdk", "after_grant"), [(28, "ignore"), (34, None)])
def test_grant_resyncs_uid_mode_from_android_10(fresh_phone: PhoneFactory, sdk: int, after_grant: str | None) -> None:
    phone = fresh_phone(sdk)
    assert run(phone, f"appops set --uid {WA} READ_CONTACTS ignore").rc == 0
    assert phone.state.uid_mode(WA, 0, "READ_CONTACTS") == "ignore"
    assert run(phone, f"pm grant {WA} {RC}").rc == 0
    assert phone.state.uid_mode(WA, 0, "READ_CONTACTS") == after_grant


def test_revoke_shows_as_uid_mode_on_android_10_plus(fresh_phone: PhoneFactory) -> None:
    phone = fresh_phone(34)
    assert "READ_CONTACTS: ignore" not in run(phone, f"appops get {WA} READ_CONTACTS").out
    run(phone, f"pm revoke {WA} {RC}")
    assert run(phone, f"appops get {WA} READ_CONTACTS").out.splitlines()[0] == "Uid mode: READ_CONTACTS: ignore"


# --- the shell -----------------------------------------------------------------------------------


@pytest.mark.parametrize("tool", ["awk 'BEGIN { print 1 }'", "bash -c true", "python3 -c 1", "perl -e 1"])
def test_tools_a_phone_lacks_fail(shared_phones: Callable[[int], SimulatedPhone], tool: str) -> None:
    result = run(shared_phones(34), tool)
    assert result.rc == 127
    assert "not found" in result.err


def test_android_toolbox_applets_work(shared_phones: Callable[[int], SimulatedPhone]) -> None:
    phone = shared_phones(30)
    assert run(phone, "printf 'b\\na\\n' | sort | head -1").out == "a\n"
    assert run(phone, "echo abc | tr b x | cut -c1-2").out == "ax\n"
    assert run(phone, "pm list users | grep -c UserInfo").out == "3\n"
    assert run(phone, "pm list users | sed -n 's/^[[:space:]]*UserInfo{\\([0-9][0-9]*\\):.*/\\1/p'").out == "0\n10\n150\n"


@pytest.mark.parametrize(("command", "output"), [("id -u", "2000\n"), ("whoami", "shell\n"), ("id -un", "shell\n")])
def test_the_shell_user_is_not_root(shared_phones: Callable[[int], SimulatedPhone], command: str, output: str) -> None:
    assert run(shared_phones(30), command).out == output
    assert run(shared_phones(30), "id").out.startswith("uid=2000(shell) gid=2000(shell) groups=2000(shell),")


def test_data_local_tmp_is_the_sandbox(fresh_phone: PhoneFactory) -> None:
    phone = fresh_phone(34)
    result = run(phone, "echo hi > /data/local/tmp/probe && cat /data/local/tmp/probe && pwd")
    assert result.out.splitlines() == ["hi", str(phone.sandbox)]
    assert (phone.sandbox / "probe").read_text() == "hi\n"
    assert phone.host_path("/data/local/tmp/probe") == phone.sandbox / "probe"
    assert phone.host_path("/data/local/tmp/../../etc/passwd") is None
    assert phone.host_path("/sdcard/x") is None


@pytest.mark.parametrize("sdk", [23, 34])
def test_collector_runs_on_the_phone_and_removes_itself(fresh_phone: PhoneFactory, sdk: int) -> None:
    phone = fresh_phone(sdk)
    nonce = "00112233aabbccdd"
    script = phone.sandbox / f"contact-audit-{nonce}.sh"
    script.write_text(script_text("collect.sh"), encoding="utf-8")
    result = run(phone, f"sh /data/local/tmp/{script.name} {nonce} {WA} {W4B}")
    assert result.rc == 0
    lines = result.out.splitlines()
    assert lines[0] == f"@@{nonce} collect format=1"
    assert re.fullmatch(rf"@@{nonce} done sections=\d+", lines[-1])
    assert f"@@{nonce} begin appops user=10 pkg={W4B}" in lines
    assert not script.exists()


def test_interactive_shell(shared_phones: Callable[[int], SimulatedPhone]) -> None:
    result = run(shared_phones(34), None, stdin=b"getprop ro.product.device\nexit 3\n")
    assert (result.rc, result.out) == (3, "sim34\n")


def test_close_ends_running_commands(fresh_phone: PhoneFactory) -> None:
    phone = fresh_phone(34)
    proc = phone.spawn("sleep 600")
    assert proc.poll() is None
    phone.close()
    assert proc.poll() is not None


# --- faults --------------------------------------------------------------------------------------


def test_latency_fault_sleeps_before_every_command(fresh_phone: PhoneFactory, monkeypatch: pytest.MonkeyPatch,
                                                   capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    """Run the stub in-process with a recording sleep: no timing assertions."""
    slow = fresh_phone(34, extra="[faults]\nlatency_ms = 250\n")
    quick = fresh_phone(34)
    slept: list[float] = []
    monkeypatch.setattr(stub.time, "sleep", slept.append)
    monkeypatch.setattr(stub.signal, "signal", lambda *_: None)
    assert stub.main([str(slow.bin / "getprop"), "ro.build.version.sdk"], str(slow.db_path)) == 0
    assert slept == [0.25]
    assert stub.main([str(quick.bin / "getprop"), "ro.build.version.sdk"], str(quick.db_path)) == 0
    assert slept == [0.25]
    assert capsysbinary.readouterr().out == b"34\n34\n"


def test_garbage_fault(fresh_phone: PhoneFactory) -> None:
    phone = fresh_phone(34, extra="[faults]\ngarbage_command = \"dumpsys\"\n")
    first = phone.spawn(f"dumpsys package {WA}")
    out1, _ = first.communicate(timeout=60)
    second = phone.spawn(f"dumpsys package {WA}")
    out2, _ = second.communicate(timeout=60)
    assert first.returncode == 0 and second.returncode == 0
    assert out1 == out2 and len(out1) > 200
    with pytest.raises(UnicodeDecodeError):
        out1.decode("utf-8")
    assert b"Package [com.whatsapp] (" not in out1
    assert run(phone, "pm list users").out.startswith("Users:\n")  # other commands are unaffected


def test_garbage_fault_on_an_applet(fresh_phone: PhoneFactory) -> None:
    phone = fresh_phone(30, extra="[faults]\ngarbage_command = \"grep\"\n")
    proc = phone.spawn("pm list users | grep UserInfo")
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0
    assert not out.startswith(b"\tUserInfo{0:Owner")


TIMEOUT_LINE = "*** SERVICE 'package' DUMP TIMEOUT (10000ms) EXPIRED ***"


def test_dumpsys_timeout_fault_cuts_one_dump_and_still_exits_0(fresh_phone: PhoneFactory) -> None:
    phone = fresh_phone(34, extra=f'[faults]\ndumpsys_timeout = {{ after = "requested permissions:", package = "{WA}" }}\n')
    cut = run(phone, f"dumpsys package {WA}")
    assert cut.rc == 0 and cut.err == ""
    assert cut.out.endswith(f"    requested permissions:\n\n{TIMEOUT_LINE}\n\n")
    assert "android.permission.READ_CONTACTS" not in cut.out and "Package [com.whatsapp]" in cut.out
    whole = run(phone, f"dumpsys package {W4B}")  # another package's dump is whole
    assert whole.rc == 0 and "DUMP TIMEOUT" not in whole.out and "Compiler stats:" in whole.out


def test_dumpsys_timeout_fault_inside_a_runtime_list_and_before_the_first_line(fresh_phone: PhoneFactory) -> None:
    inside = fresh_phone(30, extra='[faults]\ndumpsys_timeout = { after = "runtime permissions:", timeout_ms = 2500 }\n')
    out = run(inside, f"dumpsys package {WA}").out
    assert out.endswith("      runtime permissions:\n\n*** SERVICE 'package' DUMP TIMEOUT (2500ms) EXPIRED ***\n\n")
    assert "READ_CONTACTS: granted=" not in out
    empty = fresh_phone(34, extra="[faults]\ndumpsys_timeout = {}\n")
    assert run(empty, f"dumpsys package {W4B}").out == f"\n{TIMEOUT_LINE}\n\n"


@pytest.mark.parametrize(("sdk", "header"), [(30, "Exception occurred while executing:"),
                                             (34, "Exception occurred while executing 'get':")])
def test_appops_refused_fault(fresh_phone: PhoneFactory, sdk: int, header: str) -> None:
    phone = fresh_phone(sdk, extra=f'[faults]\nappops_refused = ["{WA}"]\n')
    refused = run(phone, f"appops get --user 0 {WA}")
    assert (refused.rc, refused.out) == (255, "")
    lines = refused.err.splitlines()
    assert lines[:2] == ["", header]
    assert lines[2].startswith("java.lang.SecurityException: ") and lines[3].startswith("\tat ")
    assert run(phone, f"appops get --user 10 {W4B}").rc == 0  # only the named package is refused
    everything = fresh_phone(sdk, extra="[faults]\nappops_refused = true\n")
    assert run(everything, f"appops get --user 10 {W4B}").rc == 255


def test_a_user_name_with_a_line_break_spans_lines_in_both_listings(tmp_path: Path) -> None:
    text = phone_toml(34).replace('name = "Work: Example GmbH"', 'name = "Work\\nExample GmbH"')
    phone = SimulatedPhone(parse_profile(text), tmp_path)
    try:
        assert "\tUserInfo{10:Work\nExample GmbH:1030} running\n" in run(phone, "pm list users").out
        assert "id=10, name=Work\nExample GmbH, type=profile.MANAGED," in run(phone, "cmd user list -v").out
    finally:
        phone.close()


@pytest.mark.skipif(shutil.which("mksh") is None, reason="Android's shell (mksh) is not installed")
def test_the_shell_is_mksh(shared_phones: Callable[[int], SimulatedPhone]) -> None:
    assert "MIRBSD KSH" in run(shared_phones(34), "echo $KSH_VERSION").out


def test_commands_lead_their_own_process_group(fresh_phone: PhoneFactory) -> None:
    phone = fresh_phone(34)
    proc = phone.spawn("sleep 600")
    assert os.getpgid(proc.pid) == proc.pid
    phone.close()
    assert proc.poll() is not None


# --- through Google's adb server and adbutils ------------------------------------------------------

ADB_SDKS = (23, 27, 30, 35)


@pytest.fixture(scope="module")
def adb_phones(module_fleet: Callable[..., Fleet]) -> dict[int, adbutils.AdbDevice]:
    """One fleet per module: phones for Android 6, 8.1, 11 and 15 plus one that tests may change."""
    profiles = [parse_profile(phone_toml(sdk)) for sdk in ADB_SDKS]
    writer = parse_profile(phone_toml(34).replace('name = "sim34"', 'name = "writer34"'))
    fleet = module_fleet(*profiles, writer)
    client = fleet.client()
    devices = {sdk: client.device(fleet.serial_of(f"sim{sdk}")) for sdk in ADB_SDKS}
    devices[34] = client.device(fleet.serial_of("writer34"))
    phone = fleet.phone(fleet.serial_of("writer34"))
    assert isinstance(phone, SimulatedPhone)
    _WRITER.append(phone)
    return devices


_WRITER: list[SimulatedPhone] = []


def adb(device: adbutils.AdbDevice, command: str) -> adbutils.ShellReturn:
    """shell2 over the shell protocol; Android 6 has none, so its merged output counts as stdout."""
    result = device.shell2(command, v2=True, timeout=60)
    assert isinstance(result, adbutils.ShellReturn)
    if not result.stdout and not result.stderr:
        result.stdout = result.output
    return result


@pytest.mark.parametrize("sdk", ADB_SDKS)
def test_adb_device_shows_the_profile(adb_phones: dict[int, adbutils.AdbDevice], sdk: int) -> None:
    device = adb_phones[sdk]
    assert device.prop.model == f"Sim {sdk}"
    assert adb(device, "getprop ro.build.version.sdk").stdout.strip() == str(sdk)
    # Android 6's adbd runs commands on a pty: every newline arrives as CRLF
    assert ("\r\n" in adb(device, "pm list users").stdout) == (sdk < 24)


@pytest.mark.parametrize("sdk", ADB_SDKS)
def test_adb_users_packages_dumpsys(adb_phones: dict[int, adbutils.AdbDevice], sdk: int) -> None:
    device = adb_phones[sdk]
    users = adb(device, "pm list users").stdout.replace("\r\n", "\n")
    assert "\tUserInfo{10:Work: Example GmbH:" in users.splitlines()[2]
    packages = adb(device, "pm list packages --user 10").stdout.replace("\r\n", "\n").splitlines()
    assert "package:com.whatsapp.w4b" in packages and "package:com.whatsapp" not in packages
    dump = adb(device, f"dumpsys package {WA}").stdout.replace("\r\n", "\n").splitlines()
    user0 = next(line for line in dump if line.startswith("    User 0:"))
    assert user0.startswith("    User 0:  installed=true") == (sdk < 24)
    assert ("distractionFlags=0" in user0) == (sdk >= 30)
    assert ("quarantined=false" in user0) == (sdk >= 35)
    assert any(line.startswith(f"        {RC}: granted=true, flags=[ USER_SET") for line in dump)


@pytest.mark.parametrize("sdk", ADB_SDKS)
def test_adb_appops_and_content(adb_phones: dict[int, adbutils.AdbDevice], sdk: int) -> None:
    device = adb_phones[sdk]
    ops = adb(device, f"appops get --user 0 {WA} READ_CONTACTS").stdout.replace("\r\n", "\n")
    assert ops == PACKAGE_LINE + "\n"
    rows = adb(
        device,
        "content query --user 10 --uri content://com.android.contacts/data/phones --projection raw_contact_id:data1",
    ).stdout.replace("\r\n", "\n")
    assert rows == "Row: 0 raw_contact_id=1, data1=+49 5232 980-140\n"


@pytest.mark.parametrize("sdk", [27, 30, 35])
def test_adb_shell_protocol_keeps_stderr_and_status(adb_phones: dict[int, adbutils.AdbDevice], sdk: int) -> None:
    device = adb_phones[sdk]
    locked = adb(device, "content query --user 150 --uri content://com.android.contacts/data")
    assert locked.returncode == 0 and locked.stdout == ""
    assert locked.stderr.startswith("Error while accessing provider:com.android.contacts\n")
    missing = adb(device, f"appops get --user 10 {WA}")
    assert missing.returncode == 255 and missing.stderr == "Error: No UID for com.whatsapp in user 10\n"
    assert adb(device, "awk 1").returncode == 127


def test_adb_write_commands_change_the_phone(adb_phones: dict[int, adbutils.AdbDevice]) -> None:
    device, phone = adb_phones[34], _WRITER[0]
    assert adb(device, f"pm revoke {WA} {RC}").returncode == 0
    assert adb(device, f"pm set-permission-flags {WA} {RC} user-fixed").returncode == 0
    state = phone.state.permission(WA, 0, RC)
    assert state is not None and not state.granted and "USER_FIXED" in state.flags
    dump = adb(device, f"dumpsys package {WA}").stdout
    assert f"{RC}: granted=false, flags=[ USER_SET|USER_FIXED|" in dump
    assert adb(device, f"appops get {WA} READ_CONTACTS").stdout.startswith("Uid mode: READ_CONTACTS: ignore\n")
