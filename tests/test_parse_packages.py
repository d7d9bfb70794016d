"""pm list packages in its per-release forms -> installed package names."""

from pathlib import Path

import pytest

from audit.parse.packages import PackageEntry, parse_package_list

FIXTURES = Path(__file__).parent / "fixtures" / "device"


def fixture(path: str) -> str:
    return (FIXTURES / path).read_text(encoding="utf-8")


def test_plain_listing():
    listing = parse_package_list(fixture("a10_samsung/packages+user=95.txt"))
    assert listing.usable and listing.problems == ()
    assert listing.names == {"com.whatsapp", "com.android.providers.contacts"}
    assert listing.has("com.whatsapp") is True
    assert listing.has("com.whatsapp.w4b") is False


def test_paths_version_codes_installers_and_uids():
    listing = parse_package_list(fixture("formats/packages_variants.txt"))
    assert listing.usable
    assert listing.entries == (
        PackageEntry(
            "com.whatsapp",
            "/data/app/~~H-4fKmtR1gLG8IXeIY7WSg==/com.whatsapp-yZOLSlAHADAyHKQiDyceWw==/base.apk",
            241978003,
            "com.android.vending",
            (10245, 1010245),
        ),
        PackageEntry("com.android.chrome", "/system/app/Chrome/Chrome.apk", 636771932, None, (10112,)),
        PackageEntry("com.android.managedprovisioning", None, 35),
        PackageEntry("org.telegram.messenger", None, None, None, (10367,)),
    )
    assert listing.problems == ("the package list has 1 entry(ies) without a valid package name",)


def test_unknown_option_error_makes_the_list_unusable():
    listing = parse_package_list(fixture("formats/packages_error.txt"))
    assert listing.usable is False
    assert listing.has("com.whatsapp") is None
    assert listing.problems == ("the package list reports an error",)


def test_an_error_after_packages_still_makes_the_list_unusable():
    listing = parse_package_list("package:com.android.settings\nException occurred while executing 'list':\n")
    assert listing.has("com.whatsapp") is None


def test_an_empty_list_cannot_say_not_installed():
    for text in ("", "\n\n"):
        listing = parse_package_list(text)
        assert listing.has("com.whatsapp") is None
        assert listing.problems == ("the package list is empty",)


def test_stray_lines_are_reported_but_do_not_hide_packages():
    listing = parse_package_list("WARNING: linker: something odd\npackage:com.whatsapp\n")
    assert listing.has("com.whatsapp") is True
    assert listing.problems == ("the package list has 1 line(s) that are not packages",)


def test_the_framework_package_has_a_one_word_name():
    listing = parse_package_list("package:android\npackage:/system/framework/framework-res.apk=android\n")
    assert (listing.names, listing.problems) == ({"android"}, ())


def test_crlf_and_injected_names():
    listing = parse_package_list("package:com.whatsapp\r\npackage:com.x;rm -rf /\r\n")
    assert listing.names == {"com.whatsapp"}


@pytest.mark.parametrize(
    "line",
    [
        "Error: Unknown option: -U",
        "Exception occurred while executing 'list':",
        "java.lang.SecurityException: Shell does not have permission to access user 10",
        "Failure [not installed for 10]",
        "usage: pm list packages [-f] [-d] [-e] [-s] [-3] [-i] [-l] [-u] [-U] [--uid UID] [--user USER_ID] [FILTER]",
        "Usage: cmd package list packages [options]",
        "cmd: Can't find service: package",
    ],
)
def test_every_error_form_makes_the_list_unusable(line):
    """An error or usage line, alone or after package lines, means the listing is not the
    phone's answer: "not installed" may not be read from it."""
    for text in (f"{line}\n", f"package:com.android.settings\n{line}\n"):
        listing = parse_package_list(text)
        assert (listing.usable, listing.has("com.whatsapp")) == (False, None)
        assert listing.problems == ("the package list reports an error",)
