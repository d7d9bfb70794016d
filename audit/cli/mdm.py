"""`contact-audit mdm`: the MDM policy that denies and locks the Contacts permission fleet-wide."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from audit.cli.common import PolicyOpt, app, err, guard


class MdmFormat(str, Enum):
    amapi = "amapi"
    intune = "intune"
    json = "json"


@app.command()
def mdm(
    fmt: Annotated[
        MdmFormat,
        typer.Option("--format", "-f", envvar="CONTACT_AUDIT_MDM_FORMAT",
                     help="amapi: Android Management API policy fragment; intune: Microsoft Intune (Graph) "
                          "app configurations; json: a plain list for any other MDM."),
    ] = MdmFormat.json,
    policy: PolicyOpt = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file (atomically) instead of stdout.")
    ] = None,
) -> None:
    """Print the MDM policy that denies READ_CONTACTS to the policy's audited apps, locked.

    A permission the MDM denies stays denied (POLICY_FIXED) whatever the user or an app update
    does: the fleet-wide counterpart of `contact-audit fix`. How to apply each format:
    docs/mdm.md. Changes nothing on any phone.
    """
    from audit import __version__
    from audit.mdm import plan_for, render_mdm
    from audit.policy import load_policy
    from audit.report.output import write_atomic

    def body() -> None:
        text = render_mdm(plan_for(load_policy(policy), __version__), fmt.value)
        if output is None:
            typer.echo(text, nl=False)
        else:
            write_atomic(output, text)
            err.print(f"MDM policy written to {escape(str(output))}")

    guard(body)
