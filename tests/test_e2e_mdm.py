"""Managed phones end to end: simulated phones with device and profile owners, scanned through
the real adb server; the reports show who manages each phone and profile (issue 12)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from test_report_json import schema, validate
from typer.testing import CliRunner

from audit.cli import app
from audit.simulator.harness import Fleet

DEMO_POLICY = Path(__file__).resolve().parent.parent / "audit" / "data" / "demo-policy.toml"
INTUNE = "com.microsoft.windowsintune.companyportal"

# A personal owner profile and a work profile the Intune Company Portal owns, in which WhatsApp
# Business may read a business address book: the finding's remediation must name Intune.
INTUNE_WORK = """\
description = "Galaxy S23, Android 14: Intune work profile, WhatsApp Business granted there"

[device]
manufacturer = "samsung"
model = "SM-S911B"
product = "dm1qxeea"
device = "dm1q"
android_release = "14"
sdk = 34

[[users]]
id = 0
name = "Owner"

[[users.book.generate]]
count = 5
seed = 3
mix = { private = 1.0 }

[[users]]
id = 10
name = "Work profile"
kind = "work_profile"
profile_owner = "com.microsoft.windowsintune.companyportal/com.microsoft.omadm.client.PolicyManagerReceiver"

[[users.book.generate]]
count = 12
seed = 4
mix = { business = 1.0 }

[[packages]]
package = "com.whatsapp.w4b"
version_name = "2.25.1.1"
version_code = 250101000
target_sdk = 34

[[packages.users]]
user = 10
permissions = { READ_CONTACTS = { granted = true, flags = ["USER_SET"] } }
"""

PHONES = ("nokia61-a8-mdm", "pixel7-a15-workprofile", "pixel8-a14-critical")


@pytest.fixture(scope="module")
def fleet(module_fleet, tmp_path_factory: pytest.TempPathFactory) -> Fleet:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("profiles") / "intune-work.toml"
    path.write_text(INTUNE_WORK, encoding="utf-8")
    result: Fleet = module_fleet(*PHONES, path)
    return result


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def scan(fleet: Fleet, fmt: str, *extra: str) -> str:
    code, out, err = cli("scan", "--adb-port", str(fleet.adb_port), "--policy", str(DEMO_POLICY),
                         "--format", fmt, "--timeout", "60", *extra)
    assert code in (0, 1), err
    return out


def test_csv_shows_who_manages_each_phone_and_profile(fleet: Fleet) -> None:
    rows = list(csv.DictReader(io.StringIO(scan(fleet, "csv"))))
    got = {
        (row["serial"], row["user_id"]): (row["phone_managed"], row["user_managed"], row["mdm"], row["mdm_package"],
                                          row["mdm_role"])
        for row in rows
    }
    nokia, pixel7 = fleet.serial_of("nokia61-a8-mdm"), fleet.serial_of("pixel7-a15-workprofile")
    pixel8, intune = fleet.serial_of("pixel8-a14-critical"), fleet.serial_of("intune-work")
    assert got[(nokia, "0")] == ("true", "true", "workspace_one", "com.airwatch.androidagent", "device_owner")
    assert got[(pixel7, "0")] == ("true", "false", "", "", "")  # the personal profile is not managed
    assert got[(pixel7, "10")] == (
        "true", "true", "android_device_policy", "com.google.android.apps.work.clouddpc", "profile_owner",
    )
    assert got[(pixel8, "0")] == ("false", "false", "", "", "")
    assert got[(intune, "10")] == ("true", "true", "intune", INTUNE, "profile_owner")
    by_key = {(row["serial"], row["user_id"], row["package"]): row for row in rows}
    work = by_key[(intune, "10", "com.whatsapp.w4b")]
    assert work["severity"] == "critical"
    assert "Microsoft Intune" in work["remediation"] and "contact-audit fix" not in work["remediation"]
    locked = by_key[(nokia, "0", "com.whatsapp")]
    assert locked["rule"] == "locked" and "Workspace ONE" in locked["finding"]
    personal = by_key[(pixel8, "0", "com.whatsapp")]
    assert "contact-audit fix" in personal["remediation"], "an unmanaged phone keeps the per-phone fix"


def test_json_is_valid_and_counts_managed_phones(fleet: Fleet) -> None:
    doc = json.loads(scan(fleet, "json", "--lang", "de"))
    assert validate(doc, schema()) == []
    summary = doc["summary"]
    assert (summary["managed_phones"], summary["unmanaged_phones"], summary["management_unknown_phones"]) == (3, 1, 0)
    assert summary["mdm_closable_findings"] == 1  # WhatsApp Business in the Intune work profile
    devices = {d["serial"]: d for d in doc["devices"]}
    intune = devices[fleet.serial_of("intune-work")]["management"]
    assert intune["owners_known"] is True and intune["mdm"] == "intune"
    assert [(o["role"], o["user_id"], o["package"]) for o in intune["owners"]] == [("profile_owner", 10, INTUNE)]
    verdict = next(v for v in devices[fleet.serial_of("intune-work")]["verdicts"] if v["user_id"] == 10)
    assert verdict["remediation"]["key"] == "fix.mdm.deny_lock"
    assert "Microsoft Intune" in verdict["remediation"]["text"] and "Verweigern" in verdict["remediation"]["text"]


def test_table_names_the_mdm_per_phone(fleet: Fleet) -> None:
    out = scan(fleet, "table")
    flat = " ".join(out.split())
    assert f"({fleet.serial_of('intune-work')}): managed: user 10 by Microsoft Intune ({INTUNE}, profile owner)" in flat
    assert "user 0 by Workspace ONE (com.airwatch.androidagent, device owner)" in flat
    none = flat[flat.index("Not managed by an MDM: "):flat.index("Phones: ")]
    assert f"({fleet.serial_of('pixel8-a14-critical')})" in none
    assert fleet.serial_of("intune-work") not in none and fleet.serial_of("nokia61-a8-mdm") not in none
    assert "Phones managed by an MDM: 3, not managed: 1, unknown: 0; findings an MDM policy would close: 1" in flat
