"""Where the history lives: a path, ``sqlite:///PATH`` or ``postgresql://...``.

Why a parsed value and not a string passed around: the CLI must refuse a bad target before it
reads any phone (a typo must not cost a fleet's scan), and every message must name the target
without ever printing a password from a connection string.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from audit.errors import UsageError

SQLITE, POSTGRESQL = "sqlite", "postgresql"
DEFAULT_NAME = "history.sqlite3"
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


@dataclass(frozen=True)
class Target:
    """A parsed ``--history`` value. ``explicit``: the user named it (a typo is an error then);
    the default one only costs a warning when it cannot be used."""

    backend: str  # SQLITE or POSTGRESQL
    path: Path | None = None  # SQLite
    url: str | None = None  # PostgreSQL (may hold a password: never print it, use describe())
    explicit: bool = True

    def describe(self) -> str:
        """The target as it may be shown: a path, or the URL without its password."""
        if self.path is not None:
            return str(self.path)
        return redact_url(self.url or "")


def default_path() -> Path:
    """``$XDG_DATA_HOME/contact-audit/history.sqlite3`` (``~/.local/share/...`` without it)."""
    base = os.environ.get("XDG_DATA_HOME", "").strip() or str(Path.home() / ".local" / "share")
    return Path(base) / "contact-audit" / DEFAULT_NAME


def default_target() -> Target:
    return Target(SQLITE, path=default_path(), explicit=False)


def parse_target(value: str | None) -> Target:
    """``None`` (or blank) is the default SQLite file; anything else must be a usable target."""
    if value is None:
        return default_target()
    text = value.strip()
    if not text:
        raise UsageError("--history is empty: give a file path, sqlite:///PATH or postgresql://...")
    match = _SCHEME.match(text)
    if match is None:
        return _sqlite_path(Path(text).expanduser(), value)
    scheme = match.group(1).lower()
    if scheme in ("postgresql", "postgres"):
        return Target(POSTGRESQL, url=_check_postgres_url(text))
    if scheme == "sqlite":
        rest = text[len(match.group(0)):]
        if not rest.startswith("/"):
            raise UsageError(f"bad history URL '{redact_url(text)}': write sqlite:///ABSOLUTE/PATH (three slashes)")
        return _sqlite_path(Path(rest), value)
    raise UsageError(
        f"unsupported history URL scheme '{scheme}://': give a file path, sqlite:///PATH or postgresql://..."
    )


def _sqlite_path(path: Path, given: str) -> Target:
    if path.is_dir():
        raise UsageError(
            f"--history '{path}' is a directory: the history is now one database file "
            f"(e.g. '{path / DEFAULT_NAME}'); older JSON reports in it can be brought in with "
            f"`contact-audit history import '{path}'`"
        )
    return Target(SQLITE, path=path)


def _check_postgres_url(url: str) -> str:
    try:
        from psycopg.conninfo import conninfo_to_dict
    except ImportError:  # pragma: no cover - psycopg is a dependency
        raise UsageError("a PostgreSQL history needs the psycopg package (pip install 'psycopg[binary]')") from None
    try:
        conninfo_to_dict(url)
    except Exception as exc:  # psycopg.ProgrammingError: libpq's own parser said no
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise UsageError(f"bad PostgreSQL URL '{redact_url(url)}': {scrub(reason, url)}") from None
    return url


def scrub(text: str, url: str | None) -> str:
    """``text`` (a driver's message) without the URL's password, should the driver have echoed it."""
    password = None
    if url:
        try:
            password = urlsplit(url).password
        except ValueError:
            password = None
        match = re.search(r"(?i)(?:^|[?&])password=([^&]*)", url)
        if match:
            password = password or match.group(1)
    return text.replace(password, "***") if password else text


def redact_url(url: str) -> str:
    """The URL with any password (in the netloc or a ``password=`` parameter) replaced by ``***``."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc:
            userinfo, host = netloc.rsplit("@", 1)
            if ":" in userinfo:
                userinfo = userinfo.split(":", 1)[0] + ":***"
            netloc = f"{userinfo}@{host}"
        query = re.sub(r"(?i)(^|&)(password)=[^&]*", r"\1\2=***", parts.query)
        return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    except ValueError:
        return "postgresql://(unparseable URL)"
