"""Plan jobs on Celery: a real Redis broker, a real database and real ``mulin worker`` processes."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable
from typing import Any

from api.api_kit import WEEK, scenario_for
from fastapi.testclient import TestClient
from sqlmodel import Session

from service.api.auth import create_token
from service.checker import check_plan
from service.generator import generate_town
from service.storage import repository
from service.wire.plan import Plan
from service.wire.scenario import Scenario
from taskqueue.queue_kit import LEASE_SECONDS, WorkerProcess, session_processes, solver_children

STATIONS = ("queue-a", "queue-b", "queue-c")


def admin_header(client: TestClient) -> dict[str, str]:
    """A city administrator's token for the test's service, as a header."""
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with Session(engine) as session:
        _, secret = create_token(session, "city_admin", None)
    return {"Authorization": f"Bearer {secret}"}


def load_stations(
    client: TestClient, header: dict[str, str], count: int = 1, *, town: bool = False
) -> list[str]:
    """Store ``count`` stations; their ids.

    Each holds the tiny scenario, or with ``town`` a generated town that keeps a solver busy
    for its whole time limit.
    """
    for station in STATIONS[:count]:
        if town:
            data = generate_town(6, 150, 3, week_start=dt.date.fromisoformat(WEEK)).model_dump(
                mode="json", by_alias=True, exclude_none=True
            )
            data["station"]["id"] = station
        else:
            data = scenario_for(station)
        answer = client.put(f"/api/v1/stations/{station}/scenario", json=data, headers=header)
        assert answer.status_code == 200, answer.text
    return list(STATIONS[:count])


def job(client: TestClient, plan_id: str, header: dict[str, str]) -> dict[str, Any]:
    """The plan job as the API answers it."""
    answer = client.get(f"/api/v1/plans/{plan_id}", headers=header)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def wait_status(
    client: TestClient, plan_id: str, header: dict[str, str], wanted: set[str], seconds: float
) -> dict[str, Any]:
    """Poll a job until its status is one of ``wanted``; its answer."""
    deadline = time.monotonic() + seconds
    while True:
        body = job(client, plan_id, header)
        if body["status"] in wanted:
            return body
        assert time.monotonic() < deadline, f"plan {plan_id} still {body['status']}"
        time.sleep(0.1)


def request_plan(
    client: TestClient, header: dict[str, str], station: str, time_limit: float
) -> str:
    """Ask for a station's week; the job's id."""
    answer = client.post(
        f"/api/v1/stations/{station}/plans",
        json={"week_start": WEEK, "time_limit": time_limit},
        headers=header,
    )
    assert answer.status_code == 202, answer.text
    plan_id: str = answer.json()["id"]
    return plan_id


def assert_checked(client: TestClient, body: dict[str, Any]) -> None:
    """The stored plan is valid for the job's own scenario (the checker finds nothing)."""
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with Session(engine) as session:
        stored = repository.get_job(session, uuid.UUID(body["id"]))
    assert stored is not None
    plan = Plan.model_validate(body["plan"])
    assert check_plan(Scenario.model_validate_json(stored.scenario_json), plan) == []


def test_a_worker_solves_a_plan(
    queued_client: TestClient, start_worker: Callable[..., WorkerProcess]
) -> None:
    """A plan asked of the service is solved by a worker process, checked and stored."""
    header = admin_header(queued_client)
    (station,) = load_stations(queued_client, header)
    worker = start_worker()
    plan_id = request_plan(queued_client, header, station, 1.0)
    body = wait_status(queued_client, plan_id, header, {"done", "failed"}, 60)
    assert body["status"] == "done", body["error"]
    assert_checked(queued_client, body)
    worker.wait_for(f"plan job {plan_id} done", 10)


