"""Names that reach a phone's shell or decide a verdict are validated as a whole.

``re.match(r"...$")`` accepts a trailing newline (``$`` also matches before a final ``\\n``): a
policy naming ``"com.whatsapp\\n"`` then split the collector's command line on the phone, the
audited package became an empty word and a critical phone read ``no_audited_app ok``. Every
validator must reject a name with anything after it, a line break above all.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from audit.apps import is_package_name, require_package_name
from audit.collect import collector_command
from audit.errors import PolicyError, UsageError
from audit.fix import plan_fix
from audit.policy import check_policy
from audit.simulator.profile import ProfileError, parse_profile

TAILS = ("\n", "\r\n", "\n\n", "\nrm -rf x")


@pytest.mark.parametrize("tail", TAILS)
def test_a_package_name_with_a_line_break_is_not_a_package_name(tail: str) -> None:
    assert is_package_name("com.whatsapp")
    assert not is_package_name("com.whatsapp" + tail)
    with pytest.raises(PolicyError):
        require_package_name("com.whatsapp" + tail, "test")


@pytest.mark.parametrize("key", ["audit", "alternatives"])
def test_policy_check_rejects_a_package_with_a_trailing_newline(tmp_path: Path, key: str) -> None:
    path = tmp_path / "contact-audit.toml"
    path.write_text(f'[apps]\n{key} = ["com.whatsapp\\n"]\n', encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        check_policy(path)
    assert f"apps.{key}[0]" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_the_policy_check_command_refuses_it_in_one_line(tmp_path: Path) -> None:
    """What the issue saw: ``policy check`` said ok, and the scan then read the phone wrongly."""
    (tmp_path / "contact-audit.toml").write_text('[apps]\naudit = ["com.whatsapp\\n"]\n', encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "audit", "policy", "check", "contact-audit.toml"],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path, check=False)
    assert proc.returncode == 2, proc.stdout
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "apps.audit[0]" in lines[0] and "Traceback" not in proc.stderr


def test_policy_check_rejects_an_account_type_with_a_trailing_newline(tmp_path: Path) -> None:
    path = tmp_path / "contact-audit.toml"
    path.write_text('[business]\naccount_types = ["com.example.crm\\n"]\n', encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        check_policy(path)
    assert "business.account_types[0]" in str(caught.value)


def test_the_collector_command_line_cannot_be_split() -> None:
    assert collector_command("/data/local/tmp/c.sh", "ab12", ["com.whatsapp"]).count("\n") == 0
    with pytest.raises(UsageError):
        collector_command("/data/local/tmp/c.sh", "ab12", ["com.whatsapp\n"])
    with pytest.raises(UsageError):
        collector_command("/data/local/tmp/c.sh", "ab12\n", ["com.whatsapp"])


def test_fix_refuses_a_package_with_a_trailing_newline() -> None:
    with pytest.raises(UsageError):
        plan_fix(34, 0, "com.whatsapp\n")


def test_a_profile_rejects_a_property_name_with_a_trailing_newline() -> None:
    body = '[device]\nmanufacturer = "Google"\nmodel = "Pixel"\nproduct = "p"\ndevice = "d"\nsdk = 34\n'
    body += '[device.props]\n"ro.x\\n" = "1"\n'
    with pytest.raises(ProfileError) as caught:
        parse_profile(body, "p.toml")
    assert "device.props" in str(caught.value)
