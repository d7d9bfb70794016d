"""READ_CONTACTS of one package in one Android user, from its parsed ``dumpsys package`` block.

The order of evidence, and why each step is safe:

1. An explicit line in the user's runtime list (the package's own ``User N:`` block, or the
   shared user's for sharedUserId packages): ``granted=true`` -> granted,
   ``granted=false`` -> denied, with its flags. Nothing else ever yields ``granted=false``.
2. Otherwise an explicit line under ``install permissions:`` (the ``userId=N`` variant for this
   user when 13+ printed one): install_time / denied. Used only once the user's runtime
   permissions are *settled* (the list was printed and seen to end, or the user block ended
   without one), so that output cut off before the runtime list cannot hide a runtime grant.
3. ``requested permissions:`` printed, seen to end, without READ_CONTACTS, and the runtime
   permissions settled without an entry -> not_requested.
4. READ_CONTACTS requested, and the user's runtime list printed, seen to end and every line
   read, yet READ_CONTACTS absent, and no install permission list holds a line that was not
   read (it could be READ_CONTACTS' own entry, or this user's ``userId=N`` override of an entry
   for every user) -> denied. Safe because the list prints the package's
   permission *state*: on 6-9 a state exists for every permission that is granted or carries a
   flag, on 10+ the permission controller keeps a state for every requested runtime permission,
   and PackageManager reports a permission without a state as not granted
   (``checkPermission`` -> PERMISSION_DENIED). ``dumpsys package <pkg>`` prints the list with
   its heading even when empty (dumpAll), so a missing heading is not an empty list: it is
   unknown.
5. Anything else -> unknown, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from audit.parse.dumpsys_package import Grant, PackageDump, PermissionList
from audit.snapshot import READ_CONTACTS, PermissionStatus


@dataclass(frozen=True)
class PermissionFinding:
    status: PermissionStatus
    flags: tuple[str, ...] = ()
    requested: bool | None = None
    problem: str | None = None  # why the status is unknown


def read_contacts(dump: PackageDump, user_id: int) -> PermissionFinding:
    return permission_state(dump, user_id, READ_CONTACTS)


def permission_state(dump: PackageDump, user_id: int, permission: str) -> PermissionFinding:
    """The module docstring's rules for any runtime permission. Never raises."""
    if not dump.found:
        return PermissionFinding(PermissionStatus.UNKNOWN, problem="dumpsys printed no block for the package")
    own = dump.user(user_id)
    shared = dump.shared.user(user_id) if dump.shared is not None else None
    runtime: PermissionList | None = None
    if own is not None and own.runtime is not None:
        runtime = own.runtime
    elif shared is not None and shared.runtime is not None:
        runtime = shared.runtime
    settled = _settled(dump, user_id, runtime)

    requested: bool | None = None
    if dump.requested is not None:
        requested = permission in dump.requested

    explicit = runtime.get(permission) if runtime is not None else None
    if explicit is not None:
        if requested is None and dump.shared_user is None:
            requested = True  # a state exists only for a permission the package asks for
        return _finding(explicit, PermissionStatus.GRANTED, requested)

    install, install_unread = _install_grant(dump, user_id, permission)
    if install is not None and settled:
        if requested is None and dump.shared_user is None:
            requested = True
        return _finding(install, PermissionStatus.INSTALL_TIME, requested)

    if requested is False and settled:
        return PermissionFinding(PermissionStatus.NOT_REQUESTED, requested=False)

    if requested and runtime is not None and runtime.complete:
        if install_unread:
            problem = f"the install permissions that apply to user {user_id} were cut off or unreadable"
            return PermissionFinding(PermissionStatus.UNKNOWN, requested=True, problem=problem)
        return PermissionFinding(PermissionStatus.DENIED, requested=True)

    return PermissionFinding(PermissionStatus.UNKNOWN, requested=requested, problem=_why(dump, user_id, runtime))


def _finding(grant: Grant, granted_as: PermissionStatus, requested: bool | None) -> PermissionFinding:
    status = granted_as if grant.granted else PermissionStatus.DENIED
    return PermissionFinding(status, grant.flags, requested)


def _settled(dump: PackageDump, user_id: int, runtime: PermissionList | None) -> bool:
    """No runtime line for this user can exist beyond what was read."""
    if runtime is not None:
        return runtime.complete
    own = dump.user(user_id)
    if own is None or not own.closed:
        return False
    if dump.shared_user is None:
        return True
    shared = dump.shared.user(user_id) if dump.shared is not None else None
    return shared is not None and shared.closed


def _install_grant(dump: PackageDump, user_id: int, permission: str) -> tuple[Grant | None, bool]:
    """The install-time entry that applies to ``user_id``, and whether one may be among lines
    that were not read (then no absence may be concluded from the lists)."""
    unread = False
    for source in (dump.install, dump.shared.install if dump.shared is not None else None):
        if source is None:
            continue
        grant = source.get(permission, user_id)
        if grant is None:
            unread = unread or not source.complete
            continue
        if unread or (grant.user_id is None and not source.complete and user_id != 0):
            return None, True  # an entry or a per-user override may be among the unread lines
        return grant, False
    return None, unread


def _why(dump: PackageDump, user_id: int, runtime: PermissionList | None) -> str:
    if dump.user(user_id) is None and (dump.shared is None or dump.shared.user(user_id) is None):
        return f"dumpsys printed no block for user {user_id}"
    if runtime is None:
        return f"dumpsys printed no runtime permissions for user {user_id}"
    if not runtime.complete:
        return f"the runtime permissions of user {user_id} were cut off or unreadable"
    if not dump.requested_printed:
        return "dumpsys did not print the requested permissions"
    return "the requested permissions were cut off or unreadable"
