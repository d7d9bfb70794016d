"""``dumpsys package [PACKAGE]``, laid out as the Android release of the phone prints it.

The differences a parser meets between Android 6 and 17 (see FORMATS.md in the project's
reference notes): ``userId=`` vs ``appId=`` (13+), ``minSdk=`` only from 9, the package-level
``firstInstallTime`` moving into each user block (13+), the per-user line growing tokens
(``ceDataInode`` 7+, ``instant`` 8+, ``virtual`` 9+, ``distractionFlags`` 11+, ``deDataInode``
and ``quarantined`` 15+, the pcc inodes and ``appLockEnabled`` 17+, 6.0's double space; 17
also prints ``pccId=`` and a blank line before ``developerVerificationStatus=``), permission flags as ``[ A B ]`` (<=9) or
``[ A|B]`` (10+), runtime permissions of shared-uid packages under ``Shared users:``, a block for
every user including those where the app is not installed, and OEM tokens where a profile asks
for them. An unknown package prints no Package block at all.

The profile's ``faults.dumpsys_timeout`` ends a dump early the way AOSP's dumpsys (7+) does when
the service outlives its timeout: the lines so far, the ``*** SERVICE ... DUMP TIMEOUT ...``
line, exit status 0.
"""

from __future__ import annotations

import zlib

from .catalog import RESTRICTED, short_permission
from .context import Context
from .perms import runtime_state
from .text import identity_hash, java_string_hash, permission_flags

SERVICES = ("activity", "appops", "device_policy", "package", "permission", "settings", "user")


def run(ctx: Context, args: list[str]) -> int:
    if not args or args[0] == "-l":
        ctx.out("Currently running services:")
        for name in SERVICES:
            ctx.out(f"  {name}")
        return 0
    service, rest = args[0], args[1:]
    if service == "device_policy":
        from .device_policy import dump as dump_device_policy

        dump_device_policy(ctx)
        return 0
    if service != "package":
        if service not in SERVICES:
            ctx.err(f"Can't find service: {service}")
        return 0
    names = [a for a in rest if not a.startswith("-")]
    sections = _dump_one(ctx, names[0]) if names else _dump_all(ctx)
    lines: list[str] = []
    for index, section in enumerate(sections):
        if index:
            lines.append("")
        lines.extend(section)
    timeout = _timeout_fault(ctx, names[0] if names else None)
    if timeout is not None:
        after, ms = timeout
        lines = _cut_after(lines, after)
        # AOSP dumpsys (7+), when the service's dump outlives its timeout: a blank line, this
        # line and another blank line on stdout, then the next service; the status stays 0.
        lines += ["", f"*** SERVICE 'package' DUMP TIMEOUT ({ms}ms) EXPIRED ***", ""]
    ctx.out_lines(lines)
    return 0


def _timeout_fault(ctx: Context, package: str | None) -> tuple[str | None, int] | None:
    """(cut after the line starting with this text, timeout ms) when the profile's
    ``faults.dumpsys_timeout`` applies to this dump; None otherwise."""
    ms = ctx.meta.get("dumpsys_timeout_ms")
    if not ms:
        return None
    only = ctx.meta.get("dumpsys_timeout_package", "")
    if only and package != only:
        return None
    return ctx.meta.get("dumpsys_timeout_after"), int(ms)


def _cut_after(lines: list[str], after: str | None) -> list[str]:
    """The lines up to and including the first that starts with ``after`` (leading spaces
    ignored); none for None; all when no line does (the timeout then came at the very end)."""
    if after is None:
        return []
    for index, line in enumerate(lines):
        if line.lstrip().startswith(after):
            return lines[: index + 1]
    return lines


def _java_bool(value: object) -> str:
    return "true" if value else "false"


def _sig_hex(name: str) -> str:
    return f"{zlib.crc32((name + ':sig').encode()) & 0xFFFFFFFF:08x}"


def _users(ctx: Context) -> list[int]:
    return ctx.user_ids()


