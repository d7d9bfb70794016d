"""dumpsys package <pkg> in every release's form, and the READ_CONTACTS decision (grants.py)."""

from pathlib import Path

import pytest

from audit.parse.dumpsys_package import Grant, dumpsys_failure, flags_from_bits, parse_dumpsys_package, parse_grant
from audit.parse.grants import read_contacts
from audit.snapshot import PermissionStatus

FIXTURES = Path(__file__).parent / "fixtures" / "device"
GRANTED, DENIED, UNKNOWN = PermissionStatus.GRANTED, PermissionStatus.DENIED, PermissionStatus.UNKNOWN
NOT_REQUESTED, INSTALL_TIME = PermissionStatus.NOT_REQUESTED, PermissionStatus.INSTALL_TIME
S = ("USER_SENSITIVE_WHEN_GRANTED", "USER_SENSITIVE_WHEN_DENIED")


def fixture(path: str) -> str:
    return (FIXTURES / path).read_text(encoding="utf-8")


def dump_of(phone: str, package: str = "com.whatsapp"):
    return parse_dumpsys_package(fixture(f"{phone}/dumpsys-package+pkg={package}.txt"), package)


@pytest.mark.parametrize(
    ("phone", "package", "app_id", "version", "code", "min_sdk", "target", "first_install"),
    [
        ("a06_generic", "com.whatsapp", 10098, "2.17.79", 451234, None, 23, "2016-11-20 09:30:00"),
        ("a07_pixel", "com.whatsapp", 10112, "2.18.101", 452117, None, 26, "2017-08-30 12:00:05"),
        ("a08_nokia", "com.whatsapp", 10087, "2.19.360", 452911, None, 28, "2018-10-01 19:02:44"),
        ("a09_sony", "com.whatsapp", 10131, "2.20.108", 453012, 15, 28, "2020-04-02 10:00:00"),
        ("a10_samsung", "com.whatsapp", 10144, "2.21.4.22", 453117, 15, 29, "2008-12-31 16:00:00"),
        ("a11_xiaomi", "com.whatsapp", 10201, "2.22.5.72", 452910, 16, 30, "2021-06-19 21:14:50"),
        ("a12_oneplus", "com.whatsapp.w4b", 10246, "2.22.24.78", 453612, 16, 31, "2022-11-05 10:11:12"),
        ("a13_pixel", "com.whatsapp", 10211, "2.23.18.79", 231879007, 21, 33, None),
        ("a14_workprofile", "com.whatsapp", 10276, "2.24.9.78", 241978003, 21, 34, None),
        ("a15_pixel", "com.whatsapp", 10301, "2.25.1.75", 250175008, 21, 35, None),
        ("a16_pixel", "com.whatsapp", 10322, "2.25.21.80", 252180004, 21, 35, None),
        # 17: pccId= after appId, a blank line before developerVerificationStatus=
        ("a17_pixel", "com.whatsapp", 10341, "2.26.10.72", 261020002, 21, 36, None),
    ],
)
def test_package_level_facts(phone, package, app_id, version, code, min_sdk, target, first_install):
    dump = dump_of(phone, package)
    assert dump.found and dump.problems == ()
    assert (dump.app_id, dump.version_name, dump.version_code) == (app_id, version, code)
    assert (dump.min_sdk, dump.target_sdk, dump.first_install_time) == (min_sdk, target, first_install)
    assert dump.requested_printed and dump.requested is not None
    assert "android.permission.READ_CONTACTS" in dump.requested


