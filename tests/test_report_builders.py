"""Synthetic ScanReports for the report tests (no real phone, number or person anywhere).

Numbers are from the German test-number block +49 30 901820xx; e-mail addresses use example.de.
The digests stand in for the keyed digests the classifier makes, so fleet de-duplication can be
tested without any real key.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import replace
from pathlib import Path

import pytest

from audit.management import ManagedState, Management, Vendor
from audit.results import (
    DeviceResult,
    DeviceStatus,
    Message,
    NumberCounts,
    ScanReport,
    Severity,
    Tri,
    Upload,
    Verdict,
)
from audit.snapshot import (
    AddressBook,
    AndroidUser,
    AppOpState,
    AppState,
    ContactDatum,
    DataKind,
    DeviceInfo,
    DevicePolicyState,
    DeviceSnapshot,
    OwnerRole,
    PermissionStatus,
    PolicyOwner,
    UserKind,
)


def fake_number(n: int) -> str:
    """A number from the Berlin drama/test range, formatted as people type it."""
    return f"+49 30 901820{n % 100:02d}"


def key(number: str) -> bytes:
    return hashlib.sha256(b"test-key|" + "".join(ch for ch in number if ch.isdigit()).encode()).digest()


def counts(
    user_id: int = 0,
    *,
    known: bool = True,
    colleague: int = 0,
    business: int = 0,
    personal: int = 0,
    invalid: int = 0,
    exposed: tuple[int, ...] | None = None,
) -> NumberCounts:
    """Counts; ``exposed`` are fake-number indexes whose digests become the exposed keys."""
    third = business + personal + invalid
    if exposed is None:
        exposed = tuple(range(third))
    distinct = colleague + third
    return NumberCounts(
        user_id=user_id,
        known=known,
        contacts=distinct + 1 if known else 0,
        phone_numbers=distinct + 2 if known else 0,
        distinct_numbers=distinct,
        colleague=colleague,
        business=business,
        personal=personal,
        invalid=invalid,
        by_rule=(("colleague.prefix", colleague), ("personal.default", personal)) if known else (),
        by_account_type=(("com.google", distinct), ("", 1)) if known else (),
        synced_by_package=(("com.whatsapp", 4),) if known else (),
        exposed_keys=frozenset(key(fake_number(i)) for i in exposed) if known else frozenset(),
    )


def verdict(
    user_id: int = 0,
    *,
    kind: UserKind = UserKind.OWNER,
    package: str | None = "com.whatsapp",
    app: str | None = "WhatsApp",
    severity: Severity = Severity.CRITICAL,
    upload: Upload = Upload.YES,
    permission: PermissionStatus = PermissionStatus.GRANTED,
    number_counts: NumberCounts | None = None,
    app_version: str | None = "2.24.1.6",
    flags: tuple[str, ...] = ("USER_SET",),
    last_access: str | None = "+3d2h ago",
    alternatives: tuple[str, ...] = ("ch.threema.app",),
    rule: str = "upload.granted",
) -> Verdict:
    return Verdict(
        user_id=user_id,
        user_kind=kind,
        package=package,
        app=app if package is not None else None,
        app_version=app_version if package is not None else None,
        app_enabled=True if package is not None else None,
        contacts_permission=permission,
        permission_flags=flags,
        appop_mode="allow" if package is not None else None,
        last_contacts_access=last_access,
        synced_contacts=4 if package is not None else None,
        past_upload=Tri.YES if package is not None else Tri.NO,
        counts=number_counts if number_counts is not None else counts(user_id, business=2, personal=1),
        uploads_third_party=upload,
        severity=severity,
        rule=rule,
        finding=Message("test.finding." + rule, (("app", app or "-"), ("numbers", 3))),
        remediation=Message("test.remediation." + rule, (("package", package or "-"),)),
        alternatives=alternatives,
    )


def snapshot(
    serial: str,
    *,
    model: str | None = "Pixel 7",
    manufacturer: str | None = "Google",
    users: tuple[AndroidUser, ...] = (AndroidUser(0, "Owner", 0x13, UserKind.OWNER, True),),
    numbers: tuple[str, ...] = (),
    emails: tuple[str, ...] = ("erika.musterfrau@example.de",),
    organizations: tuple[str, ...] = ("Musterfirma Beispiel GmbH",),
    apps: tuple[AppState, ...] | None = None,
    problems: tuple[str, ...] = (),
) -> DeviceSnapshot:
    """A snapshot whose address books hold these raw rows (the privacy tests need them)."""
    data = [(DataKind.PHONE, v) for v in numbers]
    data += [(DataKind.EMAIL, v) for v in emails] + [(DataKind.ORGANIZATION, v) for v in organizations]
    rows = tuple(
        ContactDatum(raw_contact_id=i + 1, account_type="com.google", kind=kind, value=value)
        for i, (kind, value) in enumerate(data)
    )
    books = tuple(
        AddressBook(
            user_id=u.id,
            complete=True,
            rows=rows,
            raw_contacts_by_account=(("com.google", len(numbers)), (None, 1)),
            raw_contacts_known=True,
            cross_profile_contacts="1" if u.kind is UserKind.WORK_PROFILE else None,
        )
        for u in users
    )
    if apps is None:
        apps = tuple(
            AppState(
                package="com.whatsapp",
                user_id=u.id,
                installed=True,
                version_name="2.24.1.6",
                version_code=242016,
                target_sdk=34,
                enabled_state=0,
                requests_read_contacts=True,
                read_contacts=PermissionStatus.GRANTED,
                read_contacts_flags=("USER_SET",),
                appops=(AppOpState("READ_CONTACTS", mode="allow", last_access="+3d2h ago"),),
                appops_known=True,
            )
            for u in users
        )
    return DeviceSnapshot(
        serial=serial,
        info=DeviceInfo(manufacturer=manufacturer, model=model, android_release="14", sdk=34),
        users=users,
        apps=apps,
        address_books=books,
        problems=problems,
    )


def device(
    serial: str,
    *verdicts: Verdict,
    status: DeviceStatus = DeviceStatus.AUDITED,
    error: str | None = None,
    model: str | None = "Pixel 7",
    numbers: tuple[str, ...] = (),
    users: tuple[AndroidUser, ...] | None = None,
) -> DeviceResult:
    if status is not DeviceStatus.AUDITED:
        return DeviceResult(serial=serial, status=status, error=error)
    if users is None:
        users = tuple(
            AndroidUser(v.user_id, f"User {v.user_id}", 0, v.user_kind, True)
            for v in {v.user_id: v for v in verdicts}.values()
        )
    snap = snapshot(serial, model=model, users=users, numbers=numbers)
    return DeviceResult(
        serial=serial,
        status=status,
        error=error,
        snapshot=snap,
        counts=tuple({v.user_id: v.counts for v in verdicts}.values()),
        verdicts=verdicts,
        alternatives=("ch.threema.app",),
        duration_s=1.25,
    )


def scan(*devices: DeviceResult, interrupted: bool = False) -> ScanReport:
    return ScanReport(
        scan_id="20260501T100000Z-0001",
        scanned_at="2026-05-01T10:00:00Z",
        station="it-desk-1",
        tool_version="0.1.0",
        policy_name="example-gmbh",
        policy_hash="ab" * 32,
        devices=devices,
        interrupted=interrupted,
    )


def fleet() -> ScanReport:
    """Five phones: critical, high/unknown, unauthorized, offline, and one without WhatsApp."""
    return scan(
        device(
            "SIMA0001",
            verdict(0, number_counts=counts(0, colleague=2, business=3, personal=2, invalid=1)),
            verdict(
                10,
                kind=UserKind.WORK_PROFILE,
                severity=Severity.OK,
                upload=Upload.NO,
                permission=PermissionStatus.DENIED,
                flags=("USER_SET", "USER_FIXED"),
                number_counts=counts(10, colleague=5),
                rule="denied.fixed",
            ),
            numbers=tuple(fake_number(i) for i in range(8)),
        ),
        device(
            "SIMB0002",
            verdict(
                0,
                package="com.whatsapp.w4b",
                app="WhatsApp Business",
                severity=Severity.HIGH,
                upload=Upload.POSSIBLE,
                permission=PermissionStatus.DENIED,
                number_counts=counts(0, business=1, personal=3, exposed=(0, 1, 50, 51)),
                rule="denied.can_ask",
            ),
            verdict(
                95,
                kind=UserKind.CLONE,
                severity=Severity.UNKNOWN,
                upload=Upload.UNKNOWN,
                permission=PermissionStatus.UNKNOWN,
                number_counts=counts(95, known=False),
                rule="unknown.appops",
            ),
            model="SM-G991B",
        ),
        device("SIMC0003", status=DeviceStatus.UNAUTHORIZED, error="accept the USB debugging prompt"),
        device("SIMD0004", status=DeviceStatus.OFFLINE, error="device offline"),
        device(
            "SIME0005",
            verdict(0, package=None, severity=Severity.OK, upload=Upload.NO, rule="no_app", alternatives=()),
            model="moto g54",
        ),
    )


def test_fake_numbers_stay_in_the_test_range() -> None:
    assert {fake_number(i)[:13] for i in range(300)} == {"+49 30 901820"}


def test_fleet_has_every_kind_of_phone() -> None:
    report = fleet()
    assert {d.status for d in report.devices} == {
        DeviceStatus.AUDITED,
        DeviceStatus.UNAUTHORIZED,
        DeviceStatus.OFFLINE,
    }
    assert any(not v.counts.known for d in report.devices for v in d.verdicts)


# ---- a scan in which every report field has a value of its own (the golden-report tests) ------


def _real_message(key: str, v: Verdict, serial: str, **extra: str | int) -> Message:
    """A catalogue message with every parameter the catalogue's sentences use."""
    c = v.counts
    params: dict[str, str | int] = {
        "app": v.app or "-", "user": v.user_id, "third_party": c.third_party, "business": c.business,
        "personal": c.personal, "invalid": c.invalid, "colleague": c.colleague, "alternatives": "Threema Work",
        "serial": serial, "package": v.package or "-", **extra,
    }
    return Message(key, tuple(params.items()))


