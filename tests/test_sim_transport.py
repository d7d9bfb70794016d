"""The simulated phones' ADB transport, driven through Google's real adb server and adbutils.

Why through the real server: what matters is what the scanner will see (states in ``adb
devices -l``, exit codes over the shell protocol, truncation, timeouts), and only the real
server shows that. Fault phones get their own short-lived fleet, since a frozen phone stays
frozen and a dropped one reconnects.
"""

from __future__ import annotations

import dataclasses
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import adbutils
import pytest
from procs import child

from audit.adb import bundled_adb
from audit.simulator.harness import AdbServer, Fleet, expected_state
from audit.simulator.phone import SimulatedPhone
from audit.simulator.profile import Faults, Profile, bundled_profiles, load_profile, parse_profile
from audit.simulator.transport import PhoneServer, parse_service

SANDBOX = "/data/local/tmp"


def profile(name: str, *, sdk: int = 34, model: str = "Pixel 7", faults: Faults | None = None) -> Profile:
    """A minimal phone of our own, so that these tests do not depend on the bundled fleet's content."""
    text = (
        f'name = "{name}"\n[device]\nmanufacturer = "Google"\nmodel = "{model}"\n'
        f'product = "panther"\ndevice = "panther"\nsdk = {sdk}\n'
    )
    return dataclasses.replace(parse_profile(text), faults=faults or Faults())


FleetFactory = Callable[..., Fleet]


# --- fixtures ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def healthy(module_fleet: FleetFactory) -> Fleet:
    """A modern and a pre-Android-7 phone, shared by the read-only tests of this module."""
    return module_fleet(profile("modern"), profile("old", sdk=23, model="Moto G"))


@pytest.fixture
def client(adb_server: AdbServer) -> adbutils.AdbClient:
    return adb_server.client()


def device(client: adbutils.AdbClient, fleet: Fleet, name: str) -> adbutils.AdbDevice:
    return client.device(fleet.serial_of(name))


def states(client: adbutils.AdbClient) -> dict[str, str]:
    return {info.serial: info.state for info in client.list()}


def wait_until(predicate: Callable[[], bool], limit: float = 10.0) -> bool:
    """Poll instead of sleeping a fixed time; the limit only bounds a broken case."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def adb_shown(text: str) -> str:
    """adb devices -l replaces every character but letters and digits with '_'."""
    return re.sub(r"[^A-Za-z0-9]", "_", text)


def seq_output(n: int) -> str:
    return "".join(f"{i}\n" for i in range(1, n + 1))


# --- pure parts ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("service", "kind", "command"),
    [
        ("shell:echo hi", "shell", "echo hi"),
        ("shell:", "shell", None),
        ("shell,v2:echo a:b", "shell_v2", "echo a:b"),
        ("shell,v2,TERM=xterm,raw:id", "shell_v2", "id"),
        ("shell,v2,TERM=xterm,pty:", "shell_v2", None),
        ("exec:cat /x", "exec", "cat /x"),
        ("sync:", "sync", None),
    ],
)
def test_services_we_serve(service: str, kind: str, command: str | None) -> None:
    request = parse_service(service, shell_v2_allowed=True)
    assert request is not None
    assert (request.kind, request.command) == (kind, command)


@pytest.mark.parametrize("service", ["exec:", "reverse:forward", "abb:package", "tcpip:5555", "jdwp:1", "shellx"])
def test_services_we_refuse(service: str) -> None:
    assert parse_service(service, shell_v2_allowed=True) is None


def test_old_phones_have_no_shell_protocol() -> None:
    assert parse_service("shell,v2:id", shell_v2_allowed=False) is None
    assert parse_service("shell:id", shell_v2_allowed=False) is not None


# --- through the adb server ------------------------------------------------------------------------
def test_states_and_models_in_adb_devices(start_fleet: FleetFactory, adb_server: AdbServer) -> None:
    fleet = start_fleet(
        profile("ok", model="Galaxy S23 Ultra"),
        profile("locked", faults=Faults(unauthorized=True)),
        profile("silent", faults=Faults(no_answer=True)),
    )
    result = adb_server.run_adb("devices", "-l")
    assert result.returncode == 0
    lines = {line.split()[0]: line.split()[1:] for line in result.stdout.splitlines()[1:] if line.strip()}
    assert lines[fleet.serial_of("ok")][0] == "device"
    assert "model:Galaxy_S23_Ultra" in lines[fleet.serial_of("ok")]
    assert lines[fleet.serial_of("locked")][0] == "unauthorized"
    assert lines[fleet.serial_of("silent")][0] == "offline"
    listed = states(adb_server.client())
    assert [listed[s] for s in fleet.serials] == ["device", "unauthorized", "offline"]


def test_bundled_phones_come_up_as_their_profiles_say(start_fleet: FleetFactory, adb_server: AdbServer) -> None:
    names = [
        "pixel8-a14-critical", "xperia-xz-a7-unauthorized", "galaxy-s7-a6-legacy", "motog8-a10-colleagues",
        "nokia61-a8-mdm",
    ]  # fmt: skip
    fleet = start_fleet(*names)
    rows = {line.split()[0]: line for line in adb_server.run_adb("devices", "-l").stdout.splitlines()[1:] if line}
    for name in names:
        prof = load_profile(name)
        row = rows[fleet.serial_of(name)].split()
        assert row[1] == expected_state(prof)
        if row[1] == "device":
            assert f"model:{adb_shown(prof.model)}" in row


def test_isolated_fleet_has_its_adb_server_to_itself(
    healthy: Fleet, start_isolated_fleet: FleetFactory, adb_server: AdbServer
) -> None:
    fleet = start_isolated_fleet(profile("alone"))
    assert fleet.adb_port != adb_server.port
    assert [info.serial for info in fleet.client().list()] == fleet.serials
    assert set(healthy.serials) <= {info.serial for info in adb_server.client().list()}


def test_private_server_runs_the_adb_shipped_with_adbutils(adb_server: AdbServer) -> None:
    """Not the adb first on PATH: Debian's adb 29 server died (SIGSEGV) under parallel connects."""
    shipped = Path(adbutils.__file__).parent / "binaries" / "adb"
    if not shipped.is_file():
        pytest.skip("this adbutils wheel ships no adb binary for this platform")
    assert bundled_adb() == shipped
    assert Path(adb_server.adb) == shipped
    assert "Installed as " + str(shipped) in adb_server.run_adb("version").stdout
    assert adb_server.exit_status() is None


