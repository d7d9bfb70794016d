"""One simulated phone: its shell, its Android commands and its state, on the host.

``SimulatedPhone(profile, root)`` builds, in the private directory ``root``:

- ``state.db``: the phone's state (users, packages, permissions, app-ops, settings, one
  contacts provider per user), created from the profile;
- ``bin/``: the only PATH the phone's shell gets: ``sh`` (mksh when installed, Android's shell),
  the Android commands (``getprop``, ``pm``, ``cmd`` from Android 7, ``dumpsys``, ``appops``,
  ``content``, ``settings``) as links to one stub script, and toybox applets of the kind
  Android ships (never ``awk``, ``bash``, ``perl`` or ``python``);
- ``sandbox/``: what the phone calls ``/data/local/tmp``.

``spawn`` runs one command line (or an interactive shell) there; the transport connects its
pipes to the adb streams. ``state`` reads the state back for tests, e.g. after a ``pm revoke``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import zlib
from dataclasses import dataclass, replace
from pathlib import Path

from audit.simulator.android import book, catalog, schema
from audit.simulator.android.perms import owner_of, uid_modes
from audit.simulator.android.text import PERMISSION_FLAGS
from audit.simulator.profile import ANDROID_COMMANDS, DumpsysTimeout, Package, PackageUser, Profile, User

DEVICE_TMP = "/data/local/tmp"
SHELL_NAME = "/system/bin/sh"
ANDROID_DIR = Path(__file__).resolve().parent / "android"

# Applets Android's toybox provides that a collector may reasonably use. Deliberately absent:
# awk, bash, perl, python (not on a phone) and anything that could harm the host (kill, mount, ...).
APPLETS = (
    "base64", "basename", "cat", "chmod", "cmp", "comm", "cp", "cut", "date", "dd", "diff", "dirname",
    "du", "echo", "egrep", "env", "expand", "expr", "false", "fgrep", "file", "find", "grep", "gunzip",
    "gzip", "head", "id", "ln", "ls", "md5sum", "mkdir", "mktemp", "mv", "nl", "od", "paste",
    "printf", "pwd", "readlink", "realpath", "rm", "rmdir", "sed", "seq", "sha1sum", "sha256sum",
    "sleep", "sort", "split", "stat", "strings", "tac", "tail", "tar", "tee", "test", "timeout", "touch",
    "tr", "true", "truncate", "uname", "uniq", "unix2dos", "uudecode", "uuencode", "wc", "which",
    "whoami", "xargs", "xxd", "yes", "zcat",
)
HOST_PATH = "/usr/local/bin:/usr/bin:/bin"

_STUB = """#!{python} -IS
import importlib.util, sys
_spec = importlib.util.spec_from_file_location(
    "_simandroid", {init!r}, submodule_search_locations=[{pkgdir!r}])
_mod = importlib.util.module_from_spec(_spec)
sys.modules["_simandroid"] = _mod
_spec.loader.exec_module(_mod)
from _simandroid.stub import main
sys.exit(main(sys.argv, {db!r}))
"""
_STUB_SH = """#!/bin/sh
exec {python} -IS {script} "$@"
"""


def android_shell() -> str:
    """Android's shell is mksh; without it the simulated phones use the host's /bin/sh."""
    return shutil.which("mksh") or "/bin/sh"


def applet_source(name: str) -> str | None:
    """Where an applet comes from: toybox when it has it, else the host's own binary."""
    toybox = shutil.which("toybox")
    if toybox is not None and name in _toybox_applets(toybox):
        return toybox
    return shutil.which(name, path=HOST_PATH)


_TOYBOX_CACHE: dict[str, frozenset[str]] = {}


def _toybox_applets(toybox: str) -> frozenset[str]:
    if toybox not in _TOYBOX_CACHE:
        try:
            listing = subprocess.run([toybox], capture_output=True, timeout=10, check=False).stdout
            _TOYBOX_CACHE[toybox] = frozenset(listing.decode("ascii", "replace").split())
        except (OSError, subprocess.SubprocessError):
            _TOYBOX_CACHE[toybox] = frozenset()
    return _TOYBOX_CACHE[toybox]


