"""Solver processes end with the service: Linux's parent-death signal, set in each of them.

The service starts a forkserver, which forks one child per plan job. If the service is killed
(``kill -9``, the OOM killer), nothing else would stop them: each would go on solving until it
next tried to report. :func:`die_with_parent` asks the kernel to send ``SIGKILL`` when the
parent goes. The solving child calls it first thing; the forkserver, which runs no code of
ours, calls it when it preloads this module (see :data:`service.api.jobs.PRELOAD`).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1
"""``prctl`` option: the signal sent to this process when its parent thread ends."""


def die_with_parent() -> bool:
    """Have this process killed when its parent ends; exit now if it already has.

    Returns
    -------
    bool
        Whether the signal is set (False off Linux, or when ``prctl`` fails).
    """
    if not sys.platform.startswith("linux"):
        return False
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        failed = libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0
    except (OSError, AttributeError):
        return False
    if os.getppid() != parent or parent == 1:
        os._exit(1)  # the parent ended before the signal was set
    return not failed


def _in_forkserver() -> bool:
    """Whether this is multiprocessing's forkserver process, preloading its modules."""
    return sys.argv[:1] == ["-c"] and "multiprocessing.forkserver" in sys.modules


if _in_forkserver():
    die_with_parent()
