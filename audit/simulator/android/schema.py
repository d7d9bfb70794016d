"""The layout of a simulated phone's state database (one SQLite file per phone).

One file holds everything the phone's commands read and write: the package manager's users,
packages, permissions and app-ops, the settings provider, and one set of contacts-provider
tables per Android user (``u<N>_raw_contacts``, ``u<N>_data``, ...), because on a real phone
every user has its own ``contacts2.db``. The ``content`` stub may only read the tables of the
user it was asked about; ``reader_authorizer`` enforces that, whatever SQL arrives in ``--where``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

CORE = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE props (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE users (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, flags INTEGER NOT NULL, running INTEGER NOT NULL,
    locked INTEGER NOT NULL, kind TEXT NOT NULL, type TEXT NOT NULL, parent INTEGER,
    serial INTEGER NOT NULL
);
CREATE TABLE packages (
    name TEXT PRIMARY KEY, app_id INTEGER NOT NULL, version_name TEXT, version_code INTEGER NOT NULL,
    min_sdk INTEGER NOT NULL, target_sdk INTEGER NOT NULL, shared_user TEXT, system INTEGER NOT NULL,
    installer TEXT, code_path TEXT NOT NULL, time_stamp TEXT NOT NULL, first_install TEXT NOT NULL,
    last_update TEXT NOT NULL, launcher_activity TEXT
);
CREATE TABLE package_users (
    package TEXT NOT NULL, user_id INTEGER NOT NULL, installed INTEGER NOT NULL,
    enabled INTEGER NOT NULL, stopped INTEGER NOT NULL, not_launched INTEGER NOT NULL,
    hidden INTEGER NOT NULL, suspended INTEGER NOT NULL, ce_inode INTEGER NOT NULL,
    de_inode INTEGER NOT NULL, install_reason INTEGER NOT NULL, first_install TEXT,
    PRIMARY KEY (package, user_id)
);
CREATE TABLE requested (
    package TEXT NOT NULL, seq INTEGER NOT NULL, permission TEXT NOT NULL,
    restricted INTEGER NOT NULL, PRIMARY KEY (package, seq)
);
CREATE TABLE shared_users (name TEXT PRIMARY KEY, app_id INTEGER NOT NULL);
-- owner: the package name, or 'shared:<name>' for a sharedUserId (permissions belong to the uid)
CREATE TABLE install_perms (
    owner TEXT NOT NULL, seq INTEGER NOT NULL, permission TEXT NOT NULL, granted INTEGER NOT NULL,
    PRIMARY KEY (owner, permission)
);
CREATE TABLE runtime_perms (
    owner TEXT NOT NULL, user_id INTEGER NOT NULL, permission TEXT NOT NULL,
    granted INTEGER NOT NULL, flags INTEGER NOT NULL, seq INTEGER NOT NULL,
    PRIMARY KEY (owner, user_id, permission)
);
CREATE TABLE appops (
    package TEXT NOT NULL, user_id INTEGER NOT NULL, op TEXT NOT NULL, mode TEXT NOT NULL,
    access_ms INTEGER, reject_ms INTEGER, duration_ms INTEGER, running INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (package, user_id, op)
);
CREATE TABLE uid_appops (
    app_id INTEGER NOT NULL, user_id INTEGER NOT NULL, op TEXT NOT NULL, mode TEXT NOT NULL,
    PRIMARY KEY (app_id, user_id, op)
);
CREATE TABLE settings (
    user_id INTEGER NOT NULL, namespace TEXT NOT NULL, key TEXT NOT NULL, value TEXT,
    PRIMARY KEY (user_id, namespace, key)
);
"""

DATA_COLUMNS = tuple(f"data{i}" for i in range(1, 16))
SYNC_COLUMNS = ("sync1", "sync2", "sync3", "sync4")

# content://com.android.contacts/<path> -> the view that answers it
URI_VIEWS = {
    "data": "view_data",
    "data/phones": "view_phones",
    "data/emails": "view_emails",
    "raw_contacts": "view_raw_contacts",
    "contacts": "view_contacts",
}


