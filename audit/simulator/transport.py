"""The device side of the ADB wire protocol, so Google's real adb server can drive a simulated phone.

Why a real protocol and not a mock: the scanner's hard problems (exit codes lost without the
shell protocol, truncation that adbutils hides, frozen phones that stall the next command,
unauthorized and offline phones) only show up through the real adb server. Each simulated
phone therefore listens on its own TCP port on 127.0.0.1 and is added with ``adb connect``.

Design, in short:
- one listener thread per phone, one reader thread per TCP connection, and per opened stream
  an output pump (process -> host) plus, only when the host sends data, an input worker
  (host -> process stdin, or the sync protocol);
- one WRTE in flight per stream (we wait for the host's OKAY before the next) and every host
  WRTE is answered with OKAY only after its data was consumed, which is the flow control the
  adb server expects;
- faults from the phone's profile are applied here: ``unauthorized`` (AUTH challenge never
  accepted), ``no_answer`` (TCP accepted, CNXN never answered), ``drop_after_bytes`` (TCP closed
  mid-command), ``freeze_after_bytes`` (TCP kept open, nothing answered ever again) and
  ``trickle_ms`` (every stream's data one byte at a time: a peer that is never silent long
  enough for a per-read timeout, yet never done).

Nothing here trusts the host either: unknown services are refused, sync paths are confined to
the phone's sandbox, and malformed packets end the connection instead of raising.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import queue
import secrets
import select
import signal
import socket
import stat
import struct
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Protocol

# --- wire constants -------------------------------------------------------------------------

A_SYNC = 0x434E5953
A_CNXN = 0x4E584E43
A_AUTH = 0x48545541
A_OPEN = 0x4E45504F
A_OKAY = 0x59414B4F
A_CLSE = 0x45534C43
A_WRTE = 0x45545257
A_STLS = 0x534C5453

A_VERSION = 0x01000001
MAX_PAYLOAD = 1024 * 1024
AUTH_TOKEN = 1
AUTH_SIGNATURE = 2
AUTH_RSAPUBLICKEY = 3

HEADER = struct.Struct("<6I")
# Never advertise delayed_ack (a server with ADB_BURST_MODE=1 then fails every command) nor
# abb/abb_exec/apex: the host would use them and we do not implement them.
MODERN_FEATURES = "shell_v2,cmd,stat_v2,ls_v2,fixed_push_mkdir"
# adbd before Android 7 (API 24) had no feature list at all, hence no shell protocol: exit codes
# are lost and stderr merges into stdout. The scanner must cope with that, so we simulate it.
SHELL_V2_MIN_SDK = 24

SANDBOX_PREFIX = PurePosixPath("/data/local/tmp")
_SYNC_CHUNK = 64 * 1024
_SYNC_MAX_DATA = 1024 * 1024
_PIPE_SIZE = 1024 * 1024
_F_SETPIPE_SZ = 1031  # Linux only; best effort

# Shell protocol packet ids (adb's shell_protocol.h).
SHELL_STDIN = 0
SHELL_STDOUT = 1
SHELL_STDERR = 2
SHELL_EXIT = 3
SHELL_CLOSE_STDIN = 4
SHELL_WINDOW_SIZE = 5
_SHELL_HEADER = struct.Struct("<BI")
_MERGE_STDERR = b"exec 2>&1\n"


# --- what we need from the Android side (structural, so tests may use a stand-in) -------------


class FaultsLike(Protocol):
    @property
    def unauthorized(self) -> bool: ...
    @property
    def no_answer(self) -> bool: ...
    @property
    def drop_after_bytes(self) -> int | None: ...
    @property
    def freeze_after_bytes(self) -> int | None: ...
    @property
    def trickle_ms(self) -> int: ...


class ProfileLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def model(self) -> str: ...
    @property
    def product(self) -> str: ...
    @property
    def device(self) -> str: ...
    @property
    def sdk(self) -> int: ...
    @property
    def faults(self) -> FaultsLike: ...


class PhoneLike(Protocol):
    @property
    def profile(self) -> ProfileLike: ...
    @property
    def sandbox(self) -> Path: ...
    def spawn(self, command: str | None) -> subprocess.Popen[bytes]: ...
    def close(self) -> None: ...


def features_for(profile: ProfileLike) -> str:
    """The feature list a phone of this Android version would announce in its CNXN banner."""
    return MODERN_FEATURES if profile.sdk >= SHELL_V2_MIN_SDK else ""


def banner_for(profile: ProfileLike) -> bytes:
    """The CNXN payload; the ``device`` prefix is what makes adb report the state ``device``."""
    text = (
        f"device::ro.product.name={profile.product};ro.product.model={profile.model};"
        f"ro.product.device={profile.device};features={features_for(profile)}"
    )
    return text.encode("utf-8", errors="replace")


def pack(command: int, arg0: int, arg1: int, data: bytes = b"") -> bytes:
    """One message: header plus data. Checksums stay 0 (not checked from version 0x01000001)."""
    return HEADER.pack(command, arg0, arg1, len(data), 0, command ^ 0xFFFFFFFF) + data


class _ConnectionGone(Exception):
    """The host closed the connection, or a fault dropped it: stop working on it."""


# --- process helpers ----------------------------------------------------------------------------


def _descendants(pid: int) -> list[int]:
    """Children and grandchildren of ``pid`` (Linux /proc), so a killed shell leaves nothing behind."""
    children: dict[int, list[int]] = {}
    with contextlib.suppress(OSError):
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", "rb") as handle:
                    raw = handle.read()
            except OSError:
                continue
            # The command name may hold spaces and parentheses: split after the last ')'.
            fields = raw[raw.rfind(b")") + 2 :].split()
            if len(fields) > 1 and fields[1].isdigit():
                children.setdefault(int(fields[1]), []).append(int(entry))
    found: list[int] = []
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def kill_tree(proc: subprocess.Popen[bytes]) -> None:
    """Kill a spawned phone command and everything it started; the host abandoned it."""
    if proc.poll() is None:
        victims = _descendants(proc.pid)
        with contextlib.suppress(OSError):
            if os.getpgid(proc.pid) == proc.pid:
                os.killpg(proc.pid, signal.SIGKILL)
        for pid in [proc.pid, *victims]:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)


def _exit_status(returncode: int) -> int:
    """Shell convention: a command killed by signal N exits with 128+N."""
    return 128 - returncode if returncode < 0 else returncode & 0xFF


# --- services -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceRequest:
    """A parsed OPEN: which kind of stream the host wants."""

    kind: str  # "shell", "shell_v2", "exec", "sync"
    command: str | None  # None: interactive shell


def parse_service(service: str, shell_v2_allowed: bool) -> ServiceRequest | None:
    """Map an OPEN's service string to what we serve, or None to refuse it (CLSE)."""
    if service == "sync:":
        return ServiceRequest("sync", None)
    if service.startswith("exec:"):
        command = service[len("exec:") :]
        return ServiceRequest("exec", command) if command else None
    if service.startswith(("shell:", "shell,")):
        head, sep, command = service.partition(":")
        if not sep:
            return None
        options = head.split(",")[1:]
        kind = "shell_v2" if "v2" in options else "shell"
        if kind == "shell_v2" and not shell_v2_allowed:
            return None
        return ServiceRequest(kind, command or None)
    return None