def rich_scan() -> ScanReport:
    """Five phones whose facts are all distinct from one another, so that a report showing one
    field in another's place, or leaving one out, differs from the golden files.

    A Samsung with an owner (unmanaged), an Intune-managed work profile and a clone whose address
    book could not be read; an unmanaged Android newer than verified with medium/low/ok verdicts, a
    secondary user, a guest without WhatsApp, a user with counts but no verdict and one with
    nothing read; an audited phone without verdicts, model or known owners; one phone not
    authorised (with a catalogue reason) and one that timed out (with an error line only).
    Problem notes hold a number and an address the reports must redact; the owner's name must
    never be shown. Some strings are longer than the table shows them: a release, the policy
    name, a wireless-debugging serial.
    """
    intune = "com.microsoft.windowsintune.companyportal"
    a_serial, b_serial = "R58M10AAA", "emulator-5554"
    a_users = (
        AndroidUser(0, "Erika Musterfrau", 0x13, UserKind.OWNER, True),
        AndroidUser(10, "Arbeitsprofil", 0x1030, UserKind.WORK_PROFILE, False),
        AndroidUser(95, "Klon", 0x4000, UserKind.CLONE, None),
    )
    a_apps = (
        AppState(
            package="com.whatsapp", user_id=0, installed=True, version_name="2.24.1.6", version_code=242016,
            target_sdk=34, enabled_state=1, requests_read_contacts=True, read_contacts=PermissionStatus.GRANTED,
            read_contacts_flags=("USER_SET", "REVIEW_REQUIRED"),
            appops=(
                AppOpState("WRITE_CONTACTS", mode="ignore"),
                AppOpState("READ_CONTACTS", mode="allow", uid_mode="foreground", last_access="+3d2h ago",
                           last_reject="+40d1h ago", duration="+12ms", last_access_utc="2026-04-28T08:00:00Z"),
            ),
            appops_known=True, first_install_time="2024-01-02 03:04:05", shared_user="shared.wa",
            problems=("odd line near +49 30 90182066",),
        ),
        AppState(package="com.whatsapp.w4b", user_id=0, installed=False),
        AppState(
            package="com.whatsapp.w4b", user_id=10, installed=True, version_name="2.24.2.1", version_code=242021,
            target_sdk=33, enabled_state=3, requests_read_contacts=True, read_contacts=PermissionStatus.DENIED,
            read_contacts_flags=("USER_SENSITIVE",), appops=(), appops_known=False,
        ),
        AppState(
            package="com.whatsapp", user_id=95, installed=True, version_name="2.24.1.7", version_code=242017,
            target_sdk=35, enabled_state=None, requests_read_contacts=None, read_contacts=PermissionStatus.UNKNOWN,
            appops=(AppOpState("READ_CONTACTS", mode="default", uid_mode="ignore"),), appops_known=True,
        ),
    )
    a_books = (
        AddressBook(0, complete=True, raw_contacts_by_account=(("com.google", 40),), raw_contacts_known=True,
                    problems=("row 5 skipped: kontakt@example.de",)),
        AddressBook(10, complete=True, cross_profile_contacts="0", raw_contacts_known=True),
        AddressBook(95, complete=False, problems=("content query denied",)),
    )
    a_policy = DevicePolicyState(
        known=True,
        owners=(PolicyOwner(OwnerRole.PROFILE_OWNER, 10, intune, f"{intune}/.receiver.Admin"),),
        problems=("unparsed line +49 30 90182077",),
    )
    a_snapshot = DeviceSnapshot(
        serial=a_serial,
        info=DeviceInfo(manufacturer="samsung", model="SM-S911B", android_release="14", sdk=34,
                        fingerprint="samsung/dm1qxeea/dm1q:14/UP1A.231005.007/S911BXXU3BWK5:user/release-keys",
                        serialno="R58M10AAASERIAL", sim_country="DE", locale="de-DE"),
        users=a_users, apps=a_apps, address_books=a_books, problems=("getprop: 2 lines skipped",),
        device_policy=a_policy,
    )
    owner_counts = NumberCounts(
        user_id=0, known=True, contacts=41, phone_numbers=37, distinct_numbers=29, colleague=5, business=7,
        personal=11, invalid=3, by_rule=(("colleague.prefix", 5), ("business.org", 7), ("personal.default", 11)),
        by_account_type=(("com.google", 38), ("com.whatsapp", 2)), synced_by_package=(("com.whatsapp", 17),),
        exposed_keys=frozenset(key(fake_number(i)) for i in range(21)),
    )
    work_counts = NumberCounts(
        user_id=10, known=True, contacts=13, phone_numbers=12, distinct_numbers=9, colleague=2, business=4,
        personal=2, invalid=1, by_rule=(("business.org", 4),), by_account_type=(("com.microsoft.exchange", 13),),
        exposed_keys=frozenset(key(fake_number(i)) for i in range(15, 22)),
    )
    clone_counts = NumberCounts(user_id=95, known=False)
    unmanaged = Management(ManagedState.UNMANAGED)
    managed = Management(ManagedState.MANAGED, OwnerRole.PROFILE_OWNER, intune, Vendor.INTUNE)
    owner_v = Verdict(
        user_id=0, user_kind=UserKind.OWNER, package="com.whatsapp", app="WhatsApp", app_version="2.24.1.6",
        app_enabled=True, contacts_permission=PermissionStatus.GRANTED,
        permission_flags=("USER_SET", "REVIEW_REQUIRED"), appop_mode="allow",
        last_contacts_access="2026-04-28T08:00:00Z", synced_contacts=17, past_upload=Tri.YES,
        counts=owner_counts, uploads_third_party=Upload.YES, severity=Severity.CRITICAL, rule="reads.third_party",
        finding=Message("x"), remediation=Message("x"), alternatives=("ch.threema.app",),
        last_contacts_access_text="+3d2h ago", management=unmanaged,
    )
    owner_v = replace(owner_v, finding=_real_message("finding.reads_third_party", owner_v, a_serial),
                      remediation=_real_message("fix.deny_lock.past", owner_v, a_serial))
    work_v = Verdict(
        user_id=10, user_kind=UserKind.WORK_PROFILE, package="com.whatsapp.w4b", app="WhatsApp Business",
        app_version="2.24.2.1", app_enabled=False, contacts_permission=PermissionStatus.DENIED,
        permission_flags=("USER_SENSITIVE",), appop_mode=None, last_contacts_access=None, synced_contacts=0,
        past_upload=Tri.NO, counts=work_counts, uploads_third_party=Upload.POSSIBLE, severity=Severity.HIGH,
        rule="denied.can_ask", finding=Message("x"), remediation=Message("x"), management=managed,
    )
    work_v = replace(work_v, finding=_real_message("finding.dormant.denied", work_v, a_serial),
                     remediation=_real_message("fix.mdm.deny_lock", work_v, a_serial, mdm="Microsoft Intune",
                                               mdm_package=intune))
    clone_v = Verdict(
        user_id=95, user_kind=UserKind.CLONE, package="com.whatsapp", app="WhatsApp (Klon)", app_version="2.24.1.7",
        app_enabled=None, contacts_permission=PermissionStatus.UNKNOWN, permission_flags=(), appop_mode="ignore",
        last_contacts_access="unknown", synced_contacts=None, past_upload=Tri.UNKNOWN, counts=clone_counts,
        uploads_third_party=Upload.UNKNOWN, severity=Severity.UNKNOWN, rule="unknown.address_book",
        finding=Message("x"), remediation=Message("x"), management=unmanaged,
    )
    clone_v = replace(clone_v, finding=_real_message("finding.unknown.address_book", clone_v, a_serial),
                      remediation=_real_message("fix.check_manually", clone_v, a_serial))
    phone_a = DeviceResult(
        serial=a_serial, status=DeviceStatus.AUDITED, snapshot=a_snapshot,
        counts=(owner_counts, work_counts, clone_counts), verdicts=(work_v, owner_v, clone_v),
        alternatives=("ch.threema.app",), duration_s=12.34567,
    )

    b_users = (
        AndroidUser(0, "Max", 0x13, UserKind.OWNER, True),
        AndroidUser(11, "Zweitnutzer", 0x400, UserKind.SECONDARY, True),
        AndroidUser(12, "Gast", 0x404, UserKind.GUEST, False),
        AndroidUser(13, "Kiosk", 0x10, UserKind.OTHER, True),  # counts, but no verdict
        AndroidUser(14, "Wartung", None, UserKind.OTHER, None),  # no address book, counts or verdict
    )
    b_apps = (
        AppState(package="com.whatsapp", user_id=0, installed=True, version_name="2.25.0.1", enabled_state=0,
                 read_contacts=PermissionStatus.DENIED, appops_known=True,
                 appops=(AppOpState("READ_CONTACTS", last_access="+5m ago"),)),  # a time, but no mode printed
        AppState(package="com.whatsapp", user_id=11, installed=True, version_name="2.25.0.2", enabled_state=4,
                 read_contacts=PermissionStatus.NOT_REQUESTED, appops_known=True),
    )
    b_books = tuple(AddressBook(u.id, complete=True, raw_contacts_known=True) for u in b_users if u.id != 14)
    b_snapshot = DeviceSnapshot(
        serial=b_serial, info=DeviceInfo(manufacturer="Google", model="sdk_gphone64", android_release="18-beta-preview", sdk=38),
        users=b_users, apps=b_apps, address_books=b_books, device_policy=DevicePolicyState(known=True),
    )
    b_counts = (
        NumberCounts(user_id=0, known=True, contacts=6, phone_numbers=6, distinct_numbers=6, business=1, personal=5,
                     exposed_keys=frozenset(key(fake_number(i)) for i in (3, 30, 31, 32, 33, 34))),
        NumberCounts(user_id=11, known=True, contacts=2, phone_numbers=3, distinct_numbers=2, colleague=2),
        NumberCounts(user_id=12, known=True),
        NumberCounts(user_id=13, known=True, contacts=1, phone_numbers=1, distinct_numbers=1, colleague=1),
    )
    medium_v = Verdict(
        user_id=0, user_kind=UserKind.OWNER, package="com.whatsapp", app="WhatsApp", app_version="2.25.0.1",
        app_enabled=True, contacts_permission=PermissionStatus.DENIED, permission_flags=(), appop_mode="allow",
        last_contacts_access="2026-03-01T12:30:00Z", synced_contacts=3, past_upload=Tri.YES, counts=b_counts[0],
        uploads_third_party=Upload.POSSIBLE, severity=Severity.MEDIUM, rule="dormant.denied",
        finding=Message("x"), remediation=Message("x"), alternatives=("ch.threema.app", "org.thoughtcrime.securesms"),
    )
    medium_v = replace(medium_v, finding=_real_message("finding.dormant.denied", medium_v, b_serial),
                       remediation=_real_message("fix.deny_lock", medium_v, b_serial))
    low_v = Verdict(
        user_id=11, user_kind=UserKind.SECONDARY, package="com.whatsapp", app="WhatsApp", app_version="2.25.0.2",
        app_enabled=False, contacts_permission=PermissionStatus.NOT_REQUESTED, permission_flags=(),
        appop_mode="default", last_contacts_access=None, synced_contacts=None, past_upload=Tri.NO,
        counts=b_counts[1], uploads_third_party=Upload.NO, severity=Severity.LOW, rule="not_requested",
        finding=Message("x"), remediation=Message("x"),
    )
    low_v = replace(low_v, finding=_real_message("finding.not_requested", low_v, b_serial),
                    remediation=_real_message("fix.preventive", low_v, b_serial))
    ok_v = Verdict(
        user_id=12, user_kind=UserKind.GUEST, package=None, app=None, app_version=None, app_enabled=None,
        contacts_permission=PermissionStatus.NOT_REQUESTED, permission_flags=(), appop_mode=None,
        last_contacts_access=None, synced_contacts=None, past_upload=Tri.NO, counts=b_counts[2],
        uploads_third_party=Upload.NO, severity=Severity.OK, rule="no_app", finding=Message("x"),
        remediation=Message("x"),
    )
    ok_v = replace(ok_v, finding=_real_message("finding.no_audited_app", ok_v, b_serial),
                   remediation=_real_message("fix.none", ok_v, b_serial))
    phone_b = DeviceResult(
        serial=b_serial, status=DeviceStatus.AUDITED, snapshot=b_snapshot, counts=b_counts,
        verdicts=(low_v, ok_v, medium_v), duration_s=3.5,
    )
    phone_c = DeviceResult("adb-0123456789ABCDEF-AbCdEf._adb-tls-connect._tcp", DeviceStatus.UNAUTHORIZED, "unauthorized: unlock the phone",
                           reason=Message("device.hint.unauthorized"), duration_s=0.25)
    phone_d = DeviceResult("192.168.178.23:5555", DeviceStatus.TIMEOUT, "no answer within 120 s from +49 30 90182088")
    # audited, yet no verdict and nothing known about its model, release or owners
    phone_e = DeviceResult(
        "ZY22ABCDEF", DeviceStatus.AUDITED,
        snapshot=DeviceSnapshot(serial="ZY22ABCDEF", info=DeviceInfo(), users=(), apps=(), address_books=()),
        duration_s=0.5,
    )
    return ScanReport(
        scan_id="20260501T100000Z-00c3",
        scanned_at="2026-05-01T10:00:00Z",
        station="it-desk-2",
        tool_version="0.9.1",
        policy_name="Beispiel GmbH: Diensttelefone im Außendienst, Fassung 2026-04 (Entwurf)",
        policy_hash="0123456789abcdef" * 4,
        devices=(phone_d, phone_a, phone_e, phone_c, phone_b),
    )


GOLDEN = Path(__file__).resolve().parent / "fixtures" / "reports"
UPDATE_GOLDEN = "CONTACT_AUDIT_UPDATE_GOLDEN"


def assert_golden(name: str, text: str) -> None:
    """``text`` must equal ``tests/fixtures/reports/<name>`` byte for byte.

    Why whole files: every field of a report is something an administrator or a data-protection
    officer reads, so a field shown in another's column, left out or worded differently must fail
    a test; a golden file states all of them at once and its diff shows what changed. After an
    intended change, rerun with ``CONTACT_AUDIT_UPDATE_GOLDEN=1`` (the test writes the file and
    still fails, so the new file is reviewed in the diff before it is committed).
    """
    path = GOLDEN / name
    if os.environ.get(UPDATE_GOLDEN) == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        pytest.fail(f"{path.name} rewritten ({UPDATE_GOLDEN}=1): review its diff, then run again without it")
    expected = path.read_bytes().decode("utf-8")
    assert text == expected, f"{name} differs from the golden file (see assert_golden)"
