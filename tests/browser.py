"""A real headless Chromium for tests, driven over the DevTools protocol (CDP).

Why CDP and not ``--dump-dom``: the HTML report must load without a console error, without a
script and without fetching anything. Only the protocol reports console messages, exceptions,
network requests and printed pages; ``--dump-dom`` shows none of that. The client is small
(``websockets`` from the test extra), so no browser download and no playwright are needed.

Chromium runs as the machine guide prescribes for this sandbox (headless, no GPU, no background
networking, a fresh profile in the test's temporary directory) and is stopped by the context
manager, whatever the test does.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.sync.client import ClientConnection, connect

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--remote-debugging-port=0",
    "--remote-allow-origins=*",
)


def find_chromium() -> str | None:
    """``CONTACT_AUDIT_CHROMIUM`` if set, else the first Chromium-like browser on PATH."""
    configured = os.environ.get("CONTACT_AUDIT_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class PageLoad:
    """What happened while one page loaded: everything a test may want to assert on."""

    console: list[str] = field(default_factory=list)  # console messages and page errors, "level: text"
    requests: list[str] = field(default_factory=list)  # URLs the page asked for (the page itself included)
    dialogs: list[str] = field(default_factory=list)  # alert()/confirm() the page opened


class Chromium:
    """One headless Chromium with one page; a context manager."""

    def __init__(self, binary: str, profile: Path, *, width: int = 1200, height: int = 900) -> None:
        self.binary = binary
        self.profile = profile
        self.size = (width, height)
        self.process: subprocess.Popen[bytes] | None = None
        self.socket: ClientConnection | None = None
        self._next_id = 0
        self._events: list[dict[str, Any]] = []

    def __enter__(self) -> Chromium:
        self.profile.mkdir(parents=True, exist_ok=True)
        log = open(self.profile.parent / "chromium-stderr.log", "wb")
        self.process = subprocess.Popen(
            [self.binary, *FLAGS, f"--user-data-dir={self.profile}",
             f"--window-size={self.size[0]},{self.size[1]}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log,
        )
        log.close()
        try:
            self.socket = connect(self._page_socket(), max_size=256 * 1024 * 1024, open_timeout=20).__enter__()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        if self.socket is not None:
            with contextlib.suppress(Exception):
                self.socket.close()
            self.socket = None
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
            self.process = None

    def _page_socket(self) -> str:
        """The page target's websocket, found through the DevToolsActivePort file Chromium writes."""
        import urllib.request

        port_file = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"chromium exited with status {self.process.returncode} before it was ready")
            if port_file.is_file() and port_file.read_text().strip():
                port = int(port_file.read_text().split()[0])
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as answer:
                    targets = json.loads(answer.read())
                pages = [t for t in targets if t.get("type") == "page"]
                if pages:
                    return str(pages[0]["webSocketDebuggerUrl"])
            time.sleep(0.1)
        raise RuntimeError("chromium did not open its DevTools port within 30 s")

    def call(self, method: str, timeout: float = 60.0, **params: Any) -> dict[str, Any]:
        """Send one command and wait for its answer; events that arrive meanwhile are kept."""
        assert self.socket is not None
        self._next_id += 1
        ident = self._next_id
        self.socket.send(json.dumps({"id": ident, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while True:
            message = json.loads(self.socket.recv(timeout=max(0.1, deadline - time.monotonic())))
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result
            if "method" in message:
                self._events.append(message)

    def _wait_event(self, method: str, timeout: float = 60.0) -> None:
        assert self.socket is not None
        if any(e["method"] == method for e in self._events):
            return
        deadline = time.monotonic() + timeout
        while True:
            message = json.loads(self.socket.recv(timeout=max(0.1, deadline - time.monotonic())))
            if "method" in message:
                self._events.append(message)
                if message["method"] == method:
                    return

    def load(self, url: str) -> PageLoad:
        """Open ``url`` and wait for its load event; what the page logged and requested."""
        self._events.clear()
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable")
        self.call("Page.navigate", url=url)
        self._wait_event("Page.loadEventFired")
        self.call("Runtime.evaluate", expression="1")  # let pending console events arrive first
        seen = PageLoad()
        for event in self._events:
            method, params = event["method"], event.get("params", {})
            if method == "Runtime.consoleAPICalled":
                text = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
                seen.console.append(f"{params.get('type')}: {text}")
            elif method == "Runtime.exceptionThrown":
                seen.console.append(f"exception: {params['exceptionDetails'].get('text')}")
            elif method == "Log.entryAdded":
                entry = params["entry"]
                seen.console.append(f"{entry.get('level')}: {entry.get('source')}: {entry.get('text')}")
            elif method == "Network.requestWillBeSent":
                seen.requests.append(params["request"]["url"])
            elif method == "Page.javascriptDialogOpening":
                seen.dialogs.append(params.get("message", ""))
        return seen

    def evaluate(self, expression: str) -> Any:
        """The JSON value of ``expression`` in the page (the test's own probe, not the page's script)."""
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"evaluate failed: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")

    def screenshot(self, path: Path) -> Path:
        """The whole page (not just the window) as a PNG at ``path``, scaled down if very long."""
        metrics = self.call("Page.getLayoutMetrics")
        content = metrics.get("cssContentSize") or metrics["contentSize"]
        width, height = int(content["width"]), int(content["height"])
        scale = min(1.0, 16000 / max(height, 1))  # Chromium's capture fails above ~16k pixels
        shot = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                         clip={"x": 0, "y": 0, "width": width, "height": height, "scale": scale})
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def print_pdf(self, path: Path) -> Path:
        """The page printed as the browser's "Save as PDF" would (A4, print CSS applied)."""
        printed = self.call("Page.printToPDF", printBackground=True, preferCSSPageSize=True)
        path.write_bytes(base64.b64decode(printed["data"]))
        return path


def pdf_pages(data: bytes) -> int:
    """Pages in a PDF Chromium printed (Skia writes one uncompressed ``/Type /Page`` per page)."""
    return data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") + data.count(b"/Type /Page>") + data.count(
        b"/Type /Page/"
    )


@contextlib.contextmanager
def chromium(tmp: Path, binary: str) -> Iterator[Chromium]:
    with Chromium(binary, tmp / "chromium-profile") as browser:
        yield browser
