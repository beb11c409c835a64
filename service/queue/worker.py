"""``mulin worker``: a Celery worker process that solves plan jobs.

Each of its threads (``--concurrency``) takes one job id from the broker, and a
:class:`~service.api.execution.JobExecution` claims the job's row, solves it in a child
process, checks the plan and stores it; the message is acknowledged when that is over. A
thread of the worker also reaps: a job whose worker stopped renewing its lease (killed, its
machine gone) is queued again and sent again, so a job is finished by another worker; the
claim and every final move are conditional, so a job is stored once. The solver children
are started by a forkserver that the worker's main thread starts, and die with the worker
(``service.api.lifeline``).
"""

from __future__ import annotations

import logging
import threading
import uuid
from dataclasses import dataclass
from multiprocessing import forkserver

from celery import Celery
from sqlalchemy import Engine
from sqlmodel import Session

from service.api.execution import JobExecution, Lease, reap, worker_name
from service.api.jobs import lease_of, solver_context
from service.api.settings import Settings
from service.queue.celery_app import TASK, make_celery, queue_names
from service.storage import repository
from service.storage.db import make_engine, migrate

log = logging.getLogger("mulin.queue")


@dataclass(frozen=True)
class WorkerOptions:
    """How a worker runs.

    Attributes
    ----------
    concurrency
        Plans solved at once (threads, each with its solver child).
    queues
        The queues it takes jobs from (both by default).
    hard_seconds
        Wall seconds after which a solve is killed and its job failed; None: three times the
        job's time limit and a minute.
    name
        The Celery node name.
    """

    concurrency: int = 1
    queues: tuple[str, ...] = ()
    hard_seconds: float | None = None
    name: str | None = None


def build_worker_app(settings: Settings, options: WorkerOptions) -> tuple[Celery, Engine]:
    """The Celery app with the plan task registered, and the database it stores into.

    Parameters
    ----------
    settings
        ``broker_url`` (required), ``database_url``, ``queue_prefix``, ``job_lease_seconds``.
    options
        The worker's options.

    Returns
    -------
    tuple of Celery and Engine
    """
    if settings.broker_url is None:
        raise ValueError("MULIN_BROKER_URL is not set")
    app = make_celery(settings.broker_url, settings.queue_prefix)
    engine = make_engine(settings)
    context = solver_context()
    lease = lease_of(settings)
    holder = worker_name()

    def solve_plan_job(job_id: str) -> None:
        """Claim, solve, check and store one plan job (nothing when it is not queued)."""
        try:
            parsed = uuid.UUID(job_id)
        except (ValueError, TypeError):
            log.error("a task named no plan job (%r): dropped", job_id[:40])
            return
        JobExecution(
            engine, context, parsed, threading.Event(), lease, holder, options.hard_seconds
        ).run()

    app.task(name=TASK, acks_late=True, reject_on_worker_lost=True)(solve_plan_job)
    return app, engine


def _reap_forever(
    app: Celery, engine: Engine, lease: Lease, prefix: str, stop: threading.Event
) -> None:
    """Every half lease: queue again and send again the jobs of workers that are gone."""
    single, batch = queue_names(prefix)
    while not stop.wait(lease.stale_seconds / 2):
        try:
            for job_id in reap(engine, lease):
                with Session(engine) as session:
                    job = repository.get_job(session, job_id)
                queue = batch if job is not None and job.batch_id is not None else single
                app.send_task(TASK, args=[str(job_id)], queue=queue)
        except Exception:
            log.exception("the reaper of stale plan jobs failed; it tries again")


def run_worker(settings: Settings, options: WorkerOptions) -> None:
    """Run a worker until it is stopped (``SIGTERM``: it finishes the plans it holds first).

    Parameters
    ----------
    settings
        Broker, database, queue prefix, lease.
    options
        Concurrency, queues, hard time limit, node name.
    """
    app, engine = build_worker_app(settings, options)
    if settings.migrate_on_start:
        migrate(engine, settings)
    forkserver.ensure_running()  # from the main thread: the forkserver's parent lives on
    stop = threading.Event()
    reaper = threading.Thread(
        target=_reap_forever,
        args=(app, engine, lease_of(settings), settings.queue_prefix, stop),
        daemon=True,
    )
    reaper.start()
    queues = options.queues or queue_names(settings.queue_prefix)
    argv = [
        "worker",
        "--pool=threads",
        f"--concurrency={options.concurrency}",
        f"--queues={','.join(queues)}",
        "--without-gossip",
        "--without-mingle",
        "--loglevel=INFO",
    ]
    if options.name:
        argv.append(f"--hostname={options.name}")
    log.info("worker %s: %d at once, queues %s", worker_name(), options.concurrency, queues)
    try:
        app.worker_main(argv)
    finally:
        stop.set()
        engine.dispose()