def _package_rows(ctx: Context, name: str | None) -> list[dict[str, object]]:
    cursor = ctx.conn.execute(
        "SELECT name, app_id, version_name, version_code, min_sdk, target_sdk, shared_user, system, installer,"
        " code_path, time_stamp, first_install, last_update, launcher_activity FROM packages"
        " WHERE ? IS NULL OR name = ?",
        (name, name),
    )
    keys = [d[0] for d in cursor.description]
    rows = [dict(zip(keys, row, strict=True)) for row in cursor.fetchall()]
    rows.sort(key=lambda r: java_string_hash(str(r["name"])))
    return rows


def _shared_app_id(ctx: Context, shared: str) -> int:
    row = ctx.conn.execute("SELECT app_id FROM shared_users WHERE name = ?", (shared,)).fetchone()
    return int(row[0]) if row else 0


def _install_perms(ctx: Context, owner: str) -> list[tuple[str, bool]]:
    return [
        (str(p), bool(g))
        for p, g in ctx.conn.execute(
            "SELECT permission, granted FROM install_perms WHERE owner = ? ORDER BY seq", (owner,)
        ).fetchall()
    ]


def _app_flags(system: bool) -> str:
    return "[ SYSTEM HAS_CODE ALLOW_CLEAR_USER_DATA ]" if system else "[ HAS_CODE ALLOW_CLEAR_USER_DATA ALLOW_BACKUP ]"


