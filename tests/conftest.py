"""Shared fixtures: one private adb server per test session, and fleets of simulated phones on it.

Why session scope for the server: starting Google's adb server costs little, but every test
that starts its own would leave keys and logs behind and multiply the risk of port races. The
server runs on a free loopback port with a temporary HOME, never on 5037 (the user's server).

No process a run starts may outlive it: ``_no_leaked_processes`` fails the session otherwise.

Nothing here may start or talk to a server on 5037: ``_user_adb_server_untouched`` fails the test
after which a new listener appeared there, and the session if one is there at its end.

Every test that uses these fixtures is marked ``adb`` automatically, so ``pytest -m adb`` runs
just them and ``pytest -m "not adb"`` skips them. When the bundled adb binary cannot run on
this machine, they are skipped with the reason.
"""

from __future__ import annotations

import contextlib
import os
import signal
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import procs
import pytest

from audit.errors import AdbUnavailable
from audit.simulator.harness import USER_PORT, AdbServer, Fleet, FleetError, PhoneFactory, listening_sockets

if TYPE_CHECKING:
    from audit.simulator.profile import Profile

# history_target / pg_server: the history tests run on SQLite and on a real PostgreSQL
pytest_plugins = ["history_fixtures"]

FleetFactory = Callable[..., Fleet]
_ADB_FIXTURES = frozenset({"adb_server", "start_fleet", "module_fleet", "start_isolated_fleet"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if _ADB_FIXTURES & names:
            item.add_marker(pytest.mark.adb)
        # the markers let the mutation run (bench/mutation.py) leave out tests that start a server
        # per session; the same checks run there on SQLite and on the HTML text
        callspec = getattr(item, "callspec", None)
        if "pg_server" in names or (callspec is not None and callspec.params.get("history_target") == "postgresql"):
            item.add_marker(pytest.mark.postgres)
        if "browser" in names:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session", autouse=True)
def _no_leaked_processes() -> Iterator[None]:
    """Fails the session when a process it started outlives it (a simulated phone, an adb or
    PostgreSQL server, a browser, a CLI child): such a leak holds ports and CPU and made later runs
    flaky. Every child inherits a mark in its environment; defined first, so torn down last."""
    mark = uuid.uuid4().hex
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(procs.RUN_MARK, mark)
        yield
    leaked = procs.leaked_processes(mark)
    if leaked:
        for pid in leaked:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        listed = "; ".join(f"{pid}: {cmd}" for pid, cmd in sorted(leaked.items()))
        pytest.fail(f"{len(leaked)} process(es) started by this run outlived it (killed now): {listed}", pytrace=False)


@pytest.fixture(scope="session", autouse=True)
def _user_adb_port_before() -> Iterator[set[str]]:
    """The listeners on 5037 before the run (another program's are not ours to judge)."""
    before = set(listening_sockets(USER_PORT))
    yield before
    new = listening_sockets(USER_PORT) - before
    if new:
        pytest.fail(f"this run started a server on port {USER_PORT}, the user's adb port", pytrace=False)


@pytest.fixture(autouse=True)
def _user_adb_server_untouched(_user_adb_port_before: set[str]) -> Iterator[None]:
    """Fails the first test after which something listens on 5037 that was not there before."""
    yield
    new = listening_sockets(USER_PORT) - _user_adb_port_before
    if new:
        _user_adb_port_before |= new  # report it once, at the test that started it
        pytest.fail(f"a server was started on port {USER_PORT}, the user's adb port, during this test", pytrace=False)


@pytest.fixture(scope="session")
def adb_server() -> Iterator[AdbServer]:
    """Google's adb server on a free port with its own HOME; skipped when adb cannot run here."""
    server = AdbServer()
    try:
        server.start()
    except AdbUnavailable as exc:
        pytest.skip(f"no private adb server: {exc}")
    try:
        yield server
    finally:
        server.stop()


def _stop_all(fleets: list[Fleet]) -> None:
    """Stop every fleet even if one fails to stop; then report the first failure."""
    problems: list[BaseException] = []
    for fleet in reversed(fleets):
        try:
            fleet.stop()
        except Exception as exc:
            problems.append(exc)
    if problems:
        raise problems[0]


def _factory(adb_server: AdbServer, root: Path, fleets: list[Fleet]) -> FleetFactory:
    def start(
        *profiles: str | Path | Profile, phone_factory: PhoneFactory | None = None, ready_timeout: float = 20.0
    ) -> Fleet:
        """Start phones from bundled names, TOML paths or Profile objects; stopped by the fixture."""
        fleet = Fleet(
            profiles, root / f"fleet{len(fleets)}", adb_server.port,
            phone_factory=phone_factory, ready_timeout=ready_timeout,
        )  # fmt: skip
        try:
            fleet.start()
        except FleetError as exc:
            status = adb_server.exit_status()
            if status is not None:  # "connection refused" alone hides that the server is gone
                raise FleetError(f"the private adb server exited with status {status}: {exc}") from exc
            raise
        fleets.append(fleet)
        return fleet

    return start


@pytest.fixture
def start_fleet(adb_server: AdbServer, tmp_path: Path) -> Iterator[FleetFactory]:
    """``start_fleet("pixel7-a14-work", other_profile, ...)`` -> a ready Fleet for this test."""
    fleets: list[Fleet] = []
    yield _factory(adb_server, tmp_path, fleets)
    _stop_all(fleets)


@pytest.fixture(scope="module")
def module_fleet(adb_server: AdbServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FleetFactory]:
    """Like start_fleet, but the phones live for the whole module (for costly fleets)."""
    fleets: list[Fleet] = []
    yield _factory(adb_server, tmp_path_factory.mktemp("fleet"), fleets)
    _stop_all(fleets)


@pytest.fixture
def start_isolated_fleet(tmp_path: Path) -> Iterator[FleetFactory]:
    """Like start_fleet, but on an adb server of this test's own (``fleet.adb_port``).

    For tests that scan every attached phone: on the shared session server, module-scoped
    fleets of the same module are still attached while a test runs.
    """
    servers: list[AdbServer] = []
    fleets: list[Fleet] = []

    def start(*profiles: str | Path | Profile, phone_factory: PhoneFactory | None = None) -> Fleet:
        if not servers:
            server = AdbServer()
            try:
                server.start()
            except AdbUnavailable as exc:
                pytest.skip(f"no private adb server: {exc}")
            servers.append(server)
        return _factory(servers[0], tmp_path, fleets)(*profiles, phone_factory=phone_factory)

    try:
        yield start
    finally:
        try:
            _stop_all(fleets)
        finally:
            for server in servers:
                server.stop()


@pytest.fixture(scope="session", autouse=True)
def _private_history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """`scan` and `station` record into $XDG_DATA_HOME/contact-audit/ by default: during the tests
    that is a temporary directory, never the user's history (nor a CONTACT_AUDIT_HISTORY of theirs)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg-data")))
        patch.delenv("CONTACT_AUDIT_HISTORY", raising=False)
        patch.delenv("CONTACT_AUDIT_NO_HISTORY", raising=False)
        yield
