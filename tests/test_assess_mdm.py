"""Remediation through the MDM (issue 12): a managed user's finding names its MDM, a POLICY_FIXED
denial there is credited to it, and an unknown management never loses the per-phone fix."""

from __future__ import annotations

from dataclasses import replace

import pytest
from test_parse_snapshot import snapshot

from audit.assess import audit_snapshot
from audit.messages import render
from audit.policy import default_policy
from audit.report.csv_report import records
from audit.report.summary import summarize
from audit.results import DeviceResult, ScanReport, Severity, Verdict
from audit.snapshot import DevicePolicyState, DeviceSnapshot, PermissionStatus


def verdict(snap: DeviceSnapshot, user: int, package: str) -> Verdict:
    result = audit_snapshot(snap, default_policy())
    return next(v for v in result.verdicts if v.user_id == user and v.package == package)


def report(*snaps: DeviceSnapshot) -> ScanReport:
    return ScanReport("scan", "2026-12-03T10:00:00Z", "desk", "0.1", None, None,
                      tuple(audit_snapshot(s, default_policy()) for s in snaps))


def test_managed_work_profile_remediation_names_the_mdm() -> None:
    v = verdict(snapshot("a14_workprofile"), 10, "com.whatsapp.w4b")
    assert v.severity is Severity.CRITICAL
    assert v.remediation.key == "fix.mdm.deny_lock.past"
    assert v.remediation.param("mdm") == "Microsoft Intune"
    for lang in ("en", "de"):
        text = render(v.remediation, lang)
        assert "Microsoft Intune" in text and "com.microsoft.windowsintune.companyportal" in text
        assert "contact-audit fix" not in text and "{" not in text


def test_unmanaged_and_unknown_users_keep_the_per_phone_fix() -> None:
    personal = verdict(snapshot("a14_workprofile"), 0, "com.whatsapp")  # the owner profile has no owner
    assert personal.remediation.key == "fix.deny_lock.past"
    unknown = verdict(snapshot("a12_oneplus"), 0, "com.whatsapp")  # dump denied: unknown
    assert unknown.management.managed is None
    assert "contact-audit fix" in render(unknown.remediation, "en")


def test_a_managed_profile_without_an_audited_app_still_names_its_mdm() -> None:
    """The reports' managed columns and the fleet summary read the management of every verdict."""
    snap = snapshot("a14_workprofile")
    snap = replace(snap, apps=tuple(a for a in snap.apps if a.user_id != 10))
    result = audit_snapshot(snap, default_policy())
    v = next(v for v in result.verdicts if v.user_id == 10)
    assert v.rule == "no_audited_app"
    assert v.management.managed is True and v.management.mdm_name == "Microsoft Intune"


def test_policy_fixed_denial_is_credited_to_the_mdm() -> None:
    snap = snapshot("a14_workprofile")
    apps = tuple(
        replace(a, read_contacts=PermissionStatus.DENIED, read_contacts_flags=("POLICY_FIXED",))
        if a.user_id == 10 else a
        for a in snap.apps
    )
    v = verdict(replace(snap, apps=apps), 10, "com.whatsapp.w4b")
    assert v.rule == "locked" and v.severity is Severity.OK
    assert v.finding.key.startswith("finding.locked.policy_mdm")
    assert "Microsoft Intune" in render(v.finding, "en") and "MDM-Richtlinie von Microsoft Intune" in render(v.finding, "de")


def test_the_rule_and_severity_never_depend_on_management() -> None:
    snap = snapshot("a14_workprofile")
    managed = verdict(snap, 10, "com.whatsapp.w4b")
    unknown = verdict(replace(snap, device_policy=DevicePolicyState()), 10, "com.whatsapp.w4b")
    assert (managed.rule, managed.severity, managed.uploads_third_party) == (
        unknown.rule, unknown.severity, unknown.uploads_third_party,
    )
    assert unknown.remediation.key == "fix.deny_lock.past"


@pytest.mark.parametrize("phone", ["a12_oneplus", "a13_pixel", "a11_xiaomi"])
def test_reports_leave_unknown_management_empty_never_false(phone: str) -> None:
    rows = records(report(snapshot(phone)))
    assert {r["phone_managed"] for r in rows} <= {"", "true"}
    assert "false" not in {r["user_managed"] for r in rows}


def test_fleet_summary_counts_managed_phones_and_closable_findings() -> None:
    summary = summarize(report(snapshot("a14_workprofile"), snapshot("a16_pixel"), snapshot("a12_oneplus")))
    assert (summary.managed_phones, summary.unmanaged_phones, summary.management_unknown_phones) == (1, 1, 1)
    assert summary.mdm_closable_findings == 1  # only WhatsApp Business in the Intune work profile


def test_a_phone_that_was_not_read_is_not_counted() -> None:
    from audit.results import DeviceStatus

    rep = ScanReport("scan", "t", "desk", "0.1", None, None, (DeviceResult("x", DeviceStatus.OFFLINE),))
    summary = summarize(rep)
    assert (summary.managed_phones, summary.unmanaged_phones, summary.management_unknown_phones) == (0, 0, 0)
    assert records(rep)[0]["phone_managed"] == ""


def test_the_table_names_an_owner_of_a_user_the_user_list_missed() -> None:
    from audit.report.table import management_lines

    snap = snapshot("a14_workprofile")
    snap = replace(snap, users=tuple(u for u in snap.users if u.id == 0), users_complete=False)
    lines = management_lines(report(snap), "en")
    assert len(lines) == 1 and "user 10 by Microsoft Intune" in " ".join(lines[0].split())