class _Stream:
    """One opened stream: its ids, the one-WRTE-in-flight gate and the host's pending data."""

    def __init__(self, conn: _Connection, local_id: int, remote_id: int, request: ServiceRequest) -> None:
        self.conn = conn
        self.local_id = local_id
        self.remote_id = remote_id
        self.request = request
        self.inbox: queue.Queue[bytes | None] = queue.Queue()
        self._cond = threading.Condition()
        self._may_write = True
        self.closed = False
        self.worker: threading.Thread | None = None
        self.handler: _ProcessService | None = None
        self.on_close: Callable[[], None] | None = None

    def okay_received(self) -> None:
        with self._cond:
            self._may_write = True
            self._cond.notify_all()

    def write(self, data: bytes) -> None:
        """Send ``data`` (one WRTE, or one per byte for a trickling phone); raises _ConnectionGone
        if the stream ended."""
        delay = self.conn.server.faults.trickle_ms / 1000
        if not delay:
            self._write_one(data)
            return
        for i in range(len(data)):
            with self._cond:
                if self._cond.wait_for(lambda: self.closed, timeout=delay):
                    raise _ConnectionGone
            self._write_one(data[i : i + 1])

    def _write_one(self, data: bytes) -> None:
        """Send one WRTE and wait for its OKAY."""
        with self._cond:
            while not self._may_write and not self.closed:
                self._cond.wait()
            if self.closed:
                raise _ConnectionGone
            self._may_write = False
        self.conn.send(A_WRTE, self.local_id, self.remote_id, data)
        with self._cond:
            while not self._may_write and not self.closed:
                self._cond.wait()
            if self.closed:
                raise _ConnectionGone

    def okay_host(self) -> None:
        """Tell the host its WRTE was consumed, so it may send the next one."""
        if not self.closed:
            self.conn.send(A_OKAY, self.local_id, self.remote_id)

    def close_from_device(self) -> None:
        """We are done: CLSE to the host (once)."""
        if self._mark_closed():
            self.conn.send(A_CLSE, self.local_id, self.remote_id)
            self.conn.forget(self.local_id)

    def close_from_host(self) -> None:
        """The host closed (or the connection died): stop everything serving this stream."""
        self._mark_closed()
        self.conn.forget(self.local_id)

    def _mark_closed(self) -> bool:
        with self._cond:
            if self.closed:
                return False
            self.closed = True
            self._cond.notify_all()
        self.inbox.put(None)
        if self.on_close is not None:
            self.on_close()
        return True


