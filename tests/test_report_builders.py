"""Synthetic ScanReports for the report tests (no real phone, number or person anywhere).

Numbers are from the German test-number block +49 30 901820xx; e-mail addresses use example.de.
The digests stand in for the keyed digests the classifier makes, so fleet de-duplication can be
tested without any real key.
"""

from __future__ import annotations

import hashlib

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
    DeviceSnapshot,
    PermissionStatus,
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
