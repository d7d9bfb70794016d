"""Bring JSON reports (schema v1, e.g. the old history directory) into the history.

Why a strict reader of its own: report files are input like any other. One that is truncated,
nested a million levels deep, of another schema or holding a value of the wrong type is skipped
with one line naming the file and what is wrong, and never stops the others. Only what the
history stores is read (counts, states, verdict keys); importing a report twice adds nothing,
because its scan id is already there.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audit.errors import UsageError
from audit.history.rows import AppRow, AuditRow, ScanInfo, ScanRow
from audit.results import DeviceStatus, Severity, Tri, Upload
from audit.snapshot import PermissionStatus, UserKind

MAX_BYTES = 512 * 1024 * 1024

_STATUSES = {s.value for s in DeviceStatus}
_SEVERITIES = {s.value for s in Severity}
_PERMISSIONS = {s.value for s in PermissionStatus}
_TRI = {s.value for s in Tri}
_UPLOAD = {s.value for s in Upload}
_KINDS = {k.value for k in UserKind}


class BadReport(ValueError):
    """This file is not a contact-audit JSON report (the message says where)."""


@dataclass(frozen=True)
class Skipped:
    path: Path
    reason: str


def report_files(paths: list[Path]) -> list[Path]:
    """The ``*.json`` files of each directory (sorted), and each file named itself."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.glob("*.json") if p.is_file())
            if not found:
                raise UsageError(f"no JSON reports (*.json) in '{path}'")
            files += found
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(f"'{path}' does not exist")
    return files


def read_reports(files: list[Path]) -> Iterator[ScanRow | Skipped]:
    for path in files:
        try:
            yield read_report(path)
        except BadReport as exc:
            yield Skipped(path, str(exc))