def test_every_bundled_profile_has_a_state_adb_can_show() -> None:
    assert bundled_profiles()
    for path in bundled_profiles():
        assert expected_state(load_profile(path)) in {"device", "unauthorized", "offline"}


def test_awk_is_not_on_the_phone(healthy: Fleet, client: adbutils.AdbClient) -> None:
    result = device(client, healthy, "modern").shell2("awk 'BEGIN { print 1 }'", v2=True)
    assert result.returncode == 127
    assert result.stdout == ""


def test_shell_v2_keeps_exit_code_and_stderr_apart(healthy: Fleet, client: adbutils.AdbClient) -> None:
    result = device(client, healthy, "modern").shell2("echo out; echo err >&2; exit 3", v2=True)
    assert (result.returncode, result.stdout, result.stderr) == (3, "out\n", "err\n")


def test_shell_v1_merges_stderr_in_order(healthy: Fleet, client: adbutils.AdbClient) -> None:
    text = device(client, healthy, "modern").shell("echo one; echo two >&2; echo three")
    assert text == "one\ntwo\nthree"


def test_old_phone_has_crlf_and_no_shell_protocol(healthy: Fleet, client: adbutils.AdbClient) -> None:
    old = device(client, healthy, "old")
    assert "shell_v2" not in old.get_features()
    raw = old.shell("echo one; echo two >&2", encoding=None, rstrip=False)
    assert raw == b"one\r\ntwo\r\n"
    assert "shell_v2" in device(client, healthy, "modern").get_features()


def test_large_output_arrives_intact(healthy: Fleet, client: adbutils.AdbClient) -> None:
    expected = seq_output(310_000)  # just over 2 MB
    assert len(expected) > 2_000_000
    phone = device(client, healthy, "modern")
    assert phone.shell2("seq 1 310000", v2=True).stdout == expected
    assert _read_all(phone.shell("seq 1 310000", stream=True)).decode() == expected


def _read_all(conn: adbutils.AdbConnection) -> bytes:
    received = bytearray()
    try:
        while chunk := conn.conn.recv(1 << 20):
            received += chunk
    finally:
        conn.close()
    return bytes(received)


