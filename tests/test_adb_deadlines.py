"""Every read from the adb server is bounded as a whole, even when its answer trickles.

The peer here is a loopback socket playing an adb server that answers one byte at a time: the
real adb server cannot be made to do that, and a phone's own trickle (simulator fault
``trickle_ms``) is covered end to end in test_e2e_trickle.py. A per-``recv`` timeout never fires
against such a peer; before the fix a 4096-byte FAIL reason at one byte per 2 s kept
``collect --timeout 4`` alive for over two hours.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time

from audit.adb import AdbHost
from audit.errors import AdbUnavailable, DeviceError
from audit.results import DeviceStatus

BYTE_EVERY_S = 0.2
GRACE_S = 3.0  # generous: a correctness bound on a loaded machine, not a performance figure


class TricklingServer:
    """Answers each request with ``answer(request)``, one byte every BYTE_EVERY_S."""

    def __init__(self, answers: list[bytes]) -> None:
        self._answers = answers
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> TricklingServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._listener.close()
        self._thread.join(5)

    def _serve(self) -> None:
        with contextlib.suppress(OSError):
            conn, _ = self._listener.accept()
            with conn:
                for answer in self._answers:
                    length = int(_read(conn, 4), 16)
                    _read(conn, length)
                    for i in range(len(answer)):
                        if self._stop.wait(BYTE_EVERY_S):
                            return
                        conn.sendall(answer[i : i + 1])


def _read(conn: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise OSError("closed")
        data += chunk
    return data


def run_bounded(target: object, bound: float) -> tuple[bool, BaseException | None]:
    box: list[BaseException | None] = []

    def work() -> None:
        try:
            target()  # type: ignore[operator]
            box.append(None)
        except BaseException as exc:
            box.append(exc)

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    thread.join(bound)
    return (not thread.is_alive()), (box[0] if box else None)


def test_a_trickled_device_list_is_cut_off_at_the_socket_timeout() -> None:
    listing = b"".join(b"SER%05d\tdevice\n" % i for i in range(20))
    with TricklingServer([b"OKAY" + b"%04x" % len(listing) + listing]) as server:
        host = AdbHost(server.port, socket_timeout=1.0)
        done, error = run_bounded(host.devices, 1.0 + GRACE_S)
    assert done, "host:devices-l still being read long after the socket timeout"
    assert isinstance(error, AdbUnavailable)
    assert "did not answer within 1s" in str(error)


def test_a_trickled_fail_reason_ends_at_the_phones_deadline() -> None:
    """The issue's case: FAIL plus a 4096-byte reason, one byte at a time."""
    reason = b"x" * 4096
    with TricklingServer([b"OKAY", b"FAIL" + b"%04x" % len(reason) + reason]) as server:
        host = AdbHost(server.port)
        deadline = time.monotonic() + 2.0
        done, error = run_bounded(lambda: host.shell_bytes("SER1", "true", deadline), 2.0 + GRACE_S)
    assert done, "the FAIL reason was still being read long after the phone's deadline"
    assert isinstance(error, DeviceError)
    assert error.status == DeviceStatus.TIMEOUT.value