@pytest.mark.parametrize(
    ("phone", "package", "user", "installed", "enabled", "status", "flags"),
    [
        # 6.0: "User 0:  installed=" with two spaces, [ A B ] flags
        ("a06_generic", "com.whatsapp", 0, True, 0, GRANTED, ("USER_SET",)),
        ("a07_pixel", "com.whatsapp", 0, True, 0, DENIED, ("USER_SET", "USER_FIXED")),
        # 7: an ungranted permission without flags has no state and is not listed
        ("a07_pixel", "ch.threema.app", 0, True, 0, DENIED, ()),
        ("a08_nokia", "com.whatsapp", 0, True, 0, GRANTED, ("USER_SET",)),
        ("a08_nokia", "com.whatsapp", 10, True, 3, DENIED, ()),
        ("a08_nokia", "com.whatsapp", 11, False, 0, DENIED, ()),
        ("a09_sony", "com.whatsapp", 0, False, 0, DENIED, ()),
        ("a09_sony", "com.whatsapp", 10, True, 0, GRANTED, ("USER_SET",)),
        # 10: [ A|B] flags, negative ceDataInode, Samsung users 95 and 150
        ("a10_samsung", "com.whatsapp", 0, True, 0, GRANTED, ("USER_SET", *S)),
        ("a10_samsung", "com.whatsapp", 95, True, 0, DENIED, S),
        ("a10_samsung", "com.whatsapp", 150, True, 0, GRANTED, ("USER_SET", *S)),
        # 11 Xiaomi: OEM tokens (restricted=, alive=) inside the User line
        ("a11_xiaomi", "com.whatsapp", 0, True, 0, GRANTED, ("USER_SET", *S)),
        ("a11_xiaomi", "com.whatsapp", 999, True, 0, GRANTED, ("USER_SET", *S)),
        ("a12_oneplus", "com.whatsapp", 0, True, 0, GRANTED, ("USER_SET", *S)),
        ("a12_oneplus", "com.whatsapp", 998, False, 0, DENIED, S),
        ("a12_oneplus", "com.whatsapp", 999, True, 0, DENIED, ("USER_SET", "USER_FIXED", *S)),
        ("a12_oneplus", "com.whatsapp.w4b", 0, True, 2, DENIED, S),
        ("a13_pixel", "com.whatsapp", 0, True, 0, GRANTED, ("USER_SET", *S)),
        ("a14_workprofile", "com.whatsapp", 0, True, 0, DENIED, (*S, "AUTO_REVOKED")),
        ("a14_workprofile", "com.whatsapp", 10, False, 0, DENIED, ()),
        ("a14_workprofile", "com.whatsapp.w4b", 10, True, 0, GRANTED, ("POLICY_FIXED", *S)),
        ("a15_pixel", "com.whatsapp", 0, True, 0, GRANTED, ("USER_SET", *S)),
        ("a15_pixel", "com.whatsapp", 11, True, 0, GRANTED, ("USER_SET", *S)),
        ("a16_pixel", "com.whatsapp", 0, True, 0, GRANTED, ("USER_SET", *S)),
        ("a16_pixel", "com.whatsapp", 10, True, 0, DENIED, ()),
        # 17: pccCeDataInode/pccDeDataInode/appLockEnabled in the User line, TRUSTED_UI_* flags
        ("a17_pixel", "com.whatsapp", 0, True, 0, GRANTED, ("USER_SET", *S, "TRUSTED_UI_SHOWN", "TRUSTED_UI_CONSENTED")),
        ("a17_pixel", "com.whatsapp", 10, False, 0, DENIED, ()),
    ],
)
def test_per_user_state(phone, package, user, installed, enabled, status, flags):
    dump = dump_of(phone, package)
    block = dump.user(user)
    assert block is not None
    assert (block.installed, block.enabled) == (installed, enabled)
    finding = read_contacts(dump, user)
    assert (finding.status, finding.flags, finding.requested, finding.problem) == (status, flags, True, None)


def test_android_17_picker_only_app_declares_no_read_contacts():
    dump = dump_of("a17_pixel", "com.whatsapp.w4b")
    assert dump.found and dump.problems == ()
    assert dump.requested_printed and dump.requested is not None
    assert "android.permission.READ_CONTACTS" not in dump.requested
    block = dump.user(10)
    assert block is not None
    assert (block.installed, block.enabled, block.closed) == (True, 0, True)
    assert read_contacts(dump, 10).status is PermissionStatus.NOT_REQUESTED