def test_old_phone_crlf_never_overflows_a_message(healthy: Fleet, client: adbutils.AdbClient) -> None:
    # Newlines only: \r\n conversion doubles every chunk read from the command.
    raw = _read_all(device(client, healthy, "old").shell("yes '' | head -c 3000000", stream=True))
    assert raw == b"\r\n" * 3_000_000


def test_push_then_cat(healthy: Fleet, client: adbutils.AdbClient) -> None:
    phone = device(client, healthy, "modern")
    payload = os.urandom(200_000).hex()  # several sync DATA chunks
    phone.sync.push(payload.encode(), f"{SANDBOX}/sub/dir/payload.txt")
    assert phone.shell2(f"cat {SANDBOX}/sub/dir/payload.txt", v2=True).stdout == payload
    assert phone.sync.read_text(f"{SANDBOX}/sub/dir/payload.txt") == payload
    assert phone.sync.stat(f"{SANDBOX}/sub/dir/payload.txt").size == len(payload)


@pytest.mark.parametrize("name", ["modern", "old"])
def test_adb_cli_pulls_a_directory(
    healthy: Fleet, client: adbutils.AdbClient, adb_server: AdbServer, tmp_path: Path, name: str
) -> None:
    # The adb CLI lists with LIS2 where the phone announces ls_v2 and with LIST where it does not.
    phone = device(client, healthy, name)
    phone.sync.push(b"first", f"{SANDBOX}/tree/one.txt")
    phone.sync.push(b"second", f"{SANDBOX}/tree/sub/two.txt")
    result = adb_server.run_adb("-s", healthy.serial_of(name), "pull", f"{SANDBOX}/tree", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "tree" / "one.txt").read_bytes() == b"first"
    assert (tmp_path / "tree" / "sub" / "two.txt").read_bytes() == b"second"


@pytest.mark.parametrize("target", ["/data/local/evil.txt", f"{SANDBOX}/../evil.txt", "HOST/evil.txt", "evil.txt"])
def test_push_outside_the_sandbox_fails(
    healthy: Fleet, client: adbutils.AdbClient, target: str, tmp_path: Path
) -> None:
    target = target.replace("HOST", str(tmp_path))  # a host path that would be harmless to hit
    phone = device(client, healthy, "modern")
    with pytest.raises(adbutils.AdbError):
        phone.sync.push(b"x", target)
    root = healthy.simulated_phone(healthy.serial_of("modern")).sandbox.parent
    assert not list(root.rglob("evil.txt"))
    assert not (tmp_path / "evil.txt").exists()


def test_stdin_reaches_the_command_over_shell_v2(healthy: Fleet, adb_server: AdbServer) -> None:
    result = adb_server.run_adb("-s", healthy.serial_of("modern"), "shell", "cat; echo done", input="line 1\nline 2\n")
    assert (result.returncode, result.stdout) == (0, "line 1\nline 2\ndone\n")


def test_exec_carries_stdout_only(healthy: Fleet, adb_server: AdbServer) -> None:
    result = adb_server.run_adb("-s", healthy.serial_of("modern"), "exec-out", "echo out; echo err >&2")
    assert (result.returncode, result.stdout) == (0, "out\n")


def test_unknown_service_is_refused_and_counted(healthy: Fleet, client: adbutils.AdbClient) -> None:
    server = healthy.server(healthy.serial_of("modern"))
    server.reset_counters()
    phone = device(client, healthy, "modern")
    conn = phone.open_transport()
    try:
        conn.send_command("jdwp:4242")
        with pytest.raises(adbutils.AdbError):
            conn.check_okay()
            conn.read(1)  # some adb versions OKAY first and then close
    finally:
        conn.close()
    assert server.services == ["jdwp:4242"]


def test_open_counter_counts_every_stream(healthy: Fleet, client: adbutils.AdbClient) -> None:
    server = healthy.server(healthy.serial_of("modern"))
    server.reset_counters()
    phone = device(client, healthy, "modern")
    phone.sync.push(b"x", f"{SANDBOX}/counted.txt")
    phone.shell("echo a")
    phone.shell2("echo b", v2=True)
    assert server.opens == 4  # push = STAT on one sync stream + SEND on another
    assert server.services == ["sync:", "sync:", "shell:echo a", "shell,v2:echo b"]