class _ProcessService:
    """shell:, shell,v2: and exec: streams: a phone process whose output streams to the host."""

    def __init__(self, stream: _Stream, phone: PhoneLike, faults: FaultsLike, server: PhoneServer) -> None:
        self.stream = stream
        self.faults = faults
        self.server = server
        self.kind = stream.request.kind
        self.crlf = self.kind == "shell" and phone.profile.sdk < SHELL_V2_MIN_SDK
        self.sent = 0
        self._stdin_open = True
        self._pending_stdin = b""
        self._wake_r, self._wake_w = os.pipe()
        self._wake_lock = threading.Lock()  # never write to a wake fd the pump already closed
        self._wake_open = True
        try:
            self.proc = phone.spawn(self._command(stream.request))
        except BaseException:
            os.close(self._wake_r)
            os.close(self._wake_w)
            raise
        if self.kind == "shell" and stream.request.command is None:
            self._feed(_MERGE_STDERR)
        stream.on_close = self._wake

    @staticmethod
    def _command(request: ServiceRequest) -> str | None:
        # Without the shell protocol adbd gives the command one channel for stdout and stderr,
        # in the order they were written; two pipes read side by side would reorder them (and
        # break adbutils' "echo X4EXIT:$?" trailer), so the shell itself merges them.
        if request.kind == "shell" and request.command is not None:
            return _MERGE_STDERR.decode() + request.command
        return request.command

    def _wake(self) -> None:
        with self._wake_lock:
            if self._wake_open:
                with contextlib.suppress(OSError):
                    os.write(self._wake_w, b"x")

    # host -> process
    def take_input(self, data: bytes) -> None:
        """Runs in the stream's input worker: feed the process, then OKAY the host."""
        if self.kind == "shell_v2":
            self._pending_stdin += data
            while len(self._pending_stdin) >= _SHELL_HEADER.size:
                packet_id, length = _SHELL_HEADER.unpack_from(self._pending_stdin)
                end = _SHELL_HEADER.size + length
                if len(self._pending_stdin) < end:
                    break
                payload = self._pending_stdin[_SHELL_HEADER.size : end]
                self._pending_stdin = self._pending_stdin[end:]
                if packet_id == SHELL_STDIN:
                    self._feed(payload)
                elif packet_id == SHELL_CLOSE_STDIN:
                    self._close_stdin()
                # window-size and unknown packets: nothing to do without a pty
        else:
            self._feed(data)
        self.stream.okay_host()

    def _feed(self, data: bytes) -> None:
        stdin = self.proc.stdin
        if not self._stdin_open or stdin is None or not data:
            return
        try:
            stdin.write(data)
            stdin.flush()
        except (OSError, ValueError):
            self._stdin_open = False

    def _close_stdin(self) -> None:
        if self._stdin_open and self.proc.stdin is not None:
            self._stdin_open = False
            with contextlib.suppress(OSError, ValueError):
                self.proc.stdin.close()

    # process -> host
    def pump(self) -> None:
        """Stream output as it comes (never buffered whole), then the exit code, then CLSE."""
        try:
            self._pump()
        except _ConnectionGone:
            pass
        finally:
            kill_tree(self.proc)
            for handle in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
                if handle is not None:
                    with contextlib.suppress(OSError, ValueError):
                        handle.close()
            with self._wake_lock:
                self._wake_open = False
                os.close(self._wake_r)
                os.close(self._wake_w)

    def _pump(self) -> None:
        assert self.proc.stdout is not None and self.proc.stderr is not None
        sources = {self.proc.stdout.fileno(): SHELL_STDOUT, self.proc.stderr.fileno(): SHELL_STDERR}
        for fd in sources:
            with contextlib.suppress(OSError):
                fcntl.fcntl(fd, _F_SETPIPE_SZ, _PIPE_SIZE)
        overhead = 2 * _SHELL_HEADER.size if self.kind == "shell_v2" else 0
        budget = self.stream.conn.max_payload - overhead
        while sources:
            ready, _, _ = select.select([*sources, self._wake_r], [], [])
            if self._wake_r in ready or self.stream.closed:
                raise _ConnectionGone
            chunks: list[tuple[int, bytes]] = []
            room = budget
            for fd in ready:
                # Gather what is already there, up to one WRTE's worth, to keep round trips few.
                while room > 0:
                    try:
                        data = os.read(fd, room)
                    except OSError:
                        data = b""
                    if not data:
                        sources.pop(fd, None)
                        break
                    chunks.append((sources[fd], data))
                    room -= len(data)
                    if not select.select([fd], [], [], 0)[0]:
                        break
            if chunks:
                self._send_output(chunks)
        status = self._wait_exit()
        if self.kind == "shell_v2":
            self.stream.write(_SHELL_HEADER.pack(SHELL_EXIT, 1) + bytes([status]))
        self.stream.close_from_device()

    def _wait_exit(self) -> int:
        while True:
            try:
                return _exit_status(self.proc.wait(timeout=0.2))
            except subprocess.TimeoutExpired:
                if self.stream.closed:
                    raise _ConnectionGone from None

    def _send_output(self, chunks: list[tuple[int, bytes]]) -> None:
        if self.kind == "exec":
            chunks = [(kind, data) for kind, data in chunks if kind == SHELL_STDOUT]
        if self.crlf:
            chunks = [(kind, data.replace(b"\n", b"\r\n")) for kind, data in chunks]
        limit, fault = self._fault_limit()
        triggered = False
        if limit is not None:
            kept: list[tuple[int, bytes]] = []
            for kind, data in chunks:
                allowed = limit - self.sent
                if len(data) >= allowed:
                    kept.append((kind, data[:allowed]))
                    self.sent += allowed
                    triggered = True
                    break
                kept.append((kind, data))
                self.sent += len(data)
            chunks = [(kind, data) for kind, data in kept if data]
        if chunks:
            if self.kind == "shell_v2":
                payload = b"".join(_SHELL_HEADER.pack(kind, len(data)) + data for kind, data in _merged(chunks))
            else:
                payload = b"".join(data for _, data in chunks)
            # The host drops the whole connection on a WRTE above its max payload, and \r\n
            # conversion can double the size; the streams are byte streams, so slice freely.
            step = self.stream.conn.max_payload
            for start in range(0, len(payload), step):
                self.stream.write(payload[start : start + step])
        if triggered:
            if fault == "drop":
                self.stream.conn.drop()
            else:
                self.server.freeze()
            raise _ConnectionGone

    def _fault_limit(self) -> tuple[int | None, str]:
        drop = self.faults.drop_after_bytes
        freeze = self.faults.freeze_after_bytes
        if drop is not None and (freeze is None or drop <= freeze):
            return max(drop, 0), "drop"
        if freeze is not None:
            return max(freeze, 0), "freeze"
        return None, ""


