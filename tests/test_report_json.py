"""JSON schema v1: structure against schema-v1.json, stable key order, and parity with the CSV."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_report_builders import assert_golden, device, fleet, rich_scan, scan, verdict

from audit import messages
from audit.report import render
from audit.report.csv_report import neutralise, render_csv
from audit.report.json_report import render_json, report_document
from audit.results import DeviceStatus, Severity
from audit.snapshot import AndroidUser, DeviceInfo, UserKind

DOCS = Path(__file__).resolve().parent.parent / "docs" / "report-schema.md"
TYPES: dict[str, Any] = {
    "object": dict,
    "array": list,
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "null": type(None),
}


def schema() -> dict[str, Any]:
    text = resources.files("audit.report").joinpath("schema-v1.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def validate(value: Any, rule: dict[str, Any], path: str = "$") -> list[str]:
    """The subset of JSON Schema that schema-v1.json uses (jsonschema is not a dependency)."""
    errors: list[str] = []
    if "const" in rule and value != rule["const"]:
        errors.append(f"{path}: {value!r} != const {rule['const']!r}")
    if "type" in rule:
        names = rule["type"] if isinstance(rule["type"], list) else [rule["type"]]
        ok = any(
            isinstance(value, TYPES[n]) and not (isinstance(value, bool) and n in ("integer", "number")) for n in names
        )
        if not ok:
            return [f"{path}: {type(value).__name__} is not {names}"]
    if "enum" in rule and value not in rule["enum"]:
        errors.append(f"{path}: {value!r} not in {rule['enum']}")
    if "minimum" in rule and isinstance(value, int | float) and value < rule["minimum"]:
        errors.append(f"{path}: {value} < {rule['minimum']}")
    if isinstance(value, dict):
        props = rule.get("properties", {})
        for name in rule.get("required", []):
            if name not in value:
                errors.append(f"{path}: missing {name}")
        for name, item in value.items():
            if name in props:
                errors += validate(item, props[name], f"{path}.{name}")
            elif rule.get("additionalProperties") is False:
                errors.append(f"{path}: unexpected key {name}")
            elif isinstance(rule.get("additionalProperties"), dict):
                errors += validate(item, rule["additionalProperties"], f"{path}.{name}")
    if isinstance(value, list) and "items" in rule:
        for index, item in enumerate(value):
            errors += validate(item, rule["items"], f"{path}[{index}]")
    return errors


def key_order_errors(value: Any, rule: dict[str, Any], path: str = "$") -> list[str]:
    """Objects with listed properties must emit exactly those keys, in the schema's order."""
    errors: list[str] = []
    if isinstance(value, dict) and "properties" in rule:
        if list(value) != list(rule["properties"]):
            errors.append(f"{path}: keys {list(value)} != {list(rule['properties'])}")
        for name, item in value.items():
            if name in rule["properties"]:
                errors += key_order_errors(item, rule["properties"][name], f"{path}.{name}")
    if isinstance(value, list) and "items" in rule:
        for index, item in enumerate(value):
            errors += key_order_errors(item, rule["items"], f"{path}[{index}]")
    return errors


def schema_keys(rule: dict[str, Any]) -> set[str]:
    keys = set(rule.get("properties", {}))
    for child in rule.get("properties", {}).values():
        keys |= schema_keys(child)
    if isinstance(rule.get("items"), dict):
        keys |= schema_keys(rule["items"])
    return keys


def test_validator_catches_mistakes() -> None:
    doc = report_document(fleet())
    assert validate(doc, schema()) == []
    broken = json.loads(json.dumps(doc))
    broken["devices"][0]["verdicts"][0]["severity"] = "fine"
    broken["devices"][1]["status"] = None
    broken["summary"]["surprise"] = 1
    del broken["devices"][0]["users"][0]["address_book"]["by_class"]["personal"]
    errors = validate(broken, schema())
    assert len(errors) == 4, errors


def test_fleet_report_matches_the_schema() -> None:
    doc = json.loads(render_json(fleet()))
    assert validate(doc, schema()) == []
    assert key_order_errors(doc, schema()) == []


def test_german_report_matches_the_schema() -> None:
    doc = json.loads(render_json(fleet(), "de"))
    assert doc["lang"] == "de"
    assert validate(doc, schema()) == []


def test_top_level_facts() -> None:
    doc = json.loads(render(fleet(), "json"))
    assert doc["schema_version"] == 1
    assert doc["policy"] == {"name": "example-gmbh", "sha256": "ab" * 32}
    assert doc["interrupted"] is False
    assert doc["summary"]["phones"] == 5
    assert doc["summary"]["not_audited_by_status"]["unauthorized"] == 1
    assert doc["summary"]["exposed_third_party_numbers"] == 8
    assert doc["summary"]["worst_severity"] == "critical"
    assert [d["serial"] for d in doc["devices"]] == ["SIMA0001", "SIMB0002", "SIMC0003", "SIMD0004", "SIME0005"]