def test_android_17_named_location_accuracy_flag():
    dump = dump_of("a17_pixel")
    block = dump.user(0)
    assert block is not None
    assert block.runtime is not None
    fine = block.runtime.get("android.permission.ACCESS_FINE_LOCATION")
    assert fine is not None
    assert (fine.granted, fine.flags) == (False, ("USER_SET", *S, "SELECTED_LOCATION_ACCURACY"))


def test_user_level_first_install_time_and_install_reason():
    block = dump_of("a14_workprofile", "com.whatsapp.w4b").user(10)
    assert block is not None
    assert (block.first_install_time, block.install_reason) == ("2024-04-02 08:30:00", 2)
    block15 = dump_of("a15_pixel").user(11)
    assert block15 is not None
    assert (block15.first_install_time, block15.install_reason, block15.closed) == ("2025-01-04 19:20:21", 4, True)


def test_user_without_a_block_is_unknown():
    dump = dump_of("a07_pixel")
    finding = read_contacts(dump, 10)
    assert finding.status is UNKNOWN
    assert finding.problem == "dumpsys printed no block for user 10"


def test_not_requested_needs_the_whole_requested_list():
    dump = dump_of("a13_pixel", "ch.threema.app.libre")
    assert dump.requested == (
        "android.permission.INTERNET",
        "android.permission.CAMERA",
        "android.permission.POST_NOTIFICATIONS",
    )
    finding = read_contacts(dump, 0)
    assert (finding.status, finding.requested) == (NOT_REQUESTED, False)


def test_restricted_suffix_is_stripped_from_requested_permissions():
    dump = dump_of("a13_pixel")
    assert dump.requested is not None
    assert "android.permission.RECEIVE_SMS" in dump.requested


def test_hidden_system_package_block_is_not_read():
    dump = dump_of("a10_samsung")
    assert dump.version_name == "2.21.4.22"  # the updated app, not the factory image (2.19.244)
    assert dump.problems == ()


def test_a_filter_matching_several_packages_reads_the_exact_one():
    text = fixture("formats/dumpsys_filter_multi.txt")
    wa = parse_dumpsys_package(text, "com.whatsapp")
    w4b = parse_dumpsys_package(text, "com.whatsapp.w4b")
    assert (wa.app_id, wa.version_name, read_contacts(wa, 0).status) == (10149, "2.21.1.2", DENIED)
    assert (w4b.app_id, w4b.version_name, read_contacts(w4b, 0).status) == (10150, "2.21.1.1", GRANTED)


def test_unknown_package():
    dump = parse_dumpsys_package(fixture("formats/dumpsys_unknown.txt"), "com.whatsapp")
    assert dump.found is False
    assert dump.problems == ("dumpsys says the package is unknown",)
    assert read_contacts(dump, 0).status is UNKNOWN


def test_output_without_the_package_block():
    dump = parse_dumpsys_package("Packages:\n\nDexopt state:\n", "com.whatsapp")
    assert (dump.found, dump.problems) == (False, ("dumpsys printed no block for the package",))


def test_m_preview_form():
    dump = parse_dumpsys_package(fixture("formats/dumpsys_m_preview.txt"), "com.whatsapp")
    assert (dump.app_id, dump.target_sdk, dump.version_name) == (10059, 10000, "2.12.176")
    assert dump.install is not None
    assert dump.install.grants == (Grant("android.permission.INTERNET", True),)
    finding = read_contacts(dump, 0)
    assert (finding.status, finding.flags) == (DENIED, ("USER_SET", "USER_FIXED"))


def test_shared_user_permissions_are_read_from_the_shared_user_block():
    dump = parse_dumpsys_package(fixture("formats/dumpsys_shared_user_9.txt"), "com.example.dialer")
    assert dump.shared_user == "com.example.shared"
    assert dump.shared is not None and dump.shared.name == "com.example.shared"
    finding = read_contacts(dump, 0)
    assert (finding.status, finding.flags) == (GRANTED, ("SYSTEM_FIXED", "GRANTED_BY_DEFAULT"))
    # User 10 of the shared user lists the UID's runtime permissions in full, without
    # READ_CONTACTS, which the package requests: the UID does not hold it there.
    assert read_contacts(dump, 10).status is DENIED
    # No block anywhere for user 11.
    assert read_contacts(dump, 11).status is UNKNOWN


