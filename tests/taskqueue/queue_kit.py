"""A real ``mulin worker`` process for the queue tests, and a look at the processes it leaves."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LEASE_SECONDS = 3.0
"""The lease of the tests: a killed worker's job is queued again after this many seconds."""


def _live_processes() -> dict[int, tuple[int, int, str]]:
    """Every live (not zombie) process: pid → (parent pid, session id, command line)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[0] != "Z":
            found[int(entry.name)] = (int(fields[1]), int(fields[3]), command)
    return found


def session_processes(session_id: int) -> list[int]:
    """Pids of the live processes of a session (a worker started its own)."""
    return [pid for pid, (_, sid, _) in _live_processes().items() if sid == session_id]


def solver_children(session_id: int) -> list[int]:
    """Pids of the solver children of a worker's session: the children of its forkserver."""
    live = _live_processes()
    servers = {
        pid
        for pid, (_, sid, command) in live.items()
        if sid == session_id and "forkserver" in command
    }
    return [pid for pid, (parent, _, _) in live.items() if parent in servers]


class WorkerProcess:
    """``python -m service worker`` in a session of its own, its output in a log file.

    Parameters
    ----------
    log
        Where its output goes.
    env
        Its whole environment (database, broker, queue prefix, lease).
    concurrency
        Plans it solves at once.
    """

    def __init__(self, log: Path, env: dict[str, str], concurrency: int = 1) -> None:
        self.log = log
        self._out = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "service", "worker", f"--concurrency={concurrency}"],
            cwd=ROOT,
            env=env,
            stdout=self._out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def text(self) -> str:
        """What it has printed so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_ready(self, seconds: float = 60.0) -> None:
        """Wait until it consumes from the broker; fails with its log when it does not."""
        self.wait_for(" ready.", seconds)

    def wait_for(self, text: str, seconds: float) -> None:
        """Wait until its log shows ``text``."""
        deadline = time.monotonic() + seconds
        while text not in self.text():
            code = self.process.poll()
            assert code is None, f"the worker exited ({code}):\n{self.text()[-3000:]}"
            assert time.monotonic() < deadline, f"no {text!r} in:\n{self.text()[-3000:]}"
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL the worker process only, as a crash would (its children must follow)."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """End it and everything of its session."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=15)
        for pid in session_processes(self.process.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._out.close()
