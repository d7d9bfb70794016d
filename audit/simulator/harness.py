"""A private adb server and a fleet of simulated phones on it, for tests, the demo and benchmarks.

Why private: the user's adb server on port 5037 may be driving real phones; a test or a demo
must never add, remove or disturb anything there. ``AdbServer`` therefore runs Google's adb
(the binary bundled with adbutils) on a free loopback port with its own temporary HOME, its own
log file and no mDNS, emulator scan or USB probing, and stops it again by its PID.

``Fleet`` starts one ``SimulatedPhone`` plus its TCP endpoint (``PhoneServer``) per profile,
adds each with ``adb connect`` and waits until adb shows the state the profile's faults call for
(``device``, ``unauthorized`` or ``offline``). On exit it disconnects each phone (otherwise adb
keeps a removed phone as ``offline`` for about a minute) before stopping the phones.

Both are plain context managers with no pytest dependency. Neither lets adbutils open a
connection of its own: adbutils answers a slow server by running a bare ``adb start-server``,
which starts one on 5037. The harness speaks the host services over plain sockets
(``audit.adb.host_request``), and ``client()`` hands out a ``PrivateAdbClient`` that waits for a
slow server instead (for tests that drive the phones through adbutils on purpose).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import adbutils

from audit.adb import DIAL_WAIT_S, AdbHost, ServerRefused, bundled_adb, host_request
from audit.errors import AdbUnavailable
from audit.simulator.transport import PhoneLike, PhoneServer, ProfileLike

if TYPE_CHECKING:
    from audit.simulator.phone import SimulatedPhone
    from audit.simulator.profile import Profile

USER_PORT = 5037  # the user's own adb server: never ours
_STOP_GRACE = 5.0


def free_port() -> int:
    """A loopback TCP port nobody listens on right now (there is a small race; callers retry)."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        if port != USER_PORT:
            return port


def port_accepts(port: int, host: str = "127.0.0.1", timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def listening_sockets(port: int) -> frozenset[str]:
    """Identities of the TCP sockets listening on ``port`` (any address), to tell a new one apart.

    Read from /proc/net/tcp{,6} (the socket's inode), so a server restarted on the same port
    counts as new; where /proc is not there, whether anything accepts on loopback.
    """
    found: set[str] = set()
    tables = [Path("/proc/net/tcp"), Path("/proc/net/tcp6")]
    if not any(table.exists() for table in tables):
        return frozenset({"listening"}) if port_accepts(port) else frozenset()
    for table in tables:
        try:
            lines = table.read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) > 9 and fields[3] == "0A" and int(fields[1].rpartition(":")[2], 16) == port:
                found.add(f"{table.name}:{fields[9]}")
    return frozenset(found)


def adb_binary() -> str:
    """The adb bundled with adbutils (``audit.adb.bundled_adb``), checked to run here (x86_64 glibc)."""
    try:
        path = str(bundled_adb())
        subprocess.run([path, "version"], capture_output=True, timeout=20, check=True)
    except (OSError, subprocess.SubprocessError, RuntimeError) as exc:
        raise AdbUnavailable(f"the bundled adb binary cannot run here: {exc}") from None
    return path


class _WaitingConnection(adbutils.AdbConnection):  # type: ignore[misc]
    """adbutils' connection without its fallback: no ``adb start-server`` when a connect fails.

    A connect that times out (a busy server) is retried until DIAL_WAIT_S has passed; a refused
    one (nobody listens) fails at once.
    """

    def _safe_connect(self) -> socket.socket:
        deadline = time.monotonic() + DIAL_WAIT_S
        while True:
            try:
                sock: socket.socket = self._create_socket()
                return sock
            except adbutils.AdbTimeout:
                if time.monotonic() >= deadline:
                    raise