def test_shared_user_block_missing_is_a_problem_and_unknown():
    text = fixture("formats/dumpsys_shared_user_9.txt").split("Shared users:")[0]
    dump = parse_dumpsys_package(text, "com.example.dialer")
    assert dump.problems == ("the package's shared user block was not printed",)
    assert read_contacts(dump, 0).status is UNKNOWN


BASE = """Packages:
  Package [com.whatsapp] (1a2b3c4):
    userId=10100
    versionCode=1 minSdk=21 targetSdk=30
    versionName=1.0
{requested}{install}    User 0: ceDataInode=1 installed=true hidden=false suspended=false stopped=false notLaunched=false enabled={enabled}
{runtime}{tail}"""
REQ_RC = "    requested permissions:\n      android.permission.READ_CONTACTS\n      android.permission.CAMERA\n"
REQ_NO_RC = "    requested permissions:\n      android.permission.CAMERA\n"
RT_CAMERA = "      runtime permissions:\n        android.permission.CAMERA: granted=true\n"
END = "\nQueries:\n  system apps queryable: false\n"


def build(requested=REQ_RC, install="", enabled="0", runtime=RT_CAMERA, tail=END):
    return BASE.format(requested=requested, install=install, enabled=enabled, runtime=runtime, tail=tail)


def status(text: str, user: int = 0) -> PermissionStatus:
    return read_contacts(parse_dumpsys_package(text, "com.whatsapp"), user).status


def test_absence_from_a_whole_runtime_list_is_a_denial():
    assert status(build()) is DENIED


def test_absence_from_a_list_that_never_ended_is_unknown():
    finding = read_contacts(parse_dumpsys_package(build(tail=""), "com.whatsapp"), 0)
    assert finding.status is UNKNOWN
    assert finding.problem == "the runtime permissions of user 0 were cut off or unreadable"


def test_absence_from_a_list_with_an_unreadable_line_is_unknown():
    runtime = RT_CAMERA + "        android.permission.READ_CONT\x00ACTS granted\n"
    assert status(build(runtime=runtime)) is UNKNOWN


def test_absence_without_a_runtime_heading_is_unknown():
    finding = read_contacts(parse_dumpsys_package(build(runtime=""), "com.whatsapp"), 0)
    assert finding.status is UNKNOWN
    assert finding.problem == "dumpsys printed no runtime permissions for user 0"


def test_absence_without_the_requested_list_is_unknown():
    finding = read_contacts(parse_dumpsys_package(build(requested=""), "com.whatsapp"), 0)
    assert (finding.status, finding.requested) == (UNKNOWN, None)
    assert finding.problem == "dumpsys did not print the requested permissions"


def test_not_requested():
    assert status(build(requested=REQ_NO_RC)) is NOT_REQUESTED


def test_an_explicit_grant_is_read_even_when_the_list_was_cut():
    runtime = "      runtime permissions:\n        android.permission.READ_CONTACTS: granted=true\n"
    assert status(build(runtime=runtime, tail="")) is GRANTED


def test_install_time_grant():
    install = "    install permissions:\n      android.permission.READ_CONTACTS: granted=true\n"
    assert status(build(install=install)) is INSTALL_TIME
    assert status(build(install=install, runtime="")) is INSTALL_TIME


def test_runtime_entry_wins_over_install_entry():
    install = "    install permissions:\n      android.permission.READ_CONTACTS: granted=true\n"
    runtime = "      runtime permissions:\n        android.permission.READ_CONTACTS: granted=false, flags=[ USER_SET]\n"
    assert status(build(install=install, runtime=runtime)) is DENIED


def test_install_entry_is_not_used_before_the_runtime_list_was_seen():
    install = "    install permissions:\n      android.permission.READ_CONTACTS: granted=true\n"
    text = build(install=install).split("    User 0:")[0]
    assert status(text) is UNKNOWN