def package_block(ctx: Context, pkg: dict[str, object], dump_all: bool) -> list[str]:
    sdk = ctx.sdk
    name = str(pkg["name"])
    system = bool(pkg["system"])
    shared = pkg["shared_user"]
    owner = f"shared:{shared}" if shared else name
    code_path = str(pkg["code_path"])
    out: list[str] = []
    add = out.append
    add(f"  Package [{name}] ({identity_hash(name, 'ps')}):")
    add(f"    {'appId' if sdk >= 33 else 'userId'}={pkg['app_id']}")
    if sdk >= 37:
        add("    pccId=0")
    if shared:
        add(f"    sharedUser=SharedUserSetting{{{identity_hash(shared, 'su')} {shared}/{_shared_app_id(ctx, str(shared))}}}")
    add(f"    pkg=Package{{{identity_hash(name, 'pkg')} {name}}}")
    add(f"    codePath={code_path}")
    add(f"    resourcePath={code_path}")
    add(f"    legacyNativeLibraryDir={code_path}/lib")
    if sdk >= 31:
        add("    extractNativeLibs=false")
    add(f"    primaryCpuAbi={'null' if system else 'arm64-v8a'}")
    add("    secondaryCpuAbi=null")
    if sdk >= 31:
        add("    cpuAbiOverride=null")
    if sdk >= 28:
        add(f"    versionCode={pkg['version_code']} minSdk={pkg['min_sdk']} targetSdk={pkg['target_sdk']}")
    else:
        add(f"    versionCode={pkg['version_code']} targetSdk={pkg['target_sdk']}")
    if sdk >= 31:
        add("    minExtensionVersions=[]")
    add(f"    versionName={pkg['version_name']}")
    if sdk >= 35:
        add("    hiddenApiEnforcementPolicy=2")
    if sdk >= 31:
        add("    usesNonSdkApi=false")
    add("    splits=[base]")
    if sdk >= 28:
        add(f"    apkSigningVersion={2 if system else 3}")
    if sdk <= 30:
        add(f"    applicationInfo=ApplicationInfo{{{identity_hash(name, 'ai')} {name}}}")
    elif sdk <= 32:
        add(f"    applicationInfo=PackageImpl{{{identity_hash(name, 'pkg')} {name}}}")
    add(f"    flags={_app_flags(system)}")
    if sdk >= 26:
        add("    privateFlags=[ PRIVATE_FLAG_ACTIVITIES_RESIZE_MODE_RESIZEABLE_VIA_SDK_VERSION ALLOW_AUDIO_PLAYBACK_CAPTURE ]")
    if sdk >= 30:
        add("    forceQueryable=false")
    if sdk >= 37:
        # Android 17 prints an empty line before the developer-verification status.
        add("    pageSizeCompat=0")
        add("")
        add("    developerVerificationStatus=DeveloperVerificationStatusInternal{status=1}")
    if 30 <= sdk <= 32:
        add("    queriesPackages=[]")
    if sdk >= 35:
        add("    scannedAsStoppedSystemApp=false")
    if sdk <= 34:
        add(f"    dataDir=/data/user/0/{name}")
    add("    supportsScreens=[small, medium, large, xlarge, resizeable, anyDensity]")
    add(f"    timeStamp={pkg['time_stamp']}")
    if sdk <= 32:
        add(f"    firstInstallTime={pkg['first_install']}")
    add(f"    lastUpdateTime={pkg['last_update']}")
    installer = pkg["installer"]
    if sdk >= 30 or installer:
        add(f"    installerPackageName={installer or 'null'}")
    if sdk >= 33:
        add(f"    installerPackageUid={10060 if installer else -1}")
        add(f"    initiatingPackageName={installer or 'null'}")
        add("    originatingPackageName=null")
    if sdk >= 34:
        add(f"    packageSource={0 if system else 2}")
        add("    appMetadataFilePath=null")
    if sdk >= 28:
        add(
            f"    signatures=PackageSignatures{{{identity_hash(name, 'sig')} version:{2 if system else 3},"
            f" signatures:[{_sig_hex(name)}], past signatures:[]}}"
        )
    else:
        add(f"    signatures=PackageSignatures{{{identity_hash(name, 'sig')} [{_sig_hex(name)}]}}")
    add("    installPermissionsFixed=true" + (" installStatus=1" if sdk <= 25 else ""))
    add(f"    pkgFlags={_app_flags(system)}")
    if sdk >= 34:
        add("    privatePkgFlags=[ PRIVATE_FLAG_ACTIVITIES_RESIZE_MODE_RESIZEABLE_VIA_SDK_VERSION ALLOW_AUDIO_PLAYBACK_CAPTURE ]")
        add("    apexModuleName=null")
    if dump_all:
        requested = [
            str(r[0])
            for r in ctx.conn.execute("SELECT permission FROM requested WHERE package = ? ORDER BY seq", (name,))
        ]
        if requested:
            add("    requested permissions:")
            for perm in requested:
                restricted = sdk >= 29 and perm.startswith("android.permission.") and short_permission(perm) in RESTRICTED
                add(f"      {perm}" + (": restricted=true" if restricted else ""))
    install = _install_perms(ctx, owner)
    if install and (not shared or dump_all):
        add("    install permissions:")
        for perm, granted in install:
            add(f"      {perm}: granted={_java_bool(granted)}")
    internet = any(p == "android.permission.INTERNET" and g for p, g in install)
    tokens = ctx.meta.get("oem_user_tokens", "").split()
    states = {
        int(r[0]): r
        for r in ctx.conn.execute(
            "SELECT user_id, installed, enabled, stopped, not_launched, hidden, suspended, ce_inode, de_inode,"
            " install_reason, first_install FROM package_users WHERE package = ?",
            (name,),
        ).fetchall()
    }
    for user in _users(ctx):
        row = states.get(user)
        if row is None:
            row = (user, 0, 0, 1, 1, 0, 0, 0, 0, 0, "1970-01-01 01:00:00")
        _, installed, enabled, stopped, not_launched, hidden, suspended, ce, de, reason, first = row
        if sdk < 24:
            line = (
                f"    User {user}:  installed={_java_bool(installed)} hidden={_java_bool(hidden)}"
                f" stopped={_java_bool(stopped)}"
                + "".join(f" {t}" for t in tokens)
                + f" notLaunched={_java_bool(not_launched)} enabled={enabled}"
            )
        else:
            parts = [f"ceDataInode={ce}"]
            if sdk >= 35:
                parts.append(f"deDataInode={de}")
            if sdk >= 37:
                parts += ["pccCeDataInode=0", "pccDeDataInode=0"]
            parts += [f"installed={_java_bool(installed)}", f"hidden={_java_bool(hidden)}",
                      f"suspended={_java_bool(suspended)}"]
            if sdk >= 37:
                parts.append("appLockEnabled=false")
            if sdk >= 30:
                parts.append("distractionFlags=0")
            parts.append(f"stopped={_java_bool(stopped)}")
            parts += tokens
            parts += [f"notLaunched={_java_bool(not_launched)}", f"enabled={enabled}"]
            if sdk >= 26:
                parts.append("instant=false")
            if sdk >= 28:
                parts.append("virtual=false")
            if sdk >= 35:
                parts.append("quarantined=false")
            line = f"    User {user}: " + " ".join(parts)
        add(line)
        if sdk >= 33:
            add(f"      installReason={reason}")
            if sdk >= 35:
                add(f"      dataDir=/data/user/{user}/{name}")
            add(f"      firstInstallTime={first}")
            add("      uninstallReason=0")
        if not shared:
            if installed and internet:
                add("      gids=[3003]")
            perms = runtime_state(ctx.conn, owner, user)
            if perms or dump_all:
                add("      runtime permissions:")
                for perm, granted, flags in perms:
                    add(f"        {perm}: granted={_java_bool(granted)}{permission_flags(flags, sdk)}")
    return out


