"""write_atomic: the old report survives every failure and no temporary file is left behind."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from audit.errors import AuditError
from audit.report import write_atomic


def test_writes_utf8(tmp_path: Path) -> None:
    target = tmp_path / "report.csv"
    write_atomic(target, "Gerät;ok\r\n")
    assert target.read_bytes() == "Gerät;ok\r\n".encode()


def test_bom_is_added_once(tmp_path: Path) -> None:
    target = tmp_path / "report.csv"
    write_atomic(target, "a", bom=True)
    assert target.read_bytes() == b"\xef\xbb\xbfa"
    write_atomic(target, "\ufeffa", bom=True)
    assert target.read_bytes() == b"\xef\xbb\xbfa"


def test_replaces_and_keeps_permissions(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")
    target.chmod(0o640)
    write_atomic(target, "new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert os.listdir(tmp_path) == ["report.json"]


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_failure_keeps_the_old_file_and_removes_the_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    target = tmp_path / "report.csv"
    target.write_text("old report")

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, failing, boom)
    with pytest.raises(AuditError) as caught:
        write_atomic(target, "new report")
    monkeypatch.undo()
    assert target.read_text() == "old report"
    assert os.listdir(tmp_path) == ["report.csv"]
    message = str(caught.value)
    assert "\n" not in message
    assert "No space left on device" in message and "report.csv" in message


def test_missing_directory_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(AuditError, match="cannot write") as caught:
        write_atomic(tmp_path / "nope" / "report.csv", "x")
    assert "\n" not in str(caught.value)


def test_directory_as_target_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "dir").mkdir()
    with pytest.raises(AuditError, match="cannot write"):
        write_atomic(tmp_path / "dir", "x")
    assert sorted(os.listdir(tmp_path)) == ["dir"]


def test_control_characters_in_the_path_do_not_reach_the_message(tmp_path: Path) -> None:
    with pytest.raises(AuditError) as caught:
        write_atomic(tmp_path / "missing\x1b[2J" / "r.csv", "x")
    assert str(caught.value) == f"cannot write {str(tmp_path / 'missing?[2J' / 'r.csv')!r}: No such file or directory"


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o007, 0o660)])
def test_a_new_report_gets_the_usual_permissions_of_the_umask(tmp_path: Path, umask: int, mode: int) -> None:
    """A new file is ``0666 & ~umask``, as if the shell had written it: under umask 077 a report
    (serials, findings) is readable by its owner only, and a report is never executable."""
    old = os.umask(umask)
    try:
        write_atomic(tmp_path / "report.csv", "a")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "report.csv").stat().st_mode) == mode
