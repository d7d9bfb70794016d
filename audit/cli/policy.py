"""`contact-audit policy init|check`: the company's rules for who counts as a third party."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from audit.cli.common import err, guard, policy_app
from audit.errors import UsageError


@policy_app.command("init")
def policy_init(
    path: Annotated[
        Path, typer.Argument(metavar="[FILE|DIR]",
                             help="Where to write the template; a directory gets contact-audit.toml inside it.")
    ] = Path("contact-audit.toml"),
    force: Annotated[bool, typer.Option("--force", metavar="", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented policy template (./contact-audit.toml unless told otherwise)."""
    from audit.policy import policy_template
    from audit.report.output import write_atomic

    def body() -> None:
        target = path / "contact-audit.toml" if path.is_dir() else path
        if target.exists() and not force:
            raise UsageError(f"{target} exists; use --force to overwrite it")
        write_atomic(target, policy_template())
        err.print(f"wrote {escape(str(target))}; edit it, then run `contact-audit policy check {escape(str(target))}`")

    guard(body)


@policy_app.command("check")
def policy_check(
    path: Annotated[
        Path | None, typer.Argument(metavar="[FILE]", help="The policy file to validate (default: ./contact-audit.toml, as scan).")
    ] = None,
) -> None:
    """Validate a policy file; prints a one-line summary, or one error line and exits 2.

    Warns on stderr when the file still holds the template's example values.
    """
    from audit.policy import DEFAULT_POLICY_FILE, check_policy, template_leftovers

    def body() -> None:
        target = path if path is not None else DEFAULT_POLICY_FILE
        if path is None and not target.is_file():
            raise UsageError(f"no policy file {target} here: name one, or write one with `contact-audit policy init`")
        pol = check_policy(target)
        fail_on = pol.fail_on.value if pol.fail_on is not None else "never"
        typer.echo(
            f"{target}: ok ({pol.name or 'no organisation name'}; audit {', '.join(pol.audit_packages)}; "
            f"fail_on {fail_on})"
        )
        leftovers = template_leftovers(pol)
        if leftovers:
            err.print(f"contact-audit: warning: {escape(str(target))} still holds the template's example values "
                      f"({escape(', '.join(leftovers))}): replace them with your organisation's")

    guard(body)
