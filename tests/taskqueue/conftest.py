"""Fixtures of the task-queue tests: the local Redis, a database, real ``mulin worker`` processes.

The broker is the Redis server at 127.0.0.1:6379 (``MULIN_TEST_BROKER_URL`` names another);
every test gets queues of its own (a fresh prefix), so tests never take each other's jobs. The
database is ``MULIN_TEST_DATABASE_URL`` (PostgreSQL in CI's ``make test-queue``, emptied before
each test) or a fresh SQLite file. Without a reachable broker the tests skip, unless
``MULIN_QUEUE_REQUIRED=1`` (``make test-queue``, which CI runs): then they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from api.api_kit import make_settings
from api.conftest import database_url
from fastapi.testclient import TestClient

from service.api import create_app
from service.api.settings import Settings
from taskqueue.queue_kit import LEASE_SECONDS, WorkerProcess

BROKER_ENV = "MULIN_TEST_BROKER_URL"
REQUIRED_ENV = "MULIN_QUEUE_REQUIRED"
DEFAULT_BROKER = "redis://127.0.0.1:6379/0"
__all__ = ["database_url"]


@pytest.fixture(scope="session")
def broker_url() -> str:
    """The Redis broker; skips without one, fails when ``MULIN_QUEUE_REQUIRED=1``."""
    url = os.environ.get(BROKER_ENV, DEFAULT_BROKER)
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        reason = f"the queue tests need a Redis broker at {url}: {error}"
        if os.environ.get(REQUIRED_ENV) == "1":
            pytest.fail(f"{REQUIRED_ENV}=1: {reason}", pytrace=False)
        pytest.skip(reason)
    return url


@pytest.fixture
def queue_settings(broker_url: str, database_url: str) -> Iterator[Settings]:
    """Settings of a service that sends plan jobs to the queue, on queues of this test.

    The test's queues and bindings are deleted from Redis afterwards.
    """
    prefix = f"mulintest{uuid.uuid4().hex[:12]}"
    yield make_settings(
        database_url,
        broker_url=broker_url,
        queue_prefix=prefix,
        job_lease_seconds=LEASE_SECONDS,
    )
    client = redis.Redis.from_url(broker_url)
    for key in client.scan_iter(match=f"*{prefix}*"):
        client.delete(key)
    client.close()


@pytest.fixture
def queued_client(queue_settings: Settings) -> Iterator[TestClient]:
    """The started service of the test, its plan jobs going to the broker."""
    with TestClient(create_app(queue_settings)) as client:
        yield client


@pytest.fixture
def start_worker(
    queue_settings: Settings, tmp_path: Path
) -> Iterator[Callable[..., WorkerProcess]]:
    """Start real ``mulin worker`` processes on the test's queues; all stopped afterwards."""
    started: list[WorkerProcess] = []
    env = {key: value for key, value in os.environ.items() if not key.startswith("MULIN_")}
    assert queue_settings.broker_url is not None
    env.update(
        MULIN_DATABASE_URL=queue_settings.database_url,
        MULIN_BROKER_URL=queue_settings.broker_url,
        MULIN_QUEUE_PREFIX=queue_settings.queue_prefix,
        MULIN_JOB_LEASE_SECONDS=str(LEASE_SECONDS),
    )

    def start(concurrency: int = 1) -> WorkerProcess:
        worker = WorkerProcess(tmp_path / f"worker-{len(started)}.log", env, concurrency)
        started.append(worker)
        worker.wait_ready()
        return worker

    yield start
    for worker in started:
        worker.stop()
