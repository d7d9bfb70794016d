"""`contact-audit collect`: what the tool reads from one phone, before any judgement (debugging)."""

from __future__ import annotations

from typing import Annotated

import typer

from audit.cli.common import EXIT_OK, AdbPort, PolicyOpt, TimeoutOpt, app, guard
from audit.errors import UsageError


@app.command()
def collect(
    serial: Annotated[str, typer.Option("--serial", "-s", envvar="CONTACT_AUDIT_SERIAL", metavar="SERIAL",
                                          help="The phone to read (see contact-audit devices).")],
    raw: Annotated[
        bool, typer.Option("--raw", help="Print the whole parsed snapshot as JSON (numbers replaced by counts).")
    ] = False,
    # Deliberately no environment variable: personal data on screen needs an explicit flag.
    show_numbers: Annotated[
        bool, typer.Option("--show-numbers", help="With --raw: include raw phone numbers, e-mails and companies (personal data!).")
    ] = False,
    policy: PolicyOpt = None,
    timeout: TimeoutOpt = 60.0,
    adb_port: AdbPort = None,
) -> None:
    """Read one phone and show what the tool sees, before any judgement (a debugging aid).

    Without --raw: one line per Android user and audited app. With --raw: the parsed snapshot as
    JSON, every phone number, e-mail and company replaced by counts unless --show-numbers.
    """
    from audit.adb import AdbHost
    from audit.collect import collect as run_collect
    from audit.parse import build_snapshot
    from audit.policy import load_policy
    from audit.scan import collect_packages
    from audit.snapshot_json import snapshot_json, snapshot_lines

    def body() -> int:
        if show_numbers and not raw:
            raise UsageError("--show-numbers only goes with --raw")
        pol = load_policy(policy)
        host = AdbHost.connect(adb_port)
        packages = collect_packages(pol)
        collection = run_collect(host, serial, packages, timeout=timeout)
        snapshot = build_snapshot(serial, collection, packages)
        if raw:
            typer.echo(snapshot_json(snapshot, show_numbers=show_numbers))
        else:
            for line in snapshot_lines(snapshot):
                typer.echo(line)
        return EXIT_OK

    raise typer.Exit(guard(body))