def test_per_user_install_permission_override():
    install = (
        "    install permissions:\n"
        "      android.permission.READ_CONTACTS: granted=true\n"
        "      android.permission.READ_CONTACTS: granted=false, userId=10\n"
    )
    user10 = (
        "    User 10: ceDataInode=2 installed=true hidden=false suspended=false stopped=false"
        " notLaunched=false enabled=0\n" + RT_CAMERA
    )
    text = build(install=install, runtime=RT_CAMERA + user10)
    assert status(text, 0) is INSTALL_TIME
    assert status(text, 10) is DENIED


def test_ocr_like_trailing_colons_and_unknown_tokens_are_tolerated():
    text = build().replace("enabled=0", "enabled=2: alive=false restricted=false")
    block = parse_dumpsys_package(text, "com.whatsapp").user(0)
    assert block is not None and (block.installed, block.enabled) == (True, 2)


@pytest.mark.parametrize(
    ("line", "grant"),
    [
        ("android.permission.READ_CONTACTS: granted=true", Grant("android.permission.READ_CONTACTS", True)),
        (
            "android.permission.CAMERA: granted=false, flags=[ USER_SET USER_FIXED ]",
            Grant("android.permission.CAMERA", False, ("USER_SET", "USER_FIXED")),
        ),
        (
            "android.permission.ACCESS_FINE_LOCATION: granted=true, flags=[ USER_SET|USER_SENSITIVE_WHEN_GRANTED|524288]",
            Grant("android.permission.ACCESS_FINE_LOCATION", True, ("USER_SET", "USER_SENSITIVE_WHEN_GRANTED", "524288")),
        ),
        (
            "android.permission.READ_PHONE_STATE, granted=false, flags=0x1",
            Grant("android.permission.READ_PHONE_STATE", False, ("USER_SET",)),
        ),
        (
            "android.permission.INTERNET: granted=false, userId=11",
            Grant("android.permission.INTERNET", False, (), 11),
        ),
        ("android.permission.READ_CONTACTS: granted=tr", None),
        ("android.permission.READ_CONTACTS: granted=truex", None),
        ("android.permission.READ_CONTACTS", None),
    ],
)
def test_grant_lines(line, grant):
    assert parse_grant(line) == grant


def test_flag_bits_to_names():
    assert flags_from_bits(0x3) == ("USER_SET", "USER_FIXED")
    assert flags_from_bits((1 << 19) | (1 << 17)) == ("AUTO_REVOKED", "524288")
    assert flags_from_bits(0) == ()


# Android 6: the package block (and its runtime permissions) can be the last thing dumpsys prints.
_A6_LAST = """Packages:
  Package [com.whatsapp] (4a1b2c3):
    userId=10087
    versionCode=452 targetSdk=23
    versionName=2.16.1
    requested permissions:
      android.permission.INTERNET
      android.permission.READ_CONTACTS
    install permissions:
      android.permission.INTERNET: granted=true
    User 0:  installed=true hidden=false stopped=false notLaunched=false enabled=0
      runtime permissions:
        android.permission.CAMERA: granted=true
"""


def test_end_of_a_complete_output_closes_the_last_list() -> None:
    from audit.parse.grants import read_contacts
    from audit.snapshot import PermissionStatus

    cut = read_contacts(parse_dumpsys_package(_A6_LAST, "com.whatsapp"), 0)
    assert cut.status is PermissionStatus.UNKNOWN, "without the end marker the list may have been cut off"
    whole = read_contacts(parse_dumpsys_package(_A6_LAST, "com.whatsapp", complete=True), 0)
    assert whole.status is PermissionStatus.DENIED and whole.problem is None


