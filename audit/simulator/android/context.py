"""What every command stub gets: the phone's state database, its Android version and buffered
stdout/stderr.

Output is collected and written at the end, in one piece per stream, because a real Java
command's output also arrives in large buffered chunks; the order between stdout and stderr is
the same as on a phone for the cases the stubs produce (errors come after normal output).
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterable


class Context:
    def __init__(self, db_path: str, command: str = "") -> None:
        self.db_path = db_path
        self.command = command  # the name the stub was started under
        self.conn = sqlite3.connect(db_path, timeout=30.0)
        self.meta: dict[str, str] = dict(self.conn.execute("SELECT key, value FROM meta").fetchall())
        self.sdk = int(self.meta["sdk"])
        self.current_user = int(self.meta.get("current_user", "0"))
        self._out: list[str] = []
        self._err: list[str] = []

    # -- output ---------------------------------------------------------------------------------

    def out(self, line: str = "") -> None:
        self._out.append(line)
        self._out.append("\n")

    def out_raw(self, text: str) -> None:
        self._out.append(text)

    def out_lines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self._out.append(line)
            self._out.append("\n")

    def err(self, line: str = "") -> None:
        self._err.append(line)
        self._err.append("\n")

    def flush(self) -> None:
        if self._out:
            sys.stdout.buffer.write("".join(self._out).encode("utf-8", errors="surrogateescape"))
            sys.stdout.buffer.flush()
            self._out.clear()
        if self._err:
            sys.stderr.buffer.write("".join(self._err).encode("utf-8", errors="surrogateescape"))
            sys.stderr.buffer.flush()
            self._err.clear()

    # -- state helpers --------------------------------------------------------------------------

    def user_ids(self) -> list[int]:
        return [row[0] for row in self.conn.execute("SELECT id FROM users ORDER BY id")]

    def user_row(self, user_id: int) -> tuple[int, str, int, int, int] | None:
        row = self.conn.execute(
            "SELECT id, name, flags, running, locked FROM users WHERE id = ?", (user_id,)
        ).fetchone()
        return None if row is None else (int(row[0]), str(row[1]), int(row[2]), int(row[3]), int(row[4]))

    def package_row(self, package: str) -> sqlite3.Row | None:
        self.conn.row_factory = sqlite3.Row
        try:
            row: sqlite3.Row | None = self.conn.execute("SELECT * FROM packages WHERE name = ?", (package,)).fetchone()
        finally:
            self.conn.row_factory = None
        return row

    def installed(self, package: str, user_id: int) -> bool:
        row = self.conn.execute(
            "SELECT installed FROM package_users WHERE package = ? AND user_id = ?", (package, user_id)
        ).fetchone()
        return bool(row and row[0])

    def owner_of(self, package: str) -> str:
        """Whose permissions a package uses: its own, or its shared user's."""
        row = self.conn.execute("SELECT shared_user FROM packages WHERE name = ?", (package,)).fetchone()
        if row is not None and row[0]:
            return f"shared:{row[0]}"
        return package


def parse_user(value: str, current: int) -> int | None:
    """``--user`` values: a number, ``current`` or ``cur``; None when it is not one."""
    if value in ("current", "cur"):
        return current
    try:
        return int(value)
    except ValueError:
        return None


def java_trace(frames: Iterable[str]) -> list[str]:
    return [f"\tat {frame}" for frame in frames]
