"""The frozen facts read from one phone: the contract between parse and everything after it.

Why this shape:
- A fact the tool could not establish is ``None`` (or ``PermissionStatus.UNKNOWN``) and the
  reason is recorded in a ``problems`` tuple next to it. Nothing downstream may read ``None``
  as "no" or "not granted": uncertain means not compliant.
- Raw contact values (numbers, e-mail addresses, company names) live only in
  ``ContactDatum.value``, which is excluded from ``repr`` so that a log line, a traceback or an
  assertion message cannot leak them. Serialisers must never emit them (see report/).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

READ_CONTACTS = "android.permission.READ_CONTACTS"
CONTACT_OPS = ("READ_CONTACTS", "WRITE_CONTACTS", "GET_ACCOUNTS")

# android.content.pm.PackageManager permission flags that lock a denial: the app can no longer ask.
LOCKING_FLAGS = frozenset({"USER_FIXED", "POLICY_FIXED", "SYSTEM_FIXED"})


class UserKind(str, Enum):
    """What an Android user is to the phone's owner; decides how its address book is read."""

    OWNER = "owner"
    WORK_PROFILE = "work_profile"
    SECURE_FOLDER = "secure_folder"
    CLONE = "clone"  # Samsung Dual Messenger (95), Xiaomi XSpace / ColorOS clones (999, 998)
    SECONDARY = "secondary"
    GUEST = "guest"
    OTHER = "other"


class PermissionStatus(str, Enum):
    """READ_CONTACTS as the CSV schema names it."""

    GRANTED = "granted"
    DENIED = "denied"
    INSTALL_TIME = "install_time"  # granted at install (listed under "install permissions")
    NOT_REQUESTED = "not_requested"
    UNKNOWN = "unknown"


class DataKind(str, Enum):
    """The address-book rows the classifier needs (ContactsContract mimetypes)."""

    PHONE = "phone"  # vnd.android.cursor.item/phone_v2
    EMAIL = "email"  # vnd.android.cursor.item/email_v2
    ORGANIZATION = "organization"  # vnd.android.cursor.item/organization


MIMETYPES: dict[str, DataKind] = {
    "vnd.android.cursor.item/phone_v2": DataKind.PHONE,
    "vnd.android.cursor.item/email_v2": DataKind.EMAIL,
    "vnd.android.cursor.item/organization": DataKind.ORGANIZATION,
}


@dataclass(frozen=True)
class DeviceInfo:
    """Identifying properties from ``getprop``. Every value is untrusted display text."""

    manufacturer: str | None = None
    model: str | None = None
    android_release: str | None = None
    sdk: int | None = None
    fingerprint: str | None = None
    serialno: str | None = None
    sim_country: str | None = None  # ISO 3166 alpha-2, upper case, first SIM slot
    locale: str | None = None  # BCP 47, e.g. "de-DE"


@dataclass(frozen=True)
class AndroidUser:
    """One Android user or profile (``pm list users``)."""

    id: int
    name: str
    flags: int | None
    kind: UserKind
    running: bool | None = None
    # Other kinds the user may be (an OEM flag bit read without knowing the maker, a profile whose
    # type could not be read): verdicts judge the worst of kind and these (docs/verdicts.md).
    alt_kinds: tuple[UserKind, ...] = ()

    def may_be(self, kind: UserKind) -> bool:
        return self.kind is kind or kind in self.alt_kinds


@dataclass(frozen=True)
class AppOpState:
    """One app-op of one package in one user (``appops get --user N PKG``).

    ``uid_mode`` is the UID-scoped mode (printed after ``Uid mode:`` on Android 8+), ``mode`` the
    package-scoped one. ``last_access``/``last_reject`` keep the device's text (e.g.
    ``+3d2h ago``) as evidence; ``last_access_utc`` is the absolute time, computed from the
    phone's clock read in the same run, or None when either could not be read (never guessed).
    """

    op: str
    mode: str | None = None
    uid_mode: str | None = None
    last_access: str | None = None
    last_reject: str | None = None
    duration: str | None = None
    # Printed once, but whether in the UID or the package block cannot be told (the ``Uid mode:``
    # quirk). Either way the other scope is at its default, so this is the enforced mode.
    unscoped_mode: str | None = None
    # ``last_access`` as an ISO 8601 UTC time, computed from the phone's clock read in the same
    # run (audit.parse.clock); None when the access time or the clock could not be read.
    last_access_utc: str | None = None

    @property
    def effective_mode(self) -> str | None:
        """The mode Android enforces: a non-default UID mode wins over the package mode."""
        if self.unscoped_mode is not None:
            return self.unscoped_mode
        if self.uid_mode is not None and self.uid_mode != "default":
            return self.uid_mode
        return self.mode if self.mode is not None else self.uid_mode