def test_build_snapshot_never_closes_the_last_list_at_the_end_of_a_section() -> None:
    """Issue 8 (1): exit 0 does not prove a dump whole, so READ_CONTACTS missing from the last
    list (Android 6: nothing follows it) is unknown, never "denied"."""
    from audit.parse import build_snapshot
    from audit.sections import split_sections
    from audit.snapshot import PermissionStatus

    n = "00000000000000aa"
    parts = [("getprop", "[ro.build.version.sdk]: [23]"), ("users", "Users:\n\tUserInfo{0:Owner:13} running"),
             ("packages user=0", "package:com.whatsapp"), ("dumpsys-package pkg=com.whatsapp", _A6_LAST.rstrip("\n")),
             ("appops user=0 pkg=com.whatsapp", "No operations."), ("contacts user=0", "No result found."),
             ("raw-contacts user=0", "No result found.")]
    text = f"@@{n} collect format=1\n" + "".join(
        f"@@{n} begin {h}\n{b}\n\n@@{n} end rc=0\n" for h, b in parts) + f"@@{n} done sections={len(parts)}\n"
    snap = build_snapshot("s", split_sections(text, n), ("com.whatsapp",))
    (app,) = snap.apps
    assert app.read_contacts is PermissionStatus.UNKNOWN


def test_a_dumpsys_timeout_inside_the_requested_list_is_not_a_whole_list():
    """dumpsys stops a slow service after its timeout, prints a marker and exits 0. A requested
    list cut there must not read as "READ_CONTACTS not requested" (that would be a false ok)."""
    text = fixture("a16_pixel/dumpsys-package+pkg=com.whatsapp.txt")
    head = text[: text.index("      android.permission.READ_CONTACTS\n")]
    cut = head + "\n*** SERVICE 'package' DUMP TIMEOUT (10000ms) EXPIRED ***\n\n"
    dump = parse_dumpsys_package(cut, "com.whatsapp", complete=True)
    assert dump.found and dump.requested is None
    assert dump.problems == ("dumpsys timed out before the dump was complete",)
    assert read_contacts(dump, 0).status is PermissionStatus.UNKNOWN
    whole = parse_dumpsys_package(text + "\n*** SERVICE 'package' DUMP TIMEOUT (10000ms) EXPIRED ***\n", "com.whatsapp")
    assert read_contacts(whole, 0).status is PermissionStatus.GRANTED  # what came before it is still read


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("*** SERVICE 'package' DUMP TIMEOUT (10000ms) EXPIRED ***", "dumpsys timed out before the dump ended"),
        ("*** SERVICE 'package' DUMP TIMEOUT EXPIRED ***", "dumpsys timed out before the dump ended"),
        ("Error dumping service info: (Broken pipe) package", "dumpsys reported an error while dumping"),
        ("Error with service 'package' while dumping: FAILED_TRANSACTION", "dumpsys reported an error while dumping"),
        ("Error in poll while dumping service package : Interrupted system call", "dumpsys reported an error while dumping"),
        ("Failed to read while dumping service package: I/O error", "dumpsys reported an error while dumping"),
        ("Failed to write while dumping service package: Broken pipe", "dumpsys reported an error while dumping"),
        ("Can't find service: package", "dumpsys reported an error while dumping"),
    ],
)
def test_dumpsys_says_when_its_dump_is_not_whole(line, why):
    """dumpsys exits 0 after these lines: wherever one stands (even after a dump that looks
    whole, or indented), nothing in the section may be read as final."""
    whole = fixture("a13_pixel/dumpsys-package+pkg=com.whatsapp.txt")
    assert dumpsys_failure(whole) is None
    head = whole[: whole.index("    User 0:")]
    for text in (f"{whole}\n{line}\n", f"{head}  {line}\r\n", f"{line}\n{whole}"):
        assert dumpsys_failure(text) == why


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("a*/dumpsys-package+pkg=*.txt")), ids=lambda p: p.parent.name)
def test_no_whole_dump_is_taken_for_a_failure(path):
    assert dumpsys_failure(path.read_text(encoding="utf-8")) is None


_USER10 = (
    "    User 10: ceDataInode=2 installed=true hidden=false suspended=false stopped=false"
    " notLaunched=false enabled=0\n" + RT_CAMERA
)
_GARBLED = "      android.permission.INTERNET granted\n"  # a line no release prints: unreadable


