"""Four weeks of a generated station through the API: plan, record, carry over, assess."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.api_kit import Tokens, wait_for_plan
from service.api.auth import create_token
from service.generator import generate_town

STATION = "walk-town"
FIRST = dt.date.today() + dt.timedelta(days=7 - dt.date.today().weekday())
MONDAYS = [FIRST + dt.timedelta(days=7 * k) for k in range(4)]
"""Four coming weeks, so that the workers' phone links of every week are still valid."""
LAST = MONDAYS[-1] + dt.timedelta(days=6)
ORIGIN = {"Origin": "http://testserver"}
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


def phone_links(client: TestClient, header: dict[str, str], plan_id: str) -> dict[str, str]:
    """Every worker's phone link of a plan."""
    answer = client.get(f"/api/v1/plans/{plan_id}/calendars", headers=header)
    assert answer.status_code == 200, answer.text
    return {feed["worker_id"]: feed["record_url"] for feed in answer.json()["data"]}


def sign_in_coordinator(client: TestClient) -> str:
    """Sign the client into the console as the walk town's coordinator; the token's id."""
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        row, secret = create_token(session, "station_coordinator", STATION)
    answer = client.post("/login", data={"token": secret}, headers=ORIGIN, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return row.id


def test_four_weeks_plan_record_carry_and_assess(client: TestClient, tokens: Tokens) -> None:
    """Each week carries exactly what the week before left undone; the figures add up.

    Visits are recorded by the coordinator (API and the console's form on the plan page) and by
    the workers from their phone links;
    the weeks are still to come, so unrecorded visits are within the grace and stay.
    """
    admin = tokens.header("admin")
    scenario = generate_town(4, 45, 77, week_start=MONDAYS[0]).model_dump(
        mode="json", by_alias=True, exclude_none=True
    )
    scenario["station"]["id"] = STATION
    assert (
        client.put(f"/api/v1/stations/{STATION}/scenario", json=scenario, headers=admin).status_code
        == 200
    )
    console_token = sign_in_coordinator(client)
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
        links = phone_links(client, admin, job["id"])
        for index, visit in enumerate(job["plan"]["visits"]):
            body = outcome(index)
            expected["planned"] += 1
            key = (visit["need_id"], visit["visit"])
            if body is None:
                expected["not_recorded"] += 1
                continue
            form = {"need_id": visit["need_id"], "visit": str(visit["visit"]), **body}
            if index % 3 == 2 and body["status"] != "partly_done":
                worker = visit["worker_ids"][0]
                sent = client.post(links[worker], data=form, headers=ORIGIN, follow_redirects=False)
                assert sent.status_code == 303, sent.text
                expected["by_phone"] += 1
            elif index % 3 == 1 and body["status"] != "partly_done":
                console_form = {"missed_reason": "", "actual_minutes": "", "note": "", **form}
                sent = client.post(
                    f"/plans/{job['id']}/records",
                    data=console_form,
                    headers=ORIGIN,
                    follow_redirects=False,
                )
                assert sent.status_code == 303, sent.text
                expected["by_console"] += 1
            else:
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
        stored = client.get(f"/api/v1/plans/{job['id']}/records", headers=admin).json()["data"]
        expected["phone_records"] += sum(r["recorded_by"].startswith("worker:") for r in stored)
        expected["console_records"] += sum(r["recorded_by"] == console_token for r in stored)
    assert expected["phone_records"] == expected["by_phone"] > 0
    assert expected["console_records"] == expected["by_console"] > 0
    span = {"from": MONDAYS[0].isoformat(), "to": LAST.isoformat()}
    kpis = client.get(f"/api/v1/stations/{STATION}/kpis", params=span, headers=admin)
    assert kpis.status_code == 200, kpis.text
    body = kpis.json()
    town = body["total"]["town"]
    months = [m["town"] for m in body["months"]]
    for name in ("visits_planned", "visits_done", "visits_missed", "paired_visits"):
        assert sum(m[name] for m in months) == town[name], name
    assert town["visits_planned"] == expected["planned"]
    assert town["visits_done"] == expected["done"]
    assert town["visits_partly_done"] == expected["partly_done"]
    assert town["visits_missed"] == expected["missed"]
    assert town["visits_not_recorded"] == expected["not_recorded"]
    assert abs(town["hours"] - hours) < 0.05
    assert town["paired_visits"] == paired
    villages = body["total"]["villages"]
    assert sum(v["visits_planned"] for v in villages.values()) == expected["planned"]
    assert body["archive"]["households"] == len({n["household"] for n in scenario["needs"]})
    assert body["archive"]["assessment_overdue_share"] == 1.0  # no assessment dates given
    months_touched = sorted({f"{d.year:04d}-{d.month:02d}" for d in (MONDAYS[0], LAST)})
    statuses: Counter[str] = Counter()
    for month in months_touched:
        ledger = client.get(
            f"/api/v1/stations/{STATION}/ledger.csv", params={"month": month}, headers=admin
        )
        assert ledger.status_code == 200, ledger.text
        lines = list(csv.reader(io.StringIO(ledger.content.decode("utf-8-sig"))))
        status = lines[0].index("状态")
        statuses.update(line[status] for line in lines[1:])
    words = {
        "done": "已完成",
        "partly_done": "部分完成",
        "missed": "未完成",
        "not_recorded": "未记录",
    }
    assert statuses == Counter({word: expected[key] for key, word in words.items()})
    city = client.get("/api/v1/kpis", params=span, headers=admin).json()
    assert city["stations"][STATION] == town
    assert city["archives"][STATION] == body["archive"]
    coordinator = tokens.header("coordinator_a")
    assert (
        client.get(f"/api/v1/stations/{STATION}/kpis", params=span, headers=coordinator).status_code
        == 404
    )
    assert client.get("/api/v1/kpis", params=span, headers=coordinator).status_code == 403
    too_long = client.get(
        f"/api/v1/stations/{STATION}/kpis",
        params={"from": "2026-01-01", "to": "2027-12-31"},
        headers=admin,
    )
    assert too_long.status_code == 422
