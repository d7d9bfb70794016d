"""``content query`` output -> rows; the contacts and raw-contacts queries of the collector.

``Content.java`` prints ``Row: <n> col1=val1, col2=val2`` with no quoting: a value may hold
``, `` and newlines. The collector therefore asks for the free-text column LAST, and a row is
split on the known ``, <col>=`` markers in projection order; whatever follows the last marker,
up to the next ``Row: <n+1> <first col>=`` line, is the last value. Rows are numbered from 0
without gaps, which is what tells a new row from a value that merely contains ``Row:``. A
row-shaped line with any other number (repeated or skipped) makes the answer unknown: a value
holding ``\nRow: 1 raw_contact_id=...`` would otherwise pose as row 1 and swallow the real one.
``NULL`` is a database NULL. ``No result found.`` is an empty answer; an error
(``Error while accessing provider:...`` and a stack trace, before or after rows), an
unreadable line or a malformed row makes the answer unknown, never empty. Linear in the size
of the output: a few ``str.find`` per row, no regular expressions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from audit.snapshot import MIMETYPES, ContactDatum

CONTACT_COLUMNS = ("raw_contact_id", "mimetype", "account_type", "data1")
RAW_CONTACT_COLUMNS = ("account_type",)
NO_RESULT = "No result found."
PROVIDER_ERROR = "Error while accessing provider"


@dataclass(frozen=True)
class ContentRows:
    """``complete`` False: the rows (possibly none) are not the whole answer."""

    complete: bool
    rows: tuple[tuple[str | None, ...], ...] = field(default=(), repr=False)
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class ContactRows:
    complete: bool
    data: tuple[ContactDatum, ...] = field(default=(), repr=False)
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class RawContactCounts:
    known: bool
    by_account: tuple[tuple[str | None, int], ...] = ()
    problems: tuple[str, ...] = ()


def parse_rows(text: str, columns: Sequence[str]) -> ContentRows:
    """Split ``content query`` output for the projection ``columns``. Never raises."""
    if not columns:
        return ContentRows(False, problems=("no columns to read",))
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    if text.endswith("\n"):
        text = text[:-1]  # the last row's own line end, not part of its value
    first = f"{columns[0]}="
    markers = [f", {c}=" for c in columns[1:]]
    raw_rows: list[list[str]] = []
    expected = 0
    expected_prefix = f"Row: 0 {first}"
    no_result = False
    error = False
    stray = 0
    misnumbered = 0
    current: list[str] | None = None
    for line in text.split("\n"):
        if line.startswith(expected_prefix):
            current = [line[len(expected_prefix) - len(first):]]
            raw_rows.append(current)
            expected += 1
            expected_prefix = f"Row: {expected} {first}"
            continue
        if _is_row_line(line, first):
            misnumbered += 1  # kept in the value as printed, but the answer is no longer whole
        if line.startswith(PROVIDER_ERROR):
            error = True
        if current is not None:
            current.append(line)  # a value with a newline; an error line is caught above
        elif line.strip() == NO_RESULT:
            no_result = True
        elif line.strip():
            stray += 1
    rows: list[tuple[str | None, ...]] = []
    malformed = 0
    for pieces in raw_rows:
        row = _split_row(pieces[0] if len(pieces) == 1 else "\n".join(pieces), first, markers)
        if row is None:
            malformed += 1
        else:
            rows.append(row)
    problems: list[str] = []
    if error:
        problems.append("the contacts provider reported an error")
    if stray and not error:
        problems.append(f"the query output has {stray} line(s) that are not rows")
    if malformed:
        problems.append(f"{malformed} row(s) could not be read")
    if misnumbered:
        problems.append(f"{misnumbered} row(s) are out of sequence (a value may hide rows)")
    if no_result and raw_rows:
        problems.append("the query output has rows and says it has none")
    if not raw_rows and not no_result and not error and not stray:
        problems.append("the query printed nothing")
    return ContentRows(not problems, tuple(rows), tuple(problems))


def _is_row_line(line: str, first: str) -> bool:
    """``Row: <n> <first col>=``, whatever ``n`` is."""
    if not line.startswith("Row: "):
        return False
    number, sep, rest = line[len("Row: "):].partition(" ")
    return bool(sep) and number.isascii() and number.isdigit() and rest.startswith(first)


def _split_row(body: str, first: str, markers: list[str]) -> tuple[str | None, ...] | None:
    pos = len(first)
    values: list[str | None] = []
    for marker in markers:
        end = body.find(marker, pos)
        if end < 0:
            return None
        value = body[pos:end]
        values.append(None if value == "NULL" else value)
        pos = end + len(marker)
    last = body[pos:]
    values.append(None if last == "NULL" else last)
    return tuple(values)


def parse_contacts(text: str) -> ContactRows:
    """The collector's ``contacts`` section: phone, e-mail and organisation rows.

    Rows of other mimetypes (the query's filter should exclude them) and rows without a value
    are skipped; a row whose raw contact id is not a number makes the answer incomplete.
    """
    parsed = parse_rows(text, CONTACT_COLUMNS)
    data: list[ContactDatum] = []
    bad_ids = 0
    for raw_id, mimetype, account_type, value in parsed.rows:
        kind = MIMETYPES.get(mimetype or "")
        if kind is None or value is None:
            continue
        if raw_id is None or not raw_id.isascii() or not raw_id.isdigit() or len(raw_id) > 19:
            bad_ids += 1
            continue
        data.append(ContactDatum(int(raw_id), account_type, kind, value))
    problems = list(parsed.problems)
    if bad_ids:
        problems.append(f"{bad_ids} contact row(s) have no readable raw contact id")
    return ContactRows(parsed.complete and not bad_ids, tuple(data), tuple(problems))


def parse_raw_contacts(text: str) -> RawContactCounts:
    """The collector's ``raw-contacts`` section -> raw contacts per account type (None = local)."""
    parsed = parse_rows(text, RAW_CONTACT_COLUMNS)
    if not parsed.complete:
        return RawContactCounts(False, problems=parsed.problems)
    counts: dict[str | None, int] = {}
    for (account_type,) in parsed.rows:
        counts[account_type] = counts.get(account_type, 0) + 1
    ordered = sorted(counts.items(), key=lambda kv: (kv[0] is not None, kv[0] or ""))
    return RawContactCounts(True, tuple(ordered))
