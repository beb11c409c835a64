"""Plan jobs: requested over HTTP, solved in the pool, polled, cancelled, recovered on restart."""

from __future__ import annotations

import datetime as dt
import faulthandler
import hashlib
import json
import os
import time
import uuid
from importlib.metadata import version
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.api_kit import (
    ROOT,
    STATION_A,
    WEEK,
    Tokens,
    make_settings,
    scenario_for,
    tiny,
    wait_for_plan,
)
from service.api import create_app, jobs, solving
from service.api.auth import create_token
from service.api.execution import TOO_MANY_ATTEMPTS, Lease
from service.api.jobs import new_job
from service.checker import check_plan
from service.loading import parse_scenario
from service.storage import repository
from service.storage.models import utcnow
from service.wire.plan import Plan
from service.wire.scenario import Scenario

PLANS = f"/api/v1/stations/{STATION_A}/plans"


def request_plan(client: TestClient, tokens: Tokens, **body: Any) -> str:
    """Ask for a plan of station A's week as its coordinator; the job's id."""
    payload = {"week_start": WEEK, "time_limit": 1.0, "options": {"seed": 7, "workers": 1}} | body
    answer = client.post(PLANS, json=payload, headers=tokens.header("coordinator_a"))
    assert answer.status_code == 202, answer.text
    assert answer.headers["location"] == f"/api/v1/plans/{answer.json()['id']}"
    job_id: str = answer.json()["id"]
    return job_id


def test_plan_of_tiny_is_done_and_valid(stations: TestClient, tokens: Tokens) -> None:
    """A plan requested over HTTP completes, passes the checker and reaches tiny's optimum."""
    job = wait_for_plan(stations, request_plan(stations, tokens), tokens.header("viewer_a"))
    assert job["status"] == "done", job
    assert job["progress"] == 1.0
    plan = Plan.model_validate(job["plan"])
    scenario = Scenario.model_validate(tiny())
    assert check_plan(scenario, plan) == []
    assert plan.metrics.planned_by_priority == {"1": 2, "2": 3, "3": 1}


def test_job_keeps_what_replays_it(stations: TestClient, tokens: Tokens) -> None:
    """The job stores the exact scenario text, its SHA-256, seed, workers and OR-Tools version."""
    job_id = request_plan(stations, tokens, options={"seed": 11, "workers": 1, "language": "en"})
    answer = wait_for_plan(stations, job_id, tokens.header("coordinator_a"))
    with Session(stations.app.state.engine) as session:  # type: ignore[attr-defined]
        job = repository.get_job(session, uuid.UUID(job_id))
    assert job is not None
    assert job.scenario_sha256 == hashlib.sha256(job.scenario_json.encode()).hexdigest()
    assert answer["scenario_sha256"] == job.scenario_sha256
    assert (job.seed, job.workers, job.language) == (11, 1, "en")
    assert job.ortools_version == version("ortools") == answer["ortools_version"]
    solved = parse_scenario(job.scenario_json)
    assert solved.model_dump() == Scenario.model_validate(tiny()).model_dump()
    plan = Plan.model_validate(answer["plan"])
    assert (plan.solver.seed, plan.solver.workers) == (11, 1)
    assert Plan.model_validate_json(job.plan_json or "") == plan


def test_one_shot_plan(stations: TestClient, tokens: Tokens) -> None:
    """POST /plans with a whole scenario plans it without touching any archive."""
    scenario = tiny()
    scenario["station"]["id"] = "scratch"
    answer = stations.post(
        "/api/v1/plans",
        json={"scenario": scenario, "time_limit": 1.0, "options": {"workers": 1}},
        headers=tokens.header("coordinator_a"),
    )
    assert answer.status_code == 202, answer.text
    job = wait_for_plan(stations, answer.json()["id"], tokens.header("coordinator_a"))
    assert job["status"] == "done"
    assert job["station_id"] is None
    assert check_plan(Scenario.model_validate(scenario), Plan.model_validate(job["plan"])) == []
    missing = stations.get("/api/v1/stations/scratch", headers=tokens.header("admin"))
    assert missing.status_code == 404


def test_one_shot_with_a_bad_scenario_is_422(client: TestClient, tokens: Tokens) -> None:
    """A one-shot scenario's problems are reported under scenario.…, shape and references."""
    scenario = tiny()
    scenario["needs"][3]["village"] = "v99"
    scenario["needs"][0]["priority"] = 9
    answer = client.post(
        "/api/v1/plans", json={"scenario": scenario}, headers=tokens.header("admin")
    )
    assert answer.status_code == 422
    assert [p["path"] for p in answer.json()["detail"]] == ["scenario.needs[0].priority"]
    scenario["needs"][0]["priority"] = 1
    answer = client.post(
        "/api/v1/plans", json={"scenario": scenario}, headers=tokens.header("admin")
    )
    assert {p["path"]: p["msg"] for p in answer.json()["detail"]} == {
        "scenario.needs[3].village": "unknown village 'v99'"
    }


