"""Exports over HTTP: workbook and calendar downloads, signed calendar feeds, who may see them."""

from __future__ import annotations

import hashlib
import hmac
import io
import logging
import uuid
from typing import Any

import icalendar
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session

from api.api_kit import STATION_A, WEEK, Tokens, make_settings, tiny, wait_for_plan
from service.api import Settings, create_app, redaction
from service.api.jobs import new_job
from service.wire.plan import Plan
from service.wire.scenario import Scenario

SECRET = "test-feed-secret-0123456789abcdef"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Settings of the test's app, with a known feed secret."""
    return make_settings(database_url, feed_secret=SECRET)


def done_plan(client: TestClient, tokens: Tokens) -> tuple[str, Plan]:
    """A finished plan of station A's week, asked for by its coordinator: its id and plan."""
    answer = client.post(
        f"/api/v1/stations/{STATION_A}/plans",
        json={"week_start": WEEK, "time_limit": 1.0, "options": {"seed": 7, "workers": 1}},
        headers=tokens.header("coordinator_a"),
    )
    assert answer.status_code == 202, answer.text
    plan_id: str = answer.json()["id"]
    job = wait_for_plan(client, plan_id, tokens.header("coordinator_a"))
    assert job["status"] == "done", job
    return plan_id, Plan.model_validate(job["plan"])


def queued_plan(client: TestClient, tokens: Tokens) -> str:
    """A plan job of station A stored as queued and never run: its id."""
    job = new_job(
        Scenario.model_validate(tiny()),
        station_id=STATION_A,
        token_id=tokens.id("coordinator_a"),
        time_limit=1.0,
        seed=0,
        workers=1,
        language="zh",
    )
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        session.add(job)
        session.commit()
        return str(job.id)


def signed(plan_id: str, worker_id: str) -> str:
    """The feed key of a worker's calendar, computed as documented."""
    message = f"{plan_id}:{worker_id}".encode()
    return hmac.new(SECRET.encode(), message, hashlib.sha256).hexdigest()


def events(body: bytes) -> list[Any]:
    """The VEVENTs of an iCalendar answer."""
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


def export_urls(plan_id: str) -> list[str]:
    """Every authenticated export endpoint of a plan."""
    base = f"/api/v1/plans/{plan_id}"
    return [f"{base}/export.xlsx", f"{base}/workers/sw01/calendar.ics", f"{base}/calendars"]


def test_workbook_download(stations: TestClient, tokens: Tokens) -> None:
    """A viewer of the station downloads the plan as .xlsx with a safe file name."""
    plan_id, plan = done_plan(stations, tokens)
    answer = stations.get(f"/api/v1/plans/{plan_id}/export.xlsx", headers=tokens.header("viewer_a"))
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == XLSX
    assert answer.headers["content-disposition"] == f'attachment; filename="mulin-plan-{WEEK}.xlsx"'
    book = load_workbook(io.BytesIO(answer.content))
    assert book.sheetnames[0] == "概要"
    summary = {row[0]: row[1] for row in book["概要"].iter_rows(values_only=True)}
    assert summary["已安排探访"] == len(plan.visits)
    english = stations.get(
        f"/api/v1/plans/{plan_id}/export.xlsx",
        params={"language": "en"},
        headers=tokens.header("admin"),
    )
    assert load_workbook(io.BytesIO(english.content)).sheetnames[0] == "Summary"
    bad = stations.get(
        f"/api/v1/plans/{plan_id}/export.xlsx",
        params={"language": "fr"},
        headers=tokens.header("admin"),
    )
    assert bad.status_code == 422