def test_dropped_connection_is_not_a_clean_answer(start_fleet: FleetFactory, client: adbutils.AdbClient) -> None:
    fleet = start_fleet(profile("dropper", faults=Faults(drop_after_bytes=10_000)))
    phone = device(client, fleet, "dropper")
    assert phone.shell2("echo small", v2=True).stdout == "small\n"
    with pytest.raises((EOFError, adbutils.AdbError)) as dropped:
        phone.shell2("seq 1 100000", v2=True, timeout=20)
    assert not isinstance(dropped.value, adbutils.AdbTimeout)  # a drop, not a phone that hangs
    # adb reconnects to a phone that dropped; v1 then shows the truncation only by a missing marker.
    assert wait_until(lambda: states(client).get(fleet.serial_of("dropper")) == "device")
    text = phone.shell("seq 1 100000; echo END-OF-OUTPUT", timeout=20)
    assert "END-OF-OUTPUT" not in text
    assert 0 < len(text) <= 10_000


def test_frozen_phone_times_out(start_fleet: FleetFactory, client: adbutils.AdbClient) -> None:
    fleet = start_fleet(profile("icecube", faults=Faults(freeze_after_bytes=100)))
    phone = device(client, fleet, "icecube")
    assert phone.shell2("echo fine", v2=True).stdout == "fine\n"
    with pytest.raises(adbutils.AdbTimeout):
        phone.shell2("seq 1 1000", v2=True, timeout=2)
    assert fleet.server(fleet.serial_of("icecube")).frozen


def _pid_alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return False


def test_abandoned_command_is_killed(healthy: Fleet, client: adbutils.AdbClient) -> None:
    phone = device(client, healthy, "modern")
    pidfile = f"{SANDBOX}/abandoned.pid"
    conn = phone.shell(f"sleep 300 & echo $! > {pidfile}; echo started; wait", stream=True)
    assert conn.conn.recv(100).startswith(b"started")
    sandbox = healthy.simulated_phone(healthy.serial_of("modern")).sandbox
    pid = int((sandbox / "abandoned.pid").read_text())
    assert _pid_alive(pid)
    conn.close()
    assert wait_until(lambda: not _pid_alive(pid))


def test_stop_leaves_no_threads_or_processes(tmp_path: Path) -> None:
    phone = SimulatedPhone(profile("lonely"), tmp_path)
    server = PhoneServer(phone).start()
    # Talk to it directly (no adb server): a CNXN handshake, then a long-running command.
    import socket
    import struct

    from audit.simulator.transport import A_CNXN, A_OKAY, A_OPEN, HEADER, pack

    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(pack(A_CNXN, 0x01000001, 1 << 20, b"host::features=shell_v2"))
        header = HEADER.unpack(sock.recv(24))
        banner = sock.recv(header[3])
        assert header[0] == A_CNXN and banner.startswith(b"device::")
        sock.sendall(pack(A_OPEN, 7, 0, b"shell:echo $$; exec sleep 300\x00"))
        reply = HEADER.unpack(sock.recv(24))
        assert reply[0] == A_OKAY
        wrte = HEADER.unpack(sock.recv(24))
        pid = int(sock.recv(wrte[3]).split()[0])
        assert _pid_alive(pid)
        server.stop()
        assert not _pid_alive(pid)
    assert not [t for t in threading.enumerate() if t.name.startswith("lonely-")]
    assert struct.calcsize("<6I") == HEADER.size


def test_simulate_command_shows_phones_and_disconnects(adb_server: AdbServer) -> None:
    names = ["pixel8-a14-critical", "galaxy-s7-a6-legacy"]
    with child("simulate", *names, "--adb-port", str(adb_server.port),
               stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in names]
        assert [line.rstrip("\n").split("\t")[1] for line in lines] == names, lines
        serials = [line.split("\t")[0] for line in lines]
        listing = adb_server.run_adb("devices", "-l").stdout.splitlines()
        for serial, model in zip(serials, ["Pixel_8", "SM_G930F"], strict=True):
            assert any(line.split()[:2] == [serial, "device"] and f"model:{model}" in line for line in listing)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    after = adb_server.run_adb("devices").stdout
    assert not any(serial in after for serial in serials)


def test_simulate_rejects_a_bad_profile_in_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "audit", "simulate", str(tmp_path / "missing.toml"), "--adb-port", "1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "missing.toml" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""
