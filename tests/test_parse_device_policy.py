"""``dumpsys device_policy`` -> owners, on fixtures shaped like Android 6-17 output (issue 12).

Fail closed: an owner part that was not seen to end leaves the managed state unknown.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audit.management import ManagedState, Vendor, management_of, phone_management, recognise
from audit.parse.device_policy import parse_device_policy
from audit.snapshot import OwnerRole
from tests.test_parse_snapshot import snapshot

FIXTURES = Path(__file__).parent / "fixtures" / "device"
DO, PO = OwnerRole.DEVICE_OWNER, OwnerRole.PROFILE_OWNER
INTUNE = "com.microsoft.windowsintune.companyportal"
CLOUDDPC = "com.google.android.apps.work.clouddpc"


def owners(phone: str) -> set[tuple[OwnerRole, int, str | None]]:
    state = snapshot(phone).device_policy
    return {(o.role, o.user_id, o.package) for o in state.owners}


@pytest.mark.parametrize(
    ("phone", "expected"),
    [
        ("a06_generic", set()),  # Android 6: a plain device admin is no owner
        ("a07_pixel", {(DO, 0, INTUNE)}),  # 7.1: name= line, "User ID:"
        ("a09_sony", {(PO, 10, "com.airwatch.androidagent")}),  # 9: work profile owner
        ("a10_samsung", {(PO, 150, "com.samsung.knox.securefolder")}),  # 10: Secure Folder's own agent
        ("a14_workprofile", {(PO, 10, INTUNE)}),  # 14: Immutable state first, isOrganizationOwnedDevice
        ("a15_pixel", {(DO, 0, CLOUDDPC)}),  # 15: fully managed, a System Update Policy between blocks
        ("a16_pixel", set()),  # 16: no owner at all
        ("a17_pixel", {(PO, 10, "com.sds.emm.cloud.knox.samsung")}),  # 17: Knox Manage work profile
    ],
)
def test_owners_read_whole(phone: str, expected: set[tuple[OwnerRole, int, str]]) -> None:
    state = snapshot(phone).device_policy
    assert state.known, state.problems
    assert owners(phone) == expected


@pytest.mark.parametrize("phone", ["a11_xiaomi", "a12_oneplus", "a13_pixel", "a08_nokia"])
def test_cut_denied_timed_out_or_missing_is_unknown_never_unmanaged(phone: str) -> None:
    snap = snapshot(phone)
    assert not snap.device_policy.known
    assert snap.device_policy.problems
    for user in snap.users:
        m = management_of(snap, user.id)
        assert m.state is not ManagedState.UNMANAGED
        assert m.managed is not False


def test_an_owner_seen_before_the_cut_still_counts_as_managed() -> None:
    snap = snapshot("a13_pixel")  # DUMP TIMEOUT after the device owner block
    assert management_of(snap, 0).state is ManagedState.MANAGED
    assert phone_management(snap).vendor is Vendor.ANDROID_DEVICE_POLICY


def test_management_per_user_and_phone() -> None:
    snap = snapshot("a14_workprofile")
    assert management_of(snap, 0).state is ManagedState.UNMANAGED
    work = management_of(snap, 10)
    assert (work.state, work.role, work.vendor, work.package) == (ManagedState.MANAGED, PO, Vendor.INTUNE, INTUNE)
    assert phone_management(snap).vendor is Vendor.INTUNE
    full = snapshot("a15_pixel")
    assert management_of(full, 0).vendor is Vendor.ANDROID_DEVICE_POLICY
    assert management_of(full, 11).state is ManagedState.UNMANAGED  # the private space has no owner
    assert phone_management(snapshot("a16_pixel")).state is ManagedState.UNMANAGED


def test_secure_folder_agent_is_not_a_company_mdm() -> None:
    snap = snapshot("a10_samsung")
    assert management_of(snap, 150).state is ManagedState.UNMANAGED
    assert phone_management(snap).state is ManagedState.UNMANAGED


def test_android_6_admin_null_reads_the_package_line() -> None:
    state = parse_device_policy((FIXTURES / "formats" / "device_policy_m_admin_null.txt").read_text())
    assert state.known
    assert {(o.role, o.user_id, o.package, o.component) for o in state.owners} == {
        (DO, 0, "com.example.corp.mdm", None),
        (PO, 10, "com.airwatch.androidagent", "com.airwatch.androidagent/com.airwatch.agent.DeviceAdministratorReceiver"),
    }


def test_a_disagreeing_or_invalid_owner_is_managed_by_an_unnamed_app() -> None:
    state = parse_device_policy((FIXTURES / "formats" / "device_policy_bad_package.txt").read_text())
    assert state.known
    assert {(o.user_id, o.package) for o in state.owners} == {(10, None), (11, None)}
    assert len(state.problems) == 2
    assert all("reboot" not in p for p in state.problems)  # device text never reaches a problem


@pytest.mark.parametrize(
    ("package", "vendor"),
    [
        (INTUNE, Vendor.INTUNE),
        ("com.microsoft.intune", Vendor.INTUNE),
        ("com.airwatch.androidagent", Vendor.WORKSPACE_ONE),
        (CLOUDDPC, Vendor.ANDROID_DEVICE_POLICY),
        ("com.sds.emm.cloud.knox.samsung", Vendor.SAMSUNG_KNOX),
        ("com.samsung.android.knox.kpu", Vendor.SAMSUNG_KNOX),
        ("com.example.mdm", Vendor.OTHER),
        (None, Vendor.OTHER),
    ],
)
def test_vendors(package: str | None, vendor: Vendor) -> None:
    assert recognise(package) is vendor


@given(st.text(max_size=400))
def test_never_raises_and_garbage_is_unknown(text: str) -> None:
    state = parse_device_policy(text)
    if "Enabled Device Admins" not in text:
        assert not state.known


def test_every_prefix_of_a_dump_is_unknown_until_the_owners_end() -> None:
    text = (FIXTURES / "a14_workprofile" / "device-policy.txt").read_text()
    end = text.index("  Enabled Device Admins")
    for cut in range(0, end, 7):
        assert not parse_device_policy(text[:cut]).known
    assert parse_device_policy(text[: end + len("  Enabled Device Admins")]).known
