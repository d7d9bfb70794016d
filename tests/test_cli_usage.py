"""Bad input at the command line: one clear line on stderr, exit 2, never a traceback or a box."""

from __future__ import annotations

import os
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


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_excel_is_refused_with_other_formats(fmt: str) -> None:
    proc = run("scan", "--adb-port", "1", "-f", fmt, "--excel")  # refused before any server is asked
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"contact-audit: error: --excel only goes with --format csv (not {fmt})"


@pytest.mark.parametrize("command", [(), ("scan",), ("devices",), ("collect",), ("fix",), ("station",),
                                     ("history",), ("policy", "init"), ("policy", "check"), ("simulate",), ("demo",)])
def test_help_names_values_not_python_types(command: tuple[str, ...]) -> None:
    proc = subprocess.run([sys.executable, "-m", "audit", *command, "--help"], capture_output=True, text=True,
                          timeout=60, check=False, env={**os.environ, "COLUMNS": "200"})
    assert proc.returncode == 0, proc.stderr
    for python_type in ("<bool>", "<str>", "<path>", "<int", "<float", "<list["):
        assert python_type not in proc.stdout, (python_type, proc.stdout)


def test_help_of_lang_and_simulate_says_what_they_cover() -> None:
    scan_help = subprocess.run([sys.executable, "-m", "audit", "scan", "--help"], capture_output=True, text=True,
                               timeout=60, check=False, env={**os.environ, "COLUMNS": "200"}).stdout
    assert "report and of the lines printed" in scan_help and "SERIAL" in scan_help
    simulate_help = run("simulate", "--help").stdout
    from audit.simulator.profile import bundled_profiles

    squashed = "".join(simulate_help.split())
    assert all(p.stem in squashed for p in bundled_profiles())


def test_simulate_errors_use_the_common_prefix_and_list_every_bundled_profile() -> None:
    from audit.simulator.profile import bundled_profiles

    proc = run("simulate", "nosuch", "--adb-port", "1")
    assert proc.returncode == 2
    (line,) = proc.stderr.strip().splitlines()
    assert line.startswith("contact-audit: error: ") and "nosuch" in line
    assert all(p.stem in line for p in bundled_profiles())


def test_policy_init_into_a_directory_writes_the_file_inside_it(tmp_path: Path) -> None:
    proc = run("policy", "init", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "contact-audit.toml").is_file()
    again = run("policy", "init", str(tmp_path))
    assert again.returncode == 2 and "--force" in again.stderr
    assert run("policy", "init", str(tmp_path), "--force").returncode == 0


def test_policy_check_defaults_to_the_file_scan_uses_and_warns_about_template_values(tmp_path: Path) -> None:
    missing = run("policy", "check", cwd=tmp_path)
    assert missing.returncode == 2 and "contact-audit.toml" in missing.stderr and "policy init" in missing.stderr
    assert run("policy", "init", cwd=tmp_path).returncode == 0
    unedited = run("policy", "check", cwd=tmp_path)
    assert unedited.returncode == 0 and "ok" in unedited.stdout
    assert "contact-audit: warning:" in unedited.stderr and "Example GmbH" in unedited.stderr
    policy = tmp_path / "contact-audit.toml"
    policy.write_text(policy.read_text(encoding="utf-8").replace("Example GmbH", "ACME AG")
                      .replace("example.de", "acme.de").replace("+49 30 901820", "+49 89 4711")
                      .replace('fail_on = "high"', 'fail_on = "never"'), encoding="utf-8")
    edited = run("policy", "check", cwd=tmp_path)
    assert edited.returncode == 0 and edited.stderr == "", edited.stderr
    assert "fail_on never" in edited.stdout
