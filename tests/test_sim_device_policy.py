"""The simulator's ``dumpsys device_policy`` stub and the owner keys of a profile (issue 12):
its output per Android release reads back through the real parser, and through collect.sh's
bounded section in mksh + toybox."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_sim_android import phone_toml, run

from audit.parse.device_policy import parse_device_policy
from audit.simulator.phone import SimulatedPhone
from audit.simulator.profile import ProfileError, parse_profile
from audit.snapshot import OwnerRole

DO = 'device_owner = "com.airwatch.androidagent/com.airwatch.agent.DeviceAdministratorReceiver"'


def owned_toml(sdk: int) -> str:
    text = phone_toml(sdk, device=DO)
    return text.replace(
        'kind = "work_profile"\n',
        'kind = "work_profile"\nprofile_owner = "com.microsoft.windowsintune.companyportal/.omadm.PolicyReceiver"\n',
        1,
    )


@pytest.mark.parametrize("sdk", [23, 25, 28, 31, 34, 36, 37])
def test_stub_output_reads_back_per_release(sdk: int, tmp_path: Path) -> None:
    phone = SimulatedPhone(parse_profile(owned_toml(sdk)), tmp_path)
    try:
        result = run(phone, "dumpsys device_policy")
    finally:
        phone.close()
    assert result.rc == 0
    assert ("User ID: 0" in result.out) is (sdk >= 24)
    assert ("name=" in result.out) is (sdk <= 32)
    state = parse_device_policy(result.out)
    assert state.known
    assert {(o.role, o.user_id, o.package, o.component) for o in state.owners} == {
        (OwnerRole.DEVICE_OWNER, 0, "com.airwatch.androidagent",
         "com.airwatch.androidagent/com.airwatch.agent.DeviceAdministratorReceiver"),
        (OwnerRole.PROFILE_OWNER, 10, "com.microsoft.windowsintune.companyportal",
         "com.microsoft.windowsintune.companyportal/com.microsoft.windowsintune.companyportal.omadm.PolicyReceiver"),
    }


def test_a_phone_without_owners_reads_as_unmanaged(tmp_path: Path) -> None:
    phone = SimulatedPhone(parse_profile(phone_toml(34)), tmp_path)
    try:
        state = parse_device_policy(run(phone, "dumpsys device_policy").out)
    finally:
        phone.close()
    assert state.known and state.owners == ()


@pytest.mark.parametrize(
    ("key", "value"),
    [("device_owner", "not a component"), ("device_owner", "com.x/.A; reboot"), ("device_owner", "x/.A")],
)
def test_a_bad_owner_component_is_one_profile_error(key: str, value: str) -> None:
    with pytest.raises(ProfileError, match=key):
        parse_profile(phone_toml(34, device=f'{key} = "{value}"'))