def read_report(path: Path) -> ScanRow:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise BadReport(f"larger than {MAX_BYTES >> 20} MiB")
        doc = json.loads(path.read_bytes().decode("utf-8"))
    except OSError as exc:
        raise BadReport(f"cannot read it ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise BadReport("not UTF-8 text") from None
    except RecursionError:
        raise BadReport("nested too deeply to be a report") from None
    except ValueError as exc:
        raise BadReport(f"not JSON ({str(exc).split(':')[0]})") from None
    return parse_report(doc)


def parse_report(doc: Any) -> ScanRow:
    """A decoded JSON report as the rows the history stores; ``BadReport`` names the first bad key."""
    d = _obj(doc, "the document")
    if d.get("schema_version") != 1:
        raise BadReport("not a contact-audit JSON report of schema version 1")
    policy = _obj(d.get("policy") or {}, "policy")
    info = ScanInfo(
        scan_id=_str(d, "scan_id"),
        scanned_at=_str(d, "scanned_at"),
        station=_opt_str(d, "station") or "",
        tool_version=_opt_str(d, "tool_version") or "",
        policy_name=_opt_str(policy, "name"),
        policy_hash=_opt_str(policy, "sha256"),
        interrupted=bool(_opt_bool(d, "interrupted")),
        source="import",
    )
    if not info.scan_id.strip() or not info.scanned_at.strip():
        raise BadReport("empty scan_id or scanned_at")
    devices = d.get("devices")
    if not isinstance(devices, list):
        raise BadReport("devices is not a list")
    return ScanRow(info, tuple(_audit(_obj(dev, f"devices[{i}]"), f"devices[{i}]") for i, dev in enumerate(devices)))


def _audit(dev: dict[str, Any], where: str) -> AuditRow:
    status = _enum(dev, "status", _STATUSES, where)
    info = dev.get("info")
    info = _obj(info, f"{where}.info") if info is not None else {}
    verdicts = dev.get("verdicts") or []
    if not isinstance(verdicts, list):
        raise BadReport(f"{where}.verdicts is not a list")
    apps = tuple(_app(_obj(v, f"{where}.verdicts[{j}]"), f"{where}.verdicts[{j}]") for j, v in enumerate(verdicts))
    if "severity" in dev:
        severity = _enum(dev, "severity", _SEVERITIES, where)
    else:  # older reports: the worst verdict, unknown when there is none or the phone was not audited
        ranks = {s.value: s.rank for s in Severity}
        severity = max((a.severity for a in apps), key=lambda s: ranks[s], default="unknown")
    if status != "audited" or not apps:
        severity = "unknown"
    duration = dev.get("duration_s", 0.0)
    return AuditRow(
        serial=_str(dev, "serial", where),
        status=status,
        error=_opt_str(dev, "error", where),
        manufacturer=_opt_str(info, "manufacturer", where),
        model=_opt_str(info, "model", where),
        android_version=_opt_str(info, "android_version", where),
        sdk=_opt_int(info, "sdk", where),
        severity=severity,
        duration_s=float(duration) if isinstance(duration, int | float) and not isinstance(duration, bool) else 0.0,
        alternatives=_str_list(dev, "alternatives", where),
        apps=apps,
    )


def _app(v: dict[str, Any], where: str) -> AppRow:
    finding = _obj(v.get("finding"), f"{where}.finding")
    remediation = _obj(v.get("remediation"), f"{where}.remediation")
    known = _opt_bool(v, "counts_known", where)
    return AppRow(
        user_id=_int(v, "user_id", where),
        user_kind=_enum(v, "user_kind", _KINDS, where),
        package=_opt_str(v, "package", where),
        app=_opt_str(v, "app", where),
        app_version=_opt_str(v, "app_version", where),
        app_enabled=_opt_bool(v, "app_enabled", where),
        contacts_permission=_enum(v, "contacts_permission", _PERMISSIONS, where),
        permission_flags=_str_list(v, "permission_flags", where),
        appop_mode=_opt_str(v, "appop_mode", where),
        last_contacts_access=_opt_str(v, "last_contacts_access", where),
        synced_contacts=_opt_int(v, "synced_contacts", where),
        past_upload=_enum(v, "past_upload", _TRI, where),
        counts_known=bool(known),
        contacts=_opt_int(v, "contacts", where) if known else None,
        phone_numbers=_opt_int(v, "phone_numbers", where) if known else None,
        distinct_numbers=_opt_int(v, "distinct_numbers", where) if known else None,
        colleague_numbers=_opt_int(v, "colleague_numbers", where) if known else None,
        business_numbers=_opt_int(v, "business_numbers", where) if known else None,
        personal_numbers=_opt_int(v, "personal_numbers", where) if known else None,
        invalid_numbers=_opt_int(v, "invalid_numbers", where) if known else None,
        uploads_third_party=_enum(v, "uploads_third_party", _UPLOAD, where),
        severity=_enum(v, "severity", _SEVERITIES, where),
        rule=_str(v, "rule", where),
        finding_key=_str(finding, "key", f"{where}.finding"),
        finding_params=_params(finding, f"{where}.finding"),
        remediation_key=_str(remediation, "key", f"{where}.remediation"),
        remediation_params=_params(remediation, f"{where}.remediation"),
        alternatives=_str_list(v, "alternatives", where),
    )


def _obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BadReport(f"{where} is not an object")
    return value


def _str(d: dict[str, Any], key: str, where: str = "") -> str:
    value = d.get(key)
    if not isinstance(value, str):
        raise BadReport(f"{_at(where, key)} is not text")
    return value


def _opt_str(d: dict[str, Any], key: str, where: str = "") -> str | None:
    value = d.get(key)
    if value is not None and not isinstance(value, str):
        raise BadReport(f"{_at(where, key)} is not text")
    return value


def _int(d: dict[str, Any], key: str, where: str) -> int:
    value = _opt_int(d, key, where)
    if value is None:
        raise BadReport(f"{_at(where, key)} is missing")
    return value


def _opt_int(d: dict[str, Any], key: str, where: str) -> int | None:
    value = d.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not -(2**31) <= value < 2**31:
        raise BadReport(f"{_at(where, key)} is not a whole number")
    return value


def _opt_bool(d: dict[str, Any], key: str, where: str = "") -> bool | None:
    value = d.get(key)
    if value is not None and not isinstance(value, bool):
        raise BadReport(f"{_at(where, key)} is not true or false")
    return value


def _enum(d: dict[str, Any], key: str, allowed: set[str], where: str = "") -> str:
    value = d.get(key)
    if value not in allowed:
        raise BadReport(f"{_at(where, key)} is not one of the schema's values")
    return str(value)


def _str_list(d: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = d.get(key) or []
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise BadReport(f"{_at(where, key)} is not a list of text")
    return tuple(value)


def _params(message: dict[str, Any], where: str) -> tuple[tuple[str, str | int], ...]:
    params = message.get("params") or {}
    if not isinstance(params, dict):
        raise BadReport(f"{where}.params is not an object")
    out: list[tuple[str, str | int]] = []
    for k, v in params.items():
        if isinstance(v, bool) or not isinstance(v, str | int):
            raise BadReport(f"{where}.params.{k[:30]} is not text or a number")
        out.append((k, v))
    return tuple(out)


def _at(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key
