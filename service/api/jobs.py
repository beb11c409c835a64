"""Plan jobs: solving runs off the request path, in a bounded pool, each in a child process.

A job's row is its whole state: the request handler stores it as ``queued`` with the exact
scenario text, and a pool thread moves it to ``running``, solves it in a child process
(``service.api.solving``: a crash of the solver ends that process, not the service; a cancel
kills it), checks the plan, and moves the job to ``done`` (with the plan), ``failed`` or
``cancelled``. Every move is a conditional UPDATE, so a cancellation is never
overwritten by a thread finishing at the same moment. On start-up, jobs left ``running`` by a
stopped service are marked failed and ``queued`` ones are queued again; a job interrupted by
an orderly shutdown goes back to ``queued``.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import version
from multiprocessing.context import ForkServerContext
from typing import cast

from sqlalchemy import Engine
from sqlmodel import Session

from service.api.solving import Work, solve_in_child
from service.checker import check_plan
from service.loading import InvalidDocument, parse_plan, parse_scenario
from service.planning import PlanOptions
from service.storage import repository
from service.storage.models import PlanJob
from service.wire.scenario import Scenario

log = logging.getLogger("mulin.api.jobs")

POLL_SECONDS = 0.1
"""How often a pool thread looks for a cancel while its child solves."""
JOIN_SECONDS = 5.0
ERROR_CHARS = 4000
START_METHOD = "forkserver"
"""How children start: from a small server process that imported the planner once (fast, and
safe beside the service's threads)."""
PRELOAD = ["service.api.lifeline", "service.api.solving"]
"""Imported once by the forkserver: the first makes it end with the service."""
INTERRUPTED = "the service stopped while this plan was being made; request it again"


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


class PlanRunner:
    """Runs plan jobs in a bounded thread pool and lets them be cancelled.

    Parameters
    ----------
    engine
        The database (each job uses sessions of its own).
    pool_size
        How many plans are solved at once; the rest wait in order.
    """

    def __init__(self, engine: Engine, pool_size: int) -> None:
        self._engine = engine
        self._context = cast(ForkServerContext, multiprocessing.get_context(START_METHOD))
        if START_METHOD == "forkserver":
            self._context.set_forkserver_preload(PRELOAD)
        self._pool = ThreadPoolExecutor(max_workers=pool_size, thread_name_prefix="mulin-plan")
        self._lock = threading.Lock()
        self._stops: dict[uuid.UUID, threading.Event] = {}
        self._shutting_down = threading.Event()

    def recover(self) -> None:
        """After a start: fail what was left running, queue again what was waiting."""
        with Session(self._engine) as session:
            failed = repository.fail_running_jobs(session, INTERRUPTED)
            queued = repository.job_ids_with_status(session, "queued")
        for job_id in failed:
            log.warning("plan job %s was running when the service stopped: failed", job_id)
        for job_id in queued:
            self.submit(job_id)

    def submit(self, job_id: uuid.UUID) -> None:
        """Queue a stored job for solving."""
        with self._lock:
            self._stops.setdefault(job_id, threading.Event())
        self._pool.submit(self._run, job_id)

    def cancel(self, job_id: uuid.UUID) -> None:
        """Ask a queued or running job to stop (its row is marked by the caller)."""
        with self._lock:
            stop = self._stops.get(job_id)
        if stop is not None:
            stop.set()

    def shutdown(self) -> None:
        """Stop: running plans are abandoned and go back to ``queued``; waiting ones stay queued."""
        self._shutting_down.set()
        with self._lock:
            for stop in self._stops.values():
                stop.set()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _run(self, job_id: uuid.UUID) -> None:
        try:
            self._solve(job_id)
        except Exception:
            log.exception("plan job %s failed", job_id)
            with Session(self._engine) as session:
                repository.move_job(
                    session,
                    job_id,
                    from_status=("queued", "running"),
                    status="failed",
                    error="internal error while planning; the service log has the details",
                )
        finally:
            with self._lock:
                self._stops.pop(job_id, None)

    def _claim(self, job_id: uuid.UUID) -> Work | None:
        """Move a queued job to running and read what it solves.

        None when the job was not queued, or when it is a re-plan whose plan in force is gone
        (then it is marked failed).
        """
        with Session(self._engine) as session:
            if not repository.move_job(
                session, job_id, from_status=("queued",), status="running", progress=0.0
            ):
                return None
            job = repository.get_job(session, job_id)
            assert job is not None
            options = PlanOptions(
                time_limit=job.time_limit,
                seed=job.seed,
                workers=job.workers,
                language="en" if job.language == "en" else "zh",
                repeatable=job.repeatable,
            )
            replan, gone = None, False
            if job.base_plan_id is not None:
                base = repository.get_job(session, job.base_plan_id)
                if base is None or base.plan_json is None or job.replan_json is None:
                    gone = True
                else:
                    replan = (base.scenario_json, base.plan_json, job.replan_json)
            work = Work(job.scenario_json, options, replan)
        if gone:
            self._finish(job_id, "failed", error="the plan in force is gone")
            return None
        return work

    def _solve(self, job_id: uuid.UUID) -> None:
        with self._lock:
            stop = self._stops.setdefault(job_id, threading.Event())
        if self._shutting_down.is_set():
            return
        work = self._claim(job_id)
        if work is None:
            return
        try:
            scenario = parse_scenario(work.scenario)
        except InvalidDocument as error:
            self._finish(job_id, "failed", error="stored scenario invalid: " + str(error))
            return
        log.info("plan job %s running", job_id)
        outcome = self._in_child(job_id, work, stop)
        if outcome is None:
            return
        kind = outcome[0]
        if kind == "invalid":
            self._finish(job_id, "failed", error="stored scenario invalid: " + str(outcome[1]))
            return
        if kind != "done":
            log.error("plan job %s failed in the solver: %s", job_id, outcome[1])
            self._finish(job_id, "failed", error=str(outcome[1])[:ERROR_CHARS])
            return
        plan_text, changes = str(outcome[1]), outcome[2]
        plan = parse_plan(plan_text)
        violations = check_plan(scenario, plan, replan=work.replan is not None)
        if violations:
            codes = sorted({f"rule {v.rule} {v.code}" for v in violations})
            log.error("plan job %s: the plan breaks %s", job_id, ", ".join(codes))
            self._finish(
                job_id,
                "failed",
                plan_json=plan_text,
                error="the plan failed the checker (a bug): " + ", ".join(codes),
            )
            return
        self._finish(
            job_id,
            "done",
            plan_json=plan_text,
            changes_json=changes,
            progress=1.0,
            phase="done",
        )
        log.info("plan job %s done: %s", job_id, plan.status)

    def _in_child(
        self, job_id: uuid.UUID, work: Work, stop: threading.Event
    ) -> tuple[object, ...] | None:
        """Solve in a child process, relaying its progress; its final message.

        None when the job was stopped (cancelled, or put back in the queue at shutdown); an
        ``("error", message)`` outcome when the child died without answering.
        """
        receiver, sender = self._context.Pipe(duplex=False)
        child = self._context.Process(
            target=solve_in_child, args=(work, sender), name=f"mulin-plan-{job_id}", daemon=True
        )
        child.start()
        sender.close()
        outcome: tuple[object, ...] | None = None
        try:
            while outcome is None:
                if stop.is_set():
                    child.kill()
                    self._stopped(job_id)
                    return None
                if not receiver.poll(POLL_SECONDS):
                    if child.is_alive():
                        continue
                    if not receiver.poll(0):
                        break
                try:
                    message = receiver.recv()
                except EOFError:
                    break
                if message[0] == "progress":
                    self._progress(job_id, str(message[1]), float(message[2]))
                else:
                    outcome = tuple(message)
        finally:
            receiver.close()
            child.join(timeout=JOIN_SECONDS)
            if child.is_alive():
                child.kill()
                child.join()
        if outcome is None:
            log.error("plan job %s: the solver process ended with code %s", job_id, child.exitcode)
            return ("error", f"the solver stopped unexpectedly (exit code {child.exitcode})")
        return outcome

    def _progress(self, job_id: uuid.UUID, phase: str, fraction: float) -> None:
        with Session(self._engine) as session:
            repository.move_job(
                session, job_id, from_status=("running",), progress=fraction, phase=phase
            )

    def _stopped(self, job_id: uuid.UUID) -> None:
        if self._shutting_down.is_set():
            self._finish(job_id, "queued", progress=0.0, phase=None)
            log.info("plan job %s put back in the queue at shutdown", job_id)
        else:
            self._finish(job_id, "cancelled")
            log.info("plan job %s cancelled", job_id)

    def _finish(self, job_id: uuid.UUID, status: str, **values: object) -> None:
        """Move a running job to ``status`` with these column values."""
        with Session(self._engine) as session:
            repository.move_job(session, job_id, from_status=("running",), status=status, **values)
