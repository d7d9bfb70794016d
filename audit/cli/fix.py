"""`contact-audit fix`: the only command that changes a phone, so it asks first and checks after."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.markup import escape

from audit.cli.common import EXIT_FINDINGS, EXIT_OK, AdbPort, Lang, LangOpt, PolicyOpt, TimeoutOpt, app, err, guard
from audit.errors import UsageError


@app.command()
def fix(
    serial: Annotated[str, typer.Option("--serial", "-s", envvar="CONTACT_AUDIT_SERIAL", metavar="SERIAL",
                                          help="The phone to change (see contact-audit devices).")],
    user: Annotated[int, typer.Option("--user", min=0, metavar="ID", help="The Android user (profile) id, as in the report.")],
    package: Annotated[str, typer.Option("--package", metavar="PACKAGE", help="The app, e.g. com.whatsapp.")],
    # Deliberately no environment variables for these two: changing a phone needs explicit flags.
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Change the phone without asking.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only print what would be run.")] = False,
    policy: PolicyOpt = None,
    lang: LangOpt = Lang.en,
    timeout: TimeoutOpt = 60.0,
    adb_port: AdbPort = None,
) -> None:
    """Deny and lock an app's Contacts permission in one Android user of one phone.

    Reads the phone, shows the plan, asks for confirmation (or --yes), runs it in one adb shell
    call, reads the phone again and shows the verdict before and after. Locking the denial from
    the shell needs Android 12+; on older phones the permission is revoked and the report says
    what remains to be done. Exit status: 0 the permission is now denied (or was already locked),
    1 it is not, 2 usage error.
    """
    import time as _time

    from audit.adb import AdbHost
    from audit.fix import apply_fix, find_target, fix_packages, plan_fix, read_phone
    from audit.messages import render
    from audit.policy import load_policy
    from audit.report.labels import enum_label, text
    from audit.textsafe import clean

    lg = lang.value

    def say(verdict: object, label: str) -> None:
        from audit.results import Verdict

        assert isinstance(verdict, Verdict)
        typer.echo(f"{text(label, lg)}: {enum_label(verdict.severity, lg)} ({verdict.rule}): "
                   f"{render(verdict.finding, lg)}")

    def body() -> int:
        pol = load_policy(policy)
        host = AdbHost.connect(adb_port)
        snapshot = read_phone(host, serial, fix_packages(pol, package), _time.monotonic() + timeout)
        before = find_target(snapshot, pol, user, package)
        steps = plan_fix(snapshot.info.sdk, user, package)
        say(before, "fix_now")
        if before.rule == "locked":
            typer.echo(text("fix_nothing", lg))
            return EXIT_OK
        for step in steps:
            why = text(step.key, lg) if step.key else step.why
            typer.echo(f"  {text('fix_would_run' if dry_run else 'fix_plan', lg)}: {step.command}   # {why}")
        if snapshot.info.sdk is None or snapshot.info.sdk < 31:
            typer.echo("  " + text("fix_old_android", lg))
        if dry_run:
            return EXIT_OK
        if not yes:
            if not sys.stdin.isatty():
                raise UsageError("refusing to change the phone without confirmation: pass --yes")
            if not typer.confirm(text("fix_confirm", lg, package=package, user=user), default=False, err=True):
                raise UsageError("cancelled; the phone was not changed")
        outcome = apply_fix(host, serial, snapshot, pol, user, package, timeout=timeout)
        for result in outcome.results:
            status = (text("fix_rc_ok", lg) if result.rc == 0
                      else text("fix_rc_none", lg) if result.rc is None else text("fix_rc", lg, rc=result.rc))
            detail = f": {escape(clean(result.output))}" if result.output else ""
            err.print(f"  {escape(result.step.command)} -> {status}{detail}")
        if outcome.after is not None:
            say(outcome.after, "fix_after")
        if outcome.locked:
            typer.echo(text("fix_locked", lg))
        elif outcome.denied:
            typer.echo(text("fix_denied", lg))
        else:
            typer.echo(text("fix_not_denied", lg))
        return EXIT_OK if outcome.denied else EXIT_FINDINGS

    raise typer.Exit(guard(body))
