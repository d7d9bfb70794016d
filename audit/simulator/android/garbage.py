"""The garbage fault: output that is neither valid text nor valid structure.

Deterministic for a given phone, command and arguments, so a test that fails on it fails the
same way every time. It mixes half-real lines (the start of a real answer, cut off), invalid
UTF-8, NUL bytes, carriage returns, terminal escapes and very long lines, and exits 0: a parser
may only learn from the content that it was wrong.
"""

from __future__ import annotations

import random
import sys
import zlib

from .context import Context

_HALF_LINES = (
    b"  Package [com.whats",
    b"    User 0: ceDataInode=\xff\xfe installed=tr",
    b"      android.permission.READ_CONTACTS: granted=",
    b"Row: 3 raw_contact_id=12, mimetype=vnd.android.cursor.item/phone_v2, data1=",
    b"package:com.whatsapp\x00uid:",
    b"\tUserInfo{0:Own",
    b"Uid mode: READ_CONTACTS: ",
    b"[ro.build.version.sdk]: [3",
    b"runtime permissions:\r",
    b"No result fou",
    b"\x1b[2J\x1b[H",
    b"@@deadbeefdeadbeef end rc=0",
)


def run(ctx: Context, name: str, args: list[str]) -> None:
    seed = zlib.crc32("\x1f".join([ctx.meta.get("name", ""), name, *args]).encode("utf-8", "surrogateescape"))
    rng = random.Random(seed)
    chunks: list[bytes] = []
    for _ in range(rng.randrange(40, 120)):
        kind = rng.random()
        if kind < 0.45:
            chunks.append(rng.choice(_HALF_LINES))
        elif kind < 0.8:
            chunks.append(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 80))))
        elif kind < 0.95:
            chunks.append(b"\xc3\x28\xa0\xa1\xe2\x28\xa1\xf0\x28\x8c\xbc" * rng.randrange(1, 4))
        else:
            chunks.append(bytes([rng.randrange(32, 127)]) * rng.randrange(2000, 9000))
        chunks.append(rng.choice((b"\n", b"\n", b"\r\n", b"\r", b"")))
    ctx.flush()
    sys.stdout.buffer.write(b"".join(chunks))
    sys.stdout.buffer.flush()
