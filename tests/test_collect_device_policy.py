"""collect.sh's device-policy section under mksh + toybox: bounded in size, exit status kept, and
a cut dump read as unknown management (issue 12)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from audit.parse.assemble import build_snapshot
from audit.scripts import script_text
from audit.sections import split_sections

MKSH = shutil.which("mksh")
NONCE = "0123456789abcdef"
pytestmark = pytest.mark.skipif(MKSH is None, reason="mksh is not installed (.ci/run installs it)")


def section_script() -> str:
    """The device-policy block of collect.sh, with the helpers it needs, as one script."""
    text = script_text("collect.sh")
    start = text.index("begin device-policy")
    end = text.index('end "${rc:-1}"', start) + len('end "${rc:-1}"')
    head = text[: text.index("printf '@@%s collect format=1")]
    return head + f"printf '@@%s collect format=1\\n' \"$N\"\n{text[start:end]}\nprintf '@@%s done sections=%s\\n' \"$N\" \"$count\"\n"


def run(tmp_path: Path, fake_dumpsys: str, fake_timeout: str | None = None) -> tuple[str, bytes]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "dumpsys"
    fake.write_text("#!/bin/sh\n" + fake_dumpsys, encoding="utf-8")
    fake.chmod(0o755)
    if fake_timeout is not None:
        limiter = bin_dir / "timeout"
        limiter.write_text("#!/bin/sh\n" + fake_timeout, encoding="utf-8")
        limiter.chmod(0o755)
    script = tmp_path / "collect.sh"
    script.write_text(section_script(), encoding="utf-8")
    env = dict(os.environ, PATH=f"{bin_dir}:{os.environ.get('PATH', '')}")
    assert MKSH is not None
    out = subprocess.run([MKSH, str(script), NONCE], capture_output=True, env=env, timeout=60, check=False).stdout
    return out.decode("utf-8", errors="replace"), out


def test_a_huge_dump_is_cut_at_256_kib_and_reads_as_unknown(tmp_path: Path) -> None:
    text, raw = run(tmp_path, 'echo "Current Device Policy Manager state:"\nwhile :; do echo "  Device Owner: "; done\n')
    assert len(raw) < 262144 + 200
    collection = split_sections(text, NONCE)
    assert collection.complete
    section = collection.first("device-policy")
    assert section is not None and section.rc not in (None, 0)  # SIGPIPE from head, passed out on fd 3
    snap = build_snapshot("s", collection, ())
    assert not snap.device_policy.known
    assert any("exit status" in p or "cut" in p for p in snap.device_policy.problems)


def test_the_exit_status_of_dumpsys_is_kept(tmp_path: Path) -> None:
    body = (
        'printf "Current Device Policy Manager state:\\n  Enabled Device Admins (User 0, provisioningState: 0):\\n"\n'
        "exit 7\n"
    )
    text, _ = run(tmp_path, body)
    section = split_sections(text, NONCE).first("device-policy")
    assert section is not None and section.rc == 7
    assert section.body.startswith("Current Device Policy Manager state:")


def test_a_whole_dump_reads_its_owners(tmp_path: Path) -> None:
    fixture = Path(__file__).parent / "fixtures" / "device" / "a14_workprofile" / "device-policy.txt"
    text, _ = run(tmp_path, f"cat '{fixture}'\n")
    collection = split_sections(text, NONCE)
    snap = build_snapshot("s", collection, ())
    assert snap.device_policy.known
    assert [o.package for o in snap.device_policy.owners] == ["com.microsoft.windowsintune.companyportal"]


def test_a_timed_out_dump_is_unknown_and_says_so(tmp_path: Path) -> None:
    """``timeout`` stands in for toybox's: it runs dumpsys for a while, then gives up with 124."""
    dump = 'echo "Current Device Policy Manager state:"\necho "  Device Owner: "\n'
    text, _ = run(tmp_path, dump, fake_timeout='test "$1" = 20 || exit 99\nshift\n"$@" | head -n 2\nexit 124\n')
    collection = split_sections(text, NONCE)
    section = collection.first("device-policy")
    assert section is not None and section.rc == 124
    snap = build_snapshot("s", collection, ())
    assert not snap.device_policy.known
    assert "dumpsys device_policy failed (timed out)" in snap.device_policy.problems
