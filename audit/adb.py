"""The boundary to the adb server: finding or starting it, device states, commands with deadlines.

Why not plain adbutils calls everywhere:
- adbutils starts a missing server on its own with plain ``adb start-server`` (port 5037 unless
  ANDROID_ADB_SERVER_PORT is set); we decide explicitly which server we talk to.
- ``client.list()`` splits on whitespace, so the state ``no permissions (...)`` arrives as
  ``no``; we read ``host:devices-l`` ourselves.
- ``d.shell`` reads output with a quadratic loop and returns partial output silently when the
  connection drops; we stream into a bytearray under a wall-clock deadline and let the
  collector's terminator line detect truncation.
- A frozen phone can make adbutils calls hang far past their timeout, and adbutils silently
  starts a server on 5037 when it cannot connect; shell and sync therefore go over plain
  sockets to the server (``host:transport:SERIAL``), every operation bounded by the phone's
  remaining time. Host services (``devices-l``, ``connect``, ``disconnect``) go over plain sockets
  too: every adbutils connection runs a bare ``adb start-server`` (port 5037) when the server it
  was given is slow to accept, which on a loaded machine replaced nothing but started the user's
  server. A slow server is waited for with a bounded retry (``dial``), never replaced.
  adbutils provides only the bundled adb binary.
- A per-``recv`` timeout bounds silence, not time: a peer trickling one byte a second never
  trips it. Every read therefore runs against one deadline for the whole exchange, and one
  phone's output is capped (MAX_OUTPUT_BYTES) so a phone that never stops cannot fill memory.
All adbutils and socket errors are wrapped into audit.errors at this boundary.
"""

from __future__ import annotations

import contextlib
import importlib.resources
import os
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from audit.errors import AdbUnavailable, DeviceError
from audit.messages import render
from audit.results import DeviceStatus, Message

PORT_VARIABLE = "ANDROID_ADB_SERVER_PORT"


def port_from_environment() -> int | None:
    """ANDROID_ADB_SERVER_PORT as a port number, None when unset; one clear error when it is not one."""
    env = os.environ.get(PORT_VARIABLE, "").strip()
    if not env:
        return None
    try:
        port = int(env)
    except ValueError:
        raise AdbUnavailable(f"{PORT_VARIABLE} is not a port number: {env[:20]!r} "
                             "(set it to a port from 1 to 65535, or unset it)") from None
    if 0 < port < 65536:
        return port
    raise AdbUnavailable(f"{PORT_VARIABLE} is out of range: {port} (set it to a port from 1 to 65535, or unset it)")


# Checked before adbutils is imported: adbutils parses the variable at import time and fails
# with a bare ValueError, which would reach the user as an internal error.
port_from_environment()

import adbutils  # noqa: E402

DEFAULT_PORT = 5037
# A whole collection is a few MB even for 20,000 contacts; past this a phone is broken or hostile.
MAX_OUTPUT_BYTES = 64 * 1024 * 1024
# The hint for each problem state; the sentences are in audit/messages.py, in every language.
_HINTS = {
    DeviceStatus.UNAUTHORIZED: "device.hint.unauthorized",
    DeviceStatus.NO_PERMISSIONS: "device.hint.no_permissions",
    DeviceStatus.OFFLINE: "device.hint.offline",
    DeviceStatus.ERROR: "device.hint.error",
}


def hint_message(status: DeviceStatus | None) -> Message | None:
    key = _HINTS.get(status) if status is not None else None
    return Message(key) if key is not None else None


def state_hint(status: DeviceStatus | None, lang: str = "en") -> str:
    message = hint_message(status)
    return render(message, lang) if message is not None else ""


def device_failure(status: DeviceStatus, key: str, **params: str | int) -> DeviceError:
    """A DeviceError whose English line and translatable reason come from one catalogue entry."""
    reason = Message(key, tuple(params.items()))
    return DeviceError(status.value, render(reason, "en"), reason)


def not_attached_reason(port: int) -> Message:
    """Why a serial could not be read: the server does not list it (a typo, or unplugged)."""
    return Message("device.not_attached", (("port", port),))


