"""Simulated phone profiles: a TOML file per phone, loaded into frozen, validated dataclasses.

A profile states what makes one phone interesting (Android version, users and profiles, apps
and their permission state, the address book, faults) and leaves the rest to Android's
defaults (see ``android/catalog.py``). The schema is documented in docs/simulator.md. Every
mistake in a profile is reported as one ``ProfileError`` line naming the file and the key, so
a user trying their own policy on their own simulated phone never sees a traceback.
"""

from __future__ import annotations

import re
import tomllib
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from audit.apps import is_package_name
from audit.errors import AuditError
from audit.simulator.android import catalog
from audit.simulator.android.book import MESSENGERS, MIX_KINDS, SHARE_KEYS, ContactSpec, GenerateSpec
from audit.simulator.android.text import PERMISSION_FLAGS

FLEET_DIR = Path(__file__).resolve().parent / "fleet"
# 38 is one release past the verified range (it prints Android 17's formats): it lets tests and
# policy trials see the per-phone "newer than verified" note (audit/android_versions.py).
MIN_SDK, MAX_SDK = 23, 38
USER_KINDS = ("owner", "work_profile", "secure_folder", "clone", "secondary", "guest", "other")
ANDROID_COMMANDS = ("getprop", "pm", "cmd", "dumpsys", "appops", "content", "settings", "id", "whoami")
MAX_GENERATED = 250_000
MAX_USER_NAME = 65_536  # beyond the parser's bound on one record (audit/parse/users.py), on purpose
# Used with fullmatch: "$" would also accept a trailing "\n".
_DURATION = re.compile(r"(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m(?!s))?(?:([0-9]+)s)?(?:([0-9]+)ms)?")
_CLOCK = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}")
_OP = re.compile(r"[A-Z][A-Z0-9_]*")
_PROP = re.compile(r"[A-Za-z0-9_.\-]+")
_COMMAND = re.compile(r"[a-z][a-z0-9_.\-]*")
# A device-policy admin component as flattenToShortString prints it: "package/.Receiver".
_COMPONENT = re.compile(r"([A-Za-z][A-Za-z0-9_.]*)/(\.?[A-Za-z_][A-Za-z0-9_.$]*)")


class ProfileError(AuditError):
    """A profile file is missing, malformed or inconsistent (one line: file, key, problem)."""


@dataclass(frozen=True)
class DumpsysTimeout:
    """``dumpsys package`` gives up on the package service, as AOSP's dumpsys does after its
    timeout: the dump so far, then ``*** SERVICE 'package' DUMP TIMEOUT (Nms) EXPIRED ***``, exit 0.

    ``after``: the dump is cut after its first line that starts with this text (leading spaces
    ignored); None cuts before the first line. ``package``: only this package's dump (None: all).
    """

    after: str | None = None
    package: str | None = None
    timeout_ms: int = 10_000


@dataclass(frozen=True)
class Faults:
    unauthorized: bool = False  # transport: AUTH challenge never accepted
    no_answer: bool = False  # transport: accept TCP, never answer CNXN (offline)
    drop_after_bytes: int | None = None  # transport: drop TCP after N bytes of command output
    freeze_after_bytes: int | None = None  # transport: go silent after N output bytes
    latency_ms: int = 0  # every Android command stub sleeps this long first
    garbage_command: str | None = None  # this command prints garbage bytes/lines
    trickle_ms: int = 0  # transport: stream data goes out one byte per WRTE, this many ms apart
    dumpsys_timeout: DumpsysTimeout | None = None  # `dumpsys package` stops early, says so, exits 0
    appops_refused: tuple[str, ...] = ()  # `appops get` of these packages ("*": all) throws SecurityException


@dataclass(frozen=True)
class Permission:
    """One runtime permission of a package in one user. ``exact``: print ``flags`` as given,
    without the USER_SENSITIVE_* flags Android 10+ adds to every user-installed app."""

    name: str  # full name, android.permission.READ_CONTACTS
    granted: bool
    flags: tuple[str, ...] = ()
    exact: bool = False


@dataclass(frozen=True)
class AppOp:
    """A package-scoped app-op; times are how long ago, in ms, relative to the profile's clock."""

    op: str
    mode: str
    access_ms: int | None = None
    reject_ms: int | None = None
    duration_ms: int | None = None
    running: bool = False


@dataclass(frozen=True)
class PackageUser:
    """A package's state in one Android user."""

    user: int
    installed: bool = True
    enabled: int = 0
    stopped: bool = False
    hidden: bool = False
    suspended: bool = False
    install_reason: int = 0
    first_install: str | None = None
    permissions: tuple[Permission, ...] = ()
    appops: tuple[AppOp, ...] = ()
    uid_appops: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Package:
    package: str
    version_name: str = "1.0"
    version_code: int = 1
    min_sdk: int = 21
    target_sdk: int = 33
    app_id: int | None = None
    shared_user: str | None = None
    system: bool = False
    installer: str | None = "com.android.vending"
    first_install: str = "2023-01-10 09:00:00"
    last_update: str = "2024-11-02 18:30:00"
    requested: tuple[str, ...] = ()
    users: tuple[PackageUser, ...] = ()

    def in_user(self, user_id: int) -> PackageUser | None:
        for entry in self.users:
            if entry.user == user_id:
                return entry
        return None


