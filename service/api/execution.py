"""One plan job from claim to stored plan, wherever it runs (the service's pool or a worker).

:func:`execute_job` claims a queued job (a conditional UPDATE: of two workers handed the same
job, one gets it), solves it in a child process (``service.api.solving``: a crash of the solver
ends that process only; a cancel kills it), checks the plan with the checker, and stores the
outcome. While the child solves, the worker renews the job's lease every few seconds with an
UPDATE that holds only while the job is still running *and* still its own: when that fails the
job was cancelled (from any process) or taken over after this worker was thought dead, and the
child is killed. Every final move is conditional on the same two facts, so a job is never
stored twice and a cancellation is never overwritten.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from multiprocessing.context import ForkServerContext

from sqlalchemy import Engine
from sqlmodel import Session

from service.api.solving import Work, solve_in_child
from service.api.summary import summarize
from service.checker import check_plan
from service.loading import InvalidDocument, parse_plan, parse_scenario
from service.planning import PlanOptions
from service.storage import repository

log = logging.getLogger("mulin.api.jobs")

POLL_SECONDS = 0.1
"""How often the worker looks at its child's messages and at its stop event."""
JOIN_SECONDS = 5.0
ERROR_CHARS = 4000
INTERRUPTED = "the worker stopped while this plan was being made; request it again"
TOO_MANY_ATTEMPTS = "the plan was started {attempts} times and never finished; request it again"


@dataclass(frozen=True)
class Lease:
    """How a worker keeps its claim on a running job.

    Attributes
    ----------
    renew_seconds
        How often the worker renews the lease while it solves (and learns of a cancel).
    stale_seconds
        A lease older than this means its worker is gone: the job is queued again.
    max_attempts
        Claims a job may have before it is failed instead of queued again.
    """

    renew_seconds: float = 2.0
    stale_seconds: float = 30.0
    max_attempts: int = 3