def test_calendar_download(stations: TestClient, tokens: Tokens) -> None:
    """A worker's calendar downloads as text/calendar with one event per visit of theirs."""
    plan_id, plan = done_plan(stations, tokens)
    answer = stations.get(
        f"/api/v1/plans/{plan_id}/workers/sw01/calendar.ics",
        headers=tokens.header("coordinator_a"),
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/calendar; charset=utf-8"
    assert answer.headers["content-disposition"] == f'attachment; filename="mulin-sw01-{WEEK}.ics"'
    found = events(answer.content)
    assert len(found) == sum("sw01" in v.worker_ids for v in plan.visits)
    assert all(str(e["uid"]).endswith("-sw01@mulin") for e in found)
    unknown = stations.get(
        f"/api/v1/plans/{plan_id}/workers/nobody/calendar.ics",
        headers=tokens.header("coordinator_a"),
    )
    assert unknown.status_code == 404
    assert unknown.json()["detail"] == "worker not found"


def test_another_stations_coordinator_gets_404(stations: TestClient, tokens: Tokens) -> None:
    """Station B's coordinator and viewer get 404 on every export of station A's plan."""
    plan_id, _ = done_plan(stations, tokens)
    for name in ("coordinator_b", "viewer_b"):
        for url in export_urls(plan_id):
            answer = stations.get(url, headers=tokens.header(name))
            assert answer.status_code == 404, (name, url)
            assert answer.json()["detail"] == "plan not found"
    for url in export_urls(str(uuid.uuid4())):
        assert stations.get(url, headers=tokens.header("admin")).status_code == 404
    for url in export_urls(plan_id):
        assert stations.get(url).status_code == 401


def test_one_shot_plan_exports_are_seen_by_their_author_only(
    stations: TestClient, tokens: Tokens
) -> None:
    """A one-shot plan's exports are for the token that asked and city admins only."""
    answer = stations.post(
        "/api/v1/plans",
        json={"scenario": tiny(), "time_limit": 1.0, "options": {"workers": 1}},
        headers=tokens.header("coordinator_a"),
    )
    plan_id = answer.json()["id"]
    assert wait_for_plan(stations, plan_id, tokens.header("coordinator_a"))["status"] == "done"
    for url in export_urls(plan_id):
        assert stations.get(url, headers=tokens.header("coordinator_a")).status_code == 200
        assert stations.get(url, headers=tokens.header("admin")).status_code == 200
        assert stations.get(url, headers=tokens.header("viewer_a")).status_code == 404


def test_feed_links_work_without_a_token(stations: TestClient, tokens: Tokens) -> None:
    """The signed link of each worker's feed serves their calendar without a bearer token."""
    plan_id, plan = done_plan(stations, tokens)
    listed = stations.get(
        f"/api/v1/plans/{plan_id}/calendars", headers=tokens.header("viewer_a")
    ).json()
    workers = {w for v in plan.visits for w in v.worker_ids}
    assert {feed["worker_id"] for feed in listed["data"]} == workers
    assert listed["count"] == len(workers)
    names = {w["id"]: w["name"] for w in tiny()["workers"]}
    for feed in listed["data"]:
        worker_id = feed["worker_id"]
        assert feed["name"] == names[worker_id]
        assert feed["visits"] == sum(worker_id in v.worker_ids for v in plan.visits)
        assert feed["url"] == (
            f"/api/v1/feeds/{plan_id}/{worker_id}.ics?key={signed(plan_id, worker_id)}"
        )
        answer = stations.get(feed["url"])
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "text/calendar; charset=utf-8"
        assert len(events(answer.content)) == feed["visits"]
        private = stations.get(
            f"/api/v1/plans/{plan_id}/workers/{worker_id}/calendar.ics",
            headers=tokens.header("admin"),
        )
        uids = sorted(str(e["uid"]) for e in events(private.content))
        assert sorted(str(e["uid"]) for e in events(answer.content)) == uids


def test_wrong_or_missing_feed_keys_get_404(stations: TestClient, tokens: Tokens) -> None:
    """A wrong, missing or other worker's key, or an unknown plan, all look the same: 404."""
    plan_id, _ = done_plan(stations, tokens)
    feed = f"/api/v1/feeds/{plan_id}/sw01.ics"
    other = str(uuid.uuid4())
    cases = {
        "wrong key": (feed, {"key": "0" * 64}),
        "missing key": (feed, {}),
        "other worker's key": (feed, {"key": signed(plan_id, "vol001")}),
        "unknown plan": (f"/api/v1/feeds/{other}/sw01.ics", {"key": signed(other, "sw01")}),
        "not a plan id": ("/api/v1/feeds/nope/sw01.ics", {"key": signed("nope", "sw01")}),
        "unknown worker": (
            f"/api/v1/feeds/{plan_id}/nobody.ics",
            {"key": signed(plan_id, "nobody")},
        ),
    }
    answers = {name: stations.get(url, params=query) for name, (url, query) in cases.items()}
    assert {name: a.status_code for name, a in answers.items()} == dict.fromkeys(cases, 404)
    assert {a.json()["detail"] for a in answers.values()} == {"feed not found"}


def test_plan_not_done_is_a_clear_409(stations: TestClient, tokens: Tokens) -> None:
    """Exports of a plan that has not finished answer 409 saying so; its feed is 404."""
    plan_id = queued_plan(stations, tokens)
    for url in export_urls(plan_id):
        answer = stations.get(url, headers=tokens.header("coordinator_a"))
        assert answer.status_code == 409, url
        assert answer.json()["detail"] == "the plan is queued: exports are ready once it is done"
    feed = stations.get(
        f"/api/v1/feeds/{plan_id}/sw01.ics", params={"key": signed(plan_id, "sw01")}
    )
    assert feed.status_code == 404


def test_exports_log_ids_only(
    stations: TestClient, tokens: Tokens, caplog: pytest.LogCaptureFixture
) -> None:
    """Exporting logs plan and worker ids, never a worker's or village's name."""
    plan_id, _ = done_plan(stations, tokens)
    caplog.set_level(logging.DEBUG)
    header = tokens.header("admin")
    for url in export_urls(plan_id):
        assert stations.get(url, headers=header).status_code == 200
    stations.get(f"/api/v1/feeds/{plan_id}/sw01.ics", params={"key": signed(plan_id, "sw01")})
    names = [w["name"] for w in tiny()["workers"]] + [v["name"] for v in tiny()["villages"]]
    assert plan_id in caplog.text
    assert all(name not in caplog.text for name in names)
    assert SECRET not in caplog.text


def test_without_a_feed_secret_a_random_one_is_made(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """With MULIN_FEED_SECRET unset each app gets its own random secret and logs a warning."""
    caplog.set_level(logging.WARNING)
    first = create_app(make_settings(database_url, feed_secret=None))
    second = create_app(make_settings(database_url, feed_secret=None))
    assert len(first.state.feed_secret) == 32
    assert first.state.feed_secret != second.state.feed_secret
    assert "MULIN_FEED_SECRET is not set" in caplog.text
    configured = create_app(make_settings(database_url, feed_secret=SECRET))
    assert configured.state.feed_secret == SECRET.encode()


def test_access_log_hides_feed_keys() -> None:
    """Uvicorn's access log line for a feed shows key=*** and keeps the rest of the path."""
    redaction.install()
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/api/v1/feeds/p/sw01.ics?key=abc123&x=1", "1.1", 200),
        None,
    )
    for log_filter in logging.getLogger("uvicorn.access").filters:
        assert isinstance(log_filter, logging.Filter)
        log_filter.filter(record)
    assert "abc123" not in record.getMessage()
    assert "/api/v1/feeds/p/sw01.ics?key=***&x=1" in record.getMessage()
