"""Locate the device-side scripts (adb_scripts/).

An installed wheel carries them as the package ``audit._adb_scripts``; an editable install or a
source checkout finds them in the repository's top-level ``adb_scripts/`` directory.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path


@cache
def script_text(name: str) -> str:
    try:
        return resources.files("audit._adb_scripts").joinpath(name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        source = Path(__file__).resolve().parent.parent / "adb_scripts" / name
        return source.read_text(encoding="utf-8")
