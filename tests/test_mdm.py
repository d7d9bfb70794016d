"""`contact-audit mdm`: the MDM policy output, validated against JSON Schemas written from the
vendors' public documentation (tests/fixtures/mdm/*.schema.json), golden files, and the CLI."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from audit.cli import app
from audit.errors import UsageError
from audit.mdm import FORMATS, plan_for, render_mdm
from audit.policy import default_policy, load_policy

MDM = Path(__file__).parent / "fixtures" / "mdm"
SCHEMAS = {
    "amapi": "amapi-policy-fragment.schema.json",
    "intune": "intune-app-configurations.schema.json",
    "json": "generic-v1.schema.json",
}


def schema(fmt: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((MDM / SCHEMAS[fmt]).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(loaded)
    return loaded


def errors(doc: Any, fmt: str) -> list[str]:
    validator = jsonschema.Draft202012Validator(schema(fmt))
    return [e.message for e in validator.iter_errors(doc)]


POLICY = """\
[organization]
name = "Example GmbH"
email_domains = ["example.de"]
[apps]
audit = ["com.whatsapp.w4b", "org.telegram.messenger", "com.whatsapp"]
"""


@pytest.fixture
def policy_file(tmp_path: Path) -> Path:
    path = tmp_path / "contact-audit.toml"
    path.write_text(POLICY, encoding="utf-8")
    return path


def test_every_format_has_a_schema() -> None:
    assert set(FORMATS) == set(SCHEMAS)


@pytest.mark.parametrize("fmt", sorted(SCHEMAS))
def test_output_is_valid_for_default_and_custom_policies(fmt: str, policy_file: Path) -> None:
    for policy in (default_policy(), load_policy(policy_file)):
        doc = json.loads(render_mdm(plan_for(policy, "9.9"), fmt))
        assert errors(doc, fmt) == []


@pytest.mark.parametrize("fmt", sorted(SCHEMAS))
def test_golden_files(fmt: str, policy_file: Path) -> None:
    """Deterministic output: a policy change is a reviewable diff (sha256 varies with the path, so
    the golden generic file is compared without it)."""
    text = render_mdm(plan_for(load_policy(policy_file), "9.9"), fmt)
    if fmt == "json":
        doc = json.loads(text)
        assert len(doc["policy"].pop("sha256")) == 64
        text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    golden = MDM / f"golden-{fmt}.json"
    assert text == golden.read_text(encoding="utf-8")


def test_every_audited_app_is_denied_and_nothing_else(policy_file: Path) -> None:
    plan = plan_for(load_policy(policy_file))
    amapi = json.loads(render_mdm(plan, "amapi"))
    assert [a["packageName"] for a in amapi["applications"]] == [
        "com.whatsapp", "com.whatsapp.w4b", "org.telegram.messenger",
    ]
    for entry in amapi["applications"]:
        assert entry["permissionGrants"] == [{"permission": "android.permission.READ_CONTACTS", "policy": "DENY"}]
    intune = json.loads(render_mdm(plan, "intune"))
    assert [c["packageId"] for c in intune] == ["app:com.whatsapp", "app:com.whatsapp.w4b", "app:org.telegram.messenger"]
    for config in intune:
        assert [(a["permission"], a["action"]) for a in config["permissionActions"]] == [
            ("android.permission.READ_CONTACTS", "autoDeny")
        ]
    generic = json.loads(render_mdm(plan, "json"))
    assert {(a["package"], a["action"], a["lock"]) for a in generic["apps"]} == {
        ("com.whatsapp", "deny", True), ("com.whatsapp.w4b", "deny", True), ("org.telegram.messenger", "deny", True),
    }


@pytest.mark.parametrize(
    ("fmt", "mutate"),
    [
        ("amapi", lambda d: d["applications"][0]["permissionGrants"][0].update(policy="REVOKE")),
        ("amapi", lambda d: d["applications"][0].update(packageName="com.whatsapp; reboot")),
        ("intune", lambda d: d[0]["permissionActions"][0].update(action="deny")),
        ("intune", lambda d: d[0].update(id="read-only")),
        ("json", lambda d: d["apps"][0].update(lock=False)),
    ],
)
def test_the_schemas_reject_a_wrong_document(fmt: str, mutate: Any) -> None:
    """The validation above can fail: a wrong action, key or package is caught."""
    doc = json.loads(render_mdm(plan_for(default_policy()), fmt))
    bad = copy.deepcopy(doc)
    mutate(bad)
    assert errors(bad, fmt) != []


def test_unknown_format_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        render_mdm(plan_for(default_policy()), "xml")


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("fmt", sorted(SCHEMAS))
def test_cli_prints_valid_output(fmt: str, policy_file: Path) -> None:
    code, out, err = cli("mdm", "--format", fmt, "--policy", str(policy_file))
    assert code == 0, err
    assert errors(json.loads(out), fmt) == []


def test_cli_writes_a_file_and_fails_in_one_line(policy_file: Path, tmp_path: Path) -> None:
    target = tmp_path / "amapi.json"
    code, out, _ = cli("mdm", "-f", "amapi", "-p", str(policy_file), "-o", str(target))
    assert code == 0 and out == ""
    assert errors(json.loads(target.read_text(encoding="utf-8")), "amapi") == []
    code, out, err = cli("mdm", "-p", str(tmp_path / "missing.toml"))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
