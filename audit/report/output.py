"""Writing a report file so that a reader never sees half of it.

A report replaces the previous one only once it is complete and on disk: a crash, a full disk
or Ctrl-C leaves the old file as it was and no temporary file behind.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from audit.errors import AuditError
from audit.report.csv_report import BOM


def write_atomic(path: Path, text: str, *, bom: bool = False) -> None:
    """Write ``text`` as UTF-8 to ``path`` atomically (``bom``: start with a BOM, once).

    A replaced file keeps its permissions; a new one gets the usual ``0666 & ~umask``. Every
    failure becomes one ``AuditError`` line.
    """
    if bom and not text.startswith(BOM):
        text = BOM + text
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise AuditError(f"cannot write {_show(path)}: the report is not valid text ({exc.reason})") from None
    directory = path.parent
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    except OSError as exc:
        raise AuditError(f"cannot write {_show(path)}: {exc.strerror or exc}") from None
    tmp_name: str | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, path)
        tmp_name = None
    except OSError as exc:
        raise AuditError(f"cannot write {_show(path)}: {exc.strerror or exc}") from None
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
    _sync_directory(directory)


def _umask() -> int:
    """The process umask, read without changing it (other threads may be creating files)."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o022


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable where the platform allows it (best effort)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _show(path: Path) -> str:
    """The path for an error line: user input, so quoted and without control characters."""
    shown = "".join(c if c.isprintable() else "?" for c in str(path))
    return repr(shown[:200])