def contacts_ddl(user_id: int) -> str:
    """The contacts provider of one Android user."""
    p = f"u{int(user_id)}_"
    data_cols = ", ".join(f"{c} TEXT" for c in DATA_COLUMNS)
    view_data_cols = ", ".join(f"d.{c} AS {c}" for c in DATA_COLUMNS)
    sync_cols = ", ".join(f"r.{c} AS {c}" for c in SYNC_COLUMNS)
    return f"""
CREATE TABLE {p}raw_contacts (
    _id INTEGER PRIMARY KEY, contact_id INTEGER, account_type TEXT, account_name TEXT,
    data_set TEXT, deleted INTEGER NOT NULL DEFAULT 0, display_name TEXT, display_name_alt TEXT,
    sort_key TEXT, starred INTEGER NOT NULL DEFAULT 0, dirty INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1, sourceid TEXT, times_contacted INTEGER NOT NULL DEFAULT 0,
    sync1 TEXT, sync2 TEXT, sync3 TEXT, sync4 TEXT
);
CREATE TABLE {p}data (
    _id INTEGER PRIMARY KEY, raw_contact_id INTEGER NOT NULL, mimetype TEXT NOT NULL,
    is_primary INTEGER NOT NULL DEFAULT 0, is_super_primary INTEGER NOT NULL DEFAULT 0,
    data_version INTEGER NOT NULL DEFAULT 0, {data_cols},
    data_sync1 TEXT, data_sync2 TEXT, data_sync3 TEXT, data_sync4 TEXT
);
CREATE INDEX {p}data_raw ON {p}data (raw_contact_id);
CREATE TABLE {p}contacts (
    _id INTEGER PRIMARY KEY, name_raw_contact_id INTEGER, display_name TEXT, lookup TEXT,
    photo_id INTEGER, starred INTEGER NOT NULL DEFAULT 0, in_visible_group INTEGER NOT NULL DEFAULT 1,
    has_phone_number INTEGER NOT NULL DEFAULT 0, times_contacted INTEGER NOT NULL DEFAULT 0,
    contact_last_updated_timestamp INTEGER
);
CREATE VIEW {p}view_data AS SELECT
    d._id AS _id, d.raw_contact_id AS raw_contact_id, r.contact_id AS contact_id,
    d.mimetype AS mimetype, d.is_primary AS is_primary, d.is_super_primary AS is_super_primary,
    d.data_version AS data_version, {view_data_cols},
    d.data_sync1 AS data_sync1, d.data_sync2 AS data_sync2, d.data_sync3 AS data_sync3,
    d.data_sync4 AS data_sync4,
    r.account_type AS account_type, r.account_name AS account_name, r.data_set AS data_set,
    CASE WHEN r.data_set IS NULL THEN r.account_type ELSE r.account_type || '/' || r.data_set END
        AS account_type_and_data_set,
    r.deleted AS deleted, r.display_name AS display_name, r.display_name_alt AS display_name_alt,
    r.sort_key AS sort_key, r.starred AS starred, r.dirty AS dirty, r.version AS version,
    r.sourceid AS sourceid, {sync_cols},
    c.lookup AS lookup, c.photo_id AS photo_id, c.in_visible_group AS in_visible_group,
    c.has_phone_number AS has_phone_number, c.times_contacted AS times_contacted
FROM {p}data d JOIN {p}raw_contacts r ON d.raw_contact_id = r._id
    LEFT JOIN {p}contacts c ON r.contact_id = c._id;
CREATE VIEW {p}view_phones AS SELECT * FROM {p}view_data
    WHERE mimetype = 'vnd.android.cursor.item/phone_v2';
CREATE VIEW {p}view_emails AS SELECT * FROM {p}view_data
    WHERE mimetype = 'vnd.android.cursor.item/email_v2';
CREATE VIEW {p}view_raw_contacts AS SELECT
    _id, contact_id, account_type, account_name, data_set,
    CASE WHEN data_set IS NULL THEN account_type ELSE account_type || '/' || data_set END
        AS account_type_and_data_set,
    deleted, display_name, display_name_alt, sort_key, starred, dirty, version, sourceid,
    times_contacted, sync1, sync2, sync3, sync4
FROM {p}raw_contacts;
CREATE VIEW {p}view_contacts AS SELECT
    _id, display_name, lookup, photo_id, starred, in_visible_group, has_phone_number,
    times_contacted, name_raw_contact_id, contact_last_updated_timestamp
FROM {p}contacts;
"""  # noqa: S608 (table names are built from an int)


def reader_authorizer(user_id: int) -> Callable[[int, str | None, str | None, str | None, str | None], int]:
    """An sqlite3 authorizer that allows only reading this user's contacts tables.

    The ``--where``/``--sort`` text comes from the host and is run as SQL, as the real provider
    does; the authorizer keeps it from reading another user's book or the package tables, and
    from writing anything.
    """
    prefix = f"u{int(user_id)}_"

    def authorize(action: int, arg1: str | None, arg2: str | None, db: str | None, source: str | None) -> int:
        if action == sqlite3.SQLITE_READ:
            return sqlite3.SQLITE_OK if (arg1 or "").startswith(prefix) else sqlite3.SQLITE_DENY
        if action in (sqlite3.SQLITE_SELECT, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE):
            return sqlite3.SQLITE_OK
        return sqlite3.SQLITE_DENY

    return authorize


def create(conn: sqlite3.Connection, user_ids: list[int]) -> None:
    conn.executescript(CORE)
    for user_id in user_ids:
        conn.executescript(contacts_ddl(user_id))
