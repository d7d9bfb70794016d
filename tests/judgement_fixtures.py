"""Builders for synthetic snapshots and policies used by the classify and assess tests.

All numbers are fictitious: the Berlin 030 901820xx block (as the project's test convention),
Ofcom's London drama range 020 7946 0xxx and the US 555-01xx fiction range; domains are
example.* only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from audit.policy import Policy, default_policy
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

WA = "com.whatsapp"
W4B = "com.whatsapp.w4b"
THREEMA_WORK = "ch.threema.app.work"

COMPANY_PREFIX = "+49 30 9018209"  # colleagues: +49 30 9018209x
COLLEAGUE_1 = "+49 30 90182091"
COLLEAGUE_2 = "+49 30 90182092"
CUSTOMER_1 = "+49 30 90182011"
CUSTOMER_2 = "+49 30 90182012"
PRIVATE_1 = "+49 30 90182021"
PRIVATE_2 = "+49 30 90182022"


@dataclass
class C:
    """One raw contact for ``book``."""

    phones: Sequence[str] = ()
    emails: Sequence[str] = ()
    orgs: Sequence[str] = ()
    account: str | None = "com.google"
    id: int | None = None
    extra: dict[str, str] = field(default_factory=dict)


def book(
    user_id: int,
    contacts: Iterable[C],
    *,
    complete: bool = True,
    synced: dict[str, int] | None = None,
    raw_known: bool = True,
) -> AddressBook:
    """An address book; raw_contacts_by_account is derived from the contacts plus ``synced``."""
    rows: list[ContactDatum] = []
    per_account: dict[str | None, int] = {}
    for n, c in enumerate(contacts, start=1):
        rid = c.id if c.id is not None else n
        per_account[c.account] = per_account.get(c.account, 0) + 1
        rows += [ContactDatum(rid, c.account, DataKind.PHONE, v) for v in c.phones]
        rows += [ContactDatum(rid, c.account, DataKind.EMAIL, v) for v in c.emails]
        rows += [ContactDatum(rid, c.account, DataKind.ORGANIZATION, v) for v in c.orgs]
    for account, count in (synced or {}).items():
        per_account[account] = per_account.get(account, 0) + count
    return AddressBook(
        user_id=user_id,
        complete=complete,
        rows=tuple(rows),
        raw_contacts_by_account=tuple(per_account.items()),
        raw_contacts_known=raw_known,
    )


def app(
    package: str = WA,
    user_id: int = 0,
    *,
    perm: PermissionStatus = PermissionStatus.GRANTED,
    flags: Sequence[str] = (),
    mode: str | None = "allow",
    uid_mode: str | None = None,
    access: str | None = None,
    enabled_state: int | None = 0,
    installed: bool | None = True,
    appops_known: bool = True,
    requests: bool | None = True,
) -> AppState:
    """An app in one user; mode=None with appops_known means no READ_CONTACTS entry was listed."""
    ops: tuple[AppOpState, ...] = ()
    if mode is not None or uid_mode is not None or access is not None:
        ops = (AppOpState("READ_CONTACTS", mode=mode, uid_mode=uid_mode, last_access=access),)
    return AppState(
        package=package,
        user_id=user_id,
        installed=installed,
        version_name="2.24.1.6",
        enabled_state=enabled_state,
        requests_read_contacts=requests,
        read_contacts=perm,
        read_contacts_flags=tuple(flags),
        appops=ops,
        appops_known=appops_known,
    )


OWNER = AndroidUser(0, "Owner", 0x13, UserKind.OWNER, True)
WORK = AndroidUser(10, "Work profile", 0x1030, UserKind.WORK_PROFILE, True)


def snapshot(
    apps: Sequence[AppState] = (),
    books: Sequence[AddressBook] = (),
    users: Sequence[AndroidUser] = (OWNER,),
    *,
    sim: str | None = "DE",
    locale: str | None = "de-DE",
    serial: str = "R58M90182A",
    sdk: int | None = None,
) -> DeviceSnapshot:
    return DeviceSnapshot(
        serial=serial,
        info=DeviceInfo(manufacturer="samsung", model="SM-A536B", sdk=sdk, sim_country=sim, locale=locale),
        users=tuple(users),
        apps=tuple(apps),
        address_books=tuple(books),
    )


def policy(**changes: object) -> Policy:
    """Example GmbH: company prefix, company domain example.de, region DE unless changed."""
    base = replace(
        default_policy(),
        name="Example GmbH",
        email_domains=("example.de",),
        phone_prefixes=("+49309018209",),
        default_region="DE",
    )
    return replace(base, **changes)  # type: ignore[arg-type]
