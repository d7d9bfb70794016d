"""``contact-audit simulate PROFILE... [--adb-port N]``: simulated phones for manual trials.

Unlike the test harness this attaches the phones to the adb server the user names (the
default one unless told otherwise), so ``adb devices``, ``adb shell`` and ``contact-audit scan``
all see them next to real phones. It runs until Ctrl-C (SIGINT) or SIGTERM and then
disconnects every phone with ``adb disconnect``, so none lingers in adb as ``offline``.

Stdout carries one line per phone, ``SERIAL<TAB>PROFILE``, so scripts can read the serials;
everything else goes to stderr.
"""

from __future__ import annotations

import signal
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from audit.errors import AdbUnavailable, AuditError
from audit.textsafe import clean

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
_PROG = "contact-audit simulate"


def _say(message: str) -> None:
    print(f"{_PROG}: {clean(message, 300)}", file=sys.stderr, flush=True)


def _error(message: str) -> None:
    """An error line in the style of every other command (``contact-audit: error: ...``); long
    enough for the whole list of bundled profiles."""
    print(f"contact-audit: error: {clean(' '.join(message.split()), 2000)}", file=sys.stderr, flush=True)


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:200] if text else type(exc).__name__


def simulate_main(profiles: Sequence[Path | str], adb_port: int | None) -> int:
    """Run the phones until SIGINT/SIGTERM; 0 after a clean shutdown, 2 on bad input, 1 otherwise."""
    import audit.adb  # noqa: F401  first: it checks ANDROID_ADB_SERVER_PORT before adbutils (via harness) parses it
    from audit.simulator.harness import Fleet, FleetError
    from audit.simulator.profile import load_profile

    if not profiles:
        _error("name at least one profile (a TOML file or a bundled profile name)")
        return EXIT_USAGE
    if adb_port is not None and not 0 < adb_port < 65536:
        _error(f"--adb-port must be between 1 and 65535, not {adb_port}")
        return EXIT_USAGE
    loaded = []
    for spec in profiles:
        try:
            loaded.append(load_profile(spec))
        except Exception as exc:  # any failure to read a profile is the user's input: one line
            _error(f"cannot load profile {str(spec)!r}: {' '.join(str(exc).split()) or type(exc).__name__}")
            return EXIT_USAGE

    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        port = _ensure_server(adb_port)
        with (
            tempfile.TemporaryDirectory(prefix="contact-audit-simulate-") as tmp,
            Fleet(loaded, Path(tmp), port) as fleet,
        ):
            for serial in fleet.serials:
                print(f"{serial}\t{clean(fleet.profile(serial).name)}", flush=True)
            _say(f"{len(fleet.serials)} simulated phone(s) on the adb server at port {port}; Ctrl-C stops them")
            while not stop.wait(0.5):
                pass
        _say("phones disconnected and stopped")
        return EXIT_OK
    except (AuditError, FleetError, OSError) as exc:
        _error(_reason(exc))
        return EXIT_FAILED
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _ensure_server(adb_port: int | None) -> int:
    """The adb server the user named, started with the bundled adb when nothing listens there."""
    from audit.adb import resolve_port, server_listening, start_server

    port = resolve_port(adb_port)
    if not server_listening(port):
        _say(f"no adb server on port {port}; starting one")
        start_server(port)
        if not server_listening(port):
            raise AdbUnavailable(f"the adb server on port {port} did not come up")
    return port
