"""The leak check of conftest (``_no_leaked_processes``) finds what it must and nothing else."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import procs

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


def _start(env: dict[str, str]) -> subprocess.Popen[bytes]:
    # its own session, like a daemon that left its parent: the mark must find it all the same
    return subprocess.Popen(SLEEPER, env=env, start_new_session=True)


def test_a_marked_process_is_found_until_it_ends_and_an_unmarked_one_never() -> None:
    mark = uuid.uuid4().hex
    marked = _start({**os.environ, procs.RUN_MARK: mark})
    other = _start({**os.environ, procs.RUN_MARK: uuid.uuid4().hex})
    try:
        found = procs.marked_processes(mark)
        assert set(found) == {marked.pid}
        assert "time.sleep(60)" in found[marked.pid]
        assert set(procs.leaked_processes(mark, wait=0.5)) == {marked.pid}
    finally:
        for proc in (marked, other):
            proc.kill()
            proc.wait()
    assert procs.leaked_processes(mark, wait=0.5) == {}


def test_this_run_is_marked_and_its_children_inherit_the_mark() -> None:
    mark = os.environ.get(procs.RUN_MARK)
    assert mark, "conftest's _no_leaked_processes sets the mark for the whole run"
    child = subprocess.Popen(SLEEPER)
    try:
        assert child.pid in procs.marked_processes(mark)
    finally:
        child.kill()
        child.wait()
