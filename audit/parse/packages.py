"""``pm list packages`` in the forms of Android 6-17 -> the set of installed package names.

Line form (options vary by release; unknown ``key=value`` / ``key:value`` words are ignored)::

    package:[<apk path>=]<name>[ versionCode:<n>][  installer=<pkg>][ uid:<uid>[,<uid>...]]

``-f`` paths may themselves hold ``=`` (``/data/app/~~x==/...``), so the name is what follows
the *last* ``=`` of the first word. Option errors (``Error: Unknown option: -U`` on 6.0) and
exceptions make the list unusable: an empty or failed listing proves nothing about what is
installed, so it is never read as "not installed". Every real user has system packages, so an
empty listing is treated the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Like audit.apps.PACKAGE_RE, but a listing also holds the one-word framework package "android".
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*")  # fullmatch


@dataclass(frozen=True)
class PackageEntry:
    name: str
    path: str | None = None
    version_code: int | None = None
    installer: str | None = None
    uids: tuple[int, ...] = ()


@dataclass(frozen=True)
class PackageListing:
    """``usable`` False: the listing cannot say whether a package is installed."""

    entries: tuple[PackageEntry, ...]
    usable: bool
    problems: tuple[str, ...] = ()

    @property
    def names(self) -> frozenset[str]:
        return frozenset(e.name for e in self.entries)

    def has(self, package: str) -> bool | None:
        """True/False when the listing is usable, None when it cannot tell."""
        if not self.usable:
            return None
        return package in self.names


def parse_package_list(text: str) -> PackageListing:
    """Never raises."""
    entries: dict[str, PackageEntry] = {}
    errors = 0
    other = 0
    bad_names = 0
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        if not line.startswith("package:"):
            if line.startswith(("Error", "Exception", "java.", "Failure", "usage:", "Usage:", "cmd:")):
                errors += 1
            else:
                other += 1
            continue
        entry = _parse_entry(line[len("package:"):])
        if entry is None:
            bad_names += 1
        else:
            entries.setdefault(entry.name, entry)
    problems: list[str] = []
    usable = errors == 0 and bool(entries)
    if errors:
        problems.append("the package list reports an error")
    elif not entries:
        problems.append("the package list is empty")
    if bad_names:
        problems.append(f"the package list has {bad_names} entry(ies) without a valid package name")
    if other:
        problems.append(f"the package list has {other} line(s) that are not packages")
    return PackageListing(tuple(entries.values()), usable, tuple(problems))


def _parse_entry(rest: str) -> PackageEntry | None:
    words = rest.split()
    if not words:
        return None
    first = words[0]
    path: str | None = None
    if "=" in first:
        path, _, first = first.rpartition("=")
    if len(first) > 255 or not _NAME.fullmatch(first):
        return None
    version_code: int | None = None
    installer: str | None = None
    uids: list[int] = []
    for word in words[1:]:
        if word.startswith("versionCode:"):
            version_code = _int(word[len("versionCode:"):])
        elif word.startswith("installer="):
            value = word[len("installer="):]
            installer = value if value and value != "null" else None
        elif word.startswith("uid:"):
            for part in word[len("uid:"):].split(","):
                uid = _int(part)
                if uid is not None:
                    uids.append(uid)
    return PackageEntry(first, path, version_code, installer, tuple(uids))


def _int(value: str) -> int | None:
    if not value.isascii() or not value.isdigit() or len(value) > 19:
        return None
    return int(value)
