"""``contact-audit demo``: the whole product on simulated phones, no hardware needed.

Everything is private and temporary: an adb server on a free loopback port with its own HOME
(never the user's server on 5037), the bundled fleet, and the bundled demo policy. All of it is
shut down again, also on Ctrl-C or an error.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from audit.adb import AdbHost
from audit.report.labels import text


def run_demo(scan: Callable[[AdbHost, Path], int], console: Console, lang: str = "en") -> int:
    from audit.simulator.harness import AdbServer, Fleet
    from audit.simulator.profile import bundled_profiles

    profiles = bundled_profiles()
    with tempfile.TemporaryDirectory(prefix="contact-audit-demo-") as tmp:
        policy_path = Path(tmp) / "demo-policy.toml"
        policy_path.write_text(
            resources.files("audit.data").joinpath("demo-policy.toml").read_text(encoding="utf-8"),
            encoding="utf-8",
        )
        console.print(f"[dim]{escape(text('demo_starting', lang, count=len(profiles)))}[/dim]")
        with AdbServer() as server, Fleet(profiles, Path(tmp) / "phones", server.port):
            scan(AdbHost(server.port), policy_path)
        console.print(f"[dim]{escape(text('demo_finished', lang))}[/dim]")
    return 0
