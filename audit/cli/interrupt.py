"""Ctrl-C and SIGTERM for the long-running commands (scan, demo, station).

Why not Python's default KeyboardInterrupt: it lands wherever the main thread happens to be
(inside a report write, inside a history record) and a service stop (SIGTERM, a CI timeout)
would kill the process without a report. Here the first signal only asks the command to stop
cleanly (the scan reports unfinished phones as ``interrupted`` and writes its report); a second
one quits at once, without waiting for phones or writing anything.

A signal the process was started with ignored (a background job of a non-interactive shell
ignores SIGINT, so the terminal's Ctrl-C is not meant for it) stays ignored.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from types import FrameType

from audit.report.labels import text

QUIT_STATUS = 130  # 128 + SIGINT, what shells report for a command stopped by Ctrl-C
SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _say(text: str) -> None:
    """Write from a signal handler: a raw write, because the rich console may be mid-print."""
    with contextlib.suppress(OSError):
        os.write(2, (text + "\n").encode())


@contextlib.contextmanager
def stop_on_signals(stop: threading.Event, lang: str = "en") -> Iterator[None]:
    """While inside: SIGINT/SIGTERM set ``stop`` (saying so on stderr, in ``lang``); a second one
    raises ``SystemExit(130)`` at once. Previous handlers come back on exit."""
    stopping, again = text("signal_stopping", lang), text("signal_again", lang)  # not looked up in a handler
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread; the caller's stay
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        if not stop.is_set():
            stop.set()
            _say(stopping)
            return
        _say(again)
        raise SystemExit(QUIT_STATUS)

    previous: dict[int, object] = {}
    for sig in SIGNALS:
        if signal.getsignal(sig) is signal.SIG_IGN:
            continue
        previous[sig] = signal.signal(sig, handler)
    try:
        yield
    finally:
        for number, old in previous.items():
            signal.signal(number, old)  # type: ignore[arg-type]
