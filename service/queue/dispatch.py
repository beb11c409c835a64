"""The service's side of the task queue: stored jobs are sent to Celery workers by id."""

from __future__ import annotations

import logging
import uuid

from kombu.exceptions import OperationalError
from sqlalchemy import Engine
from sqlmodel import Session

from service.api.execution import Lease, reap
from service.api.jobs import DispatchError
from service.queue.celery_app import TASK, make_celery, queue_names
from service.storage import repository

log = logging.getLogger("mulin.queue")


class QueueUnavailable(DispatchError):
    """The broker could not be reached to send a job."""


class QueueDispatcher:
    """Sends plan jobs to ``mulin worker`` processes through the broker.

    Parameters
    ----------
    engine
        The database, where the jobs' rows are.
    broker_url, prefix
        The broker and the queues' prefix (``MULIN_BROKER_URL``, ``MULIN_QUEUE_PREFIX``).
    lease
        When a running job counts as abandoned by its worker.
    """

    def __init__(self, engine: Engine, broker_url: str, prefix: str, lease: Lease) -> None:
        self._engine = engine
        self._celery = make_celery(broker_url, prefix)
        self._queues = queue_names(prefix)
        self._lease = lease

    def recover(self) -> None:
        """After a start: queue again what dead workers left, and send every waiting job.

        A job already in the broker is then there twice; the second copy finds it claimed
        and does nothing.
        """
        requeued = set(reap(self._engine, self._lease))
        with Session(self._engine) as session:
            for job_id in repository.job_ids_with_status(session, "queued"):
                job = repository.get_job(session, job_id)
                batch = job is not None and job.batch_id is not None
                try:
                    self.submit(job_id, batch=batch)
                except QueueUnavailable:
                    log.error("the broker is unreachable: queued jobs wait for the next start")
                    return
        if requeued:
            log.info("%d plan jobs of stopped workers queued again", len(requeued))

    def submit(self, job_id: uuid.UUID, *, batch: bool = False) -> None:
        """Send a stored, queued job to the workers.

        Raises
        ------
        QueueUnavailable
            When the broker cannot be reached (the caller fails the job).
        """
        queue = self._queues[1] if batch else self._queues[0]
        try:
            self._celery.send_task(TASK, args=[str(job_id)], queue=queue, retry=False)
        except (OperationalError, OSError) as error:
            raise QueueUnavailable(str(error)) from error

    def cancel(self, job_id: uuid.UUID) -> None:
        """Nothing to send: the worker sees the cancelled row.

        The worker holding the job reads it when it next renews its lease (every
        ``Lease.renew_seconds``) and kills the solve; a job still in the broker finds its row
        cancelled and is dropped.
        """

    def shutdown(self) -> None:
        """Close the broker connections (the workers go on)."""
        self._celery.close()
