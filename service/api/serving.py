"""Several server processes: the app factory of ``mulin serve --workers N``.

uvicorn starts each worker process from an import string, so the app is built in the worker
from the environment by :func:`worker_app`. ``mulin serve`` has migrated the database once
before any worker starts and tells the workers not to (``MULIN_MIGRATE_ON_START=false``), so no
two processes race through the migrations. Every worker runs its own dispatcher (the embedded
pool solves the plans asked of that process; every move of a job is conditional on still
holding it, so no job is solved twice), but only one of them, the holder of an exclusive lock
on the file named by ``MULIN_SERVE_LOCK``, queues again what waited or was left running at the
start: the others would only race it for the same jobs.
"""

from __future__ import annotations

import fcntl
import os
from typing import IO

from fastapi import FastAPI

from service.api.app import create_app
from service.api.settings import Settings

LOCK_ENV = "MULIN_SERVE_LOCK"
"""The environment variable naming the lock file of a ``mulin serve --workers N`` run."""


def take_lock(path: str) -> IO[bytes] | None:
    """An exclusive lock on a file, without waiting.

    Parameters
    ----------
    path
        The lock file (made if missing).

    Returns
    -------
    file or None
        The open file holding the lock (the lock lasts while it stays open, or the process
        lives), or None when another process holds it.
    """
    handle = open(path, "ab")  # noqa: SIM115 -- held open for the process's life
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return handle


def worker_app() -> FastAPI:
    """The app of one server process of ``mulin serve --workers N`` (uvicorn's factory).

    Returns
    -------
    FastAPI
        Built from ``MULIN_*`` settings; recovering plan jobs at its start only if it is the
        first process to take the run's lock (all of them when no lock is named).
    """
    path = os.environ.get(LOCK_ENV)
    lock = take_lock(path) if path else None
    app = create_app(Settings(), recover_jobs=lock is not None or not path)
    app.state.serve_lock = lock
    return app
