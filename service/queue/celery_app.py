"""The Celery app of Mulin's task queue: two queues and one task, ``mulin.solve_plan_job``.

The broker carries job ids only; the job's row in the database is its whole state (the exact
scenario, the status, the lease, the plan). The queue is set up for jobs that must not be lost:
a message is acknowledged only when its task has ended (``acks_late``), a task whose worker
process died is given back to the broker (``reject_on_worker_lost``), and each worker thread
takes one message at a time (prefetch 1), so that a waiting job is never held by a busy worker.
Two queues, ``<prefix>.plans`` (single plans and re-plans) and ``<prefix>.batch`` (a city's
jobs), are consumed in turn by every worker: a batch of a thousand stations delays a
coordinator's re-plan by one job per worker slot at most.
"""

from __future__ import annotations

from celery import Celery

TASK = "mulin.solve_plan_job"


def queue_names(prefix: str) -> tuple[str, str]:
    """The queues of single plans and of batch jobs."""
    return f"{prefix}.plans", f"{prefix}.batch"


def make_celery(broker_url: str, prefix: str) -> Celery:
    """A Celery app on this broker, with Mulin's reliability settings.

    Parameters
    ----------
    broker_url
        ``redis://…`` or ``amqp://…``.
    prefix
        Names the queues (``<prefix>.plans``, ``<prefix>.batch``).

    Returns
    -------
    Celery
        Not registered as the current app; the worker registers the task on it.
    """
    single, batch = queue_names(prefix)
    app = Celery("mulin", broker=broker_url, set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_ignore_result=True,
        worker_prefetch_multiplier=1,
        task_default_queue=single,
        task_create_missing_queues=True,
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=5,
        worker_hijack_root_logger=False,
        worker_cancel_long_running_tasks_on_connection_loss=False,
        task_serializer="json",
        accept_content=["json"],
        # Redis gives an unacknowledged message to another worker after this long; a worker
        # that died is noticed sooner by its job's lease (service.api.execution).
        broker_transport_options={"visibility_timeout": 3600},
    )
    del batch  # the worker names the queues it consumes
    return app
