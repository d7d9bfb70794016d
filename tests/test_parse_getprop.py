"""getprop listing -> DeviceInfo, per release and with awkward values."""

from pathlib import Path

import pytest

from audit.parse.getprop import parse_getprop, parse_properties, sim_country
from audit.snapshot import DeviceInfo

FIXTURES = Path(__file__).parent / "fixtures" / "device"


def fixture(path: str) -> str:
    return (FIXTURES / path).read_text(encoding="utf-8")


def test_android6_has_only_the_factory_locale():
    info = parse_getprop(fixture("a06_generic/getprop.txt"))
    assert info == DeviceInfo(
        manufacturer="motorola",
        model="MotoG3",
        android_release="6.0.1",
        sdk=23,
        fingerprint="motorola/osprey_reteu/osprey:6.0.1/MPI24.65-25/31:user/release-keys",
        serialno="ZX1D63TEST",
        sim_country="DE",
        locale="de-DE",
    )


def test_user_locale_wins_over_the_factory_locale():
    info = parse_getprop(fixture("a07_pixel/getprop.txt"))
    assert (info.locale, info.sim_country, info.sdk) == ("en-GB", "GB", 25)


def test_empty_user_locale_falls_back_to_the_factory_locale():
    info = parse_getprop(fixture("a16_pixel/getprop.txt"))
    assert (info.locale, info.sim_country, info.sdk, info.android_release) == ("de-DE", None, 36, "16")


def test_android_17_reports_sdk_37():
    info = parse_getprop(fixture("a17_pixel/getprop.txt"))
    assert (info.sdk, info.android_release, info.model) == (37, "17", "Pixel 10")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("de,de", "DE"), (",gb", "GB"), ("de,", "DE"), ("", None), (",", None), ("at", "AT"), ("xyz", None)],
)
def test_sim_country_takes_the_first_slot_with_a_country(value, expected):
    assert sim_country(value) == expected


def test_very_old_builds_split_the_locale():
    text = "[ro.product.locale.language]: [de]\n[ro.product.locale.region]: [CH]\n"
    assert parse_getprop(text).locale == "de-CH"


def test_values_may_hold_brackets_and_be_empty():
    text = "[ro.product.model]: [Phone [Pro] ]]\n[ro.serialno]: []\n[ro.build.version.sdk]: [3x]\n"
    info = parse_getprop(text)
    assert info.model == "Phone [Pro] ]"
    assert info.serialno is None
    assert info.sdk is None


def test_a_multi_line_value_is_joined_and_an_unfinished_one_dropped():
    text = (
        "[ro.build.description]: [line one\n"
        "line two]\n"
        "[ro.product.model]: [Pixel 7]\n"
        "[ro.broken]: [never ends\n"
        "[ro.product.manufacturer]: [Google]\n"
    )
    props = parse_properties(text)
    assert props["ro.build.description"] == "line one\nline two"
    assert props["ro.product.model"] == "Pixel 7"
    assert "ro.broken" not in props
    assert props["ro.product.manufacturer"] == "Google"


def test_crlf_lines_are_read():
    assert parse_getprop("[ro.product.model]: [MotoG3]\r\n[ro.build.version.sdk]: [23]\r\n").sdk == 23


def test_garbage_gives_an_empty_device_info():
    assert parse_getprop("/system/bin/sh: getprop: not found\n") == DeviceInfo()
