"""Visit records of a done plan, and the carry-over of what last week left undone."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.api_kit import STATION_A, WEEK, Tokens, make_settings, scenario_for, wait_for_plan
from service.api import create_app
from service.api.auth import create_token

NEXT_WEEK = (dt.date.fromisoformat(WEEK) + dt.timedelta(days=7)).isoformat()
NOTE = "老人独居，血压偏高"


def plan_week(
    client: TestClient, header: dict[str, str], week: str, **options: Any
) -> dict[str, Any]:
    """Plan station A's week and wait for it; the done job."""
    answer = client.post(
        f"/api/v1/stations/{STATION_A}/plans",
        json={"week_start": week, "time_limit": 1, **options},
        headers=header,
    )
    assert answer.status_code == 202, answer.text
    job = wait_for_plan(client, answer.json()["id"], header, timeout=60)
    assert job["status"] == "done", job
    return job


def record(
    client: TestClient, header: dict[str, str], plan_id: str, visit: dict[str, Any], **body: Any
) -> Any:
    """PUT the record of a planned visit; the answer."""
    return client.put(
        f"/api/v1/plans/{plan_id}/records/{visit['need_id']}/{visit['visit']}",
        json=body,
        headers=header,
    )


def test_a_visit_is_recorded_replaced_and_versioned(stations: TestClient, tokens: Tokens) -> None:
    """201 then 200 with a new version; a stale If-Match is 409; the list shows the record."""
    header = tokens.header("coordinator_a")
    job = plan_week(stations, header, WEEK)
    visit = job["plan"]["visits"][0]
    first = record(stations, header, job["id"], visit, status="done", actual_minutes=40)
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["version"] == 1 and first.headers["ETag"] == '"1"'
    assert body["resources_given"] == visit["resources"]  # done: as planned
    assert (
        body["date"]
        == (
            dt.date.fromisoformat(WEEK)
            + dt.timedelta(
                days=["mon", "tue", "wed", "thu", "fri", "sat", "sun"].index(visit["day"])
            )
        ).isoformat()
    )
    stale = stations.put(
        f"/api/v1/plans/{job['id']}/records/{visit['need_id']}/{visit['visit']}",
        json={"status": "missed", "missed_reason": "weather"},
        headers={**header, "If-Match": '"7"'},
    )
    assert stale.status_code == 409
    again = stations.put(
        f"/api/v1/plans/{job['id']}/records/{visit['need_id']}/{visit['visit']}",
        json={"status": "missed", "missed_reason": "weather"},
        headers={**header, "If-Match": '"1"'},
    )
    assert again.status_code == 200 and again.json()["version"] == 2
    assert again.json()["resources_given"] == []  # missed: nothing handed over
    listed = stations.get(f"/api/v1/plans/{job['id']}/records", headers=tokens.header("viewer_a"))
    assert listed.json()["count"] == 1
    assert listed.json()["data"][0]["missed_reason"] == "weather"


def test_bad_records_are_refused_and_change_nothing(stations: TestClient, tokens: Tokens) -> None:
    """No reason for a miss, an unknown visit or resource, a viewer, another station: refused."""
    header = tokens.header("coordinator_a")
    job = plan_week(stations, header, WEEK)
    visit = job["plan"]["visits"][0]
    assert record(stations, header, job["id"], visit, status="missed").status_code == 422
    assert (
        record(
            stations, header, job["id"], visit, status="done", missed_reason="weather"
        ).status_code
        == 422
    )
    unknown = {"need_id": visit["need_id"], "visit": 7}
    assert record(stations, header, job["id"], unknown, status="done").status_code == 404
    bad_goods = record(
        stations,
        header,
        job["id"],
        visit,
        status="done",
        resources_given=[{"id": "no-such", "quantity": 1}],
    )
    assert bad_goods.status_code == 422 and "resources_given" in bad_goods.text
    viewer = record(stations, tokens.header("viewer_a"), job["id"], visit, status="done")
    assert viewer.status_code == 403
    other = record(stations, tokens.header("coordinator_b"), job["id"], visit, status="done")
    assert other.status_code == 404
    assert (
        stations.get(
            f"/api/v1/plans/{job['id']}/records", headers=tokens.header("coordinator_b")
        ).status_code
        == 404
    )
    listed = stations.get(f"/api/v1/plans/{job['id']}/records", headers=header)
    assert listed.json()["count"] == 0