@dataclass(frozen=True)
class AppState:
    """One audited (or alternative) package as seen in one Android user."""

    package: str
    user_id: int
    installed: bool | None
    version_name: str | None = None
    version_code: int | None = None
    target_sdk: int | None = None
    # PackageManager COMPONENT_ENABLED_STATE_*: 0 default, 1 enabled, 2 disabled,
    # 3 disabled by user, 4 disabled until used. 0 and 1 mean the app can run.
    enabled_state: int | None = None
    requests_read_contacts: bool | None = None
    read_contacts: PermissionStatus = PermissionStatus.UNKNOWN
    read_contacts_flags: tuple[str, ...] = ()
    appops: tuple[AppOpState, ...] = ()
    appops_known: bool = False  # False: the app-op state could not be read
    first_install_time: str | None = None
    shared_user: str | None = None
    problems: tuple[str, ...] = ()

    @property
    def enabled(self) -> bool | None:
        if self.enabled_state is None:
            return None
        return self.enabled_state in (0, 1)

    def appop(self, op: str) -> AppOpState | None:
        for state in self.appops:
            if state.op == op:
                return state
        return None


@dataclass(frozen=True)
class ContactDatum:
    """One phone / e-mail / organisation row of the contacts provider.

    ``value`` is raw personal data: kept in memory for classification only.
    """

    raw_contact_id: int
    account_type: str | None
    kind: DataKind
    value: str = field(repr=False)


@dataclass(frozen=True)
class AddressBook:
    """The contacts provider of one Android user.

    ``complete`` is False when the rows could not be read (locked profile, provider error,
    garbage output): the counts are then unknown, not zero.
    """

    user_id: int
    complete: bool
    rows: tuple[ContactDatum, ...] = field(default=(), repr=False)
    # account_type (None = device-local) -> number of non-deleted raw contacts
    raw_contacts_by_account: tuple[tuple[str | None, int], ...] = ()
    raw_contacts_known: bool = False
    # Work profiles: Settings.Secure managed_profile_contact_remote_search ("1", "0" or None)
    cross_profile_contacts: str | None = None
    problems: tuple[str, ...] = ()

    def raw_contacts_of(self, account_type: str) -> int | None:
        """Raw contacts written under one account type (None when the count is unknown)."""
        if not self.raw_contacts_known:
            return None
        return sum(n for acct, n in self.raw_contacts_by_account if acct == account_type)


@dataclass(frozen=True)
class DeviceSnapshot:
    """Everything read from one phone in one collection run."""

    serial: str  # the adb serial (host side); untrusted text
    info: DeviceInfo
    users: tuple[AndroidUser, ...]
    apps: tuple[AppState, ...]
    address_books: tuple[AddressBook, ...]
    problems: tuple[str, ...] = ()
    # False when the phone's user list could not be read and only the owner is reported: other
    # profiles (work profile, Secure Folder, clones) may exist unseen.
    users_complete: bool = True
    # Users the output names (a section's user=N, the raw user list, dumpsys) whose user line
    # could not be read (a line break in the name, an OEM variant): each gets an unknown.users
    # verdict, never silence.
    unlisted_user_ids: tuple[int, ...] = ()
    # The phone's clock (seconds since the epoch, UTC) read just before the app-ops; None when
    # unreadable, and then every app-op access time is unknown.
    clock: int | None = None
    # Device and profile owners (``dumpsys device_policy``); unknown unless read whole.
    device_policy: DevicePolicyState = field(default_factory=lambda: DevicePolicyState())

    def user(self, user_id: int) -> AndroidUser | None:
        for user in self.users:
            if user.id == user_id:
                return user
        return None

    def apps_in(self, user_id: int) -> tuple[AppState, ...]:
        return tuple(a for a in self.apps if a.user_id == user_id)

    def address_book(self, user_id: int) -> AddressBook | None:
        for book in self.address_books:
            if book.user_id == user_id:
                return book
        return None


# ---- who manages the phone (issue 12) ----------------------------------------------------------


class OwnerRole(str, Enum):
    """How a device-policy app (DPC) manages a user: the whole phone or one profile."""

    DEVICE_OWNER = "device_owner"
    PROFILE_OWNER = "profile_owner"


@dataclass(frozen=True)
class PolicyOwner:
    """One device or profile owner from ``dumpsys device_policy``.

    ``package`` is None when the block named no valid package (the user is still managed, by an
    app that cannot be named); ``component`` is the admin receiver as the phone printed it.
    """

    role: OwnerRole
    user_id: int
    package: str | None
    component: str | None = None


@dataclass(frozen=True)
class DevicePolicyState:
    """The owners of the phone and its profiles.

    ``known`` is True only when the owners part of the dump was seen to end: an unreadable or
    cut dump means the managed state is unknown, never "unmanaged".
    """

    known: bool = False
    owners: tuple[PolicyOwner, ...] = ()
    problems: tuple[str, ...] = ()

    def owner_of(self, user_id: int) -> PolicyOwner | None:
        """The owner that manages ``user_id``: its profile owner, else the device owner of that user."""
        for owner in self.owners:
            if owner.role is OwnerRole.PROFILE_OWNER and owner.user_id == user_id:
                return owner
        for owner in self.owners:
            if owner.role is OwnerRole.DEVICE_OWNER and owner.user_id == user_id:
                return owner
        return None
