"""The parsed snapshot as plain data, for ``contact-audit collect`` (a debugging aid).

Raw contact values are replaced by counts unless the operator passes --show-numbers: what is
on screen can end up in a ticket or a chat.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from enum import Enum
from typing import Any

from audit.snapshot import AddressBook, DeviceSnapshot


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _book(book: AddressBook, show_numbers: bool) -> dict[str, Any]:
    kinds = Counter(row.kind.value for row in book.rows)
    accounts = Counter(row.account_type or "" for row in book.rows)
    out: dict[str, Any] = {
        "user_id": book.user_id,
        "complete": book.complete,
        "rows": len(book.rows),
        "rows_by_kind": dict(sorted(kinds.items())),
        "rows_by_account_type": dict(sorted(accounts.items())),
        "raw_contacts_known": book.raw_contacts_known,
        "raw_contacts_by_account": {acct or "": n for acct, n in book.raw_contacts_by_account},
        "cross_profile_contacts": book.cross_profile_contacts,
        "problems": list(book.problems),
    }
    if show_numbers:
        out["values"] = [
            {"raw_contact_id": r.raw_contact_id, "account_type": r.account_type, "kind": r.kind.value, "value": r.value}
            for r in book.rows
        ]
    return out


def snapshot_to_dict(snapshot: DeviceSnapshot, *, show_numbers: bool = False) -> dict[str, Any]:
    return {
        "serial": snapshot.serial,
        "info": _plain(asdict(snapshot.info)),
        "users": [_plain(asdict(u)) for u in snapshot.users],
        "apps": [
            {**_plain(asdict(a)), "enabled": a.enabled}
            for a in snapshot.apps
        ],
        "address_books": [_book(b, show_numbers) for b in snapshot.address_books],
        "problems": list(snapshot.problems),
        "device_policy": _plain(asdict(snapshot.device_policy)),
    }


def snapshot_json(snapshot: DeviceSnapshot, *, show_numbers: bool = False) -> str:
    """The snapshot as indented JSON that is safe to print on a terminal (see ``json_safe``)."""
    import json

    from audit.textsafe import json_safe

    return json_safe(json.dumps(snapshot_to_dict(snapshot, show_numbers=show_numbers), indent=2, ensure_ascii=False))


def snapshot_lines(snapshot: DeviceSnapshot) -> list[str]:
    """A short human view: device, then per user its kind, book size and audited apps."""
    from audit.textsafe import clean

    info = snapshot.info
    lines = [
        f"{clean(snapshot.serial)}: {clean(info.manufacturer or '?')} {clean(info.model or '?')}, "
        f"Android {clean(info.android_release or '?')} (SDK {info.sdk if info.sdk is not None else '?'})"
    ]
    for user in snapshot.users:
        book = snapshot.address_book(user.id)
        if book is None or not book.complete:
            size = "address book unknown"
        else:
            phones = sum(1 for r in book.rows if r.kind.value == "phone")
            size = f"{phones} phone rows"
        lines.append(f"  user {user.id} ({user.kind.value}): {size}")
        for app in snapshot.apps_in(user.id):
            op = app.appop("READ_CONTACTS")
            mode = (op.effective_mode if op else None) or ("default" if app.appops_known else "unknown")
            flags = "|".join(app.read_contacts_flags) or "-"
            lines.append(
                f"    {clean(app.package)}: installed={app.installed} enabled={app.enabled} "
                f"READ_CONTACTS={app.read_contacts.value} flags={flags} app-op={mode}"
            )
    policy = snapshot.device_policy
    owners = ", ".join(
        f"{o.role.value} of user {o.user_id}: {clean(o.package or '?')}" for o in policy.owners
    ) or "none"
    lines.append(f"  device policy owners: {owners}" + ("" if policy.known else " (not read whole: unknown)"))
    for problem in (*snapshot.problems, *policy.problems):
        lines.append(f"  problem: {clean(problem, 500)}")
    return lines