def test_notes_are_kept_never_logged_and_erased_after_their_retention(
    stations: TestClient, tokens: Tokens, caplog: pytest.LogCaptureFixture
) -> None:
    """A note is stored and shown, absent from every log line, and given an erase date."""
    header = tokens.header("coordinator_a")
    job = plan_week(stations, header, WEEK)
    visit = job["plan"]["visits"][0]
    with caplog.at_level(logging.DEBUG):
        answer = record(
            stations, header, job["id"], visit, status="done", note=NOTE, note_retention_days=30
        )
    assert answer.status_code == 201
    assert answer.json()["note"] == NOTE
    assert answer.json()["note_expires_on"] == (dt.date.today() + dt.timedelta(days=30)).isoformat()
    assert all(NOTE not in message for message in caplog.messages)


def test_missed_visits_come_back_next_week(stations: TestClient, tokens: Tokens) -> None:
    """A missed visit and goods not handed over return as <need>~carried needs, with reasons."""
    header = tokens.header("coordinator_a")
    job = plan_week(stations, header, WEEK)
    visits = job["plan"]["visits"]
    with_goods = next(v for v in visits if v["resources"])
    missed = next(v for v in visits if v is not with_goods)
    assert (
        record(
            stations, header, job["id"], missed, status="missed", missed_reason="household_away"
        ).status_code
        == 201
    )
    short = [{"id": r["id"], "quantity": 0} for r in with_goods["resources"]]
    assert (
        record(
            stations, header, job["id"], with_goods, status="done", resources_given=short
        ).status_code
        == 201
    )
    for other in visits:
        if other is not missed and other is not with_goods:
            assert record(stations, header, job["id"], other, status="done").status_code == 201
    carried = plan_week(stations, header, NEXT_WEEK, carry_over_more_urgent=True)
    reasons = {(c["from_need_id"], c["visit"]): c for c in carried["carried_over"]}
    assert set(reasons) == {
        (missed["need_id"], missed["visit"]),
        (with_goods["need_id"], with_goods["visit"]),
    }
    assert reasons[(missed["need_id"], missed["visit"])]["reason"] == "missed:household_away"
    handover = reasons[(with_goods["need_id"], with_goods["visit"])]
    assert handover["reason"] == "resources_not_given"
    assert handover["resources"] == with_goods["resources"]
    old = {n["id"]: n for n in scenario_for(STATION_A)["needs"]}
    for item in carried["carried_over"]:
        assert item["need_id"] == item["from_need_id"] + "~carried"
        assert item["priority"] == max(1, old[item["from_need_id"]]["priority"] - 1)
    planned_or_unmet = {v["need_id"] for v in carried["plan"]["visits"]} | {
        u["need_id"] for u in carried["plan"]["unmet"]
    }
    assert {item["need_id"] for item in carried["carried_over"]} <= planned_or_unmet
    plain = plan_week(stations, header, NEXT_WEEK, carry_over=False)
    assert plain["carried_over"] == []


def test_unrecorded_visits_come_back_only_after_the_grace(database_url: str) -> None:
    """Within the grace nothing unrecorded comes back; after it, every unrecorded visit does."""
    last_day = dt.date.fromisoformat(WEEK) + dt.timedelta(days=6)
    within = (dt.date.today() - last_day).days + 1
    for grace, expected in ((within, False), (0, True)):
        settings = make_settings(database_url, carry_over_grace_days=grace)
        with TestClient(create_app(settings)) as client:
            engine = client.app.state.engine  # type: ignore[attr-defined]
            with Session(engine) as session:
                _, secret = create_token(session, "city_admin", None)
            header = {"Authorization": f"Bearer {secret}"}
            client.put(
                f"/api/v1/stations/{STATION_A}/scenario",
                json=scenario_for(STATION_A),
                headers=header,
            )
            job = plan_week(client, header, WEEK)
            carried = plan_week(client, header, NEXT_WEEK)
            reasons = {c["reason"] for c in carried["carried_over"]}
            assert (reasons == {"not_recorded"}) is expected, (grace, reasons)
            assert (len(carried["carried_over"]) == len(job["plan"]["visits"])) is expected
            client.delete(f"/api/v1/stations/{STATION_A}", headers=header)
