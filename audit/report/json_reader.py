"""Reading a saved JSON report (schema v1) back, for reports made later from it (`contact-audit report`).

A saved report is input like any other: it may be truncated, hand-edited, of another schema
version or not ours at all. It is checked against ``schema-v1.json`` (the subset of JSON Schema
that file uses; jsonschema is not a dependency) and against the figures it repeats (the summary
must agree with the phones), so a damaged file is refused with one line rather than rendered
as a report a data-protection officer might trust. Keys the schema does not list are ignored,
as docs/report-schema.md promises consumers of a newer v1 report.

Error lines name the file and a JSON path built from schema names only, never a value from the
file (which could hold anything).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from audit.errors import ReportFileError
from audit.results import Severity

Json = dict[str, Any]

SCHEMA_VERSION = 1
MAX_BYTES = 256 * 1024 * 1024  # a fleet of thousands of phones is a few tens of MB

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


@cache
def schema() -> Json:
    """schema-v1.json as shipped in the package."""
    loaded: Json = json.loads(resources.files("audit.report").joinpath("schema-v1.json").read_text(encoding="utf-8"))
    return loaded


def read_report(path: Path) -> Json:
    """The JSON report at ``path``, checked; ``ReportFileError`` (one line) otherwise."""
    shown = _show(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ReportFileError(f"cannot read {shown}: {exc.strerror or type(exc).__name__}") from None
    if len(data) > MAX_BYTES:
        raise ReportFileError(f"{shown} is larger than {MAX_BYTES // (1024 * 1024)} MiB: not a contact-audit report")
    return parse_report(data, shown)


def parse_report(data: bytes, shown: str = "the report") -> Json:
    """``data`` (a saved JSON report) as plain dicts, checked against schema v1 and itself."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReportFileError(f"{shown} is not UTF-8 text: not a contact-audit JSON report") from None
    try:
        doc = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise ReportFileError(
            f"{shown} is not valid JSON (line {exc.lineno}, column {exc.colno}): damaged or not a contact-audit report"
        ) from None
    except (ValueError, RecursionError) as exc:
        reason = str(exc) if isinstance(exc, ValueError) else "nested too deeply"
        raise ReportFileError(f"{shown} is not a contact-audit JSON report ({reason})") from None
    if not isinstance(doc, dict) or "schema_version" not in doc or "devices" not in doc:
        raise ReportFileError(f"{shown} is not a contact-audit JSON report (no schema_version and devices)")
    version = doc["schema_version"]
    if version != SCHEMA_VERSION or isinstance(version, bool):
        shown_version = version if isinstance(version, int) and not isinstance(version, bool) else "?"
        raise ReportFileError(
            f"{shown} is a JSON report of schema version {shown_version}; this contact-audit reads version {SCHEMA_VERSION}"
        )
    errors = validate(doc, schema())
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ReportFileError(f"{shown} is damaged or not a contact-audit JSON report v1: {errors[0]}{more}")
    problem = inconsistency(doc)
    if problem:
        raise ReportFileError(f"{shown} contradicts itself ({problem}): damaged or edited")
    return doc


def validate(value: Any, rule: Json, path: str = "$") -> list[str]:
    """Where ``value`` breaks ``rule``: type, const, enum, minimum, required, properties, items.

    ``additionalProperties`` is not enforced: a consumer ignores keys it does not know.
    """
    if "type" in rule:
        names = rule["type"] if isinstance(rule["type"], list) else [rule["type"]]
        if not any(_is_type(value, name) for name in names):
            return [f"{path} should be {' or '.join(names)}"]
    if "const" in rule and (value != rule["const"] or type(value) is not type(rule["const"])):
        return [f"{path} should be {rule['const']!r}"]
    if "enum" in rule and value not in rule["enum"]:
        return [f"{path} should be one of {', '.join(map(str, rule['enum']))}"]
    if "minimum" in rule and isinstance(value, int | float) and value < rule["minimum"]:
        return [f"{path} should be at least {rule['minimum']}"]
    errors: list[str] = []
    if isinstance(value, dict):
        props = rule.get("properties", {})
        errors += [f"{path}.{name} is missing" for name in rule.get("required", []) if name not in value]
        for name, item in value.items():
            if name in props:
                errors += validate(item, props[name], f"{path}.{name}")
            elif isinstance(rule.get("additionalProperties"), dict):
                errors += validate(item, rule["additionalProperties"], f"{path}.{{key}}")
    if isinstance(value, list) and isinstance(rule.get("items"), dict):
        for index, item in enumerate(value):
            errors += validate(item, rule["items"], f"{path}[{index}]")
    return errors


def inconsistency(doc: Json) -> str | None:
    """The first place where ``doc``'s summary or severities disagree with its phones, if any.

    The HTML report shows both the summary and the phones; a file where they disagree was
    damaged or edited, and neither figure can be trusted.
    """
    devices: list[Json] = doc["devices"]
    summary: Json = doc["summary"]
    audited = sum(1 for d in devices if d["status"] == "audited")
    checks = [
        ("summary.phones", summary["phones"], len(devices)),
        ("summary.audited", summary["audited"], audited),
        ("summary.not_audited", summary["not_audited"], len(devices) - audited),
        ("summary.verdicts", summary["verdicts"], sum(len(d["verdicts"]) for d in devices)),
    ]
    for status, count in summary["not_audited_by_status"].items():
        checks.append((f"summary.not_audited_by_status.{status}", count,
                       sum(1 for d in devices if d["status"] == status)))
    for severity, count in summary["verdicts_by_severity"].items():
        checks.append((f"summary.verdicts_by_severity.{severity}", count,
                       sum(1 for d in devices for v in d["verdicts"] if v["severity"] == severity)))
    for where, stated, actual in checks:
        if stated != actual:
            return f"{where} is {stated}, the phones give {actual}"
    for index, device in enumerate(devices):
        expected = phone_severity(device)
        if device["severity"] != expected.value:
            return f"devices[{index}].severity is {device['severity']}, its verdicts give {expected.value}"
    worst = max((phone_severity(d) for d in devices), key=lambda s: s.rank, default=None)
    stated_worst = summary["worst_severity"]
    if (worst is None) != (stated_worst is None) or (
        worst is not None and stated_worst is not None and Severity(stated_worst).rank != worst.rank
    ):
        return f"summary.worst_severity is {stated_worst}, the phones give {worst.value if worst else None}"
    return None


def phone_severity(device: Json) -> Severity:
    """A phone's worst severity from its status and verdicts (``DeviceResult.worst`` for a saved phone)."""
    if device["status"] != "audited" or not device["verdicts"]:
        return Severity.UNKNOWN
    return max((Severity(v["severity"]) for v in device["verdicts"]), key=lambda s: s.rank)


def _is_type(value: Any, name: str) -> bool:
    if isinstance(value, bool) and name in ("integer", "number"):
        return False
    return isinstance(value, _TYPES[name])


def _no_duplicates(pairs: list[tuple[str, Any]]) -> Json:
    """Objects with a key twice are refused: which of the two a reader takes is not defined."""
    out: Json = {}
    for key, value in pairs:
        if key in out:
            raise ValueError("a key appears twice in one object")
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _show(path: Path) -> str:
    """The path for an error line: user input, so quoted and without control characters."""
    shown = "".join(c if c.isprintable() else "?" for c in str(path))
    return repr(shown[:200])