class PrivateAdbClient(adbutils.AdbClient):  # type: ignore[misc]
    """An adbutils client bound to one private server that never starts a server of its own."""

    def __init__(self, port: int, socket_timeout: float | None = None) -> None:
        if not 0 < port < 65536 or port == USER_PORT:
            raise ValueError(f"not a private adb server port: {port}")
        super().__init__(host="127.0.0.1", port=port, socket_timeout=socket_timeout)
        self._timeout = socket_timeout

    def make_connection(self, timeout: float | None = None) -> adbutils.AdbConnection:
        conn = _WaitingConnection(self.host, self.port)
        if timeout or self._timeout:
            conn.conn.settimeout(timeout or self._timeout)
        return conn


class AdbServer:
    """Google's adb server on a free loopback port, with a throwaway HOME; stopped by PID."""

    def __init__(self, start_timeout: float = 20.0, attempts: int = 3) -> None:
        self._start_timeout = start_timeout
        self._attempts = attempts
        self._proc: subprocess.Popen[bytes] | None = None
        self._tmp: Path | None = None
        self.port = 0
        self.adb = ""
        self.env: dict[str, str] = {}

    def __enter__(self) -> AdbServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def home(self) -> Path:
        if self._tmp is None:
            raise RuntimeError("the adb server is not running")
        return self._tmp

    @property
    def log_path(self) -> Path:
        """Where the server logs: ANDROID_ADB_LOG_PATH if adb honoured it, else ``.android/adb.PORT``."""
        wanted = self.home / "adb.log"
        if wanted.exists():
            return wanted
        found = sorted((self.home / ".android").glob("adb.*[0-9]"))
        return found[-1] if found else wanted

    def start(self) -> None:
        self.adb = adb_binary()
        self._tmp = Path(tempfile.mkdtemp(prefix="contact-audit-adb-"))
        (self._tmp / ".android").mkdir()
        try:
            for _ in range(self._attempts):
                if self._try_start(free_port()):
                    return
            raise AdbUnavailable(f"the private adb server did not start: {self._log_tail()}")
        except BaseException:
            self.stop()
            raise

    def _log_tail(self) -> str:
        try:
            lines = [line for line in self.log_path.read_text(errors="replace").splitlines() if line.strip()]
        except OSError:
            return "no log written"
        return " ".join(lines[-1].split())[:200] if lines else "empty log"

    def _try_start(self, port: int) -> bool:
        assert self._tmp is not None
        env = {key: value for key, value in os.environ.items() if not key.startswith(("ANDROID_", "ADB_", "ADBUTILS_"))}
        env.update(
            HOME=str(self._tmp),
            ANDROID_USER_HOME=str(self._tmp / ".android"),
            ANDROID_ADB_LOG_PATH=str(self._tmp / "adb.log"),
            ANDROID_ADB_SERVER_PORT=str(port),
            ADBUTILS_ADB_PATH=self.adb,
            ADB_MDNS="0",
            ADB_EMU="0",
            ADB_USB="0",
        )
        # "-L tcp:127.0.0.1:PORT" aborts in adb 36; "tcp:PORT" binds loopback only.
        proc = subprocess.Popen(
            [self.adb, "-L", f"tcp:{port}", "nodaemon", "server"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C in a terminal goes to us, not straight to adb
        )
        deadline = time.monotonic() + self._start_timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                return False  # e.g. somebody took the port meanwhile
            if port_accepts(port):
                self._proc, self.port, self.env = proc, port, env
                return True
            time.sleep(0.05)
        _terminate(proc)
        return False

    def exit_status(self) -> int | None:
        """None while the server runs; else its exit status (negative: killed by that signal).

        A server that died mid-run shows up only as "connection refused" on its port; tests
        name the real cause with this.
        """
        return None if self._proc is None else self._proc.poll()

    def client(self, socket_timeout: float | None = None) -> PrivateAdbClient:
        if not self.port:
            raise RuntimeError("the adb server is not running")
        return PrivateAdbClient(self.port, socket_timeout)

    def run_adb(self, *args: str, input: str | None = None, timeout: float = 30.0) -> subprocess.CompletedProcess[str]:
        """The adb command line against this server, e.g. ``run_adb("devices", "-l")``."""
        return subprocess.run(
            [self.adb, "-P", str(self.port), *args],
            env=self.env,
            input=input,
            stdin=subprocess.DEVNULL if input is None else None,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def stop(self) -> None:
        if self._proc is not None:
            _terminate(self._proc)
            self._proc = None
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None
        self.port = 0


def _terminate(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM by PID, SIGKILL after a grace period; never by name."""
    if proc.poll() is None:
        with contextlib.suppress(OSError):
            proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=_STOP_GRACE)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(OSError):
                proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=_STOP_GRACE)


def expected_state(profile: ProfileLike) -> str:
    """The state adb should show for a phone with these faults."""
    if profile.faults.no_answer:
        return "offline"
    if profile.faults.unauthorized:
        return "unauthorized"
    return "device"


class FleetError(RuntimeError):
    """A simulated phone could not be started or did not reach its expected adb state."""


PhoneFactory = Callable[[ProfileLike, Path], PhoneLike]


class Fleet:
    """Simulated phones connected to one adb server; see the module docstring.

    ``profiles`` are bundled names, TOML paths or Profile objects (duplicates are fine: each
    gets its own phone). ``phone_factory`` replaces SimulatedPhone (tests of the transport).
    """

    def __init__(
        self,
        profiles: Sequence[str | Path | Profile | ProfileLike],
        root: Path | None,
        adb_port: int,
        *,
        phone_factory: PhoneFactory | None = None,
        ready_timeout: float = 20.0,
    ) -> None:
        if adb_port <= 0:
            raise ValueError("adb_port must be a port number")
        self._specs = list(profiles)
        self._root_given = root
        self._root: Path | None = None
        self.adb_port = adb_port
        self._factory = phone_factory
        self._ready_timeout = ready_timeout
        self._entries: list[tuple[ProfileLike, PhoneLike, PhoneServer]] = []
        self._connected: list[str] = []

    # --- access
    @property
    def serials(self) -> list[str]:
        return [server.address for _, _, server in self._entries]

    @property
    def servers(self) -> list[PhoneServer]:
        return [server for _, _, server in self._entries]

    def serial_of(self, profile_name: str) -> str:
        """The serial of the first phone started from the profile called ``profile_name``."""
        for profile, _, server in self._entries:
            if profile.name == profile_name:
                return server.address
        raise KeyError(profile_name)

    def phone(self, serial: str) -> PhoneLike:
        return self._entry(serial)[1]

    def simulated_phone(self, serial: str) -> SimulatedPhone:
        """``phone(serial)`` typed as the real SimulatedPhone (for ``.state`` and friends)."""
        from audit.simulator.phone import SimulatedPhone

        phone = self.phone(serial)
        if not isinstance(phone, SimulatedPhone):
            raise TypeError(f"{serial} is not a SimulatedPhone (the fleet uses a phone_factory)")
        return phone

    def server(self, serial: str) -> PhoneServer:
        return self._entry(serial)[2]

    def profile(self, serial: str) -> ProfileLike:
        return self._entry(serial)[0]

    def _entry(self, serial: str) -> tuple[ProfileLike, PhoneLike, PhoneServer]:
        for entry in self._entries:
            if entry[2].address == serial:
                return entry
        raise KeyError(serial)

    def client(self, socket_timeout: float | None = None) -> PrivateAdbClient:
        return PrivateAdbClient(self.adb_port, socket_timeout)

    # --- lifecycle
    def __enter__(self) -> Fleet:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def start(self) -> None:
        try:
            profiles = [_resolve(spec) for spec in self._specs]
            factory = self._factory or _simulated_phone
            if self._root_given is not None:
                self._root = self._root_given
                self._root.mkdir(parents=True, exist_ok=True)
            else:
                self._root = Path(tempfile.mkdtemp(prefix="contact-audit-fleet-"))
            for index, profile in enumerate(profiles):
                phone_root = Path(tempfile.mkdtemp(prefix=f"phone{index:03d}-", dir=self._root))
                phone = factory(profile, phone_root)
                try:
                    server = PhoneServer(phone).start()
                except BaseException:
                    _close_phone(phone)
                    raise
                self._entries.append((profile, phone, server))
            self._connect_all()
            self._wait_ready()
        except BaseException:
            self.stop()
            raise

    def _connect_all(self) -> None:
        """``adb connect`` every phone, in parallel: a phone that never answers costs a timeout."""
        errors: list[str] = []

        def connect(profile: ProfileLike, server: PhoneServer) -> None:
            problem = _connect(self.adb_port, server.address, expected_state(profile))
            if problem:
                errors.append(f"{profile.name} ({server.address}): {problem}")

        threads = [
            threading.Thread(target=connect, args=(profile, server), daemon=True)
            for profile, _, server in self._entries
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self._connected = self.serials
        if errors:
            raise FleetError("adb connect failed: " + "; ".join(sorted(errors)))

    def _wait_ready(self) -> None:
        want = {server.address: expected_state(profile) for profile, _, server in self._entries}
        deadline = time.monotonic() + self._ready_timeout
        seen: dict[str, str] = {}
        while True:
            with contextlib.suppress(AdbUnavailable):
                seen = {device.serial: device.state for device in AdbHost(self.adb_port, socket_timeout=5).devices()}
            late = {serial: state for serial, state in want.items() if seen.get(serial) != state}
            if not late:
                return
            if time.monotonic() > deadline:
                detail = ", ".join(
                    f"{serial} is {seen.get(serial, 'absent')} (want {state})" for serial, state in late.items()
                )
                raise FleetError(f"simulated phones not ready: {detail}")
            time.sleep(0.05)

    def stop(self) -> None:
        """Disconnect from adb first (no lingering ``offline`` entries), then stop the phones."""
        if self._connected:
            host = AdbHost(self.adb_port, socket_timeout=5)
            for serial in self._connected:
                host.disconnect_tcp(serial)
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                try:
                    listed = {device.serial for device in host.devices()}
                except AdbUnavailable:
                    break
                if not listed & set(self._connected):
                    break
                time.sleep(0.05)
            self._connected = []
        problems: list[str] = []
        for _, phone, server in reversed(self._entries):
            try:
                server.stop()
            except RuntimeError as exc:
                problems.append(str(exc))
            _close_phone(phone)
        self._entries = []
        if self._root is not None and self._root_given is None:
            shutil.rmtree(self._root, ignore_errors=True)
        self._root = None
        if problems:
            raise FleetError("; ".join(problems))


def _connect(adb_port: int, address: str, state: str, attempts: int = 3) -> str | None:
    """Add one phone; returns a problem description, or None when adb took it as expected.

    A dropped connection to a busy server is retried (a phone already added answers
    "already connected to"); nothing else is.
    """
    # A phone that never answers makes adb wait ~10 s for the handshake before it says
    # "failed to connect"; it is listed as offline from the start, so do not wait for that.
    timeout = 1.0 if state == "offline" else 15.0
    for attempt in range(attempts):
        try:
            answer = host_request(adb_port, f"host:connect:{address}", timeout)
            break
        except TimeoutError:
            return None if state == "offline" else "adb connect timed out"
        except ServerRefused as exc:
            return f"adb connect failed: {exc}"
        except OSError as exc:
            if attempt + 1 == attempts:
                return f"adb connect failed: {exc}"
            time.sleep(0.2)
    if "connected to" in answer and "failed" not in answer and "unable" not in answer:
        return None
    if state == "unauthorized" and "failed to authenticate" in answer:
        return None
    if state == "offline" and "failed to connect" in answer:
        return None
    return answer.strip()[:200] or "adb connect gave no answer"


def _resolve(spec: str | Path | Profile | ProfileLike) -> ProfileLike:
    if isinstance(spec, (str, Path)):
        from audit.simulator.profile import load_profile

        return load_profile(spec)
    return spec


def _simulated_phone(profile: ProfileLike, root: Path) -> PhoneLike:
    from audit.simulator.phone import SimulatedPhone
    from audit.simulator.profile import Profile

    if not isinstance(profile, Profile):
        raise TypeError("SimulatedPhone needs a Profile from audit.simulator.profile")
    return SimulatedPhone(profile, root)


def _close_phone(phone: PhoneLike) -> None:
    with contextlib.suppress(OSError):
        phone.close()