def test_bad_plan_requests_are_422(stations: TestClient, tokens: Tokens) -> None:
    """A week that is no Monday, a time limit or worker count beyond the limits: 422."""
    header = tokens.header("coordinator_a")
    cases = {
        "week_start": {"week_start": "2026-11-24"},
        "time_limit": {"week_start": WEEK, "time_limit": 3600},
        "options.workers": {"week_start": WEEK, "options": {"workers": 9}},
        "options.seed": {"week_start": WEEK, "options": {"seed": -1}},
    }
    for path, body in cases.items():
        answer = stations.post(PLANS, json=body, headers=header)
        assert answer.status_code == 422, path
        assert answer.json()["detail"][0]["path"] == path


def test_plan_of_an_empty_station_is_409(client: TestClient, tokens: Tokens) -> None:
    """A station without villages cannot be planned yet: 409."""
    body = {"id": STATION_A, "name": "站", "location": {"lat": 31.7, "lon": 120.8}}
    assert (
        client.post("/api/v1/stations", json=body, headers=tokens.header("admin")).status_code
        == 201
    )
    answer = client.post(PLANS, json={"week_start": WEEK}, headers=tokens.header("admin"))
    assert answer.status_code == 409


def test_cancel_running_and_queued_plans(stations: TestClient, tokens: Tokens) -> None:
    """DELETE cancels a running plan (the pool is freed) and a queued one; done ones get 409."""
    town = json.loads((ROOT / "scenarios" / "town-25.json").read_text(encoding="utf-8"))
    header = tokens.header("coordinator_a")
    big = stations.post(
        "/api/v1/plans", json={"scenario": town, "time_limit": 20.0}, headers=header
    ).json()["id"]
    queued = request_plan(stations, tokens)
    deadline = time.monotonic() + 10
    while stations.get(f"/api/v1/plans/{big}", headers=header).json()["status"] != "running":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    cancelled = stations.delete(f"/api/v1/plans/{queued}", headers=header)
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    started = time.monotonic()
    assert stations.delete(f"/api/v1/plans/{big}", headers=header).json()["status"] == "cancelled"
    after = request_plan(stations, tokens)
    assert wait_for_plan(stations, after, header)["status"] == "done"
    assert time.monotonic() - started < 15
    assert wait_for_plan(stations, big, header)["status"] == "cancelled"
    assert wait_for_plan(stations, queued, header)["plan"] is None
    assert stations.delete(f"/api/v1/plans/{after}", headers=header).status_code == 409


def test_unknown_plan_is_404(client: TestClient, tokens: Tokens) -> None:
    """A plan id nobody has is 404; a malformed one 422."""
    header = tokens.header("admin")
    assert client.get(f"/api/v1/plans/{uuid.uuid4()}", headers=header).status_code == 404
    assert client.get("/api/v1/plans/not-a-uuid", headers=header).status_code == 422


def test_listing_a_stations_plans(stations: TestClient, tokens: Tokens) -> None:
    """GET /stations/{id}/plans lists the station's jobs, newest first, without plans."""
    first = request_plan(stations, tokens)
    wait_for_plan(stations, first, tokens.header("admin"))
    second = request_plan(stations, tokens)
    listed = stations.get(PLANS, headers=tokens.header("viewer_a")).json()
    assert [job["id"] for job in listed["data"]] == [second, first]
    assert all(job["plan"] is None for job in listed["data"])