@dataclass(frozen=True)
class Book:
    """One user's address book: hand-written contacts plus generated blocks."""

    account_type: str | None = None  # default for the contacts below; "" means device-local
    account_name: str | None = field(default=None, repr=False)
    contacts: tuple[ContactSpec, ...] = ()
    generate: tuple[GenerateSpec, ...] = ()

    @property
    def size(self) -> int:
        return len(self.contacts) + sum(g.count for g in self.generate)


@dataclass(frozen=True)
class User:
    id: int
    name: str
    flags: int
    kind: str = "owner"
    running: bool = True
    locked: bool = False  # credential-encrypted storage locked: the contacts provider cannot start
    type: str = "full.SYSTEM"
    parent: int | None = None
    settings: tuple[tuple[str, str], ...] = ()  # Settings.Secure in this user
    book: Book = Book()
    profile_owner: str | None = None  # "package/.Receiver": the DPC that owns this profile (MDM)


def _owner() -> tuple[User, ...]:
    return (User(0, "Owner", 0xC13),)


@dataclass(frozen=True)
class Profile:
    name: str
    manufacturer: str
    model: str
    product: str
    device: str
    android_release: str
    sdk: int
    faults: Faults = Faults()
    brand: str = ""
    fingerprint: str = ""
    serialno: str = ""
    build_id: str = ""
    security_patch: str = ""
    sim_country: str = "de"
    locale: str = "de-DE"
    timezone: str = "Europe/Berlin"
    clock: str = "2025-03-14 10:30:00"
    props: tuple[tuple[str, str], ...] = ()
    users: tuple[User, ...] = field(default_factory=_owner)
    packages: tuple[Package, ...] = ()
    oem_user_tokens: tuple[str, ...] = ()
    content_error_status: int = 0
    system_apps: bool = True
    description: str = ""
    source: str | None = None
    device_owner: str | None = None  # "package/.Receiver": the DPC that owns the phone (user 0)

    @property
    def shell_v2(self) -> bool:
        """adbd speaks the shell protocol (separate stderr, exit codes) from Android 7 on."""
        return self.sdk >= 24

    def user(self, user_id: int) -> User | None:
        for user in self.users:
            if user.id == user_id:
                return user
        return None

    def package(self, name: str) -> Package | None:
        for pkg in self.packages:
            if pkg.package == name:
                return pkg
        return None

    def properties(self) -> dict[str, str]:
        """Every system property ``getprop`` lists, sorted by key."""
        return dict(sorted(_properties(self).items()))


# --- getprop -------------------------------------------------------------------------------------


def _stable_digits(seed: str, n: int) -> str:
    value = zlib.crc32(seed.encode("utf-8"))
    out = ""
    while len(out) < n:
        value = zlib.crc32(out.encode("ascii") + seed.encode("utf-8"), value)
        out += str(value)
    return out[:n]


def _properties(p: Profile) -> dict[str, str]:
    build_id, patch = catalog.BUILDS.get(p.sdk, ("UNKNOWN", "2024-01-01"))
    build_id = p.build_id or build_id
    brand = p.brand or p.manufacturer.lower()
    incremental = _stable_digits(p.name + "inc", 7)
    fingerprint = p.fingerprint or (
        f"{brand}/{p.product}/{p.device}:{p.android_release}/{build_id}/{incremental}:user/release-keys"
    )
    props = {
        "dalvik.vm.heapgrowthlimit": "256m",
        "dalvik.vm.heapsize": "512m",
        "dalvik.vm.heapmaxfree": "8m",
        "dalvik.vm.usejit": "true",
        "gsm.current.phone-type": "1",
        "gsm.network.type": "LTE" if p.sim_country else "Unknown",
        "gsm.operator.iso-country": p.sim_country,
        "gsm.sim.operator.iso-country": p.sim_country,
        "gsm.sim.state": "LOADED" if p.sim_country else "ABSENT",
        "init.svc.adbd": "running",
        "persist.sys.timezone": p.timezone,
        "persist.sys.usb.config": "mtp,adb",
        "ro.boot.serialno": p.serialno,
        "ro.build.characteristics": "default",
        "ro.build.date.utc": _stable_digits(p.name + "utc", 10),
        "ro.build.display.id": f"{build_id} release-keys",
        "ro.build.fingerprint": fingerprint,
        "ro.build.id": build_id,
        "ro.build.tags": "release-keys",
        "ro.build.type": "user",
        "ro.build.version.codename": "REL",
        "ro.build.version.incremental": incremental,
        "ro.build.version.preview_sdk": "0",
        "ro.build.version.release": p.android_release,
        "ro.build.version.sdk": str(p.sdk),
        **({"ro.build.version.sdk_full": f"{p.sdk}.0"} if p.sdk >= 37 else {}),
        "ro.build.version.security_patch": p.security_patch or patch,
        "ro.crypto.state": "encrypted",
        "ro.debuggable": "0",
        "ro.hardware": p.device,
        "ro.product.board": p.device,
        "ro.product.brand": brand,
        "ro.product.cpu.abi": "arm64-v8a",
        "ro.product.device": p.device,
        "ro.product.manufacturer": p.manufacturer,
        "ro.product.model": p.model,
        "ro.product.name": p.product,
        "ro.secure": "1",
        "ro.serialno": p.serialno,
        "sys.boot_completed": "1",
    }
    if p.sdk >= 24:
        props["persist.sys.locale"] = p.locale
    else:
        props["ro.product.locale"] = p.locale
    if p.sdk >= 26:
        props["ro.product.vendor.model"] = p.model
        props["ro.product.vendor.manufacturer"] = p.manufacturer
        props["ro.treble.enabled"] = "true"
    if p.sdk >= 30:
        props["ro.build.version.release_or_codename"] = p.android_release
    props.update(dict(p.props))
    return props