@dataclass(frozen=True)
class PermissionGrant:
    """A runtime permission as the phone holds it right now."""

    granted: bool
    flags: frozenset[str]


class PhoneState:
    """Read-only queries against a phone's current state (for tests and the ``fix`` feature)."""

    def __init__(self, db_path: Path, sdk: int) -> None:
        self.db_path = db_path
        self.sdk = sdk

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=30.0)

    def permission(self, package: str, user: int, permission: str) -> PermissionGrant | None:
        """READ_CONTACTS (short or full name) of a package in a user; None if it has no such state."""
        full = catalog.full_permission(permission)
        with contextlib.closing(self._connect()) as conn:
            row = conn.execute(
                "SELECT granted, flags FROM runtime_perms WHERE owner = ? AND user_id = ? AND permission = ?",
                (owner_of(conn, package), user, full),
            ).fetchone()
        if row is None:
            return None
        names = frozenset(name for name, bit in PERMISSION_FLAGS.items() if int(row[1]) & bit)
        return PermissionGrant(bool(row[0]), names)

    def appop(self, package: str, user: int, op: str) -> str | None:
        """The package-scoped mode of an app-op, or None when the package has no entry for it."""
        with contextlib.closing(self._connect()) as conn:
            row = conn.execute(
                "SELECT mode FROM appops WHERE package = ? AND user_id = ? AND op = ?", (package, user, op)
            ).fetchone()
        return None if row is None else str(row[0])

    def uid_mode(self, package: str, user: int, op: str) -> str | None:
        """The UID-scoped mode (``Uid mode:`` on Android 8+), or None when it is the default."""
        with contextlib.closing(self._connect()) as conn:
            return uid_modes(conn, self.sdk, package, user).get(op)

    def setting(self, user: int, key: str, namespace: str = "secure") -> str | None:
        with contextlib.closing(self._connect()) as conn:
            row = conn.execute(
                "SELECT value FROM settings WHERE user_id = ? AND namespace = ? AND key = ?",
                (0 if namespace == "global" else user, namespace, key),
            ).fetchone()
        return None if row is None else row[0]

    def installed(self, package: str, user: int) -> bool:
        with contextlib.closing(self._connect()) as conn:
            row = conn.execute(
                "SELECT installed FROM package_users WHERE package = ? AND user_id = ?", (package, user)
            ).fetchone()
        return bool(row and row[0])

    def users(self) -> tuple[int, ...]:
        with contextlib.closing(self._connect()) as conn:
            return tuple(int(r[0]) for r in conn.execute("SELECT id FROM users ORDER BY id"))

    def raw_contacts(self, user: int, account_type: str | None = None, include_deleted: bool = False) -> int:
        """Raw contacts of a user (optionally of one account type, e.g. com.whatsapp). Like the
        real provider, ``content://com.android.contacts/raw_contacts`` also returns rows marked
        deleted (until a sync removes them); ``include_deleted`` counts those too."""
        sql = f"SELECT COUNT(*) FROM u{int(user)}_raw_contacts WHERE (deleted = 0 OR ?)"  # noqa: S608
        params: tuple[object, ...] = (int(include_deleted),)
        if account_type is not None:
            sql += " AND account_type = ?"
            params = (*params, account_type)
        with contextlib.closing(self._connect()) as conn:
            return int(conn.execute(sql, params).fetchone()[0])

    def data_rows(self, user: int, mimetype: str = book.PHONE) -> int:
        with contextlib.closing(self._connect()) as conn:
            return int(
                conn.execute(
                    f"SELECT COUNT(*) FROM u{int(user)}_data WHERE mimetype = ?", (mimetype,)  # noqa: S608
                ).fetchone()[0]
            )