def shared_user_block(ctx: Context, shared: str) -> list[str]:
    sdk = ctx.sdk
    app_id = _shared_app_id(ctx, shared)
    owner = f"shared:{shared}"
    out = [f"  SharedUser [{shared}] ({identity_hash(shared, 'su')}):"]
    out.append(f"    {'appId' if sdk >= 33 else 'userId'}={app_id}")
    if sdk >= 33:
        out.append("    Packages")
        for (member,) in ctx.conn.execute("SELECT name FROM packages WHERE shared_user = ? ORDER BY name", (shared,)):
            out.append(f"      PackageSetting{{{identity_hash(member, 'ps')} {member}/{app_id}}}")
    install = _install_perms(ctx, owner)
    if install:
        out.append("    install permissions:")
        for perm, granted in install:
            out.append(f"      {perm}: granted={_java_bool(granted)}")
    for user in _users(ctx):
        perms = runtime_state(ctx.conn, owner, user)
        if not perms:
            continue
        out.append(f"    User {user}: ")
        out.append("      runtime permissions:")
        for perm, granted, flags in perms:
            out.append(f"        {perm}: granted={_java_bool(granted)}{permission_flags(flags, sdk)}")
    return out


def _dump_one(ctx: Context, name: str) -> list[list[str]]:
    rows = _package_rows(ctx, name)
    sections: list[list[str]] = []
    if not rows:
        if ctx.sdk >= 24:
            sections.append(["Dexopt state:", f"  Unable to find package: {name}"])
            sections.append(["Compiler stats:", f"  Unable to find package: {name}"])
        return sections
    pkg = rows[0]
    activity = pkg["launcher_activity"]
    if activity:
        short = str(activity)
        sections.append(
            [
                "Activity Resolver Table:",
                "  Non-Data Actions:",
                "      android.intent.action.MAIN:",
                f"        {identity_hash(name, 'act')} {name}/{short} filter {identity_hash(name, 'flt')}",
                '          Action: "android.intent.action.MAIN"',
                '          Category: "android.intent.category.LAUNCHER"',
            ]
        )
    sections.append(["Key Set Manager:", f"  [{name}]", f"      Signing KeySets: {int(str(pkg['app_id'])) % 97 + 3}"])
    sections.append(["Packages:", *package_block(ctx, pkg, dump_all=True)])
    if pkg["shared_user"]:
        sections.append(["Shared users:", *shared_user_block(ctx, str(pkg["shared_user"]))])
    if ctx.sdk >= 30:
        sections.append(["Queries:", "  system apps queryable: false", "  queries via forceQueryable:",
                         "  queries via package name:", "  queries via component:", "  queryable via interaction:"])
    if ctx.sdk >= 24:
        apk = f"{pkg['code_path']}/base.apk"
        sections.append(
            ["Dexopt state:", f"  [{name}]", f"    path: {apk}",
             "      arm64: [status=speed-profile] [reason=bg-dexopt]"]
        )
        sections.append(["Compiler stats:", f"  [{name}]", f"     base.apk - {int(str(pkg['version_code'])) % 4000 + 200}"])
    return sections


def _dump_all(ctx: Context) -> list[list[str]]:
    rows = _package_rows(ctx, None)
    lines = ["Packages:"]
    for pkg in rows:
        lines.extend(package_block(ctx, pkg, dump_all=False))
    sections = [lines]
    shared = [str(r[0]) for r in ctx.conn.execute("SELECT name FROM shared_users ORDER BY name")]
    if shared:
        block = ["Shared users:"]
        for name in shared:
            block.extend(shared_user_block(ctx, name))
        sections.append(block)
    return sections
