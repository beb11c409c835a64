"""Solver processes end with the service: the parent-death signal of service/api/lifeline.py."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from service.api import lifeline

PARENT = """
import subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", sys.argv[1]])
print(child.pid, flush=True)
time.sleep(60)
"""
CHILD = """
import time
from service.api.lifeline import die_with_parent
assert die_with_parent()
time.sleep(60)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")
def test_a_child_ends_when_its_parent_is_killed() -> None:
    """A kill -9 of the parent ends a child that called die_with_parent within seconds."""
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, CHILD], stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    time.sleep(1.0)
    assert _alive(child)
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 5
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = _alive(child)
    if left:
        os.kill(child, signal.SIGKILL)
    assert not left


def test_the_service_itself_is_no_forkserver() -> None:
    """Importing lifeline in the service (or a test) sets no signal: only the forkserver does."""
    assert not lifeline._in_forkserver()