# --- loading -------------------------------------------------------------------------------------


def bundled_profiles() -> list[Path]:
    """The fleet shipped with contact-audit (audit/simulator/fleet/*.toml), sorted."""
    return sorted(FLEET_DIR.glob("*.toml"))


def load_profile(path_or_name: str | Path) -> Profile:
    """A profile from a TOML path or the name of a bundled one (``pixel8-critical``)."""
    path = _locate(path_or_name)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProfileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ProfileError(f"{path}: not UTF-8 text") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{path}: invalid TOML: {_one_line(str(exc))}") from None
    return _Loader(str(path)).profile(data, default_name=path.stem)


def parse_profile(text: str, where: str = "<profile>", default_name: str = "phone") -> Profile:
    """A profile from TOML text (tests and generated phones)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{where}: invalid TOML: {_one_line(str(exc))}") from None
    return _Loader(where).profile(data, default_name=default_name)


def _locate(path_or_name: str | Path) -> Path:
    path = Path(path_or_name)
    if path.suffix == ".toml" or path.exists() or len(path.parts) > 1:
        if not path.is_file():
            raise ProfileError(f"{path}: no such profile file")
        return path
    name = str(path_or_name)
    for candidate in bundled_profiles():
        if candidate.stem == name:
            return candidate
    names = ", ".join(p.stem for p in bundled_profiles())
    raise ProfileError(f"{name}: no profile file and no bundled profile of that name (bundled: {names})")


def _one_line(text: str) -> str:
    return " ".join(text.split())[:300]


class _Loader:
    """Reads one profile, tracking the key path so every error names where it is."""

    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, key: str, problem: str) -> ProfileError:
        return ProfileError(f"{self.where}: {key}: {problem}")

    # -- typed access ---------------------------------------------------------------------------

    def table(self, data: Mapping[str, Any], key: str, allowed: tuple[str, ...], path: str) -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(path, "must be a table")
        self.only(value, allowed, path)
        return value

    def only(self, data: Mapping[str, Any], allowed: tuple[str, ...], path: str) -> None:
        for key in data:
            if key not in allowed:
                where = f"{path}.{key}" if path else key
                raise self.fail(where, f"unknown key (allowed: {', '.join(allowed)})")

    def text(self, data: Mapping[str, Any], key: str, path: str, default: str | None = None) -> str:
        value = data.get(key, default)
        if value is None:
            raise self.fail(_join(path, key), "missing (a string is required)")
        if not isinstance(value, str):
            raise self.fail(_join(path, key), f"must be a string, not {type(value).__name__}")
        if "\n" in value or "\x00" in value:
            raise self.fail(_join(path, key), "must be one line")
        return value

    def user_name(self, data: Mapping[str, Any], path: str, default: str) -> str:
        """A user's name: may span lines and be long, as a device-policy app can set it
        (``pm list users`` then prints one record over several lines)."""
        value = data.get("name", default)
        if not isinstance(value, str):
            raise self.fail(_join(path, "name"), f"must be a string, not {type(value).__name__}")
        if "\x00" in value:
            raise self.fail(_join(path, "name"), "must not hold NUL")
        if len(value) > MAX_USER_NAME:
            raise self.fail(_join(path, "name"), f"at most {MAX_USER_NAME} characters")
        return value

    def opt_text(self, data: Mapping[str, Any], key: str, path: str) -> str | None:
        if key not in data:
            return None
        return self.text(data, key, path)

    def contact_value(self, data: Mapping[str, Any], key: str, path: str) -> str | None:
        """A contact's free text: may span lines, as values typed on (or synced to) a phone do."""
        if key not in data:
            return None
        value = data[key]
        if not isinstance(value, str):
            raise self.fail(_join(path, key), f"must be a string, not {type(value).__name__}")
        if "\x00" in value:
            raise self.fail(_join(path, key), "must not hold NUL")
        return value

    def integer(self, data: Mapping[str, Any], key: str, path: str, default: int | None = None,
                lo: int | None = None, hi: int | None = None) -> int:
        value = data.get(key, default)
        if value is None:
            raise self.fail(_join(path, key), "missing (an integer is required)")
        if isinstance(value, str) and re.fullmatch(r"0x[0-9a-fA-F]+", value):
            value = int(value, 16)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(_join(path, key), f"must be an integer, not {type(value).__name__}")
        if lo is not None and value < lo:
            raise self.fail(_join(path, key), f"must be at least {lo}")
        if hi is not None and value > hi:
            raise self.fail(_join(path, key), f"must be at most {hi}")
        return value

    def opt_integer(self, data: Mapping[str, Any], key: str, path: str, lo: int | None = None) -> int | None:
        if key not in data:
            return None
        return self.integer(data, key, path, lo=lo)

    def flag(self, data: Mapping[str, Any], key: str, path: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(_join(path, key), "must be true or false")
        return value

    def strings(self, data: Mapping[str, Any], key: str, path: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(_join(path, key), "must be a list of strings")
        for v in value:
            if "\n" in v or "\x00" in v:
                raise self.fail(_join(path, key), "entries must be one line")
        return tuple(value)

    def items(self, data: Mapping[str, Any], key: str, path: str) -> list[dict[str, Any]]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(_join(path, key), "must be an array of tables ([[...]])")
        return value

    def duration(self, value: object, path: str) -> int:
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        if isinstance(value, str):
            m = _DURATION.fullmatch(value.strip())
            if m and value.strip():
                d, h, mi, s, ms = (int(g) if g else 0 for g in m.groups())
                return (((d * 24 + h) * 60 + mi) * 60 + s) * 1000 + ms
        raise self.fail(path, f"not a duration like '3d4h5m6s7ms' or milliseconds: {str(value)[:40]!r}")

    def clock(self, value: str, path: str) -> str:
        if not _CLOCK.fullmatch(value):
            raise self.fail(path, "must look like 'YYYY-MM-DD HH:MM:SS'")
        return value

    # -- sections -------------------------------------------------------------------------------

    def profile(self, data: dict[str, Any], default_name: str) -> Profile:
        self.only(data, ("name", "description", "device", "faults", "users", "packages"), "")
        name = self.text(data, "name", "", default_name)
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}", name):
            raise self.fail("name", "use 1-64 letters, digits, '.', '_' or '-'")
        description = self.text(data, "description", "", "")
        if "device" not in data:
            raise self.fail("device", "missing (manufacturer, model, product, device, sdk are required)")
        dev = self.table(
            data, "device",
            ("manufacturer", "model", "product", "device", "brand", "android_release", "sdk", "fingerprint",
             "serialno", "build_id", "security_patch", "sim_country", "locale", "timezone", "clock", "props",
             "oem_user_tokens", "content_error_status", "system_apps", "device_owner"),
            "device",
        )
        sdk = self.integer(dev, "sdk", "device", lo=MIN_SDK, hi=MAX_SDK)
        manufacturer = self.text(dev, "manufacturer", "device")
        model = self.text(dev, "model", "device")
        product = self.text(dev, "product", "device")
        device = self.text(dev, "device", "device")
        for key, value in (("model", model), ("product", product), ("device", device)):
            if not value or ";" in value:
                raise self.fail(f"device.{key}", "must be non-empty and free of ';'")
        release = self.text(dev, "android_release", "device", catalog.RELEASES.get(sdk, str(sdk)))
        props_raw = dev.get("props", {})
        if not isinstance(props_raw, dict):
            raise self.fail("device.props", "must be a table of \"key\" = \"value\"")
        props: list[tuple[str, str]] = []
        for key in props_raw:
            if not _PROP.fullmatch(key):
                raise self.fail(f"device.props.{key}", "not a property name")
            props.append((key, self.text(props_raw, key, "device.props")))
        clock = self.clock(self.text(dev, "clock", "device", Profile.clock), "device.clock")
        users = self.users(data, sdk)
        user_ids = {u.id for u in users}
        packages = self.packages(data, user_ids, sdk)
        serial_default = "R" + _stable_digits(name, 10)
        return Profile(
            name=name,
            manufacturer=manufacturer,
            model=model,
            product=product,
            device=device,
            android_release=release,
            sdk=sdk,
            faults=self.faults(data, sdk),
            brand=self.text(dev, "brand", "device", manufacturer.lower()),
            fingerprint=self.text(dev, "fingerprint", "device", ""),
            serialno=self.text(dev, "serialno", "device", serial_default),
            build_id=self.text(dev, "build_id", "device", ""),
            security_patch=self.text(dev, "security_patch", "device", ""),
            sim_country=self.text(dev, "sim_country", "device", "de"),
            locale=self.text(dev, "locale", "device", "de-DE"),
            timezone=self.text(dev, "timezone", "device", "Europe/Berlin"),
            clock=clock,
            props=tuple(props),
            users=users,
            packages=packages,
            oem_user_tokens=self.oem_tokens(dev),
            content_error_status=self.integer(dev, "content_error_status", "device", 0, lo=0, hi=255),
            system_apps=self.flag(dev, "system_apps", "device", True),
            description=description,
            source=self.where,
            device_owner=self.component(dev, "device_owner", "device"),
        )

    def component(self, data: Mapping[str, Any], key: str, path: str) -> str | None:
        """An owner component ("package/.Receiver"), checked so the dumpsys stub prints it verbatim."""
        value = self.opt_text(data, key, path)
        if value is None:
            return None
        match = _COMPONENT.fullmatch(value)
        if match is None or not is_package_name(match.group(1)):
            raise self.fail(f"{path}.{key}", "must be a component such as \"com.example.mdm/.AdminReceiver\"")
        return value

    def oem_tokens(self, dev: Mapping[str, Any]) -> tuple[str, ...]:
        tokens = self.strings(dev, "oem_user_tokens", "device")
        for token in tokens:
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*=[^\s]*", token):
                raise self.fail("device.oem_user_tokens", f"not a key=value token: {token[:40]!r}")
        return tokens

    def faults(self, data: Mapping[str, Any], sdk: int) -> Faults:
        raw = self.table(
            data, "faults",
            ("unauthorized", "no_answer", "drop_after_bytes", "freeze_after_bytes", "latency_ms", "garbage_command",
             "trickle_ms", "dumpsys_timeout", "appops_refused"),
            "faults",
        )
        garbage = self.opt_text(raw, "garbage_command", "faults")
        if garbage is not None and not _COMMAND.fullmatch(garbage):
            raise self.fail("faults.garbage_command", "must be a command name such as 'dumpsys'")
        return Faults(
            unauthorized=self.flag(raw, "unauthorized", "faults", False),
            no_answer=self.flag(raw, "no_answer", "faults", False),
            drop_after_bytes=self.opt_integer(raw, "drop_after_bytes", "faults", lo=0),
            freeze_after_bytes=self.opt_integer(raw, "freeze_after_bytes", "faults", lo=0),
            latency_ms=self.integer(raw, "latency_ms", "faults", 0, lo=0, hi=60_000),
            garbage_command=garbage,
            trickle_ms=self.integer(raw, "trickle_ms", "faults", 0, lo=0, hi=60_000),
            dumpsys_timeout=self.dumpsys_timeout(raw, sdk),
            appops_refused=self.appops_refused(raw, sdk),
        )

    def dumpsys_timeout(self, faults: Mapping[str, Any], sdk: int) -> DumpsysTimeout | None:
        if "dumpsys_timeout" not in faults:
            return None
        path = "faults.dumpsys_timeout"
        raw = self.table(faults, "dumpsys_timeout", ("after", "package", "timeout_ms"), path)
        if sdk < 24:  # Android 6's dumpsys waits for the service without a timeout
            raise self.fail(path, "needs device.sdk >= 24: Android 6's dumpsys has no timeout")
        package = self.opt_text(raw, "package", path)
        if package is not None and not is_package_name(package):
            raise self.fail(f"{path}.package", f"not a valid Android package name: {package[:80]!r}")
        after = self.opt_text(raw, "after", path)
        if after is not None and not after.strip():
            raise self.fail(f"{path}.after", "must name the start of a line (leave it out to cut before the first)")
        return DumpsysTimeout(
            after=after.strip() if after is not None else None,
            package=package,
            timeout_ms=self.integer(raw, "timeout_ms", path, 10_000, lo=1, hi=3_600_000),
        )

    def appops_refused(self, faults: Mapping[str, Any], sdk: int) -> tuple[str, ...]:
        value = faults.get("appops_refused", False)
        path = "faults.appops_refused"
        if value is False:
            return ()
        if sdk < 26:  # modelled on the shell command of AppOpsService (8+); 6/7 ran a standalone tool
            raise self.fail(path, "needs device.sdk >= 26 (the refusal of Android 8+'s appops shell command)")
        if value is True:
            return ("*",)
        names = self.strings(faults, "appops_refused", "faults")
        for name in names:
            if not is_package_name(name):
                raise self.fail(path, f"not a valid Android package name: {name[:80]!r}")
        if not names:
            raise self.fail(path, "true, or a non-empty list of package names")
        return names

    def users(self, data: Mapping[str, Any], sdk: int) -> tuple[User, ...]:
        raw_users = self.items(data, "users", "users")
        if not raw_users:
            return (User(0, "Owner", _default_flags("owner", sdk), book=Book()),)
        users: list[User] = []
        seen: set[int] = set()
        for i, raw in enumerate(raw_users):
            path = f"users[{i}]"
            self.only(
                raw,
                ("id", "name", "kind", "flags", "running", "locked", "type", "parent", "settings", "book",
                 "profile_owner"),
                path,
            )
            uid = self.integer(raw, "id", path, lo=0, hi=99_999)
            if uid in seen:
                raise self.fail(f"{path}.id", f"user {uid} is defined twice")
            seen.add(uid)
            kind = self.text(raw, "kind", path, "owner" if uid == 0 else "secondary")
            if kind not in USER_KINDS:
                raise self.fail(f"{path}.kind", f"unknown kind {kind!r} (one of: {', '.join(USER_KINDS)})")
            settings_raw = raw.get("settings", {})
            if not isinstance(settings_raw, dict):
                raise self.fail(f"{path}.settings", "must be a table of secure settings")
            settings = [(k, self.text(settings_raw, k, f"{path}.settings")) for k in settings_raw]
            if kind == "work_profile" and "managed_profile_contact_remote_search" not in settings_raw:
                settings.append(("managed_profile_contact_remote_search", "1"))
            parent = self.opt_integer(raw, "parent", path, lo=0)
            if parent is None and kind in ("work_profile", "secure_folder", "clone"):
                parent = 0
            users.append(
                User(
                    id=uid,
                    name=self.user_name(raw, path, "Owner" if uid == 0 else f"User {uid}"),
                    flags=self.integer(raw, "flags", path, _default_flags(kind, sdk), lo=0, hi=0xFFFFFFFF),
                    kind=kind,
                    running=self.flag(raw, "running", path, True),
                    locked=self.flag(raw, "locked", path, False),
                    type=self.text(raw, "type", path, _default_type(kind)),
                    parent=parent,
                    settings=tuple(settings),
                    book=self.book(raw, path),
                    profile_owner=self.component(raw, "profile_owner", path),
                )
            )
        if 0 not in seen:
            raise self.fail("users", "user 0 (the owner) is required")
        for user in users:
            if user.parent is not None and user.parent not in seen:
                raise self.fail(f"users[id={user.id}].parent", f"no user {user.parent}")
        return tuple(sorted(users, key=lambda u: u.id))

    def book(self, raw_user: Mapping[str, Any], path: str) -> Book:
        raw = self.table(raw_user, "book", ("account_type", "account_name", "contacts", "generate"), f"{path}.book")
        bpath = f"{path}.book"
        contacts = []
        for i, c in enumerate(self.items(raw, "contacts", bpath)):
            cpath = f"{bpath}.contacts[{i}]"
            self.only(
                c, ("name", "phones", "emails", "organization", "account_type", "account_name", "deleted", "starred",
                    "messengers"), cpath,
            )
            messengers = self.strings(c, "messengers", cpath)
            for m in messengers:
                if m not in MESSENGERS:
                    raise self.fail(f"{cpath}.messengers", f"unknown messenger {m!r} (known: {', '.join(MESSENGERS)})")
            contacts.append(
                ContactSpec(
                    name=self.text(c, "name", cpath),
                    phones=self.strings(c, "phones", cpath),
                    emails=self.strings(c, "emails", cpath),
                    organization=self.contact_value(c, "organization", cpath),
                    account_type=self.opt_text(c, "account_type", cpath),
                    account_name=self.opt_text(c, "account_name", cpath),
                    deleted=self.flag(c, "deleted", cpath, False),
                    starred=self.flag(c, "starred", cpath, False),
                    messengers=messengers,
                )
            )
        blocks = []
        total = len(contacts)
        for i, g in enumerate(self.items(raw, "generate", bpath)):
            gpath = f"{bpath}.generate[{i}]"
            self.only(g, ("count", "seed", "mix", "account_type", "account_name", *SHARE_KEYS), gpath)
            count = self.integer(g, "count", gpath, lo=0, hi=MAX_GENERATED)
            total += count
            if total > MAX_GENERATED:
                raise self.fail(f"{gpath}.count", f"more than {MAX_GENERATED} contacts in one book")
            mix_raw = g.get("mix", {"private": 0.6, "business": 0.25, "colleague": 0.15})
            if not isinstance(mix_raw, dict) or not mix_raw:
                raise self.fail(f"{gpath}.mix", f"must be a table of weights ({', '.join(MIX_KINDS)})")
            mix = []
            for kind, weight in mix_raw.items():
                if kind not in MIX_KINDS:
                    raise self.fail(f"{gpath}.mix.{kind}", f"unknown kind (one of: {', '.join(MIX_KINDS)})")
                mix.append((kind, self.fraction(weight, f"{gpath}.mix.{kind}", upper=None)))
            if sum(w for _, w in mix) <= 0:
                raise self.fail(f"{gpath}.mix", "weights must not all be zero")
            shares = tuple(
                (key, self.fraction(g[key], f"{gpath}.{key}", upper=1.0)) for key in SHARE_KEYS if key in g
            )
            blocks.append(
                GenerateSpec(
                    count=count,
                    seed=self.integer(g, "seed", gpath, 1),
                    mix=tuple(mix),
                    shares=shares,
                    account_type=self.opt_text(g, "account_type", gpath),
                    account_name=self.opt_text(g, "account_name", gpath),
                )
            )
        return Book(
            account_type=self.opt_text(raw, "account_type", bpath),
            account_name=self.opt_text(raw, "account_name", bpath),
            contacts=tuple(contacts),
            generate=tuple(blocks),
        )

    def fraction(self, value: object, path: str, upper: float | None) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise self.fail(path, "must be a number >= 0")
        if upper is not None and value > upper:
            raise self.fail(path, f"must be at most {upper}")
        return float(value)

    def packages(self, data: Mapping[str, Any], user_ids: set[int], sdk: int) -> tuple[Package, ...]:
        packages: list[Package] = []
        seen: set[str] = set()
        for i, raw in enumerate(self.items(data, "packages", "packages")):
            path = f"packages[{i}]"
            self.only(
                raw, ("package", "version_name", "version_code", "min_sdk", "target_sdk", "app_id", "shared_user",
                      "system", "installer", "first_install", "last_update", "requested", "users"), path,
            )
            name = self.text(raw, "package", path)
            if not is_package_name(name):
                raise self.fail(f"{path}.package", f"not a valid Android package name: {name[:80]!r}")
            if name in seen:
                raise self.fail(f"{path}.package", f"{name} is defined twice")
            seen.add(name)
            path = f"packages[{name}]"
            shared = self.opt_text(raw, "shared_user", path)
            if shared is not None and not is_package_name(shared):
                raise self.fail(f"{path}.shared_user", "must look like a package name (a.b.c)")
            requested = tuple(catalog.full_permission(p) for p in self.strings(raw, "requested", path))
            if not requested:
                requested = catalog.default_requests(name)
            installer = raw.get("installer", "com.android.vending")
            if installer == "":
                installer = None
            elif not isinstance(installer, str) or not is_package_name(installer):
                raise self.fail(f"{path}.installer", "must be a package name or \"\" for none")
            pusers = []
            users_seen: set[int] = set()
            for j, u in enumerate(self.items(raw, "users", path)):
                upath = f"{path}.users[{j}]"
                pusers.append(self.package_user(u, upath, user_ids, requested, sdk))
                if pusers[-1].user in users_seen:
                    raise self.fail(f"{upath}.user", f"user {pusers[-1].user} is listed twice")
                users_seen.add(pusers[-1].user)
            packages.append(
                Package(
                    package=name,
                    version_name=self.text(raw, "version_name", path, "1.0"),
                    version_code=self.integer(raw, "version_code", path, 1, lo=0),
                    min_sdk=self.integer(raw, "min_sdk", path, 21, lo=1, hi=99),
                    target_sdk=self.integer(raw, "target_sdk", path, min(sdk, 34), lo=1, hi=99),
                    app_id=self.opt_integer(raw, "app_id", path, lo=10_000),
                    shared_user=shared,
                    system=self.flag(raw, "system", path, False),
                    installer=installer,
                    first_install=self.clock(self.text(raw, "first_install", path, Package.first_install),
                                             f"{path}.first_install"),
                    last_update=self.clock(self.text(raw, "last_update", path, Package.last_update),
                                           f"{path}.last_update"),
                    requested=requested,
                    users=tuple(pusers),
                )
            )
        return tuple(packages)

    def package_user(self, raw: Mapping[str, Any], path: str, user_ids: set[int], requested: tuple[str, ...],
                     sdk: int) -> PackageUser:
        self.only(
            raw, ("user", "installed", "enabled", "stopped", "hidden", "suspended", "install_reason", "first_install",
                  "permissions", "appops", "uid_appops"), path,
        )
        user = self.integer(raw, "user", path, lo=0)
        if user not in user_ids:
            raise self.fail(f"{path}.user", f"no user {user} in [[users]]")
        perms_raw = raw.get("permissions", {})
        if not isinstance(perms_raw, dict):
            raise self.fail(f"{path}.permissions", "must be a table like READ_CONTACTS = { granted = true }")
        perms = []
        for key, value in perms_raw.items():
            ppath = f"{path}.permissions.{key}"
            full = catalog.full_permission(key)
            if full not in requested:
                raise self.fail(ppath, "the package does not request this permission (add it to 'requested')")
            if not catalog.is_runtime(full, sdk):
                raise self.fail(ppath, f"not a runtime permission on Android API {sdk}")
            if isinstance(value, bool):
                perms.append(Permission(full, value))
                continue
            if not isinstance(value, dict):
                raise self.fail(ppath, "must be true, false or { granted = ..., flags = [...] }")
            self.only(value, ("granted", "flags", "exact"), ppath)
            flags = self.strings(value, "flags", ppath)
            for flag in flags:
                if flag not in PERMISSION_FLAGS:
                    raise self.fail(f"{ppath}.flags", f"unknown permission flag {flag!r}")
            perms.append(Permission(full, self.flag(value, "granted", ppath, False), flags,
                                    self.flag(value, "exact", ppath, False)))
        appops = []
        ops_raw = raw.get("appops", {})
        if not isinstance(ops_raw, dict):
            raise self.fail(f"{path}.appops", "must be a table like READ_CONTACTS = { mode = \"allow\" }")
        for op, value in ops_raw.items():
            opath = f"{path}.appops.{op}"
            self.op_name(op, opath)
            if isinstance(value, str):
                appops.append(AppOp(op, self.mode(value, opath)))
                continue
            if not isinstance(value, dict):
                raise self.fail(opath, "must be a mode string or { mode = ..., access = ..., reject = ... }")
            self.only(value, ("mode", "access", "reject", "duration", "running"), opath)
            appops.append(
                AppOp(
                    op,
                    self.mode(self.text(value, "mode", opath, "allow"), f"{opath}.mode"),
                    access_ms=self.duration(value["access"], f"{opath}.access") if "access" in value else None,
                    reject_ms=self.duration(value["reject"], f"{opath}.reject") if "reject" in value else None,
                    duration_ms=self.duration(value["duration"], f"{opath}.duration") if "duration" in value else None,
                    running=self.flag(value, "running", opath, False),
                )
            )
        uid_raw = raw.get("uid_appops", {})
        if not isinstance(uid_raw, dict):
            raise self.fail(f"{path}.uid_appops", "must be a table like READ_CONTACTS = \"ignore\"")
        uid_ops = []
        for op, value in uid_raw.items():
            self.op_name(op, f"{path}.uid_appops.{op}")
            if not isinstance(value, str):
                raise self.fail(f"{path}.uid_appops.{op}", "must be a mode string")
            uid_ops.append((op, self.mode(value, f"{path}.uid_appops.{op}")))
        first = self.opt_text(raw, "first_install", path)
        return PackageUser(
            user=user,
            installed=self.flag(raw, "installed", path, True),
            enabled=self.integer(raw, "enabled", path, 0, lo=0, hi=4),
            stopped=self.flag(raw, "stopped", path, False),
            hidden=self.flag(raw, "hidden", path, False),
            suspended=self.flag(raw, "suspended", path, False),
            install_reason=self.integer(raw, "install_reason", path, 0, lo=0, hi=10),
            first_install=self.clock(first, f"{path}.first_install") if first is not None else None,
            permissions=tuple(perms),
            appops=tuple(appops),
            uid_appops=tuple(uid_ops),
        )

    def op_name(self, op: str, path: str) -> None:
        if op not in catalog.OP_ORDER:
            hint = " (app-op names are upper case, e.g. READ_CONTACTS)" if _OP.fullmatch(op) is None else ""
            raise self.fail(path, f"unknown app-op{hint}")

    def mode(self, value: str, path: str) -> str:
        if value not in catalog.MODES:
            raise self.fail(path, f"unknown mode {value!r} (one of: {', '.join(catalog.MODES)})")
        return value


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _default_flags(kind: str, sdk: int) -> int:
    """UserInfo flags Android gives each kind of user (Samsung/Xiaomi add their own high bits)."""
    if kind == "owner":
        flags = 0x13 if sdk < 30 else 0xC13
        return flags | 0x4000 if sdk >= 34 else flags
    if kind == "work_profile":
        return 0x30 if sdk < 30 else 0x1030
    if kind == "secure_folder":
        return 0x10061030
    if kind == "clone":
        return 0x20001010 if sdk >= 30 else 0x800010
    if kind == "guest":
        return 0x414 if sdk >= 30 else 0x14
    return 0x410 if sdk >= 30 else 0x10


def _default_type(kind: str) -> str:
    return {
        "owner": "full.SYSTEM",
        "work_profile": "profile.MANAGED",
        "secure_folder": "profile.MANAGED",
        "clone": "profile.CLONE",
        "guest": "full.GUEST",
    }.get(kind, "full.SECONDARY")