def test_users_carry_address_book_counts_and_app_facts() -> None:
    doc = json.loads(render_json(fleet()))
    owner, work = doc["devices"][0]["users"]
    assert (owner["id"], owner["kind"], work["id"], work["kind"]) == (0, "owner", 10, "work_profile")
    book = owner["address_book"]
    assert book["by_class"] == {"colleague": 2, "business": 3, "personal": 2, "invalid": 1, "third_party": 6}
    assert {"account_type": "com.google", "raw_contacts": 8} in book["by_account_type"]
    assert book["synced_by_package"] == [{"package": "com.whatsapp", "raw_contacts": 4}]
    assert work["address_book"]["cross_profile_contacts"] == "1"
    app = owner["apps"][0]
    assert app["contacts_permission"] == "granted"
    assert app["appops"][0]["op"] == "READ_CONTACTS"
    assert app["appops"][0]["last_access"] == "+3d2h ago"


def test_unknown_counts_are_null() -> None:
    doc = json.loads(render_json(fleet()))
    clone_verdict = doc["devices"][1]["verdicts"][1]
    assert clone_verdict["counts_known"] is False
    assert clone_verdict["third_party_numbers"] is None
    assert clone_verdict["colleague_numbers"] is None
    clone_user = doc["devices"][1]["users"][1]
    assert set(clone_user["address_book"]["by_class"].values()) == {None}


