"""The bundled Android 17 phone, and a phone past the verified range, scanned through the real adb server.

Android 17 (SDK 37) is the newest release contact-audit has been checked against
(docs/android-versions.md). A copy of the same phone reporting SDK 38 stands for a release
nobody has checked yet: it must be audited exactly the same way, and every report format must
say that its Android is newer than the verified range.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from audit.cli import app
from audit.simulator.profile import bundled_profiles

PHONE = "pixel10-a17-picker"


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def newer_copy(tmp_path: Path) -> Path:
    """The bundled Android 17 phone as a release one past the verified range (SDK 38)."""
    base = next(p for p in bundled_profiles() if p.stem == PHONE).read_text(encoding="utf-8")
    text = (
        base.replace('android_release = "17"', 'android_release = "18"')
        .replace("\nsdk = 37\n", "\nsdk = 38\n")
        .replace('serialno = "5C171FDJK00417"', 'serialno = "5C181FDJK00418"')
    )
    assert text.count("\nsdk = 38\n") == 1 and "5C181FDJK00418" in text
    path = tmp_path / "pixel10-a18-unverified.toml"
    path.write_text(text, encoding="utf-8")
    return path


def scan(port: str, *serials: str, fmt: str, lang: str = "en") -> tuple[int, str]:
    args = ["scan", "--adb-port", port, "--format", fmt, "--lang", lang, "--timeout", "180"]  # never meant to expire
    for serial in serials:
        args += ["-s", serial]
    code, out, _ = cli(*args)
    return code, out


def verdicts(device: dict[str, Any]) -> set[tuple[int, str | None, str, str]]:
    return {(v["user_id"], v["package"], v["rule"], v["severity"]) for v in device["verdicts"]}


def test_android_17_phone_and_a_newer_one_end_to_end(start_fleet, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fleet = start_fleet(PHONE, newer_copy(tmp_path))
    port = str(fleet.client().port)
    a17, a18 = fleet.serial_of(PHONE), fleet.serial_of("pixel10-a18-unverified")

    code, out = scan(port, a17, a18, fmt="json")
    assert code == 1  # WhatsApp reads third parties' numbers in the owner profile
    devices = {d["serial"]: d for d in json.loads(out)["devices"]}
    d17, d18 = devices[a17], devices[a18]
    assert (d17["status"], d17["info"]["sdk"], d17["info"]["android_version"]) == ("audited", 37, "17")
    assert (d18["status"], d18["info"]["sdk"], d18["info"]["android_version"]) == ("audited", 38, "18")
    assert (d17["android_newer_than_verified"], d18["android_newer_than_verified"]) == (False, True)
    assert d17["problems"] == [] and d18["problems"] == []

    expected = {
        (0, "com.whatsapp", "reads.third_party", "critical"),
        (10, "com.whatsapp.w4b", "not_requested.picker", "ok"),
    }
    assert verdicts(d17) == expected
    assert verdicts(d18) == expected  # a release past the range is judged the same way

    owner_apps = {a["package"]: a for u in d17["users"] if u["id"] == 0 for a in u["apps"]}
    assert owner_apps["com.whatsapp"]["contacts_permission"] == "granted"
    assert owner_apps["com.whatsapp"]["problems"] == []
    work_apps = {a["package"]: a for u in d17["users"] if u["id"] == 10 for a in u["apps"]}
    picker = work_apps["com.whatsapp.w4b"]
    assert (picker["requests_read_contacts"], picker["contacts_permission"]) == (False, "not_requested")
    finding = next(v["finding"] for v in d17["verdicts"] if v["package"] == "com.whatsapp.w4b")
    assert finding["key"] == "finding.not_requested.picker"
    assert "Contact Picker" in finding["text"]

    _, out = scan(port, a17, a18, fmt="csv")
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert "android_newer_than_verified" in rows[0]  # appended columns may follow it (schema v1 is additive)
    assert {(r["serial"], r["android_newer_than_verified"]) for r in rows} == {(a17, "false"), (a18, "true")}

    for lang, marker, verb in (("en", "update contact-audit", "runs"), ("de", "contact-audit aktualisieren", "läuft mit")):
        _, out = scan(port, a17, a18, fmt="table", lang=lang)
        flat = " ".join(out.split())
        assert flat.count(marker) == 1, lang
        assert f"Pixel 10 ({a18}) {verb} Android 18 (SDK 38)" in flat, lang
        assert f"({a17}) {verb}" not in flat, lang
