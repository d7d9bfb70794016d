"""Parsing `adb devices -l` and mapping states (pure)."""

from __future__ import annotations

import pytest

from audit.adb import classify_state, parse_devices_l, resolve_port
from audit.errors import AdbUnavailable
from audit.results import DeviceStatus


def test_states_and_extras_including_no_permissions_with_spaces() -> None:
    text = (
        "127.0.0.1:40001        device product:panther model:Pixel_7 device:panther transport_id:3\n"
        "R58M1234ABC            unauthorized usb:1-1 transport_id:4\n"
        "0123456789ABCDEF       no permissions (user in plugdev group; are your udev rules wrong?); "
        "see [http://developer.android.com/tools/device.html] usb:1-2 transport_id:5\n"
        "emulator-5554          offline transport_id:6\n"
        "ZY22XYZ                recovery usb:1-3 transport_id:7\n"
    )
    devs = parse_devices_l(text)
    assert [d.serial for d in devs] == ["127.0.0.1:40001", "R58M1234ABC", "0123456789ABCDEF", "emulator-5554", "ZY22XYZ"]
    assert devs[0].status is None and devs[0].model == "Pixel_7" and devs[0].transport_id == "3"
    assert devs[1].status is DeviceStatus.UNAUTHORIZED and "RSA" in devs[1].hint
    assert devs[2].status is DeviceStatus.NO_PERMISSIONS and devs[2].state.startswith("no permissions (")
    assert devs[3].status is DeviceStatus.OFFLINE
    assert devs[4].status is DeviceStatus.ERROR


@pytest.mark.parametrize(("state", "status"), [
    ("device", None), ("unauthorized", DeviceStatus.UNAUTHORIZED), ("offline", DeviceStatus.OFFLINE),
    ("no", DeviceStatus.NO_PERMISSIONS), ("sideload", DeviceStatus.ERROR), ("bootloader", DeviceStatus.ERROR),
])
def test_classify_state(state: str, status: DeviceStatus | None) -> None:
    assert classify_state(state) is status


def test_resolve_port(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANDROID_ADB_SERVER_PORT", raising=False)
    assert resolve_port(None) == 5037
    assert resolve_port(6000) == 6000
    monkeypatch.setenv("ANDROID_ADB_SERVER_PORT", "7001")
    assert resolve_port(None) == 7001
    monkeypatch.setenv("ANDROID_ADB_SERVER_PORT", "banana")
    with pytest.raises(AdbUnavailable, match="not a port number"):
        resolve_port(None)
