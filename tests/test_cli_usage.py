"""Bad input at the command line: one clear line on stderr, exit 2, never a traceback or a box."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "audit", *args], capture_output=True, text=True, timeout=60,
                          cwd=cwd, check=False)


@pytest.mark.parametrize(("args", "needle"), [
    (("scan", "--format", "xml"), "--format"),
    (("scan", "--jobs", "0"), "--jobs"),
    (("scan", "--timeout", "soon"), "--timeout"),
    (("nosuch",), "nosuch"),
    (("policy", "check", "/nonexistent/contact-audit.toml"), "/nonexistent/contact-audit.toml"),
    (("collect",), "--serial"),
    # checked before any phone is scanned, so no adb server is needed (port 1 is never asked)
    (("scan", "--adb-port", "1", "-o", "/nonexistent/dir/report.csv"), "/nonexistent/dir"),
])
def test_usage_errors_are_one_line(args: tuple[str, ...], needle: str) -> None:
    proc = run(*args)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("contact-audit: error:") and needle in lines[0]
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_policy_init_then_check_round_trip(tmp_path: Path) -> None:
    assert run("policy", "init", cwd=tmp_path).returncode == 0
    assert (tmp_path / "contact-audit.toml").exists()
    again = run("policy", "init", cwd=tmp_path)
    assert again.returncode == 2 and "--force" in again.stderr
    checked = run("policy", "check", "contact-audit.toml", cwd=tmp_path)
    assert checked.returncode == 0 and "ok" in checked.stdout


def test_bare_command_shows_help() -> None:
    proc = run()
    assert proc.returncode == 2
    assert "scan" in proc.stdout + proc.stderr and "Traceback" not in proc.stderr