def _merged(chunks: list[tuple[int, bytes]]) -> list[tuple[int, bytes]]:
    """Adjacent chunks of the same channel as one shell packet: fewer headers, fewer copies."""
    out: list[tuple[int, bytes]] = []
    for kind, data in chunks:
        if out and out[-1][0] == kind:
            out[-1] = (kind, out[-1][1] + data)
        else:
            out.append((kind, data))
    return out


class _SyncService:
    """sync: push, stat, list and pull, confined to the phone's /data/local/tmp sandbox."""

    def __init__(self, stream: _Stream, sandbox: Path) -> None:
        self.stream = stream
        self.sandbox = sandbox.resolve()
        self._buffer = bytearray()

    def run(self) -> None:
        try:
            while True:
                request = self._read(4)
                length = struct.unpack("<I", self._read(4))[0]
                if request == b"QUIT":
                    break
                if request in (b"DATA", b"DONE") or length > _SYNC_MAX_DATA:
                    self._fail("protocol error")
                    break
                path = self._read(length).decode("utf-8", errors="surrogateescape")
                if request == b"STAT":
                    self._stat_v1(path)
                elif request in (b"STA2", b"LST2"):
                    self._stat_v2(request, path)
                elif request == b"LIST":
                    self._list(path, v2=False)
                elif request == b"LIS2":
                    self._list(path, v2=True)
                elif request == b"SEND":
                    if not self._send(path):
                        break
                elif request == b"RECV":
                    self._recv(path)
                else:
                    self._fail("unknown sync request")
                    break
            self.stream.close_from_device()
        except _ConnectionGone:
            pass

    # Reading from the host: data arrives in WRTEs of any size; OKAY each once taken in.
    def _read(self, size: int) -> bytes:
        while len(self._buffer) < size:
            chunk = self.stream.inbox.get()
            if chunk is None:
                raise _ConnectionGone
            self._buffer += chunk
            self.stream.okay_host()
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    def _fail(self, message: str) -> None:
        text = message.encode()
        self.stream.write(b"FAIL" + struct.pack("<I", len(text)) + text)

    def _local(self, device_path: str) -> Path | None:
        """The sandbox file for a phone path, or None if outside /data/local/tmp or escaping it."""
        pure = PurePosixPath(device_path)
        if not pure.is_absolute() or ".." in pure.parts:
            return None
        try:
            rel = pure.relative_to(SANDBOX_PREFIX)
        except ValueError:
            return None
        local = self.sandbox.joinpath(*rel.parts)
        resolved = local.resolve()
        if resolved != self.sandbox and self.sandbox not in resolved.parents:
            return None
        return local

    def _lstat(self, device_path: str, follow: bool) -> os.stat_result | int:
        local = self._local(device_path)
        if local is None:
            return errno.EACCES
        try:
            return local.stat() if follow else local.lstat()
        except OSError as exc:
            return exc.errno or errno.EIO

    def _stat_v1(self, path: str) -> None:
        st = self._lstat(path, follow=True)
        if isinstance(st, int):
            self.stream.write(b"STAT" + struct.pack("<III", 0, 0, 0))
        else:
            self.stream.write(b"STAT" + struct.pack("<III", st.st_mode, st.st_size & 0xFFFFFFFF, int(st.st_mtime)))

    @staticmethod
    def _v2_fields(st: os.stat_result | int) -> bytes:
        if isinstance(st, int):
            return struct.pack("<IQQIIIIQqqq", st, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        return struct.pack(
            "<IQQIIIIQqqq", 0, st.st_dev, st.st_ino, st.st_mode, st.st_nlink, 2000, 2000, st.st_size,
            int(st.st_atime), int(st.st_mtime), int(st.st_ctime),
        )  # fmt: skip

    def _stat_v2(self, request: bytes, path: str) -> None:
        st = self._lstat(path, follow=request == b"STA2")
        self.stream.write(request + self._v2_fields(st))

    def _list(self, path: str, v2: bool) -> None:
        local = self._local(path)
        entries: list[tuple[str, os.stat_result]] = []
        if local is not None and local.is_dir():
            with contextlib.suppress(OSError):
                for name in [".", "..", *sorted(os.listdir(local))]:
                    with contextlib.suppress(OSError):
                        entries.append((name, os.lstat(local / name)))
        out = bytearray()
        for name, st in entries:
            raw = name.encode("utf-8", errors="surrogateescape")
            if v2:
                out += b"DNT2" + self._v2_fields(st) + struct.pack("<I", len(raw)) + raw
            else:
                out += (
                    b"DENT"
                    + struct.pack("<IIII", st.st_mode, st.st_size & 0xFFFFFFFF, int(st.st_mtime), len(raw))
                    + raw
                )
            if len(out) > _SYNC_CHUNK:
                self.stream.write(bytes(out))
                out.clear()
        out += b"DONE" + (bytes(72) if v2 else bytes(16))  # a whole zeroed dent(_v2) record
        self.stream.write(bytes(out))

    def _send(self, spec: str) -> bool:
        path, _, mode_text = spec.rpartition(",")
        if not path:
            path, mode_text = spec, ""
        try:
            mode = int(mode_text) if mode_text else stat.S_IFREG | 0o644
        except ValueError:
            mode = -1
        local = self._local(path)
        problem = None
        if mode < 0 or not stat.S_ISREG(mode):
            problem = "only regular files can be pushed"
        elif local is None:
            problem = f"remote couldn't create file: {os.strerror(errno.EACCES)}"
        handle = None
        if problem is None and local is not None:
            try:
                local.parent.mkdir(parents=True, exist_ok=True)
                handle = local.open("wb")
            except OSError as exc:
                problem = f"remote couldn't create file: {exc.strerror}"
        try:
            while True:
                request = self._read(4)
                value = struct.unpack("<I", self._read(4))[0]
                if request == b"DONE":
                    break
                if request != b"DATA" or value > _SYNC_MAX_DATA:
                    problem = problem or "protocol error in SEND"
                    self._fail(problem)
                    return False
                data = self._read(value)
                if handle is not None:
                    try:
                        handle.write(data)
                    except OSError as exc:
                        problem = f"write failed: {exc.strerror}"
                        handle.close()
                        handle = None
        finally:
            if handle is not None:
                handle.close()
        if problem is not None or local is None:
            self._fail(problem or "push failed")
            return False
        with contextlib.suppress(OSError):
            os.chmod(local, mode & 0o777)
            if value:
                os.utime(local, (value, value))
        self.stream.write(b"OKAY" + bytes(4))
        return True

    def _recv(self, path: str) -> None:
        local = self._local(path)
        if local is None:
            self._fail(os.strerror(errno.EACCES))
            return
        try:
            with local.open("rb") as handle:
                while chunk := handle.read(_SYNC_CHUNK):
                    self.stream.write(b"DATA" + struct.pack("<I", len(chunk)) + chunk)
        except OSError as exc:
            self._fail(exc.strerror or "read failed")
            return
        self.stream.write(b"DONE" + bytes(4))


class _Connection:
    """One TCP connection from the adb server: handshake, then streams multiplexed on it."""

    def __init__(self, server: PhoneServer, sock: socket.socket) -> None:
        self.server = server
        self.sock = sock
        self.max_payload = MAX_PAYLOAD
        self._send_lock = threading.Lock()
        self._streams: dict[int, _Stream] = {}
        self._streams_lock = threading.Lock()
        self._next_id = 1
        self.online = False
        self.dead = False

    # sending
    def send(self, command: int, arg0: int, arg1: int, data: bytes = b"") -> None:
        if self.server.frozen:
            return  # a frozen phone answers nothing, ever
        message = pack(command, arg0, arg1, data)
        with self._send_lock:
            if self.dead:
                raise _ConnectionGone
            try:
                self.sock.sendall(message)
            except OSError:
                self.dead = True
                raise _ConnectionGone from None

    def drop(self) -> None:
        """Close TCP abruptly (no CLSE, no exit packet): a phone that lost its connection."""
        # Not under the send lock: a sender blocked on a full socket holds it, and shutdown is
        # exactly what unblocks that sender.
        self.dead = True
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)

    def forget(self, local_id: int) -> None:
        with self._streams_lock:
            self._streams.pop(local_id, None)

    # reading
    def _read_exact(self, reader: Callable[[int], bytes], size: int) -> bytes:
        data = reader(size) if size else b""
        if len(data) != size:
            raise _ConnectionGone
        return data

    def run(self) -> None:
        try:
            reader = self.sock.makefile("rb").read
            while True:
                header = self._read_exact(reader, HEADER.size)
                command, arg0, arg1, length, _checksum, magic = HEADER.unpack(header)
                if magic != command ^ 0xFFFFFFFF or length > MAX_PAYLOAD:
                    break  # not adb: hang up rather than guess
                data = self._read_exact(reader, length)
                if self.server.frozen or self.server.faults.no_answer:
                    continue  # TCP stays up, nobody home
                self._handle(command, arg0, arg1, data)
        except (_ConnectionGone, OSError, ValueError):
            pass
        finally:
            self.dead = True
            with self._streams_lock:
                streams = list(self._streams.values())
            for stream in streams:
                stream.close_from_host()
            with contextlib.suppress(OSError):
                self.sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                self.sock.close()
            self.server._connection_ended(self)

    def _handle(self, command: int, arg0: int, arg1: int, data: bytes) -> None:
        faults = self.server.faults
        if command == A_CNXN:
            self.max_payload = max(256, min(arg1 or MAX_PAYLOAD, MAX_PAYLOAD))
            if faults.unauthorized:
                self._challenge()
            else:
                self.online = True
                self.send(A_CNXN, A_VERSION, MAX_PAYLOAD, banner_for(self.server.phone.profile))
        elif command == A_AUTH:
            # A signature is never good enough and a public key is never accepted (nobody taps
            # "Allow" on this phone): answer signatures with a fresh challenge, keys with silence.
            if faults.unauthorized and arg0 == AUTH_SIGNATURE:
                self._challenge()
        elif not self.online:
            return  # streams only after a completed handshake
        elif command == A_OPEN:
            self._open(arg0, data)
        else:
            with self._streams_lock:
                stream = self._streams.get(arg1)
            if stream is None:
                return
            if command == A_OKAY:
                if stream.remote_id == 0:
                    stream.remote_id = arg0
                stream.okay_received()
            elif command == A_WRTE:
                self._deliver(stream, data)
            elif command == A_CLSE:
                stream.close_from_host()

    def _challenge(self) -> None:
        self.send(A_AUTH, AUTH_TOKEN, 0, secrets.token_bytes(20))

    def _open(self, remote_id: int, data: bytes) -> None:
        service = data.split(b"\x00", 1)[0].decode("utf-8", errors="surrogateescape")
        self.server._count_open(service)
        phone = self.server.phone
        request = parse_service(service, shell_v2_allowed=bool(features_for(phone.profile)))
        if request is None or remote_id == 0:
            self.send(A_CLSE, 0, remote_id)
            return
        with self._streams_lock:
            local_id = self._next_id
            self._next_id += 1
            stream = _Stream(self, local_id, remote_id, request)
            self._streams[local_id] = stream
        if request.kind == "sync":
            sync = _SyncService(stream, phone.sandbox)
            self.send(A_OKAY, local_id, remote_id)
            stream.worker = self.server._start_thread(sync.run, f"sync-{local_id}")
            return
        try:
            service_obj = _ProcessService(stream, phone, self.server.faults, self.server)
        except Exception:  # a phone that cannot start the command refuses the stream
            self.forget(local_id)
            self.send(A_CLSE, 0, remote_id)
            return
        self.send(A_OKAY, local_id, remote_id)
        stream.handler = service_obj
        self.server._start_thread(service_obj.pump, f"pump-{local_id}")

    def _deliver(self, stream: _Stream, data: bytes) -> None:
        """Host data goes to the stream's own worker, so a slow stdin never stalls this reader."""
        stream.inbox.put(data)
        handler = stream.handler
        if stream.worker is None:
            if handler is None:
                return
            stream.worker = self.server._start_thread(
                lambda: _input_worker(stream, handler), f"stdin-{stream.local_id}"
            )