def not_attached_failure(serial: str, port: int) -> DeviceError:
    """The error for a command that names a serial the server does not list (collect, fix)."""
    return device_failure(DeviceStatus.NOT_ATTACHED, "device.not_attached.serial", serial=serial, port=port)


@dataclass(frozen=True)
class AttachedDevice:
    """One line of ``adb devices -l``. ``status`` is None when the phone can be audited."""

    serial: str
    state: str
    status: DeviceStatus | None
    model: str | None = None
    product: str | None = None
    transport_id: str | None = None

    @property
    def hint(self) -> str:
        return state_hint(self.status)

    @property
    def error_line(self) -> str:
        """Why this phone cannot be audited, for a report's ``device_error``: the hint, after the
        adb state only where the state says more than the status already does (``no permissions
        (user in plugdev group...)``, ``recovery``), never "unauthorized: unauthorized: ..."."""
        if self.status is not None and self.state.replace(" ", "_") == self.status.value:
            return self.hint
        return f"{self.state}: {self.hint}"

    @property
    def reason(self) -> Message | None:
        """Why this phone cannot be audited now, for the human reports (None: it can be)."""
        if self.status is DeviceStatus.ERROR:
            return Message("device.state.error", (("state", self.state[:40]),))
        return hint_message(self.status)

def resolve_port(explicit: int | None) -> int:
    """--adb-port, else ANDROID_ADB_SERVER_PORT, else adb's default 5037."""
    if explicit is not None:
        return explicit
    from_env = port_from_environment()
    return DEFAULT_PORT if from_env is None else from_env


DIAL_WAIT_S = 10.0  # how long a server that does not accept yet (busy, backlog full) is waited for


class ServerRefused(Exception):
    """The adb server answered a host service with FAIL; ``str()`` is its reason."""


def dial(port: int, timeout: float = DIAL_WAIT_S) -> socket.socket:
    """A connection to the adb server on loopback ``port``, retried while it is slow to accept.

    Under load a server's accept backlog fills and the kernel drops new connections for a while
    (a connect then takes seconds); waiting, bounded by ``timeout``, is the answer. Starting another server is not: that is how
    adbutils ended up starting one on 5037.
    """
    deadline = time.monotonic() + timeout
    pause = 0.05
    while True:
        left = deadline - time.monotonic()
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=max(left, 0.2))
        except TimeoutError:  # refused is final: on loopback it means nobody listens
            if time.monotonic() + pause >= deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.5)


def host_request(port: int, service: str, timeout: float) -> str:
    """One host service (``host:devices-l``, ``host:connect:ADDR``...) over the smart-socket protocol.

    Raises ServerRefused on FAIL, TimeoutError when no answer came within ``timeout``, other
    OSErrors when the server is gone.
    """
    deadline = time.monotonic() + timeout
    with dial(port, min(timeout, DIAL_WAIT_S)) as sock:
        payload = service.encode()
        sock.settimeout(max(deadline - time.monotonic(), 0.05))
        sock.sendall(b"%04x" % len(payload) + payload)
        try:
            status = _recv_exact(sock, 4, deadline)
            if status not in (b"OKAY", b"FAIL"):
                raise OSError(f"unexpected answer from the adb server: {status!r}")
            try:
                length = int(_recv_exact(sock, 4, deadline), 16)
            except ValueError:
                raise OSError("malformed answer from the adb server") from None
            text = _recv_exact(sock, length, deadline).decode("utf-8", "replace")
        except DeadlineExceeded:
            raise TimeoutError(f"the adb server did not answer within {timeout:g}s") from None
    if status == b"FAIL":
        raise ServerRefused(text)
    return text


def server_listening(port: int) -> bool:
    """Whether a server accepts on loopback ``port``; a slow one is waited for (``dial``)."""
    try:
        dial(port).close()
    except OSError:
        return False
    return True


