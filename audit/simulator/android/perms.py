"""Permission and app-op rules shared by ``pm``, ``appops``, ``dumpsys`` and the host's state view.

From Android 10 on, PermissionPolicyService keeps the UID mode of a runtime permission's app-op
in step with the grant: a denied READ_CONTACTS shows as ``Uid mode: READ_CONTACTS: ignore``.
The simulator derives those UID modes from the permission table when asked, so they follow
``pm grant``/``pm revoke`` without extra bookkeeping; an explicit ``appops set --uid`` (or a
profile's ``uid_appops``) is stored and wins until the next grant change of that permission.
"""

from __future__ import annotations

import sqlite3

from .catalog import OP_ORDER, PERMISSION_OPS, PERMISSION_PREFIX


def owner_of(conn: sqlite3.Connection, package: str) -> str:
    row = conn.execute("SELECT shared_user FROM packages WHERE name = ?", (package,)).fetchone()
    if row is not None and row[0]:
        return f"shared:{row[0]}"
    return package


def app_id(conn: sqlite3.Connection, package: str) -> int | None:
    row = conn.execute("SELECT app_id FROM packages WHERE name = ?", (package,)).fetchone()
    return None if row is None else int(row[0])


def runtime_state(conn: sqlite3.Connection, owner: str, user_id: int) -> list[tuple[str, bool, int]]:
    rows = conn.execute(
        "SELECT permission, granted, flags FROM runtime_perms WHERE owner = ? AND user_id = ? ORDER BY seq",
        (owner, user_id),
    ).fetchall()
    return [(str(p), bool(g), int(f)) for p, g, f in rows]


def uid_modes(conn: sqlite3.Connection, sdk: int, package: str, user_id: int) -> dict[str, str]:
    """UID-scoped app-op modes of a package's uid in one user, in op-code order."""
    modes: dict[str, str] = {}
    if sdk >= 29:
        for permission, granted, _flags in runtime_state(conn, owner_of(conn, package), user_id):
            op = PERMISSION_OPS.get(permission.removeprefix(PERMISSION_PREFIX))
            if op is not None and not granted:
                modes[op] = "ignore"
    aid = app_id(conn, package)
    if aid is not None:
        for op, mode in conn.execute(
            "SELECT op, mode FROM uid_appops WHERE app_id = ? AND user_id = ?", (aid, user_id)
        ).fetchall():
            modes[str(op)] = str(mode)
    ordered = sorted(modes.items(), key=lambda item: OP_ORDER.get(item[0], 10_000))
    return {op: mode for op, mode in ordered if mode != "default"}


def after_grant_change(conn: sqlite3.Connection, sdk: int, package: str, user_id: int, permission: str) -> None:
    """What PermissionPolicyService does on 10+ when a grant changes: drop a hand-set UID mode of
    the permission's op (it is derived again) and reset the package mode to the default."""
    if sdk < 29:
        return
    op = PERMISSION_OPS.get(permission.removeprefix(PERMISSION_PREFIX))
    aid = app_id(conn, package)
    if op is None or aid is None:
        return
    conn.execute("DELETE FROM uid_appops WHERE app_id = ? AND user_id = ? AND op = ?", (aid, user_id, op))
    conn.execute(
        "UPDATE appops SET mode = 'allow' WHERE package = ? AND user_id = ? AND op = ?", (package, user_id, op)
    )