def _input_worker(stream: _Stream, handler: _ProcessService) -> None:
    try:
        while (data := stream.inbox.get()) is not None:
            handler.take_input(data)
    except _ConnectionGone:
        pass


class PhoneServer:
    """One simulated phone's TCP endpoint on 127.0.0.1, to be added with ``adb connect``.

    ``opens`` and ``services`` record every OPEN the phone received (accepted or refused), so
    tests and benchmarks can check how many round trips the scanner needs per phone.
    """

    def __init__(self, phone: PhoneLike, host: str = "127.0.0.1", port: int = 0) -> None:
        self.phone = phone
        self.faults = phone.profile.faults
        self._host = host
        self._requested_port = port
        self._listener: socket.socket | None = None
        self._lock = threading.Lock()
        self._threads: set[threading.Thread] = set()
        self._connections: set[_Connection] = set()
        self._services: list[str] = []
        self._stopping = False
        self.frozen = False
        self.port = 0

    # lifecycle
    def start(self) -> PhoneServer:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self._host, self._requested_port))
        listener.listen(16)
        self._listener = listener
        self.port = listener.getsockname()[1]
        self._start_thread(self._accept_loop, "accept")
        return self

    def __enter__(self) -> PhoneServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def address(self) -> str:
        """What to pass to ``adb connect``; also the serial adb will show."""
        return f"{self._host}:{self.port}"

    def stop(self, timeout: float = 10.0) -> None:
        """Close everything and wait for every thread; processes are killed by their pumps."""
        with self._lock:
            self._stopping = True
            listener = self._listener
            connections = list(self._connections)
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                listener.close()
        for conn in connections:
            conn.drop()
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                alive = [t for t in self._threads if t.is_alive()]
            if not alive:
                break
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RuntimeError(f"simulated phone threads did not stop: {[t.name for t in alive]}")
            alive[0].join(min(remaining, 0.5))

    # counters
    @property
    def opens(self) -> int:
        with self._lock:
            return len(self._services)

    @property
    def services(self) -> list[str]:
        with self._lock:
            return list(self._services)

    def reset_counters(self) -> None:
        with self._lock:
            self._services.clear()

    @property
    def connections(self) -> int:
        """Live TCP connections (the adb server normally keeps exactly one)."""
        with self._lock:
            return len(self._connections)

    def freeze(self) -> None:
        """From now on this phone answers nothing on any connection, old or new."""
        self.frozen = True

    # internals
    def _count_open(self, service: str) -> None:
        with self._lock:
            self._services.append(service)

    def _start_thread(self, target: Callable[[], None], name: str) -> threading.Thread:
        thread = threading.Thread(target=self._guarded(target), name=f"{self.phone.profile.name}-{name}")
        thread.daemon = True
        with self._lock:
            self._threads = {t for t in self._threads if t.is_alive()}
            self._threads.add(thread)
        thread.start()
        return thread

    @staticmethod
    def _guarded(target: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            with contextlib.suppress(_ConnectionGone):
                target()

        return run

    def _accept_loop(self) -> None:
        listener = self._listener
        assert listener is not None
        while True:
            try:
                sock, _ = listener.accept()
            except OSError:
                return
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            conn = _Connection(self, sock)
            with self._lock:
                if self._stopping:
                    sock.close()
                    return
                self._connections.add(conn)
            self._start_thread(conn.run, "conn")

    def _connection_ended(self, conn: _Connection) -> None:
        with self._lock:
            self._connections.discard(conn)


@contextlib.contextmanager
def serving(phone: PhoneLike) -> Iterator[PhoneServer]:
    """A started PhoneServer that is always stopped, for one-off scripts."""
    server = PhoneServer(phone).start()
    try:
        yield server
    finally:
        server.stop()
