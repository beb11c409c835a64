"""Plan jobs: solving runs off the request path, in the service's own pool or on queue workers.

A job's row is its whole state: the request handler stores it as ``queued`` with the exact
scenario text and hands its id to a :class:`Dispatcher`. Two exist: :class:`PlanRunner`, the
embedded default (a bounded pool of threads in the service process, nothing to install), and
``service.queue.dispatch.QueueDispatcher``, which sends the id to Celery workers when
``MULIN_BROKER_URL`` is set. Either way a :class:`~service.api.execution.JobExecution` claims
the job, solves it in a child process, checks the plan and stores it, and jobs whose worker
died (its lease not renewed) are queued again. Single plans and re-plans go before the jobs
of a city batch, so a batch never starves a coordinator's re-plan.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import multiprocessing
import queue
import threading
import uuid
from importlib.metadata import version
from multiprocessing.context import ForkServerContext
from typing import Protocol, cast

from sqlalchemy import Engine
from sqlmodel import Session

from service.api.execution import JobExecution, Lease, reap, worker_name
from service.api.settings import Settings
from service.storage import repository
from service.storage.models import PlanJob
from service.wire.scenario import Scenario

log = logging.getLogger("mulin.api.jobs")

START_METHOD = "forkserver"
"""How children start: from a small server process that imported the planner once (fast, and
safe beside the service's threads)."""
PRELOAD = ["service.api.lifeline", "service.api.solving"]
"""Imported once by the forkserver: the first makes it end with the service."""
SINGLE, BATCH = 0, 1
"""Queue priorities: a coordinator's plan or re-plan goes before a city batch's jobs."""


def scenario_text(scenario: Scenario) -> str:
    """The exact JSON text of a scenario as a job stores and solves it."""
    return scenario.model_dump_json(by_alias=True, exclude_none=True)


def sha256_text(text: str) -> str:
    """SHA-256 (hex) of a text's UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def new_job(
    scenario: Scenario,
    *,
    station_id: str | None,
    token_id: str,
    time_limit: float,
    seed: int,
    workers: int,
    language: str,
    repeatable: bool = False,
) -> PlanJob:
    """A queued job that will solve exactly this scenario (not yet stored).

    Parameters
    ----------
    scenario
        The validated scenario.
    station_id
        The station whose archive it came from; None for a one-shot plan.
    token_id
        Who asked.
    time_limit, seed, workers, language, repeatable
        How to plan.

    Returns
    -------
    PlanJob
        With the scenario's text, its SHA-256 and the OR-Tools version that will solve it.
    """
    text = scenario_text(scenario)
    return PlanJob(
        station_id=station_id,
        token_id=token_id,
        week_start=scenario.week_start,
        time_limit=time_limit,
        seed=seed,
        workers=workers,
        repeatable=repeatable,
        language=language,
        ortools_version=version("ortools"),
        scenario_json=text,
        scenario_sha256=sha256_text(text),
    )


class DispatchError(RuntimeError):
    """A stored job could not be handed over for solving (the task queue is unreachable)."""


class Dispatcher(Protocol):
    """Where the API hands stored jobs for solving: the embedded pool or the task queue."""

    def recover(self) -> None:
        """After a start: queue again what waits, and what a dead worker left running."""

    def submit(self, job_id: uuid.UUID, *, batch: bool = False) -> None:
        """Have a stored, queued job solved (a batch's job after single plans).

        Raises
        ------
        DispatchError
            When it cannot be handed over; the caller fails the job.
        """

    def cancel(self, job_id: uuid.UUID) -> None:
        """Stop a job whose row was just marked cancelled, as soon as its worker can."""

    def shutdown(self) -> None:
        """Stop handing out work (and, in process, stop what runs)."""


def lease_of(settings: Settings) -> Lease:
    """The lease of the settings' ``job_lease_seconds``, renewed five times in that span."""
    stale = settings.job_lease_seconds
    return Lease(renew_seconds=min(2.0, stale / 5), stale_seconds=stale)


def solver_context() -> ForkServerContext:
    """The multiprocessing context of solver children, its forkserver preloading the planner."""
    context = cast(ForkServerContext, multiprocessing.get_context(START_METHOD))
    if START_METHOD == "forkserver":
        context.set_forkserver_preload(PRELOAD)
    return context


class WaitingJobs:
    """Jobs waiting for a pool thread: single plans first, then batch jobs, each in order."""

    def __init__(self) -> None:
        self._queue: queue.PriorityQueue[tuple[int, int, uuid.UUID | None]] = queue.PriorityQueue()
        self._order = itertools.count()

    def put(self, job_id: uuid.UUID, *, batch: bool) -> None:
        """Add a job behind the others of its kind."""
        self._queue.put((BATCH if batch else SINGLE, next(self._order), job_id))

    def take(self) -> uuid.UUID | None:
        """The next job (waits for one); None once :meth:`close` was called."""
        return self._queue.get()[2]

    def close(self, takers: int) -> None:
        """Wake ``takers`` waiting threads with None, ahead of every job."""
        for _ in range(takers):
            self._queue.put((-1, -1, None))


class PlanRunner:
    """The embedded dispatcher: plan jobs solved by a bounded pool of threads in this process.

    Parameters
    ----------
    engine
        The database (each job uses sessions of its own).
    pool_size
        How many plans are solved at once; the rest wait, single plans before batch jobs,
        each kind in order.
    lease
        Lease renewal and staleness; a reaper thread queues again the jobs of dead processes
        (another server process sharing the database, or this one before a restart).
    """

    def __init__(self, engine: Engine, pool_size: int, lease: Lease | None = None) -> None:
        self._engine = engine
        self._context = solver_context()
        self._lease = lease or Lease()
        self._worker = worker_name()
        self._waiting = WaitingJobs()
        self._lock = threading.Lock()
        self._running: dict[uuid.UUID, tuple[threading.Event, JobExecution | None]] = {}
        self._shutting_down = threading.Event()
        self._threads = [
            threading.Thread(target=self._serve, name=f"mulin-plan-{n}", daemon=True)
            for n in range(pool_size)
        ]
        self._threads.append(
            threading.Thread(target=self._reap_forever, name="mulin-plan-reaper", daemon=True)
        )
        for thread in self._threads:
            thread.start()

    def recover(self) -> None:
        """After a start: queue what waits, and what a dead process left running."""
        reap(self._engine, self._lease)
        with Session(self._engine) as session:
            queued = repository.job_ids_with_status(session, "queued")
            batched = {
                job.id
                for job in (repository.get_job(session, job_id) for job_id in queued)
                if job is not None and job.batch_id is not None
            }
        for job_id in queued:
            self.submit(job_id, batch=job_id in batched)

    def submit(self, job_id: uuid.UUID, *, batch: bool = False) -> None:
        """Queue a stored job for solving."""
        self._waiting.put(job_id, batch=batch)

    def cancel(self, job_id: uuid.UUID) -> None:
        """Stop a job at once if it runs here (elsewhere, its lease renewal notices)."""
        with self._lock:
            running = self._running.get(job_id)
        if running is not None:
            running[0].set()

    def shutdown(self) -> None:
        """Stop: running plans are abandoned and go back to ``queued``; waiting ones stay queued."""
        self._shutting_down.set()
        with self._lock:
            for stop, execution in self._running.values():
                if execution is not None:
                    execution.requeue_on_stop = True
                stop.set()
        self._waiting.close(len(self._threads))
        for thread in self._threads:
            thread.join()

    def _serve(self) -> None:
        while True:
            job_id = self._waiting.take()
            if job_id is None or self._shutting_down.is_set():
                return
            self._run(job_id)

    def _run(self, job_id: uuid.UUID) -> None:
        stop = threading.Event()
        execution = JobExecution(
            self._engine, self._context, job_id, stop, self._lease, self._worker
        )
        with self._lock:
            if self._shutting_down.is_set():
                return
            self._running[job_id] = (stop, execution)
        try:
            execution.run()
        finally:
            with self._lock:
                self._running.pop(job_id, None)

    def _reap_forever(self) -> None:
        while not self._shutting_down.wait(self._lease.stale_seconds / 2):
            try:
                for job_id in reap(self._engine, self._lease):
                    self.submit(job_id)
            except Exception:
                log.exception("the reaper of stale plan jobs failed; it tries again")
