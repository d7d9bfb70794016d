"""The station when its adb server dies, through real adb servers and a station child process.

The station must say that the server is gone, restart a server it started itself (or wait for
the user's, saying so), and must not audit again a phone that stayed attached across the outage.
Simulated phones are TCP phones, so after a new server comes up the test connects them again,
as adb itself would list USB phones again.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from procs import child

from audit.adb import AdbHost, bundled_adb, server_listening
from audit.errors import AdbUnavailable, DeviceError
from audit.simulator.harness import AdbServer, Fleet, free_port, port_accepts

WAIT_S = 90.0  # correctness bound on a loaded machine, not a performance figure


def _read_until(stream: object, needle: str, lines: list[str]) -> bool:
    """Append lines of ``stream`` to ``lines`` until one holds ``needle``; False at its end."""
    end = time.monotonic() + WAIT_S
    while time.monotonic() < end:
        line = stream.readline()  # type: ignore[attr-defined]
        if not line:
            return False
        lines.append(line)
        if needle in line:
            return True
    return False


def _reconnect(port: int, serials: list[str]) -> None:
    """``adb connect`` the phones to the server on ``port``, retried while it settles."""
    host = AdbHost(port)
    for serial in serials:
        end = time.monotonic() + 30
        while True:
            try:
                host.connect_tcp(serial)
                break
            except DeviceError:
                if time.monotonic() > end:
                    raise
                time.sleep(0.5)


def _quiet_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANDROID_", "ADB_", "ADBUTILS_", "CONTACT_AUDIT_"))}
    env.update(HOME=str(home), ANDROID_USER_HOME=str(home / ".android"), ADB_MDNS="0", ADB_USB="0",
               ADB_EMU="0", PYTHONUNBUFFERED="1")
    return env


@contextlib.contextmanager
def _server_killed_afterwards(port: int, env: dict[str, str]) -> Iterator[None]:
    """Whatever happens: the adb server the station started on ``port`` is stopped (by port)."""
    try:
        yield
    finally:
        if server_listening(port):
            subprocess.run([str(bundled_adb()), "-P", str(port), "kill-server"], env=env, capture_output=True,
                           timeout=30, check=False)


def test_station_restarts_the_server_it_started_and_does_not_audit_again(tmp_path: Path) -> None:
    port = free_port()
    home = tmp_path / "home"
    (home / ".android").mkdir(parents=True)
    env = _quiet_env(home)
    lines: list[str] = []
    with _server_killed_afterwards(port, env), child(
        "station", "--adb-port", str(port), "--no-history", "--timeout", "60",
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    ) as proc:
        assert _read_until(proc.stderr, "station ready", lines), lines
        assert any("started an adb server on port" in x for x in lines), lines
        try:
            fleet = Fleet(["pixel8-a14-critical"], tmp_path / "phones", port)
            fleet.start()
        except (AdbUnavailable, RuntimeError) as exc:
            pytest.skip(f"no simulated phone on the station's server: {exc}")
        try:
            pixel = fleet.serial_of("pixel8-a14-critical")
            out: list[str] = []
            assert _read_until(proc.stdout, "CRITICAL", out), out
            subprocess.run([str(bundled_adb()), "-P", str(port), "kill-server"], env=env, capture_output=True,
                           timeout=30, check=False)
            assert _read_until(proc.stderr, "answers again", lines), lines
            _reconnect(port, [pixel])
            time.sleep(3)  # three polls with the phone attached again: it must not be audited again
            proc.send_signal(signal.SIGINT)
            rest, err = proc.communicate(timeout=WAIT_S)
        finally:
            with contextlib.suppress(Exception):
                fleet.stop()
    text = "".join(lines) + err
    assert proc.returncode == 0, text
    assert "stopped answering; starting it again" in text
    assert len([x for x in out + rest.splitlines() if pixel in x]) == 1, out + rest.splitlines()


@pytest.mark.adb  # starts its own adb server and phones
def test_station_waits_for_the_users_server_and_says_so(tmp_path: Path) -> None:
    server = AdbServer()
    try:
        server.start()
    except AdbUnavailable as exc:
        pytest.skip(f"no private adb server: {exc}")
    replacement: subprocess.Popen[bytes] | None = None
    lines: list[str] = []
    try:
        with Fleet(["pixel8-a14-critical"], tmp_path / "phones", server.port) as fleet, child(
            "station", "--adb-port", str(server.port), "--no-history", "--timeout", "60",
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ, PYTHONUNBUFFERED="1"),
        ) as proc:
            pixel = fleet.serial_of("pixel8-a14-critical")
            out: list[str] = []
            assert _read_until(proc.stdout, "CRITICAL", out), out
            server.run_adb("kill-server")
            assert _read_until(proc.stderr, "stopped answering", lines), lines
            assert "waiting for it" in lines[-1]
            time.sleep(2)  # the station waits; it must not start a server of its own meanwhile
            assert not port_accepts(server.port)
            replacement = subprocess.Popen(
                [server.adb, "-L", f"tcp:{server.port}", "nodaemon", "server"], env=server.env,
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            end = time.monotonic() + 30
            while not port_accepts(server.port) and time.monotonic() < end:
                time.sleep(0.1)
            _reconnect(server.port, [pixel])
            assert _read_until(proc.stderr, "answers again", lines), lines
            time.sleep(3)
            proc.send_signal(signal.SIGINT)
            rest, _ = proc.communicate(timeout=WAIT_S)
    finally:
        if replacement is not None:
            replacement.terminate()
            try:
                replacement.wait(timeout=10)
            except subprocess.TimeoutExpired:
                replacement.kill()
                replacement.wait()
        server.stop()
    assert proc.returncode == 0
    assert len([x for x in out + rest.splitlines() if pixel in x]) == 1, out + rest.splitlines()