def test_cancel_reaches_the_worker_that_holds_the_job(
    queued_client: TestClient, start_worker: Callable[..., WorkerProcess]
) -> None:
    """A cancel stops the worker's solve within the lease renewal; the job stays cancelled."""
    header = admin_header(queued_client)
    (station,) = load_stations(queued_client, header, town=True)
    worker = start_worker()
    plan_id = request_plan(queued_client, header, station, 30.0)
    wait_status(queued_client, plan_id, header, {"running"}, 60)
    worker.wait_for(f"plan job {plan_id} running", 10)
    deadline = time.monotonic() + 10
    while len(solver_children(worker.process.pid)) != 1:
        assert time.monotonic() < deadline, "no solver child"
        time.sleep(0.05)
    cancelled = queued_client.delete(f"/api/v1/plans/{plan_id}", headers=header)
    assert cancelled.status_code == 200, cancelled.text
    worker.wait_for(f"plan job {plan_id} cancelled or taken over: stopped", 10)
    deadline = time.monotonic() + 10  # killed at once, reaped by its forkserver soon after
    while solver_children(worker.process.pid):
        assert time.monotonic() < deadline, "the cancelled job's solver process lives on"
        time.sleep(0.05)
    time.sleep(1)
    assert job(queued_client, plan_id, header)["status"] == "cancelled"


def test_a_killed_worker_s_job_is_finished_by_another(
    queued_client: TestClient, start_worker: Callable[..., WorkerProcess]
) -> None:
    """SIGKILL of the worker mid-solve: its solver dies too, another worker finishes the job."""
    header = admin_header(queued_client)
    (station,) = load_stations(queued_client, header, town=True)
    doomed = start_worker()
    plan_id = request_plan(queued_client, header, station, 6.0)
    doomed.wait_for(f"plan job {plan_id} running", 60)
    time.sleep(1)
    doomed.kill()
    deadline = time.monotonic() + 10
    while session_processes(doomed.process.pid):
        assert time.monotonic() < deadline, "the killed worker's solver children live on"
        time.sleep(0.1)
    assert job(queued_client, plan_id, header)["status"] == "running"
    rescuer = start_worker()
    rescuer.wait_for(f"plan job {plan_id}: its worker stopped renewing its lease", 30)
    body = wait_status(queued_client, plan_id, header, {"done", "failed"}, 90)
    assert body["status"] == "done", body["error"]
    assert_checked(queued_client, body)
    assert rescuer.text().count(f"plan job {plan_id} done") == 1
    assert f"plan job {plan_id} done" not in doomed.text()
    assert LEASE_SECONDS < 6


def test_a_batch_of_stations_is_planned_by_two_workers(
    queued_client: TestClient, start_worker: Callable[..., WorkerProcess]
) -> None:
    """A city batch: every station's job ends done, each stored once, shared by two workers."""
    header = admin_header(queued_client)
    stations = load_stations(queued_client, header, 3)
    workers = [start_worker(), start_worker()]
    answer = queued_client.post(
        "/api/v1/plans/batch", json={"week_start": WEEK, "time_limit": 1.0}, headers=header
    )
    assert answer.status_code == 202, answer.text
    url = answer.headers["Location"]
    deadline = time.monotonic() + 120
    while not (batch := queued_client.get(url, headers=header).json())["finished"]:
        assert time.monotonic() < deadline, batch["counts"]
        time.sleep(0.2)
    assert batch["counts"] == {"done": 3}
    assert [row["station_id"] for row in batch["stations"]] == stations
    logs = "".join(worker.text() for worker in workers)
    for row in batch["stations"]:
        assert_checked(queued_client, job(queued_client, row["plan_id"], header))
        assert logs.count(f"plan job {row['plan_id']} done") == 1
        assert row["urgent_coverage"] is not None


def test_a_single_plan_goes_before_a_waiting_batch(
    queued_client: TestClient, start_worker: Callable[..., WorkerProcess]
) -> None:
    """With one busy worker, a re-plan asked after a batch is solved before the batch's end."""
    header = admin_header(queued_client)
    stations = load_stations(queued_client, header, 3)
    worker = start_worker()
    batch = queued_client.post(
        "/api/v1/plans/batch", json={"week_start": WEEK, "time_limit": 2.0}, headers=header
    )
    assert batch.status_code == 202, batch.text
    worker.wait_for("running on", 30)
    single = request_plan(queued_client, header, stations[0], 1.0)
    wait_status(queued_client, single, header, {"done"}, 60)
    rows = queued_client.get(batch.headers["Location"], headers=header).json()["stations"]
    assert sum(row["status"] == "done" for row in rows) <= 2, [r["status"] for r in rows]