def worker_name() -> str:
    """The name of this process as the holder of a job: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def reap(engine: Engine, lease: Lease) -> list[uuid.UUID]:
    """Queue again the running jobs whose worker is gone; fail those tried too often.

    Returns
    -------
    list of uuid.UUID
        The jobs queued again (the caller hands them to a worker).
    """
    message = TOO_MANY_ATTEMPTS.format(attempts=lease.max_attempts)
    with Session(engine) as session:
        reaped = repository.reap_stale_jobs(
            session,
            lease_seconds=lease.stale_seconds,
            max_attempts=lease.max_attempts,
            message=message,
        )
    for job_id in reaped.requeued:
        log.warning("plan job %s: its worker stopped renewing its lease; queued again", job_id)
    for job_id in reaped.failed:
        log.error("plan job %s: failed after %d attempts", job_id, lease.max_attempts)
    return reaped.requeued


class JobExecution:
    """Claims and solves one job for one worker.

    Parameters
    ----------
    engine
        The database (sessions of its own).
    context
        The multiprocessing context that starts solver children (a forkserver).
    job_id
        The job.
    stop
        Set from outside to abandon the job: it goes back to ``queued`` when ``requeue_on_stop``
        is set at that moment (an orderly shutdown), else it is left as it is (cancelled).
    lease
        How often to renew the claim.
    worker
        Who holds the job.
    hard_seconds
        Wall seconds after which a solve is killed and the job failed; None: three times the
        job's own time limit and a minute.
    """

    def __init__(
        self,
        engine: Engine,
        context: ForkServerContext,
        job_id: uuid.UUID,
        stop: threading.Event,
        lease: Lease,
        worker: str,
        hard_seconds: float | None = None,
    ) -> None:
        self._engine = engine
        self._context = context
        self._job_id = job_id
        self._stop = stop
        self._lease = lease
        self._worker = worker
        self._hard_seconds = hard_seconds
        self.requeue_on_stop = False
        self.stored = False
        """Whether this execution stored the job's final state (done, failed)."""

    def run(self) -> None:
        """Claim the job and see it through; a job that is not queued is left alone."""
        job_id = self._job_id
        try:
            self._run()
        except Exception:
            log.exception("plan job %s failed", job_id)
            self._finish("failed", error="internal error while planning; the log has the details")

    def _run(self) -> None:
        work = self._claim()
        if work is None:
            return
        job_id = self._job_id
        try:
            scenario = parse_scenario(work.scenario)
        except InvalidDocument as error:
            self._finish("failed", error="stored scenario invalid: " + str(error))
            return
        log.info("plan job %s running on %s", job_id, self._worker)
        outcome = self._in_child(work)
        if outcome is None:
            return
        kind = outcome[0]
        if kind == "invalid":
            self._finish("failed", error="stored scenario invalid: " + str(outcome[1]))
            return
        if kind != "done":
            log.error("plan job %s failed in the solver: %s", job_id, outcome[1])
            self._finish("failed", error=str(outcome[1])[:ERROR_CHARS])
            return
        plan_text, changes, cpu = str(outcome[1]), outcome[2], outcome[3]
        plan = parse_plan(plan_text)
        violations = check_plan(scenario, plan, replan=work.replan is not None)
        if violations:
            codes = sorted({f"rule {v.rule} {v.code}" for v in violations})
            log.error("plan job %s: the plan breaks %s", job_id, ", ".join(codes))
            self._finish(
                "failed",
                plan_json=plan_text,
                error="the plan failed the checker (a bug): " + ", ".join(codes),
            )
            return
        if self._finish(
            "done",
            plan_json=plan_text,
            changes_json=changes,
            summary_json=summarize(plan).model_dump_json(),
            cpu_seconds=round(float(cpu), 3),  # type: ignore[arg-type]
            progress=1.0,
            phase="done",
        ):
            log.info("plan job %s done: %s", job_id, plan.status)

    def _claim(self) -> Work | None:
        """Move the queued job to running and read what it solves.

        None when the job was not queued (another worker has it, it was cancelled or is
        done), or when it is a re-plan whose plan in force is gone (then it is marked failed).
        """
        with Session(self._engine) as session:
            if not repository.claim_job(session, self._job_id, self._worker):
                return None
            job = repository.get_job(session, self._job_id)
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
            if self._hard_seconds is None:
                self._hard_seconds = 3 * job.time_limit + 60
        if gone:
            self._finish("failed", error="the plan in force is gone")
            return None
        return work

    def _in_child(self, work: Work) -> tuple[object, ...] | None:
        """Solve in a child process, relaying its progress and renewing the lease.

        None when the job was stopped (cancelled, taken over, or put back in the queue at
        shutdown); an ``("error", message)`` outcome when the child died without answering.
        """
        job_id = self._job_id
        receiver, sender = self._context.Pipe(duplex=False)
        child = self._context.Process(
            target=solve_in_child, args=(work, sender), name=f"mulin-plan-{job_id}", daemon=True
        )
        child.start()
        sender.close()
        outcome: tuple[object, ...] | None = None
        renewed = time.monotonic()
        deadline = renewed + (self._hard_seconds or float("inf"))
        progress: dict[str, object] = {}
        try:
            while outcome is None:
                if self._stop.is_set():
                    child.kill()
                    self._stopped()
                    return None
                if time.monotonic() > deadline:
                    child.kill()
                    return ("error", f"the solve took longer than {self._hard_seconds:g} s")
                if time.monotonic() - renewed >= self._lease.renew_seconds:
                    renewed = time.monotonic()
                    if not self._renew(progress):
                        child.kill()
                        log.info("plan job %s cancelled or taken over: stopped", job_id)
                        return None
                    progress = {}
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
                    progress = {"phase": str(message[1]), "progress": float(message[2])}
                    if not self._renew(progress):
                        child.kill()
                        log.info("plan job %s cancelled or taken over: stopped", job_id)
                        return None
                    renewed, progress = time.monotonic(), {}
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

    def _renew(self, values: dict[str, object]) -> bool:
        with Session(self._engine) as session:
            return repository.renew_lease(session, self._job_id, self._worker, **values)

    def _stopped(self) -> None:
        if self.requeue_on_stop:
            self._finish("queued", progress=0.0, phase=None, claimed_by=None, heartbeat_at=None)
            log.info("plan job %s put back in the queue at shutdown", self._job_id)
        else:
            log.info("plan job %s cancelled", self._job_id)

    def _finish(self, status: str, **values: object) -> bool:
        """Move the job, still running and still this worker's, to ``status``."""
        with Session(self._engine) as session:
            moved = repository.move_job(
                session,
                self._job_id,
                from_status=("running",),
                holder=self._worker,
                status=status,
                **values,
            )
        if moved and status != "queued":
            self.stored = True
        return moved
