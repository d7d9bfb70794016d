"""The guides for administrators and data-protection officers stay true to the command line.

Guides are read by people who type what they show: every command and option they name must
exist, every link must lead somewhere, and the German guides must cover what the English ones do.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer

from audit.cli import app

# typer vendors click privately (typer._click): commands are duck-typed here, not imported.
Command = Any

DOCS = Path(__file__).resolve().parent.parent / "docs"
GUIDES = {
    "en": [DOCS / "guide-admin.md", DOCS / "guide-dpo.md"],
    "de": [DOCS / "de" / "guide-admin.md", DOCS / "de" / "guide-dpo.md"],
}
ALL = GUIDES["en"] + GUIDES["de"]
ROOT_COMMAND = typer.main.get_command(app)


def commands() -> dict[str, Command]:
    """Every command by its path ("scan", "policy init"), from the real typer app."""
    found: dict[str, Command] = {}

    def walk(group: Command, prefix: str) -> None:
        if hasattr(group, "commands"):
            for name, command in group.commands.items():
                path = f"{prefix} {name}".strip()
                found[path] = command
                walk(command, path)

    walk(ROOT_COMMAND, "")
    return found


def options(command: Command) -> set[str]:
    return {opt for p in command.params for opt in (*p.opts, *p.secondary_opts) if opt.startswith("-")} | {"-h", "--help"}


def command_lines(path: Path) -> list[str]:
    """`contact-audit ...` invocations in the guide's shell blocks (comments and pipes cut) and text."""
    lines: list[str] = []
    in_block = False
    joined = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_block = not in_block
            continue
        if not in_block:
            continue
        joined += line.rstrip("\\")
        if line.endswith("\\"):
            continue
        text, joined = joined, ""
        match = re.search(r"(?:\.venv/bin/)?contact-audit\s[^#|;&]*", text)
        if match:
            lines.append(match.group(0))
    # and the ones in running text: `contact-audit report scan.json --lang de`
    lines += re.findall(r"`(contact-audit [^`]+)`", path.read_text(encoding="utf-8"))
    return lines


@pytest.mark.parametrize("path", ALL, ids=[str(p.relative_to(DOCS)) for p in ALL])
def test_every_command_and_option_in_the_guides_exists(path: Path) -> None:
    known = commands()
    lines = command_lines(path)
    assert lines, "a guide without a single command?"
    for line in lines:
        words = [w for w in shlex.split(line.replace('"$(date +%F)"', "DATE"))[1:]]
        if words == ["--version"]:
            continue
        name = words[0]
        if len(words) > 1 and f"{name} {words[1]}" in known:
            name = f"{name} {words[1]}"
        assert name in known, f"{path.name}: unknown command in {line!r}"
        allowed = options(known[name])
        for word in words:
            if word.startswith("-"):
                assert word.split("=")[0] in allowed, f"{path.name}: {name} has no option {word} ({line!r})"


@pytest.mark.parametrize("path", ALL, ids=[str(p.relative_to(DOCS)) for p in ALL])
def test_inline_options_exist_somewhere(path: Path) -> None:
    """`--excel`, `--fail-on never` in running text: each long option belongs to some command."""
    every = set().union(*(options(c) for c in commands().values()), options(ROOT_COMMAND))
    text = re.sub(r"^```.*?^```", "", path.read_text(encoding="utf-8"), flags=re.MULTILINE | re.DOTALL)
    spans = [span for span in re.findall(r"`([^`\n]+)`", text) if span.startswith(("-", "contact-audit "))]
    assert spans
    for span in spans:
        for option in re.findall(r"(?<![\w-])(--?[a-zA-Z][\w-]*)", span):
            assert option in every, f"{path.name}: no command has {option}"


@pytest.mark.parametrize("path", ALL, ids=[str(p.relative_to(DOCS)) for p in ALL])
def test_links_lead_to_files(path: Path) -> None:
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", path.read_text(encoding="utf-8")):
        if target.startswith("http"):
            continue
        assert (path.parent / target).is_file(), f"{path.name}: broken link {target}"


def test_german_guides_have_the_english_structure() -> None:
    for english, german in zip(GUIDES["en"], GUIDES["de"], strict=True):
        heads_en = re.findall(r"^#+ ", english.read_text(encoding="utf-8"), re.MULTILINE)
        heads_de = re.findall(r"^#+ ", german.read_text(encoding="utf-8"), re.MULTILINE)
        assert heads_en == heads_de, (english.name, len(heads_en), len(heads_de))
        assert command_lines(english) and len(command_lines(german)) == len(command_lines(english))


def test_the_readme_links_every_guide() -> None:
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    for path in ALL:
        assert f"]({path.relative_to(DOCS.parent).as_posix()})" in readme, path


def test_the_guides_keep_the_facts_the_code_decides() -> None:
    """Figures the guides repeat, checked against their source."""
    from audit.android_versions import NEWEST_VERIFIED_RELEASE
    from audit.report.exit_codes import FINDINGS, NOT_AUDITED, OK, USAGE

    scan = commands()["scan"]
    jobs = next(p for p in scan.params if p.name == "jobs")
    timeout = next(p for p in scan.params if p.name == "timeout")
    assert (OK, FINDINGS, USAGE, NOT_AUDITED) == (0, 1, 2, 3)
    assert jobs.max == 16
    assert timeout.default == 60.0
    for path in ALL:
        text = path.read_text(encoding="utf-8")
        if "admin" in path.name:
            assert "16" in text and "60 s" in text
        else:
            assert f"6 to {NEWEST_VERIFIED_RELEASE}" in text or f"6 bis {NEWEST_VERIFIED_RELEASE}" in text