class SimulatedPhone:
    """A phone the transport can run commands on; see the module docstring."""

    def __init__(self, profile: Profile, root: Path) -> None:
        self.profile = profile
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        self.bin = self.root / "bin"
        self.sandbox = self.root / "sandbox"
        self.db_path = self.root / "state.db"
        self.shell = android_shell()
        self._children: list[subprocess.Popen[bytes]] = []
        self._lock = threading.Lock()  # the transport spawns from one thread per stream
        self.sandbox.mkdir(exist_ok=True)
        for stale in (self.db_path, self.root / "state.db-wal", self.root / "state.db-shm"):
            stale.unlink(missing_ok=True)
        build_state(profile, self.db_path)
        self._install_bin()
        self.state = PhoneState(self.db_path, profile.sdk)

    # -- filesystem -------------------------------------------------------------------------------

    def _install_bin(self) -> None:
        if self.bin.exists():
            shutil.rmtree(self.bin)
        self.bin.mkdir()
        stub = self.root / "android-stub"
        python = sys.executable
        text = _STUB.format(
            python=python, init=str(ANDROID_DIR / "__init__.py"), pkgdir=str(ANDROID_DIR), db=str(self.db_path)
        )
        if len(python) > 120 or " " in python:  # the kernel's #! line has limits; go through sh
            script = self.root / "android-stub.py"
            script.write_text(text.split("\n", 1)[1], encoding="utf-8")
            text = _STUB_SH.format(python=_sh_quote(python), script=_sh_quote(str(script)))
        stub.write_text(text, encoding="utf-8")
        stub.chmod(0o755)
        garbage = self.profile.faults.garbage_command
        commands = [c for c in ANDROID_COMMANDS if c != "cmd" or self.profile.sdk >= 24]
        for name in commands:
            (self.bin / name).symlink_to(stub)
        (self.bin / "sh").symlink_to(self.shell)
        for name in APPLETS:
            if name in commands:
                continue
            if name == garbage:
                (self.bin / name).symlink_to(stub)
                continue
            source = applet_source(name)
            if source is not None:
                (self.bin / name).symlink_to(source)

    def host_path(self, device_path: str) -> Path | None:
        """The host file behind a phone path inside /data/local/tmp (None outside it)."""
        if device_path != DEVICE_TMP and not device_path.startswith(DEVICE_TMP + "/"):
            return None
        rel = device_path[len(DEVICE_TMP):].lstrip("/")
        target = (self.sandbox / rel).resolve()
        if target != self.sandbox and self.sandbox not in target.parents:
            return None
        return target

    # -- processes ------------------------------------------------------------------------------

    def environment(self) -> dict[str, str]:
        return {
            "PATH": str(self.bin),
            "HOME": str(self.sandbox),
            "TMPDIR": str(self.sandbox),
            "ANDROID_DATA": "/data",
            "ANDROID_ROOT": "/system",
            "HOSTNAME": self.profile.device,
        }

    def spawn(self, command: str | None) -> subprocess.Popen[bytes]:
        """Run ``command`` in the phone's shell (an interactive shell when None).

        stdin/stdout/stderr are pipes; ``/data/local/tmp`` in the command means the sandbox; the
        process leads its own process group so that the transport can end it with everything it
        started.
        """
        argv = [SHELL_NAME] if command is None else [SHELL_NAME, "-c", command.replace(DEVICE_TMP, str(self.sandbox))]
        proc = subprocess.Popen(
            argv,
            executable=self.shell,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=self.sandbox,
            env=self.environment(),
            start_new_session=True,
        )
        with self._lock:
            self._children = [c for c in self._children if c.poll() is None]
            self._children.append(proc)
        return proc

    def close(self) -> None:
        """End every command still running on this phone (the directory stays for the caller)."""
        with self._lock:
            children, self._children = self._children, []
        for proc in children:
            if proc.poll() is None:
                with contextlib.suppress(OSError):
                    os.killpg(proc.pid, signal.SIGKILL)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=5)
            for stream in (proc.stdin, proc.stdout, proc.stderr):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()


