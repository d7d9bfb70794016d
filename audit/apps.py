"""The packages contact-audit knows (audit/data/apps.toml) and package-name validation.

Package names reach the phone's shell, so every one is checked against a strict pattern
before use: a policy file or a phone's output cannot inject shell syntax.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from audit.errors import PolicyError

# Android package names: dot-separated Java identifiers (ASCII letters, digits, underscore).
# Always fullmatch: "$" would also match before a trailing "\n", which splits a shell line.
PACKAGE_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+")
ROLES = ("audited", "alternative", "messenger")


@dataclass(frozen=True)
class KnownApp:
    package: str
    name: str
    role: str


def is_package_name(name: str) -> bool:
    return len(name) <= 255 and PACKAGE_RE.fullmatch(name) is not None


def require_package_name(name: str, where: str) -> str:
    if not isinstance(name, str) or not is_package_name(name):
        raise PolicyError(f"{where}: not a valid Android package name: {str(name)[:80]!r}")
    return name


@cache
def known_apps() -> tuple[KnownApp, ...]:
    raw = resources.files("audit.data").joinpath("apps.toml").read_text(encoding="utf-8")
    data = tomllib.loads(raw)
    apps = []
    for entry in data.get("app", []):
        package = require_package_name(entry["package"], "apps.toml")
        if entry["role"] not in ROLES:
            raise PolicyError(f"apps.toml: unknown role {entry['role']!r} for {package}")
        apps.append(KnownApp(package, str(entry["name"]), str(entry["role"])))
    return tuple(apps)


def packages_with_role(role: str) -> tuple[str, ...]:
    return tuple(a.package for a in known_apps() if a.role == role)


def display_name(package: str) -> str:
    """The app's human name, or the package name itself when unknown."""
    for app in known_apps():
        if app.package == package:
            return app.name
    return package


def messenger_packages() -> frozenset[str]:
    """Packages whose own raw contacts (account_type == package) are synced, not address book."""
    return frozenset(a.package for a in known_apps())
