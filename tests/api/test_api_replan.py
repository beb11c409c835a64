"""Re-planning over HTTP: ``POST /api/v1/plans/{id}/replan`` keeps the past, lists changes."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from api.api_kit import STATION_A, WEEK, Tokens, scenario_for, wait_for_plan
from service.checker import check_plan
from service.wire.plan import Plan
from service.wire.scenario import Scenario

PLANS = f"/api/v1/stations/{STATION_A}/plans"
FAST = {"time_limit": 1.0, "options": {"seed": 7, "workers": 1}}


def done_plan(client: TestClient, tokens: Tokens) -> dict[str, Any]:
    """A done plan of station A's week, asked for by its coordinator."""
    answer = client.post(
        PLANS, json={"week_start": WEEK, **FAST}, headers=tokens.header("coordinator_a")
    )
    assert answer.status_code == 202, answer.text
    job = wait_for_plan(client, answer.json()["id"], tokens.header("coordinator_a"))
    assert job["status"] == "done", job
    return job


def replan(client: TestClient, tokens: Tokens, plan_id: str, body: dict[str, Any], who: str) -> Any:
    """Post a re-plan request as ``who``."""
    return client.post(
        f"/api/v1/plans/{plan_id}/replan", json={**FAST, **body}, headers=tokens.header(who)
    )


def test_replan_keeps_monday_and_lists_the_absent_workers_visits(
    stations: TestClient, tokens: Tokens
) -> None:
    """A worker absent from Tuesday: Monday stays, the re-plan is valid, changes say why."""
    base = done_plan(stations, tokens)
    answer = replan(
        stations,
        tokens,
        base["id"],
        {"absent": [{"worker_id": "li01", "from_day": "tue"}]},
        "coordinator_a",
    )
    assert answer.status_code == 202, answer.text
    job = wait_for_plan(stations, answer.json()["id"], tokens.header("viewer_a"))
    assert job["status"] == "done", job
    assert job["base_plan_id"] == base["id"]
    plan = Plan.model_validate(job["plan"])
    old = Plan.model_validate(base["plan"])
    monday = {(v.need_id, v.visit, v.start) for v in old.visits if v.day == "mon"}
    assert monday <= {(v.need_id, v.visit, v.start) for v in plan.visits}
    assert not [v for v in plan.visits if v.day != "mon" and "li01" in v.worker_ids]
    week = Scenario.model_validate(scenario_for(STATION_A))
    assert check_plan(week, plan, replan=True) == []
    lost = [v for v in old.visits if v.day != "mon" and "li01" in v.worker_ids]
    reasons = {(c["need_id"], c["before"]["day"]): c["reason"] for c in job["changes"]["changes"]}
    assert lost and all(reasons[(v.need_id, v.day)] == "worker_absent" for v in lost)


def test_replan_of_an_unknown_worker_is_422_with_the_path(
    stations: TestClient, tokens: Tokens
) -> None:
    """An unknown absent worker gets 422 naming absent[0].worker_id; no job is made."""
    base = done_plan(stations, tokens)
    body = {"absent": [{"worker_id": "nobody", "from_day": "tue"}]}
    answer = replan(stations, tokens, base["id"], body, "coordinator_a")
    assert answer.status_code == 422
    problems = answer.json()["detail"]
    assert any(p["path"] == "absent[0].worker_id" for p in problems), problems
    listed = stations.get(PLANS, headers=tokens.header("coordinator_a")).json()
    assert listed["count"] == 1


def test_replan_of_a_plan_not_done_is_409(stations: TestClient, tokens: Tokens) -> None:
    """A queued or running plan cannot be re-planned yet."""
    answer = stations.post(
        PLANS,
        json={"week_start": WEEK, "time_limit": 30.0},
        headers=tokens.header("coordinator_a"),
    )
    plan_id = answer.json()["id"]
    refused = replan(stations, tokens, plan_id, {}, "coordinator_a")
    assert refused.status_code == 409
    stations.delete(f"/api/v1/plans/{plan_id}", headers=tokens.header("coordinator_a"))


def test_other_station_and_viewers_cannot_replan(stations: TestClient, tokens: Tokens) -> None:
    """Station B's coordinator gets 404 and station A's viewer 403; nothing is queued."""
    base = done_plan(stations, tokens)
    body = {"absent": [{"worker_id": "li01", "from_day": "tue"}]}
    assert replan(stations, tokens, base["id"], body, "coordinator_b").status_code == 404
    assert replan(stations, tokens, base["id"], body, "viewer_b").status_code == 404
    assert replan(stations, tokens, base["id"], body, "viewer_a").status_code == 403
    listed = stations.get(PLANS, headers=tokens.header("admin")).json()
    assert listed["count"] == 1
