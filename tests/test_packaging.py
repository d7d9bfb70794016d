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


def test_every_data_file_the_code_loads_is_package_data() -> None:
    """Files loaded through importlib.resources/PackageLoader must match a package-data pattern,
    or a non-editable install (the README's demo) fails at run time (the HTML template, say)."""
    from fnmatch import fnmatch

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    patterns: dict[str, list[str]] = config["package-data"]
    dirs = {"audit.report": ROOT / "audit" / "report", "audit.data": ROOT / "audit" / "data"}
    for package, directory in dirs.items():
        for path in directory.rglob("*"):
            if path.is_dir() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts:
                continue
            relative = path.relative_to(directory).as_posix()
            assert any(fnmatch(relative, p) for p in patterns.get(package, [])), f"{package}: {relative} not in package-data"
    assert (ROOT / "audit" / "report" / "templates" / "report.html").is_file()