def _sh_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


# --- building the state ------------------------------------------------------------------------


def build_state(profile: Profile, db_path: Path) -> None:
    """Create a phone's state database from its profile."""
    conn = sqlite3.connect(db_path)
    try:
        conn.execute("PRAGMA journal_mode = WAL")  # stubs read while another stub writes
        conn.execute("PRAGMA synchronous = OFF")  # a scratch file: no fsync while building it
        users = profile.users or (User(0, "Owner", 0xC13),)
        schema.create(conn, [u.id for u in users])
        with conn:
            _seed(conn, profile, users)
    finally:
        conn.close()


def _seed(conn: sqlite3.Connection, profile: Profile, users: tuple[User, ...]) -> None:
    sdk = profile.sdk
    meta = {
        "name": profile.name,
        "sdk": str(sdk),
        "release": profile.android_release,
        "clock": profile.clock,
        "current_user": "0",
        "latency_ms": str(profile.faults.latency_ms),
        "garbage_command": profile.faults.garbage_command or "",
        **_dumpsys_timeout_meta(profile.faults.dumpsys_timeout),
        "appops_refused": " ".join(profile.faults.appops_refused),
        "content_error_status": str(profile.content_error_status),
        "oem_user_tokens": " ".join(profile.oem_user_tokens),
        "device_owner": profile.device_owner or "",
        "profile_owners": " ".join(f"{u.id}={u.profile_owner}" for u in users if u.profile_owner),
    }
    conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", meta.items())
    conn.executemany("INSERT INTO props (key, value) VALUES (?, ?)", profile.properties().items())
    conn.executemany(
        "INSERT INTO users (id, name, flags, running, locked, kind, type, parent, serial) VALUES (?,?,?,?,?,?,?,?,?)",
        [
            (u.id, u.name, u.flags, int(u.running), int(u.locked), u.kind, u.type, u.parent, i)
            for i, u in enumerate(users)
        ],
    )
    settings = [(0, "global", "adb_enabled", "1"), (0, "global", "device_provisioned", "1")]
    for u in users:
        settings.append((u.id, "secure", "user_setup_complete", "1"))
        settings.extend((u.id, "secure", key, value) for key, value in u.settings)
    conn.executemany(
        "INSERT OR REPLACE INTO settings (user_id, namespace, key, value) VALUES (?,?,?,?)", settings
    )
    _seed_packages(conn, profile, users)
    country = (profile.sim_country.split(",")[0] or profile.locale.rpartition("-")[2]).lower()
    for u in users:
        contacts = list(u.book.contacts)
        for block in u.book.generate:
            contacts.extend(book.generate(block, country))
        default = (u.book.account_type, u.book.account_name)
        if default[0] is None:
            default = _default_account(profile.manufacturer)
        book.write_book(conn, u.id, contacts, country, default)


def _dumpsys_timeout_meta(fault: DumpsysTimeout | None) -> dict[str, str]:
    """The dumpsys timeout fault as meta rows for the stub (absent rows: no fault)."""
    if fault is None:
        return {}
    meta = {"dumpsys_timeout_ms": str(fault.timeout_ms), "dumpsys_timeout_package": fault.package or ""}
    if fault.after is not None:
        meta["dumpsys_timeout_after"] = fault.after
    return meta


def _default_account(manufacturer: str) -> tuple[str | None, str | None]:
    if manufacturer.lower() == "samsung":
        return ("vnd.sec.contact.phone", "vnd.sec.contact.phone")
    return ("", None)  # device-local: account_type NULL


def _code_path(name: str, sdk: int) -> str:
    a = zlib.crc32((name + "a").encode()) & 0xFFFFFFFF
    b = zlib.crc32((name + "b").encode()) & 0xFFFFFFFF
    tag_a = f"{a:08x}{b:08x}"[:22]
    if sdk >= 30:
        return f"/data/app/~~{tag_a}==/{name}-{b:08x}{a:08x}Xw=="
    if sdk >= 26:
        return f"/data/app/{name}-{tag_a}=="
    return f"/data/app/{name}-1"


