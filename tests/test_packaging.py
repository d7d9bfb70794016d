"""The wheel must carry every package and data file a non-editable install needs (the README's demo)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_python_package_under_audit_is_listed() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(config["packages"])
    on_disk = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for path in (ROOT / "audit").rglob("*.py")
        if "__pycache__" not in path.parts
    }
    assert on_disk <= listed, f"missing from [tool.setuptools] packages: {sorted(on_disk - listed)}"
    assert config["package-dir"]["audit._adb_scripts"] == "adb_scripts"
    assert (ROOT / "adb_scripts" / "collect.sh").is_file()
