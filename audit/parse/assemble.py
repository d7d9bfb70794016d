"""All sections of one collector run -> one DeviceSnapshot.

Rules that keep a doubtful fact from turning into a comforting one:

- A section that failed (non-zero exit status) is not read at all; one that was cut off (no end
  marker) is read only where the parser can tell what is whole (getprop lines, user lines,
  dumpsys blocks that were seen to end). A cut-off package list, app-op listing or contacts
  answer is unknown: the missing tail could hold exactly the entry that matters.
- A package is in a user when that user's package list names it or dumpsys says
  ``installed=true`` for that user; when the two disagree (an app installed or removed during
  the scan, a hidden app), or the list is unusable and dumpsys says nothing, ``installed`` is
  None and the app is still reported, with the reason.
- Every problem names only sections, user ids, package names and counts: never device text,
  which could hold a contact's name or number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from audit.parse.appops import parse_appops
from audit.parse.clock import access_time, parse_clock
from audit.parse.content import parse_contacts, parse_raw_contacts
from audit.parse.device_policy import parse_device_policy
from audit.parse.dumpsys_package import PackageDump, dumpsys_failure, parse_dumpsys_package
from audit.parse.getprop import parse_getprop
from audit.parse.grants import PermissionFinding, read_contacts
from audit.parse.packages import PackageListing, parse_package_list
from audit.parse.settings import parse_setting
from audit.parse.users import PROFILE, named_user_ids, oem_of, parse_users, user_kinds
from audit.sections import Collection
from audit.snapshot import (
    CONTACT_OPS,
    AddressBook,
    AndroidUser,
    AppOpState,
    AppState,
    ContactDatum,
    DeviceInfo,
    DevicePolicyState,
    DeviceSnapshot,
    PermissionStatus,
    UserKind,
)

OK, CUT, FAILED, MISSING = "ok", "cut off", "failed", "missing"
BROKEN = "broken"  # exit 0, but the command itself says its output is not whole


@dataclass(frozen=True)
class _Body:
    text: str
    state: str
    rc: int | None = None
    reason: str | None = None

    @property
    def readable(self) -> bool:
        return self.state in (OK, CUT)

    def why(self, what: str) -> str:
        if self.state == FAILED:
            return f"{what} failed (exit status {self.rc})"
        if self.state == CUT:
            return f"{what} was cut off"
        if self.state == BROKEN:
            return f"{what} is not whole ({self.reason})"
        return f"{what} was not collected"


def _body(collection: Collection, name: str, **attrs: str) -> _Body:
    section = collection.first(name, **attrs)
    if section is None:
        return _Body("", MISSING)
    if section.rc is None:
        return _Body(section.body, CUT)
    if section.rc != 0:
        return _Body(section.body, FAILED, section.rc)
    return _Body(section.body, OK, 0)


def build_snapshot(serial: str, collection: Collection, packages: Sequence[str]) -> DeviceSnapshot:
    """Everything that can be read from ``collection``; what cannot is None/unknown with a problem.

    Never raises on device output. ``packages`` are the (host-validated) packages the collector
    was asked about; one AppState is built per user in which a package is (or may be) installed.
    """
    problems: list[str] = []
    if not collection.complete:
        problems.append(f"the collection is incomplete ({collection.problem or 'output ended early'})")
    elif collection.problem:
        problems.append(f"the collector output is flawed ({collection.problem})")

    info = _device_info(collection, problems)
    users, users_complete = _users(collection, problems, oem_of(info.manufacturer))
    packages = tuple(dict.fromkeys(packages))
    dumps = _dumps(collection, packages)

    unlisted = tuple(sorted(_named_user_ids(collection, dumps) - {u.id for u in users}))
    if unlisted:
        problems.append(
            f"user(s) {', '.join(str(u) for u in unlisted)} appear in the output, but their user lines could not be read"
        )

    apps: list[AppState] = []
    books: list[AddressBook] = []
    for user in users:
        listing = _package_listing(collection, user.id, problems)
        for package in packages:
            app = _app_state(collection, user.id, package, listing, dumps.get(package))
            if app is not None:
                apps.append(app)
        books.append(_address_book(collection, user.id))
    clock = _clock(collection, problems, apps)
    apps = [_with_access_times(app, clock) for app in apps]
    return DeviceSnapshot(
        serial, info, users, tuple(apps), tuple(books), tuple(problems), users_complete, unlisted,
        clock=clock, device_policy=_device_policy(collection),
    )


def _clock(collection: Collection, problems: list[str], apps: list[AppState]) -> int | None:
    """The phone's clock from the ``clock`` section; a problem when it cannot be read and some
    app-op access time needed it."""
    body = _body(collection, "clock")
    clock = parse_clock(body.text) if body.state == OK else None
    if clock is None and any(op.last_access for app in apps for op in app.appops):
        problems.append(f"{body.why('reading the phone clock')}: app-op access times are unknown" if body.state != OK
                        else "the phone's clock could not be read: app-op access times are unknown")
    return clock


def _with_access_times(app: AppState, clock: int | None) -> AppState:
    if not any(op.last_access for op in app.appops):
        return app
    ops = tuple(replace(op, last_access_utc=access_time(op.last_access, clock)) for op in app.appops)
    return replace(app, appops=ops)


def _device_policy(collection: Collection) -> DevicePolicyState:
    """The owners; unknown (with the reason) unless the dump shows the owners part whole.

    Read whatever the exit status: the collector bounds the dump in time and size, so a dump cut
    by ``timeout`` or ``head -c`` exits non-zero, and the parser itself decides whether the
    owners part was seen to end.
    """
    section = collection.first("device-policy")
    if section is None:
        return DevicePolicyState(False, (), ("dumpsys device_policy was not collected",))
    state = parse_device_policy(section.body)
    if state.known or section.rc in (0, None):
        return state
    why = "timed out" if section.rc == 124 else f"exit status {section.rc}"
    return DevicePolicyState(False, state.owners, (*state.problems, f"dumpsys device_policy failed ({why})"))


def _named_user_ids(
    collection: Collection, dumps: dict[str, tuple[PackageDump | None, _Body]]
) -> frozenset[int]:
    """Every user id the run names anywhere: so that a user whose line did not parse is never dropped.

    Sources: the user listings themselves (whatever their exit status, read as loosely as the
    collector's ``sed`` reads them), the ``user=`` attribute of every section (the collector
    collected that user), and users in which dumpsys shows an audited app installed. Other users
    dumpsys prints are left out: it also lists partial and pre-created users, which
    ``pm list users`` hides and which hold no apps of their own.
    """
    ids: set[int] = set()
    for name in ("users", "user-types"):
        for section in collection.find(name):
            ids.update(named_user_ids(section.body))
    for section in collection.sections:
        value = section.attr("user")
        if value is not None and value.isascii() and value.isdigit() and len(value) <= 9:
            ids.add(int(value))
    for dump, _ in dumps.values():
        if dump is not None and dump.found:
            ids.update(u.user_id for u in dump.users if u.installed is True)
    return frozenset(ids)


def _device_info(collection: Collection, problems: list[str]) -> DeviceInfo:
    body = _body(collection, "getprop")
    if not body.readable:
        problems.append(body.why("getprop"))
        return DeviceInfo()
    if body.state == CUT:
        problems.append(body.why("getprop"))
    return parse_getprop(body.text)


def _users(
    collection: Collection, problems: list[str], oem: str | None
) -> tuple[tuple[AndroidUser, ...], bool]:
    """The users, and whether that list is the phone's whole list.

    Kinds are read again with the phone's maker known (``oem``), since OEM flag bits mean
    different things to different makers (see audit.parse.users).
    """
    body = _body(collection, "users")
    if body.readable:
        listing = parse_users(body.text)
        if body.state == CUT:
            problems.append(body.why("the user list") + "; users after the cut are missing")
        if listing.usable:
            problems.extend(listing.problems)
            users = tuple(_with_oem(u, oem) for u in listing.users)
            return _with_types(collection, users), body.state == OK
        problems.extend(listing.problems)
    else:
        problems.append(body.why("the user list"))
    problems.append("the phone's users could not be read: only the owner (user 0) is reported, if at all")
    if collection.first("packages", user="0") or collection.first("contacts", user="0"):
        return (AndroidUser(0, "", None, UserKind.OWNER, None),), False
    return (), False


def _with_oem(user: AndroidUser, oem: str | None) -> AndroidUser:
    kinds = user_kinds(user.id, user.name, user.flags, None, oem)
    return replace(user, kind=kinds[0], alt_kinds=kinds[1:])


def _with_types(collection: Collection, users: tuple[AndroidUser, ...]) -> tuple[AndroidUser, ...]:
    """Refine user kinds from ``cmd user list -v`` (Android 11+), which names each user's type.

    `pm list users` flags cannot tell Android 14's clone profile or private space from other
    profiles; the typed listing can. A type AOSP defines settles the kind, except for a maker's
    own user (Samsung's Secure Folder is typed as a managed profile), which keeps the maker's kind
    first and the type as a candidate; a user the listing does not know, or types no better than "other", keeps its
    candidates. A profile (PROFILE flag) whose type is not known may be an Android 14 clone
    profile, so clone is one of its candidates.
    """
    body = _body(collection, "user-types")
    typed = {u.id: u for u in parse_users(body.text).users} if body.state == OK else {}
    out: list[AndroidUser] = []
    for user in users:
        known = typed.get(user.id)
        if known is not None and known.kind is not UserKind.OTHER:
            out.append(replace(user, kind=known.kind, alt_kinds=known.alt_kinds))
        elif user.kind is UserKind.OTHER and user.flags is not None and user.flags & PROFILE:
            out.append(replace(user, alt_kinds=tuple(dict.fromkeys((*user.alt_kinds, UserKind.CLONE)))))
        else:
            out.append(user)
    return tuple(out)


def _dumps(collection: Collection, packages: Sequence[str]) -> dict[str, tuple[PackageDump | None, _Body]]:
    out: dict[str, tuple[PackageDump | None, _Body]] = {}
    for package in packages:
        body = _body(collection, "dumpsys-package", pkg=package)
        if body.state == MISSING:
            continue
        failure = dumpsys_failure(body.text) if body.readable else None
        if failure is not None:
            body = _Body(body.text, BROKEN, body.rc, failure)
        # Never ``complete=True``: exit 0 does not prove a dump whole (see dumpsys_package).
        dump = parse_dumpsys_package(body.text, package) if body.readable else None
        out[package] = (dump, body)
    return out


def _package_listing(collection: Collection, user_id: int, problems: list[str]) -> PackageListing | None:
    body = _body(collection, "packages", user=str(user_id))
    if body.state != OK:
        problems.append(f"user {user_id}: " + body.why("the package list"))
        return None
    listing = parse_package_list(body.text)
    problems.extend(f"user {user_id}: {p}" for p in listing.problems)
    return listing if listing.usable else None


def _app_state(
    collection: Collection,
    user_id: int,
    package: str,
    listing: PackageListing | None,
    dumped: tuple[PackageDump | None, _Body] | None,
) -> AppState | None:
    problems: list[str] = []
    dump = dumped[0] if dumped is not None else None
    block = dump.user(user_id) if dump is not None and dump.found else None
    listed = listing.has(package) if listing is not None else None
    said = block.installed if block is not None else None

    installed: bool | None
    if listed is True:
        installed = True if said is not False else None
        if said is False:
            problems.append("the package list names the app, dumpsys says it is not installed")
    elif listed is False:
        if said is not True:
            return None
        installed = None
        hidden = " (it is hidden)" if block is not None and block.hidden else ""
        problems.append(f"dumpsys says the app is installed{hidden}, the package list does not name it")
    elif said is True:
        installed = True
        problems.append("installed according to dumpsys; the package list could not be read")
    elif said is False:
        return None
    else:
        installed = None
        problems.append("cannot tell whether the app is installed: the package list could not be read")

    if dumped is None:
        if listed is True or said is True:
            problems.append("dumpsys package was not collected")
    elif dump is None:
        problems.append(dumped[1].why("dumpsys package"))
    else:
        if dumped[1].state == CUT:
            problems.append(dumped[1].why("dumpsys package"))
        problems.extend(dump.problems)

    finding = (
        read_contacts(dump, user_id)
        if dump is not None
        else PermissionFinding(PermissionStatus.UNKNOWN)
    )
    if finding.problem and dump is not None and dump.found:
        problems.append(f"READ_CONTACTS unknown: {finding.problem}")

    appops, appops_known = _appops(collection, user_id, package, problems, expected=installed is True)
    first_install = None
    if block is not None and block.first_install_time:
        first_install = block.first_install_time
    elif dump is not None:
        first_install = dump.first_install_time
    return AppState(
        package=package,
        user_id=user_id,
        installed=installed,
        version_name=dump.version_name if dump is not None else None,
        version_code=dump.version_code if dump is not None else None,
        target_sdk=dump.target_sdk if dump is not None else None,
        enabled_state=block.enabled if block is not None else None,
        requests_read_contacts=finding.requested,
        read_contacts=finding.status,
        read_contacts_flags=finding.flags,
        appops=appops,
        appops_known=appops_known,
        first_install_time=first_install,
        shared_user=dump.shared_user if dump is not None else None,
        problems=tuple(dict.fromkeys(problems)),
    )


def _appops(
    collection: Collection, user_id: int, package: str, problems: list[str], *, expected: bool
) -> tuple[tuple[AppOpState, ...], bool]:
    body = _body(collection, "appops", user=str(user_id), pkg=package)
    if body.state != OK:
        if expected or body.state != MISSING:
            problems.append(body.why("appops"))
        return (), False
    listing = parse_appops(body.text)
    problems.extend(listing.problems)
    return listing.states(CONTACT_OPS), listing.known


def _address_book(collection: Collection, user_id: int) -> AddressBook:
    problems: list[str] = []
    body = _body(collection, "contacts", user=str(user_id))
    rows: tuple[ContactDatum, ...] = ()
    complete = False
    if body.state == OK:
        parsed = parse_contacts(body.text)
        rows, complete = parsed.data, parsed.complete
        problems.extend(parsed.problems)
    else:
        problems.append(body.why("the contacts query"))

    raw = _body(collection, "raw-contacts", user=str(user_id))
    by_account: tuple[tuple[str | None, int], ...] = ()
    raw_known = False
    if raw.state == OK:
        counts = parse_raw_contacts(raw.text)
        by_account, raw_known = counts.by_account, counts.known
        problems.extend(f"raw contacts: {p}" for p in counts.problems)
    else:
        problems.append(raw.why("the raw contacts query"))

    cross: str | None = None
    if user_id != 0:
        setting = _body(collection, "cross-profile", user=str(user_id))
        if setting.state == OK:
            value = parse_setting(setting.text)
            cross = value.value
            if value.problem:
                problems.append(f"cross-profile contact search: {value.problem}")
        else:
            problems.append(setting.why("the cross-profile contact search setting"))
    return AddressBook(
        user_id=user_id,
        complete=complete,
        rows=rows,
        raw_contacts_by_account=by_account,
        raw_contacts_known=raw_known,
        cross_profile_contacts=cross,
        problems=tuple(problems),
    )