def test_messages_carry_text_key_and_params(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(
        messages.CATALOGUE, "test.finding.upload.granted", {"en": "{app}: {numbers}", "de": "{app}! {numbers}"}
    )
    doc = json.loads(render_json(fleet(), "de"))
    finding = doc["devices"][0]["verdicts"][0]["finding"]
    assert finding == {
        "text": "WhatsApp! 3",
        "key": "test.finding.upload.granted",
        "params": {"app": "WhatsApp", "numbers": 3},
    }


def test_skipped_phone_has_status_error_and_no_facts() -> None:
    doc = json.loads(render_json(fleet()))
    skipped = doc["devices"][2]
    assert (skipped["status"], skipped["error"], skipped["info"]) == (
        "unauthorized",
        "accept the USB debugging prompt",
        None,
    )
    assert skipped["users"] == skipped["verdicts"] == []
    assert skipped["severity"] == "unknown"


def test_each_phone_carries_its_worst_severity_and_unknown_when_not_audited() -> None:
    doc = json.loads(render_json(fleet()))
    assert [(d["status"], d["severity"]) for d in doc["devices"]] == [
        ("audited", "critical"),
        ("audited", "high"),
        ("unauthorized", "unknown"),
        ("offline", "unknown"),
        ("audited", "ok"),
    ]


def test_a_fleet_with_a_phone_not_audited_is_not_worst_ok() -> None:
    report = scan(device("SIMA0001", verdict(0, severity=Severity.OK)),
                  device("SIMB0002", status=DeviceStatus.TIMEOUT, error="no answer"))
    doc = json.loads(render_json(report))
    assert doc["summary"]["worst_severity"] == "unknown"
    assert validate(doc, schema()) == []


def test_device_strings_stay_data_even_when_hostile() -> None:
    model = "=cmd|' /C calc'!A0\x1b[31m\u202e"
    dev = device("SIMX\x00", verdict(0), model=model)
    doc = json.loads(render_json(scan(dev)))
    assert doc["devices"][0]["info"]["model"] == model
    assert doc["devices"][0]["serial"] == "SIMX\x00"


def test_lone_surrogates_do_not_break_utf8() -> None:
    dev = device("SIM\udcff", verdict(0), model="bad\ud800")
    text = render_json(scan(dev))
    text.encode("utf-8")
    assert json.loads(text)["devices"][0]["info"]["model"] == "bad\ufffd"


def test_problem_notes_are_redacted() -> None:
    dev = device("SIMX0001", verdict(0))
    assert dev.snapshot is not None
    dev = replace(
        dev,
        snapshot=replace(dev.snapshot, problems=("row 3: +49 30 90182077 unparsable", "mail a@example.de")),
    )
    problems = json.loads(render_json(scan(dev)))["devices"][0]["problems"]
    assert problems == ["row 3: [redacted] unparsable", "mail [redacted]"]


def test_users_only_named_in_verdicts_are_listed() -> None:
    dev = device("SIMX0001", verdict(0), verdict(150, kind=UserKind.SECURE_FOLDER))
    dev = replace(dev, snapshot=replace(dev.snapshot, users=(AndroidUser(0, "Owner", 0, UserKind.OWNER),)))  # type: ignore[arg-type]
    users = json.loads(render_json(scan(dev)))["devices"][0]["users"]
    assert [(u["id"], u["name"], u["kind"]) for u in users] == [(0, None, "owner"), (150, None, "secure_folder")]


def json_value_for(column: str, dev: dict[str, Any], v: dict[str, Any] | None, doc: dict[str, Any]) -> Any:
    """Where each CSV column lives in the JSON document."""
    scan_level = {"tool_version", "scan_id", "scanned_at", "station", "schema_version"}
    if column in scan_level:
        return doc[column]
    if column == "scan_interrupted":
        return doc["interrupted"]
    device_level = {
        "serial": "serial",
        "device_status": "status",
        "device_error": "error",
        "android_newer_than_verified": "android_newer_than_verified",
    }
    if column in device_level:
        return dev[device_level[column]]
    if column == "phone_managed":
        return dev["management"]["managed"] if dev["management"] else None
    info = {"manufacturer": "manufacturer", "model": "model", "android_version": "android_version", "sdk": "sdk"}
    if column in info:
        return dev["info"][info[column]] if dev["info"] else None
    if v is None:
        return dev["severity"] if column == "severity" else None
    if column in ("finding", "remediation"):
        return v[column]["text"]
    if column in ("permission_flags", "alternatives"):
        return "|".join(v[column])
    return v[column]


def csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return neutralise(str(value))


def assert_csv_values_in_json(report_text_csv: str, doc: dict[str, Any]) -> None:
    rows = list(csv.DictReader(io.StringIO(report_text_csv, newline="")))
    expected = []
    for dev in doc["devices"]:
        for v in dev["verdicts"] or [None]:
            expected.append((dev, v))
    assert len(rows) == len(expected)
    for row, (dev, v) in zip(rows, expected, strict=True):
        for column, cell in row.items():
            assert cell == csv_text(json_value_for(column, dev, v, doc)), column


def test_every_csv_value_is_in_the_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(
        messages.CATALOGUE, "test.finding.denied.fixed", {"en": "Denied, fixed.", "de": "Fest verweigert."}
    )
    for lang in ("en", "de"):
        report = fleet()
        assert_csv_values_in_json(render_csv(report, lang), json.loads(render_json(report, lang)))


@settings(max_examples=60, deadline=None)
@given(
    model=st.text(max_size=20), serial=st.text(min_size=1, max_size=12), flags=st.lists(st.text(max_size=8), max_size=3)
)
def test_csv_and_json_agree_for_any_device_strings(model: str, serial: str, flags: list[str]) -> None:
    dev = device(serial, replace(verdict(0), permission_flags=tuple(flags)))
    assert dev.snapshot is not None
    dev = replace(dev, snapshot=replace(dev.snapshot, info=DeviceInfo(model=model, sdk=30)))
    report = scan(dev)
    doc = json.loads(render_json(report))
    assert validate(doc, schema()) == []
    assert_csv_values_in_json(render_csv(report), doc)


def test_every_schema_key_and_csv_column_is_documented() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z_0-9]+)`", docs))
    missing = sorted(schema_keys(schema()) - documented)
    assert missing == []
    header = render_csv(scan()).split("\r\n", 1)[0].split(",")
    assert sorted(set(header) - documented) == []


def test_a_not_audited_phone_carries_its_reason_as_a_message() -> None:
    from audit.results import DeviceResult, DeviceStatus, Message

    dev = DeviceResult("SIMU0001", DeviceStatus.UNAUTHORIZED, "unauthorized: unlock the phone",
                       reason=Message("device.hint.unauthorized"))
    doc = json.loads(render_json(scan(dev, device("SIMX0001", verdict(0))), "de"))
    assert validate(doc, schema()) == []
    reason = doc["devices"][0]["reason"]
    assert reason["key"] == "device.hint.unauthorized" and reason["params"] == {}
    assert reason["text"].startswith("Telefon entsperren")
    assert doc["devices"][0]["error"] == "unauthorized: unlock the phone"  # the English line stays
    assert doc["devices"][1]["reason"] is None


@pytest.mark.parametrize("lang", ["en", "de"])
def test_every_field_of_a_varied_scan_is_where_the_schema_puts_it(lang: str) -> None:
    """The whole document of a scan in which every field has a value of its own (rich_scan):
    a count, an app fact or an owner in another key's place, or missing, fails here."""
    text = render_json(rich_scan(), lang)
    doc = json.loads(text)
    assert validate(doc, schema()) == [] and key_order_errors(doc, schema()) == []
    assert_golden(f"rich.{lang}.json", text)
