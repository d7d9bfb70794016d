"""Host services over plain sockets, and nothing that could start a server on a port we did not choose.

adbutils answers a connection that fails or is slow by running a bare ``adb start-server`` (port
5037, the user's). These tests pin that the product's host services and the harness's adbutils
client never do that, against a scripted loopback listener on a free port (no adb needed).
"""

from __future__ import annotations

import socket
import subprocess
import threading
from collections.abc import Iterator

import adbutils
import pytest

from audit.adb import AdbHost, ServerRefused, host_request
from audit.errors import AdbUnavailable, DeviceError
from audit.simulator.harness import USER_PORT, PrivateAdbClient, free_port, listening_sockets


class ScriptedServer:
    """A loopback listener that answers each connection with the next scripted reply."""

    def __init__(self, replies: list[bytes]) -> None:
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._sock.getsockname()[1])
        self._replies = list(replies)
        self.requests: list[str] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while self._replies:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            with conn:
                length = int(conn.recv(4), 16)
                request = b""
                while len(request) < length:
                    request += conn.recv(length - len(request))
                self.requests.append(request.decode())
                conn.sendall(self._replies.pop(0))

    def close(self) -> None:
        self._sock.close()
        self._thread.join(5)


@pytest.fixture
def scripted() -> Iterator[list[ScriptedServer]]:
    servers: list[ScriptedServer] = []
    yield servers
    for server in servers:
        server.close()


def block(text: str) -> bytes:
    return b"%04x" % len(text.encode()) + text.encode()


def test_host_request_returns_the_answer(scripted: list[ScriptedServer]) -> None:
    server = ScriptedServer([b"OKAY" + block("already connected to 127.0.0.1:4000")])
    scripted.append(server)
    assert host_request(server.port, "host:connect:127.0.0.1:4000", 5) == "already connected to 127.0.0.1:4000"
    assert server.requests == ["host:connect:127.0.0.1:4000"]


@pytest.mark.parametrize(("reply", "error"), [
    (b"FAIL" + block("unknown host service"), ServerRefused),
    (b"OKAY", OSError),  # closed before the answer: the symptom adbutils reported as "connection closed"
    (b"OKAY00", OSError),
    (b"WHAT", OSError),
    (b"OKAYzzzz", OSError),
])
def test_host_request_failures_are_errors(scripted: list[ScriptedServer], reply: bytes, error: type[Exception]) -> None:
    server = ScriptedServer([reply])
    scripted.append(server)
    with pytest.raises(error):
        host_request(server.port, "host:devices-l", 5)


def test_connect_tcp_checks_the_servers_text(scripted: list[ScriptedServer]) -> None:
    server = ScriptedServer([
        b"OKAY" + block("connected to 127.0.0.1:4000"),
        b"OKAY" + block("failed to connect to '127.0.0.1:4001': Connection refused"),
        b"OKAY" + block("disconnected 127.0.0.1:4000"),
        b"FAIL" + block("no such device '127.0.0.1:4001'"),
    ])
    scripted.append(server)
    host = AdbHost(server.port)
    assert host.connect_tcp("127.0.0.1:4000") == "connected to 127.0.0.1:4000"
    with pytest.raises(DeviceError, match="failed to connect") as failed:
        host.connect_tcp("127.0.0.1:4001")
    assert failed.value.status == "offline"
    host.disconnect_tcp("127.0.0.1:4000")
    host.disconnect_tcp("127.0.0.1:4001")  # already gone: not an error
    assert server.requests == [
        "host:connect:127.0.0.1:4000", "host:connect:127.0.0.1:4001",
        "host:disconnect:127.0.0.1:4000", "host:disconnect:127.0.0.1:4001",
    ]


def test_no_server_is_an_error_not_a_new_server(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_subprocess(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a process was started: {args}")

    monkeypatch.setattr(subprocess, "run", no_subprocess)
    monkeypatch.setattr(subprocess, "Popen", no_subprocess)
    port = free_port()
    with pytest.raises(AdbUnavailable, match="no adb server is running"):
        AdbHost.connect(port, start=False)
    with pytest.raises(AdbUnavailable, match="did not answer"):
        AdbHost(port).devices()
    with pytest.raises(DeviceError, match="adb connect"):
        AdbHost(port).connect_tcp("127.0.0.1:4000")
    AdbHost(port).disconnect_tcp("127.0.0.1:4000")
    # adbutils' own client would run "adb start-server" here; the harness's must not
    with pytest.raises(adbutils.AdbError):
        PrivateAdbClient(port).server_version()
    with pytest.raises(adbutils.AdbError):
        PrivateAdbClient(port).device("127.0.0.1:4000").shell("true")


def test_private_client_talks_to_its_own_port_only(scripted: list[ScriptedServer]) -> None:
    server = ScriptedServer([b"OKAY" + block("0029")])
    scripted.append(server)
    assert PrivateAdbClient(server.port).server_version() == 41
    assert server.requests == ["host:version"]
    with pytest.raises(ValueError, match="private"):
        PrivateAdbClient(USER_PORT)
    with pytest.raises(ValueError, match="private"):
        PrivateAdbClient(0)  # adbutils would read 0 as "the default", i.e. 5037


def test_listening_sockets_sees_a_new_listener() -> None:
    """What the 5037 guard in conftest relies on, tried on a free port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
        assert listening_sockets(port) == frozenset()
        probe.listen()
        seen = listening_sockets(port)
        assert len(seen) == 1
    assert listening_sockets(port) == frozenset()
    with socket.create_server(("127.0.0.1", port)):
        again = listening_sockets(port)
    assert again and again != seen  # a listener restarted on the same port counts as new