def _seed_packages(conn: sqlite3.Connection, profile: Profile, users: tuple[User, ...]) -> None:
    sdk = profile.sdk
    user_ids = [u.id for u in users]
    stock = catalog.stock_apps(profile.manufacturer) if profile.system_apps else ()
    custom = {p.package for p in profile.packages}
    used_ids = {s.app_id for s in stock} | {p.app_id for p in profile.packages if p.app_id is not None}
    next_id = 10180
    shared_ids: dict[str, int] = {}

    def fresh_id() -> int:
        nonlocal next_id
        while next_id in used_ids:
            next_id += 1
        used_ids.add(next_id)
        return next_id

    entries: list[tuple[Package, bool, str, int, bool]] = []  # package, system, path, app id, contacts_fixed
    for app in stock:
        if app.package in custom:
            continue
        pkg = Package(
            package=app.package,
            version_name=profile.android_release if app.package == "android" else f"{sdk}.0.{app.app_id % 100}",
            version_code=sdk * 1000 + app.app_id % 1000,
            min_sdk=sdk,
            target_sdk=sdk,
            shared_user=app.shared_user,
            system=True,
            installer=None,
            first_install="2009-01-01 00:00:00",
            last_update="2009-01-01 00:00:00",
            requested=app.requests,
            users=tuple(PackageUser(user=uid) for uid in user_ids),
        )
        if app.shared_user:
            shared_ids[app.shared_user] = catalog.SHARED_USER_IDS.get(app.shared_user, app.app_id)
        entries.append((pkg, True, app.path, app.app_id, app.contacts_fixed))
    for pkg in profile.packages:
        if pkg.shared_user and pkg.shared_user not in shared_ids:
            shared_ids[pkg.shared_user] = pkg.app_id or catalog.SHARED_USER_IDS.get(pkg.shared_user) or fresh_id()
        app_id = shared_ids[pkg.shared_user] if pkg.shared_user else (pkg.app_id or fresh_id())
        users_ = pkg.users or (PackageUser(user=0),)
        entries.append((replace(pkg, users=users_), pkg.system, _code_path(pkg.package, sdk),
                        app_id, False))

    conn.executemany("INSERT INTO shared_users (name, app_id) VALUES (?, ?)", shared_ids.items())
    launchers = {"com.whatsapp": ".Main", "com.whatsapp.w4b": ".Main", "ch.threema.app": ".activities.HomeActivity",
                 "ch.threema.app.work": ".activities.HomeActivity"}
    install_seen: set[tuple[str, str]] = set()
    runtime_rows: dict[tuple[str, int, str], tuple[int, int, int]] = {}
    for pkg, system, path, app_id, contacts_fixed in entries:
        owner = f"shared:{pkg.shared_user}" if pkg.shared_user else pkg.package
        conn.execute(
            "INSERT INTO packages (name, app_id, version_name, version_code, min_sdk, target_sdk, shared_user, system,"
            " installer, code_path, time_stamp, first_install, last_update, launcher_activity)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (pkg.package, app_id, pkg.version_name, pkg.version_code, pkg.min_sdk, pkg.target_sdk, pkg.shared_user,
             int(system), pkg.installer, path, pkg.last_update, pkg.first_install, pkg.last_update,
             launchers.get(pkg.package) if not system else None),
        )
        for seq, perm in enumerate(pkg.requested):
            short = catalog.short_permission(perm)
            conn.execute(
                "INSERT INTO requested (package, seq, permission, restricted) VALUES (?,?,?,?)",
                (pkg.package, seq, perm, int(short in catalog.RESTRICTED)),
            )
            if catalog.is_known_install_permission(perm, sdk) and (owner, perm) not in install_seen:
                install_seen.add((owner, perm))
                conn.execute(
                    "INSERT INTO install_perms (owner, seq, permission, granted) VALUES (?,?,?,?)",
                    (owner, len(install_seen), perm, 1),
                )
        listed = {pu.user: pu for pu in pkg.users}
        for uid in user_ids:
            pu = listed.get(uid)
            installed = pu is not None and pu.installed
            seed = zlib.crc32(f"{pkg.package}/{uid}".encode())
            first = (pu.first_install if pu and pu.first_install else pkg.first_install) if installed else (
                "1970-01-01 01:00:00"
            )
            conn.execute(
                "INSERT INTO package_users (package, user_id, installed, enabled, stopped, not_launched, hidden,"
                " suspended, ce_inode, de_inode, install_reason, first_install) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (pkg.package, uid, int(installed), pu.enabled if pu else 0,
                 int(pu.stopped) if pu and installed else int(not installed), int(not installed),
                 int(pu.hidden) if pu else 0, int(pu.suspended) if pu else 0,
                 (seed % 9_000_000 + 100_000) if installed else 0,
                 (seed // 7 % 9_000_000 + 100_000) if installed else 0,
                 pu.install_reason if pu and installed else 0, first),
            )
            if pu is None and not installed:
                continue
            explicit = {p.name: p for p in (pu.permissions if pu else ())}
            read = explicit.get(catalog.full_permission("READ_CONTACTS"))
            if read is not None:  # the CONTACTS group moves together unless the profile says otherwise
                for member in ("WRITE_CONTACTS", "GET_ACCOUNTS"):
                    explicit.setdefault(catalog.full_permission(member), replace(read, name=catalog.full_permission(member)))
            for seq, perm in enumerate(pkg.requested):
                if not catalog.is_runtime(perm, sdk):
                    continue
                granted, flags = False, 0
                if contacts_fixed and catalog.short_permission(perm) in catalog.PERMISSION_OPS:
                    granted = True
                    flags = PERMISSION_FLAGS["SYSTEM_FIXED"] | PERMISSION_FLAGS["GRANTED_BY_DEFAULT"]
                elif system:
                    granted = True
                    flags = PERMISSION_FLAGS["GRANTED_BY_DEFAULT"]
                if perm in explicit:
                    granted = explicit[perm].granted
                    flags = 0
                    for name in explicit[perm].flags:
                        flags |= PERMISSION_FLAGS[name]
                if sdk >= 29 and not system and not (perm in explicit and explicit[perm].exact):
                    flags |= PERMISSION_FLAGS["USER_SENSITIVE_WHEN_GRANTED"] | PERMISSION_FLAGS[
                        "USER_SENSITIVE_WHEN_DENIED"
                    ]
                key = (owner, uid, perm)
                if key in runtime_rows:  # shared uid: another package already contributed it
                    old = runtime_rows[key]
                    granted = granted or bool(old[0])
                    flags |= old[1]
                    seq = old[2]
                runtime_rows[key] = (int(granted), flags, seq)
            if pu is None:
                continue
            for op in pu.appops:
                conn.execute(
                    "INSERT OR REPLACE INTO appops (package, user_id, op, mode, access_ms, reject_ms, duration_ms,"
                    " running) VALUES (?,?,?,?,?,?,?,?)",
                    (pkg.package, uid, op.op, op.mode, op.access_ms, op.reject_ms, op.duration_ms, int(op.running)),
                )
            for op_name, mode in pu.uid_appops:
                conn.execute(
                    "INSERT OR REPLACE INTO uid_appops (app_id, user_id, op, mode) VALUES (?,?,?,?)",
                    (app_id, uid, op_name, mode),
                )
    conn.executemany(
        "INSERT INTO runtime_perms (owner, user_id, permission, granted, flags, seq) VALUES (?,?,?,?,?,?)",
        [(o, u, p, g, f, s) for (o, u, p), (g, f, s) in runtime_rows.items()],
    )