def test_restart_reruns_queued_and_abandoned_jobs(database_url: str) -> None:
    """After a restart, queued and abandoned running jobs are solved; one tried too often fails."""
    settings = make_settings(database_url)
    with TestClient(create_app(settings)) as client:
        engine = client.app.state.engine  # type: ignore[attr-defined]
        scenario = Scenario.model_validate(tiny())
        with Session(engine) as session:
            jobs = [
                new_job(
                    scenario,
                    station_id=None,
                    token_id="tok_test",
                    time_limit=1.0,
                    seed=0,
                    workers=1,
                    language="zh",
                )
                for _ in range(3)
            ]
            for job in jobs[1:]:
                job.status, job.claimed_by = "running", "gone-host:1"
                job.heartbeat_at = utcnow() - dt.timedelta(seconds=settings.job_lease_seconds + 1)
            jobs[1].attempts, jobs[2].attempts = 1, Lease().max_attempts
            session.add_all(jobs)
            session.commit()
            queued, abandoned, worn_out = (job.id for job in jobs)
    with TestClient(create_app(settings)) as client:
        engine = client.app.state.engine  # type: ignore[attr-defined]
        deadline = time.monotonic() + 60
        while True:
            with Session(engine) as session:
                found = [repository.get_job(session, i) for i in (queued, abandoned, worn_out)]
            assert all(job is not None for job in found)
            first, second, third = (job for job in found if job is not None)
            if first.status == second.status == "done":
                break
            assert time.monotonic() < deadline, (first.status, second.status)
            time.sleep(0.05)
        assert second.attempts == 2 and second.claimed_by != "gone-host:1"
        assert (third.status, third.error) == (
            "failed",
            TOO_MANY_ATTEMPTS.format(attempts=Lease().max_attempts),
        )
        assert first.plan_json is not None


def test_shutdown_puts_a_running_plan_back_in_the_queue(database_url: str) -> None:
    """An orderly stop abandons a running plan and leaves it queued for the next start."""
    town = json.loads((ROOT / "scenarios" / "town-25.json").read_text(encoding="utf-8"))
    settings = make_settings(database_url)
    with TestClient(create_app(settings)) as client:
        engine = client.app.state.engine  # type: ignore[attr-defined]
        with Session(engine) as session:
            _, secret = create_token(session, "city_admin", None)
        header = {"Authorization": f"Bearer {secret}"}
        job_id = client.post(
            "/api/v1/plans", json={"scenario": town, "time_limit": 20.0}, headers=header
        ).json()["id"]
        deadline = time.monotonic() + 10
        while client.get(f"/api/v1/plans/{job_id}", headers=header).json()["status"] != "running":
            assert time.monotonic() < deadline
            time.sleep(0.05)
        stopping = time.monotonic()
    assert time.monotonic() - stopping < 15
    with Session(create_app(settings).state.engine) as session:
        job = repository.get_job(session, uuid.UUID(job_id))
    assert job is not None
    assert (job.status, job.plan_json) == ("queued", None)


def _abort(*_: object) -> None:
    """Stand-in for the planner that dies the way a native solver failure does."""
    faulthandler.disable()
    os.abort()


def admin_header(client: TestClient) -> dict[str, str]:
    """A fresh city_admin token of a started app, as a header."""
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        _, secret = create_token(session, "city_admin", None)
    return {"Authorization": f"Bearer {secret}"}


def test_a_crashing_solver_fails_its_job_and_the_service_stays_up(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A solver process killed by SIGABRT fails its job with a message; the service answers."""
    monkeypatch.setattr(jobs, "START_METHOD", "fork")
    monkeypatch.setattr(solving, "plan_week", _abort)
    with TestClient(create_app(make_settings(database_url))) as client:
        header = admin_header(client)
        asked = client.post(
            "/api/v1/plans", json={"scenario": tiny(), "time_limit": 1.0}, headers=header
        )
        assert asked.status_code == 202, asked.text
        job = wait_for_plan(client, asked.json()["id"], header)
        assert job["status"] == "failed"
        assert "stopped unexpectedly" in job["error"]
        assert client.get("/api/v1/health").json() == {"status": "ok"}


def test_plan_of_an_inconsistent_archive_is_done_warned_and_valid(
    stations: TestClient, tokens: Tokens
) -> None:
    """A stored archive with inconsistent records is planned: valid, warned, true reasons."""
    scenario = scenario_for(STATION_A)
    scenario["needs"][2]["groups"] = ["migrant"]
    scenario["needs"][1]["duration_minutes"] = 300
    put = stations.put(
        f"/api/v1/stations/{STATION_A}/scenario", json=scenario, headers=tokens.header("admin")
    )
    assert put.status_code == 200, put.text
    job = wait_for_plan(stations, request_plan(stations, tokens), tokens.header("viewer_a"))
    assert job["status"] == "done", job
    plan = Plan.model_validate(job["plan"])
    assert check_plan(Scenario.model_validate(scenario | {"week_start": WEEK}), plan) == []
    assert [(w.code, w.path) for w in plan.warnings] == [
        ("window_too_short", "needs[1].window"),
        ("not_eligible", "needs[2].resources[0].id"),
    ]
    reasons = {u.need_id: {r.code for r in u.reasons} for u in plan.unmet}
    assert reasons["n002"] == {"window_too_short"}
    assert "not_eligible" in reasons["n003"]
