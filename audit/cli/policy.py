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
    path: Annotated[Path, typer.Argument(help="Where to write the template.")] = Path("contact-audit.toml"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented policy template."""
    from audit.policy import policy_template
    from audit.report.output import write_atomic

    def body() -> None:
        if path.exists() and not force:
            raise UsageError(f"{path} exists; use --force to overwrite it")
        write_atomic(path, policy_template())
        err.print(f"wrote {escape(str(path))}; edit it, then run `contact-audit policy check {escape(str(path))}`")

    guard(body)


@policy_app.command("check")
def policy_check(path: Annotated[Path, typer.Argument(help="The policy file to validate.")]) -> None:
    """Validate a policy file; prints a one-line summary, or one error line and exits 2."""
    from audit.policy import check_policy

    def body() -> None:
        pol = check_policy(path)
        typer.echo(
            f"{path}: ok ({pol.name or 'no organisation name'}; audit {', '.join(pol.audit_packages)}; "
            f"fail_on {pol.fail_on.value})"
        )

    guard(body)
