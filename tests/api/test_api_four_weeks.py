"""Four weeks of a generated station through the API: plan, record, carry over, assess."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from typing import Any

from fastapi.testclient import TestClient

from api.api_kit import Tokens, wait_for_plan
from service.generator import generate_town

STATION = "walk-town"
MONDAYS = [dt.date(2026, 11, 2) + dt.timedelta(days=7 * k) for k in range(4)]
REASONS = ("household_away", "refused", "worker_absent", "weather", "other")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def outcome(index: int) -> dict[str, Any] | None:
    """What the test records for the index-th visit of a week (None: nothing is recorded)."""
    if index % 11 == 3:
        return None
    if index % 5 == 0:
        return {"status": "missed", "missed_reason": REASONS[index % len(REASONS)]}
    if index % 7 == 1:
        return {"status": "partly_done", "actual_minutes": 20, "resources_given": []}
    return {"status": "done"}


def minutes(visit: dict[str, Any]) -> int:
    """Planned minutes of a visit."""
    start, end = (int(t[:2]) * 60 + int(t[3:]) for t in (visit["start"], visit["end"]))
    return end - start


def test_four_weeks_plan_record_carry_and_assess(client: TestClient, tokens: Tokens) -> None:
    """Each week carries exactly what the week before left undone; the KPIs and ledger add up."""
    admin = tokens.header("admin")
    scenario = generate_town(4, 45, 77, week_start=MONDAYS[0]).model_dump(
        mode="json", by_alias=True, exclude_none=True
    )
    scenario["station"]["id"] = STATION
    assert (
        client.put(f"/api/v1/stations/{STATION}/scenario", json=scenario, headers=admin).status_code
        == 200
    )
    roles = {w["id"]: w["role"] for w in scenario["workers"]}
    expected: Counter[str] = Counter()
    hours = 0.0
    paired = 0
    left_undone: set[tuple[str, int]] = set()
    for monday in MONDAYS:
        answer = client.post(
            f"/api/v1/stations/{STATION}/plans",
            json={"week_start": monday.isoformat(), "time_limit": 2},
            headers=admin,
        )
        assert answer.status_code == 202, answer.text
        job = wait_for_plan(client, answer.json()["id"], admin, timeout=90)
        assert job["status"] == "done", job["error"]
        carried = {(c["from_need_id"], c["visit"]) for c in job["carried_over"]}
        assert carried == left_undone, monday
        left_undone = set()
        for index, visit in enumerate(job["plan"]["visits"]):
            body = outcome(index)
            expected["planned"] += 1
            key = (visit["need_id"], visit["visit"])
            if body is None:
                expected["not_recorded"] += 1
                left_undone.add(key)
                continue
            put = client.put(
                f"/api/v1/plans/{job['id']}/records/{visit['need_id']}/{visit['visit']}",
                json=body,
                headers=admin,
            )
            assert put.status_code == 201, put.text
            expected[body["status"]] += 1
            if body["status"] == "missed":
                left_undone.add(key)
                continue
            if body["status"] == "partly_done" and visit["resources"]:
                left_undone.add(key)
            spent = body.get("actual_minutes", minutes(visit)) / 60
            hours += spent
            team = [roles[w] for w in visit["worker_ids"]]
            paired += "social_worker" in team and "volunteer" in team
    kpis = client.get(
        f"/api/v1/stations/{STATION}/kpis",
        params={"from": "2026-11-01", "to": "2026-11-30"},
        headers=admin,
    )
    assert kpis.status_code == 200, kpis.text
    body = kpis.json()
    assert [m["month"] for m in body["months"]] == ["2026-11"]
    town = body["months"][0]["town"]
    assert town["visits_planned"] == expected["planned"]
    assert town["visits_done"] == expected["done"]
    assert town["visits_partly_done"] == expected["partly_done"]
    assert town["visits_missed"] == expected["missed"]
    assert town["visits_not_recorded"] == expected["not_recorded"]
    assert abs(town["hours"] - hours) < 0.05
    assert town["paired_visits"] == paired
    villages = body["months"][0]["villages"]
    assert sum(v["visits_planned"] for v in villages.values()) == expected["planned"]
    assert body["total"]["town"] == town
    assert body["archive"]["households"] == len({n["household"] for n in scenario["needs"]})
    assert body["archive"]["assessment_overdue_share"] == 1.0  # no assessment dates given
    ledger = client.get(
        f"/api/v1/stations/{STATION}/ledger.csv", params={"month": "2026-11"}, headers=admin
    )
    assert ledger.status_code == 200, ledger.text
    lines = list(csv.reader(io.StringIO(ledger.content.decode("utf-8-sig"))))
    status = lines[0].index("状态")
    words = {
        "done": "已完成",
        "partly_done": "部分完成",
        "missed": "未完成",
        "not_recorded": "未记录",
    }
    assert Counter(line[status] for line in lines[1:]) == Counter(
        {word: expected[key] for key, word in words.items()}
    )
    city = client.get(
        "/api/v1/kpis", params={"from": "2026-11-01", "to": "2026-11-30"}, headers=admin
    ).json()
    assert city["stations"][STATION] == town
    coordinator = tokens.header("coordinator_a")
    assert (
        client.get(
            f"/api/v1/stations/{STATION}/kpis",
            params={"from": "2026-11-01", "to": "2026-11-30"},
            headers=coordinator,
        ).status_code
        == 404
    )
    assert (
        client.get(
            "/api/v1/kpis", params={"from": "2026-11-01", "to": "2026-11-30"}, headers=coordinator
        ).status_code
        == 403
    )
    too_long = client.get(
        f"/api/v1/stations/{STATION}/kpis",
        params={"from": "2026-01-01", "to": "2027-12-31"},
        headers=admin,
    )
    assert too_long.status_code == 422
