"""The plan page's visit records: a coordinator records each visit, viewers only read them."""

from __future__ import annotations

import re

from api.api_kit import Tokens
from fastapi.testclient import TestClient

from console.test_pages import ORIGIN, finished_plan, ids, sign_in, unlabelled
from console.test_phone import done_plan, phone_links, records


def test_a_coordinator_records_visits_on_the_plan_page(
    stations: TestClient, tokens: Tokens
) -> None:
    """A form per visit; a record lands with the coordinator's token id and its status shows."""
    sign_in(stations, tokens, "coordinator_a")
    plan_id = finished_plan(stations, tokens)
    plan = stations.get(f"/api/v1/plans/{plan_id}", headers=tokens.header("admin")).json()["plan"]
    for day in {visit["day"] for visit in plan["visits"]}:
        page = stations.get(f"/plans/{plan_id}/records?day={day}")
        assert {"records", "records-table"} <= ids(page.text)
        on_day = sum(1 for visit in plan["visits"] if visit["day"] == day)
        assert page.text.count('class="record-form"') == on_day
        assert page.text.count("record-status status-none") == on_day
        assert unlabelled(page.text) == []
    visit = plan["visits"][0]
    answer = stations.post(
        f"/plans/{plan_id}/records",
        data={
            "need_id": visit["need_id"],
            "visit": str(visit["visit"]),
            "status": "missed",
            "missed_reason": "weather",
            "actual_minutes": "",
        },
        headers=ORIGIN,
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"].startswith(f"/plans/{plan_id}/records?recorded=")
    stored = records(stations, tokens, plan_id)
    assert [(r["need_id"], r["status"], r["missed_reason"]) for r in stored] == [
        (visit["need_id"], "missed", "weather")
    ]
    assert stored[0]["recorded_by"] == tokens.id("coordinator_a")
    shown = stations.get(answer.headers["location"])
    assert "record-saved" in ids(shown.text)
    assert shown.text.count("record-status status-missed") == 1
    assert re.search(r"已记录 1 / \d+ 次探访", shown.text)


def test_bad_records_show_the_problem_and_store_nothing(
    stations: TestClient, tokens: Tokens
) -> None:
    """Missed without a reason, minutes that are no number, an unknown visit: nothing stored."""
    sign_in(stations, tokens, "coordinator_a")
    plan_id = finished_plan(stations, tokens)
    plan = stations.get(f"/api/v1/plans/{plan_id}", headers=tokens.header("admin")).json()["plan"]
    visit = plan["visits"][0]
    base = {"need_id": visit["need_id"], "visit": str(visit["visit"])}
    for fields, status in (
        ({"status": "missed"}, 422),
        ({"status": "done", "actual_minutes": "forty"}, 422),
        ({"status": "finished"}, 422),
        ({"status": "done", "need_id": "n999"}, 404),
    ):
        answer = stations.post(f"/plans/{plan_id}/records", data={**base, **fields}, headers=ORIGIN)
        assert answer.status_code == status, fields
        if status == 422:
            assert "record-errors" in ids(answer.text)
    assert records(stations, tokens, plan_id) == []


def test_viewers_and_other_stations_cannot_record(stations: TestClient, tokens: Tokens) -> None:
    """A viewer sees the statuses without forms and gets 403; station B's coordinator gets 404."""
    sign_in(stations, tokens, "coordinator_a")
    plan_id = finished_plan(stations, tokens)
    plan = stations.get(f"/api/v1/plans/{plan_id}", headers=tokens.header("admin")).json()["plan"]
    data = {"need_id": plan["visits"][0]["need_id"], "visit": "1", "status": "done"}
    for name, status in (("viewer_a", 403), ("coordinator_b", 404)):
        stations.cookies.clear()
        sign_in(stations, tokens, name)
        if name == "viewer_a":
            page = stations.get(f"/plans/{plan_id}/records")
            assert "records-table" in ids(page.text) and 'class="record-form"' not in page.text
        answer = stations.post(f"/plans/{plan_id}/records", data=data, headers=ORIGIN)
        assert answer.status_code == status, name
    assert records(stations, tokens, plan_id) == []


def test_the_plan_page_shows_each_workers_phone_link(stations: TestClient, tokens: Tokens) -> None:
    """Beside the feed links, the downloads view has one phone link per busy worker that works."""
    job = done_plan(stations, tokens)
    links = phone_links(stations, tokens, job["id"])
    sign_in(stations, tokens, "coordinator_a")
    page = stations.get(f"/plans/{job['id']}/downloads")
    shown = re.findall(r'class="phone-link" href="http://testserver([^"]+)"', page.text)
    assert sorted(u.replace("&amp;", "&") for u in shown) == sorted(links.values())
    stations.cookies.clear()
    assert stations.get(shown[0].replace("&amp;", "&")).status_code == 200
