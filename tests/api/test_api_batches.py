"""A city's week in one request: POST /plans/batch and its batch resource (embedded pool)."""

from __future__ import annotations

import time
import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.api_kit import STATION_A, STATION_B, WEEK, Tokens
from service.api.jobs import WaitingJobs
from service.api.models import BatchPublic
from service.storage import repository

BATCH_URL = "/api/v1/plans/batch"


def wait_for_batch(client: TestClient, url: str, tokens: Tokens) -> dict[str, Any]:
    """Poll a batch until every station's job has ended; its last answer."""
    deadline = time.monotonic() + 60
    while True:
        answer = client.get(url, headers=tokens.header("admin"))
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        if body["finished"]:
            return body
        assert time.monotonic() < deadline, body["counts"]
        time.sleep(0.1)


def test_a_batch_plans_every_station_and_reports_each(stations: TestClient, tokens: Tokens) -> None:
    """Every station gets a done plan; an unknown station is refused and named."""
    answer = stations.post(
        BATCH_URL,
        json={
            "week_start": WEEK,
            "time_limit": 1,
            "station_ids": [STATION_B, "nowhere", STATION_A],
        },
        headers=tokens.header("admin"),
    )
    assert answer.status_code == 202, answer.text
    started = BatchPublic.model_validate(answer.json())
    assert answer.headers["Location"] == f"{BATCH_URL}/{started.id}"
    assert [row.station_id for row in started.stations] == sorted([STATION_A, STATION_B, "nowhere"])
    body = wait_for_batch(stations, answer.headers["Location"], tokens)
    rows = {row["station_id"]: row for row in body["stations"]}
    assert body["counts"] == {"done": 2, "refused": 1}
    assert rows["nowhere"]["plan_id"] is None and rows["nowhere"]["error"] == "no such station"
    for station in (STATION_A, STATION_B):
        plan = stations.get(
            f"/api/v1/plans/{rows[station]['plan_id']}", headers=tokens.header("admin")
        ).json()
        assert plan["station_id"] == station and plan["status"] == "done"
        metrics = plan["plan"]["metrics"]
        urgent = sum(metrics["requested_by_priority"].get(p, 0) for p in ("1", "2"))
        served = sum(metrics["planned_by_priority"].get(p, 0) for p in ("1", "2"))
        assert rows[station]["urgent_coverage"] == (served / urgent if urgent else None)
        assert rows[station]["unmet"] == len(plan["plan"]["unmet"])
        assert rows[station]["visits_planned"] == metrics["visits_planned"]


def test_a_batch_without_a_list_takes_every_station(stations: TestClient, tokens: Tokens) -> None:
    """No station_ids: one job per stored station."""
    answer = stations.post(
        BATCH_URL, json={"week_start": WEEK, "time_limit": 1}, headers=tokens.header("admin")
    )
    assert answer.status_code == 202, answer.text
    body = wait_for_batch(stations, answer.headers["Location"], tokens)
    assert [row["station_id"] for row in body["stations"]] == [STATION_A, STATION_B]


def test_only_a_city_admin_plans_or_reads_a_batch(stations: TestClient, tokens: Tokens) -> None:
    """A coordinator gets 403 for a batch and 404 for another's batch; a bad week is 422."""
    refused = stations.post(
        BATCH_URL, json={"week_start": WEEK}, headers=tokens.header("coordinator_a")
    )
    assert refused.status_code == 403
    not_monday = stations.post(
        BATCH_URL, json={"week_start": "2026-11-24"}, headers=tokens.header("admin")
    )
    assert not_monday.status_code == 422 and "week_start" in not_monday.text
    made = stations.post(
        BATCH_URL, json={"week_start": WEEK, "time_limit": 1}, headers=tokens.header("admin")
    )
    url = made.headers["Location"]
    assert stations.get(url, headers=tokens.header("coordinator_a")).status_code == 404
    assert (
        stations.get(f"{BATCH_URL}/{uuid.uuid4()}", headers=tokens.header("admin")).status_code
        == 404
    )
    wait_for_batch(stations, url, tokens)


def test_single_plans_go_before_batch_jobs() -> None:
    """The embedded pool hands out a single plan before batch jobs that were queued first."""
    waiting = WaitingJobs()
    first, second, single, later = (uuid.uuid4() for _ in range(4))
    waiting.put(first, batch=True)
    waiting.put(second, batch=True)
    waiting.put(single, batch=False)
    waiting.put(later, batch=False)
    assert [waiting.take() for _ in range(4)] == [single, later, first, second]
    waiting.put(first, batch=True)
    waiting.close(1)
    assert waiting.take() is None


def test_jobs_of_a_batch_are_stored_with_it(stations: TestClient, tokens: Tokens) -> None:
    """Each job row names its batch, and a done job keeps its summary."""
    made = stations.post(
        BATCH_URL, json={"week_start": WEEK, "time_limit": 1}, headers=tokens.header("admin")
    )
    body = wait_for_batch(stations, made.headers["Location"], tokens)
    engine = stations.app.state.engine  # type: ignore[attr-defined]
    with Session(engine) as session:
        jobs = repository.batch_jobs(session, uuid.UUID(body["id"]))
    assert {job.station_id for job in jobs} == {STATION_A, STATION_B}
    assert all(job.summary_json is not None and job.attempts == 1 for job in jobs)
    assert all(job.cpu_seconds is not None and job.cpu_seconds > 0 for job in jobs)