@pytest.mark.parametrize(
    ("requested", "install", "user", "status", "requests"),
    [
        # an entry for every user applies to a user without a per-user entry (userId=N, 13+)
        (REQ_RC, "      android.permission.READ_CONTACTS: granted=true\n", 10, INSTALL_TIME, True),
        ("", "      android.permission.READ_CONTACTS: granted=true\n", 10, INSTALL_TIME, True),
        (REQ_RC, "      android.permission.READ_CONTACTS: granted=true\n" + _GARBLED, 0, INSTALL_TIME, True),
        # with a line unread, user 10's own entry may be the one not read: unknown, never denied
        (REQ_RC, "      android.permission.READ_CONTACTS: granted=true\n" + _GARBLED, 10, UNKNOWN, True),
        # with a line unread and no entry seen, the unread line may be READ_CONTACTS' own
        (REQ_RC, _GARBLED, 0, UNKNOWN, True),
        (REQ_RC, "      android.permission.INTERNET: granted=true\n", 0, DENIED, True),
        # not requested holds whatever the install list hides: it can grant only what is requested
        (REQ_NO_RC, _GARBLED, 0, NOT_REQUESTED, False),
    ],
)
def test_install_time_entries_and_unread_install_lines(requested, install, user, status, requests):
    text = build(requested=requested, install="    install permissions:\n" + install, runtime=RT_CAMERA + _USER10)
    finding = read_contacts(parse_dumpsys_package(text, "com.whatsapp"), user)
    assert (finding.status, finding.requested) == (status, requests)
    assert (finding.problem is None) is (status is not UNKNOWN)


def test_not_requested_needs_the_runtime_list_read_whole():
    """A runtime grant can exist without a request (a sharedUserId sibling asked for it), so an
    unreadable runtime line leaves even an app that does not request READ_CONTACTS unknown."""
    finding = read_contacts(parse_dumpsys_package(build(requested=REQ_NO_RC, runtime=RT_CAMERA + "  " + _GARBLED), "com.whatsapp"), 0)
    assert (finding.status, finding.requested) == (UNKNOWN, False)
    assert finding.problem == "the runtime permissions of user 0 were cut off or unreadable"


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("versionCode=9223372036854775807 minSdk=21 targetSdk=34", 9223372036854775807),  # Long.MAX_VALUE
        ("versionCode=4294967297 minSdk=21 targetSdk=34", 4294967297),  # versionCodeMajor 1
        ("versionCode=92233720368547758070 minSdk=21 targetSdk=34", None),
        ("versionCode=12a minSdk=21 targetSdk=34", None),
    ],
)
def test_long_version_codes(line, code):
    dump = parse_dumpsys_package(build().replace("versionCode=1 minSdk=21 targetSdk=30", line), "com.whatsapp")
    assert (dump.version_code, dump.min_sdk, dump.target_sdk) == (code, 21, 34)


@pytest.mark.parametrize(
    ("own", "shared", "status"),
    [
        ("", "      android.permission.INTERNET: granted=true\n", DENIED),
        ("", "      android.permission.INTERNET: granted=true\n" + _GARBLED, UNKNOWN),
        # the package's own list is read first: what it may hide outranks the shared user's entry
        ("    install permissions:\n" + _GARBLED, "      android.permission.READ_CONTACTS: granted=false\n", UNKNOWN),
        ("    install permissions:\n      android.permission.INTERNET: granted=true\n",
         "      android.permission.READ_CONTACTS: granted=false\n", DENIED),
        # an own list without the entry does not end the search: the shared user's grant counts
        ("    install permissions:\n      android.permission.INTERNET: granted=true\n",
         "      android.permission.READ_CONTACTS: granted=true\n", INSTALL_TIME),
    ],
)
def test_a_shared_users_unread_install_lines_leave_its_absence_unknown(own, shared, status):
    text = fixture("formats/dumpsys_shared_user_9.txt")
    text = text.replace("      android.permission.INTERNET: granted=true\n", shared)
    text = text.replace("    User 0: ceDataInode=2201", own + "    User 0: ceDataInode=2201")
    assert read_contacts(parse_dumpsys_package(text, "com.example.dialer"), 10).status is status