def start_server(port: int) -> None:
    """Start the bundled adb server on ``port`` (the user's own adb is not needed)."""
    adb = str(bundled_adb())
    env = dict(os.environ, ANDROID_ADB_SERVER_PORT=str(port), ADBUTILS_ADB_PATH=adb)
    try:
        proc = subprocess.run(
            [adb, "-P", str(port), "start-server"],
            env=env, capture_output=True, timeout=30, check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise AdbUnavailable(f"could not start the adb server on port {port}: {exc}") from None
    if proc.returncode != 0 or not server_listening(port):
        detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        last = detail[-1] if detail else f"exit status {proc.returncode}"
        raise AdbUnavailable(f"could not start the adb server on port {port}: {last[:200]}")


def classify_state(state: str) -> DeviceStatus | None:
    if state == "device":
        return None
    if state == "unauthorized":
        return DeviceStatus.UNAUTHORIZED
    if state in ("offline", "connecting", "authorizing"):
        return DeviceStatus.OFFLINE
    if state.startswith("no permissions") or state == "no":
        return DeviceStatus.NO_PERMISSIONS
    return DeviceStatus.ERROR


def parse_devices_l(text: str) -> list[AttachedDevice]:
    """Parse ``host:devices-l``: ``SERIAL<ws>STATE [usb:..] [product:..] [model:..] ... [transport_id:N]``.

    The state may itself contain spaces (``no permissions (user in plugdev group; ...)``), so it
    is everything between the serial and the first ``key:value`` token we know.
    """
    devices = []
    known_keys = ("usb:", "product:", "model:", "device:", "transport_id:")
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = line.split(None, 1)
        if len(parts) < 2:
            continue
        serial, rest = parts
        words = rest.split(" ")
        state_words: list[str] = []
        info: dict[str, str] = {}
        for i, word in enumerate(words):
            if word.startswith(known_keys) and (i > 0 or state_words):
                for w in words[i:]:
                    if ":" in w:
                        key, _, value = w.partition(":")
                        info[key] = value
                break
            state_words.append(word)
        state = " ".join(w for w in state_words if w).strip()
        devices.append(
            AttachedDevice(
                serial=serial,
                state=state,
                status=classify_state(state),
                model=info.get("model"),
                product=info.get("product"),
                transport_id=info.get("transport_id"),
            )
        )
    return devices


class AdbHost:
    """One adb server. Thread-safe: every call opens its own connection."""

    def __init__(self, port: int, socket_timeout: float = 10.0) -> None:
        self.port = port
        self._socket_timeout = socket_timeout
        # True when connect() found no server and started one: ours to restart if it dies (the
        # station does), and worth a word to the user (it keeps running in the background).
        self.started_server = False

    @classmethod
    def connect(cls, port: int | None = None, *, start: bool = True) -> AdbHost:
        """The user's running server at ``port``; started with the bundled adb when none runs."""
        resolved = resolve_port(port)
        try:
            dial(resolved).close()
        except ConnectionRefusedError:
            if not start:
                raise AdbUnavailable(f"no adb server is running on port {resolved}") from None
            start_server(resolved)
            host = cls(resolved)
            host.started_server = True
            return host
        except OSError as exc:  # there, but not accepting: wait for it, never start a second one
            raise AdbUnavailable(f"the adb server on port {resolved} does not accept connections: {exc}") from None
        return cls(resolved)

    def _host_query(self, service: str) -> str:
        """One request to the server itself, answered in full within ``socket_timeout``."""
        try:
            return host_request(self.port, service, self._socket_timeout)
        except ServerRefused as exc:
            raise AdbUnavailable(f"adb server refused {service}: {str(exc)[:200]}") from None
        except TimeoutError:
            raise AdbUnavailable(
                f"adb server on port {self.port} did not answer within {self._socket_timeout:g}s"
            ) from None
        except OSError as exc:
            raise AdbUnavailable(f"adb server on port {self.port} did not answer: {exc}") from None

    def devices(self) -> list[AttachedDevice]:
        return parse_devices_l(self._host_query("host:devices-l"))

    def connect_tcp(self, address: str, timeout: float = 15.0) -> str:
        """``adb connect``; the server answers OKAY with its text even when it failed, so check it."""
        try:
            answer = host_request(self.port, f"host:connect:{address}", timeout)
        except (ServerRefused, OSError) as exc:
            raise device_failure(DeviceStatus.OFFLINE, "device.connect_failed", address=address,
                                 detail=" ".join(str(exc).split())[:200]) from None
        if "connected to" not in answer or "failed" in answer or "unable" in answer:
            raise device_failure(DeviceStatus.OFFLINE, "device.connect_failed", address=address,
                                 detail=" ".join(answer.split())[:200])
        return answer

    def disconnect_tcp(self, address: str) -> None:
        """``adb disconnect``; a phone that is already gone is fine."""
        with contextlib.suppress(ServerRefused, OSError):
            host_request(self.port, f"host:disconnect:{address}", self._socket_timeout)

    def _open_service(self, serial: str, service: str, deadline: float) -> socket.socket:
        """A socket to ``service`` on the phone, through the server (``host:transport:``).

        Raw sockets rather than adbutils' connection objects: every operation is bounded by the
        phone's deadline, and adbutils would silently start a server on 5037 when ours is gone.
        """
        sock = dial(self.port, min(_remaining(deadline), DIAL_WAIT_S))
        try:
            for request in (f"host:transport:{serial}", service):
                payload = request.encode()
                sock.settimeout(_remaining(deadline))
                sock.sendall(b"%04x" % len(payload) + payload)
                status = _recv_exact(sock, 4, deadline)
                if status != b"OKAY":
                    length = int(_recv_exact(sock, 4, deadline), 16) if status == b"FAIL" else 0
                    reason = _recv_exact(sock, min(length, 4096), deadline).decode("utf-8", "replace") if length else ""
                    if request.startswith("host:transport:") and "not found" in reason:
                        raise not_attached_failure(serial, self.port)
                    raise _wrap(OSError(reason or f"unexpected answer {status!r}"), deadline, service.split(":")[0])
            return sock
        except BaseException:
            sock.close()
            raise

    def push(self, serial: str, data: bytes, path: str, deadline: float) -> None:
        """Write ``data`` to ``path`` on the phone over ONE sync connection.

        adbutils' ``sync.push`` opens two (a STAT first), which would make collection cost three
        ADB round trips instead of two.
        """
        try:
            with contextlib.closing(self._open_service(serial, "sync:", deadline)) as sock:
                target = f"{path},{0o100644}".encode()  # S_IFREG | 0644, as adb itself sends
                frames = [b"SEND" + len(target).to_bytes(4, "little") + target]
                for start in range(0, len(data), 65536):
                    chunk = data[start:start + 65536]
                    frames.append(b"DATA" + len(chunk).to_bytes(4, "little") + chunk)
                frames.append(b"DONE" + int(time.time()).to_bytes(4, "little"))
                sock.settimeout(_remaining(deadline))
                sock.sendall(b"".join(frames))
                reply = _recv_exact(sock, 8, deadline)
                if reply[:4] != b"OKAY":
                    length = int.from_bytes(reply[4:8], "little")
                    reason = (_recv_exact(sock, min(length, 4096), deadline).decode("utf-8", "replace")
                              if reply[:4] == b"FAIL" else "")
                    raise device_failure(DeviceStatus.ERROR, "device.push_failed", detail=" ".join(reason.split())[:200])
                sock.sendall(b"QUIT" + (0).to_bytes(4, "little"))
        except (OSError, ValueError) as exc:
            raise _wrap(exc, deadline, "push") from None

    def shell_bytes(self, serial: str, command: str, deadline: float, *, limit: int = MAX_OUTPUT_BYTES) -> bytes:
        """Run ``command`` (shell v1) and stream its output into memory until EOF or the deadline.

        Truncation is not detected here (v1 cannot tell a drop from an end); callers put an
        end marker into the output. More than ``limit`` bytes is an error, not a longer read.
        """
        try:
            with contextlib.closing(self._open_service(serial, "shell:" + command, deadline)) as sock:
                buf = bytearray()
                while True:
                    sock.settimeout(_remaining(deadline))  # raises once the deadline has passed
                    chunk = sock.recv(262144)
                    if not chunk:
                        return bytes(buf)
                    buf += chunk
                    if len(buf) > limit:
                        raise device_failure(DeviceStatus.ERROR, "device.output_limit", limit=_size(limit))
        except (OSError, ValueError) as exc:
            raise _wrap(exc, deadline, "shell") from None


class DeadlineExceeded(DeviceError):
    def __init__(self) -> None:
        reason = Message("device.timeout")
        super().__init__(DeviceStatus.TIMEOUT.value, render(reason, "en"), reason)


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise DeadlineExceeded()
    return max(left, 0.05)


def _wrap(exc: BaseException, deadline: float, what: str) -> DeviceError:
    if isinstance(exc, DeviceError):
        return exc
    text = " ".join(str(exc).split())[:200] or type(exc).__name__
    low = text.lower()
    if time.monotonic() >= deadline or isinstance(exc, (TimeoutError, adbutils.errors.AdbTimeout)):
        return DeadlineExceeded()
    for status in (DeviceStatus.UNAUTHORIZED, DeviceStatus.OFFLINE, DeviceStatus.NO_PERMISSIONS):
        if status.value.replace("_", " ") in low:
            # The status already names the state: the reason is only the hint (said once).
            return DeviceError(status.value, state_hint(status), hint_message(status))
    if "not found" in low:
        return device_failure(DeviceStatus.OFFLINE, "device.gone")
    return device_failure(DeviceStatus.ERROR, "device.failed", what=what, detail=text)


def _recv_exact(sock: socket.socket, n: int, deadline: float) -> bytes:
    """``n`` bytes, all of them before ``deadline`` (DeadlineExceeded otherwise), however they trickle."""
    buf = bytearray()
    while len(buf) < n:
        sock.settimeout(_remaining(deadline))
        try:
            chunk = sock.recv(n - len(buf))
        except TimeoutError:
            raise DeadlineExceeded() from None
        if not chunk:
            raise OSError("connection closed by the adb server")
        buf += chunk
    return bytes(buf)


def _size(n: int) -> str:
    return f"{n // 2**20} MiB" if n % 2**20 == 0 else f"{n} bytes"


def bundled_adb() -> Path:
    """The adb shipped inside the adbutils wheel (adb 36), not whichever ``adb`` is first on PATH.

    ``adbutils.adb_path()`` prefers PATH, which on Debian/Ubuntu is the distribution's adb
    29.0.6: its server crashed with SIGSEGV after a few dozen rounds of 14 parallel
    ``adb connect``/``disconnect`` on a loaded 2-core machine (every later request refused),
    while the bundled adb 36 ran 80 such rounds without a fault. Only a wheel without a binary
    for this platform falls back to ``adbutils.adb_path()`` (``ADBUTILS_ADB_PATH``, then PATH).
    """
    name = "adb.exe" if os.name == "nt" else "adb"
    try:
        shipped = Path(str(importlib.resources.files("adbutils.binaries").joinpath(name)))
    except ModuleNotFoundError:
        shipped = None
    if shipped is not None and shipped.is_file() and os.access(shipped, os.X_OK):
        return shipped
    return Path(adbutils.adb_path())


def phone_models(host: AdbHost, serials: list[str], timeout: float = 5.0) -> dict[str, str]:
    """``ro.product.model`` of each phone, read concurrently (one shell each), as the phone spells
    it (``SM-A546B``; ``adb devices -l`` turns every other character into ``_``). A phone that does
    not answer within ``timeout`` is left out; the caller falls back to adb's spelling."""
    import threading

    found: dict[str, str] = {}
    deadline = time.monotonic() + timeout

    def read(serial: str) -> None:
        try:
            text = host.shell_bytes(serial, "getprop ro.product.model", deadline, limit=4096)
        except DeviceError:
            return
        model = text.decode("utf-8", "replace").strip()
        if model:
            found[serial] = model

    threads = [threading.Thread(target=read, args=(s,), daemon=True) for s in serials]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(deadline - time.monotonic(), 0) + 1)
    return dict(found)
