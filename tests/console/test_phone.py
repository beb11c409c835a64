"""The worker's phone page: a signed link per worker and plan, recording only their own visits."""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from api.api_kit import STATION_A, STATION_B, Tokens, wait_for_plan
from fastapi.testclient import TestClient
from sqlmodel import Session

from console.test_pages import ORIGIN, ids, unlabelled
from service.api.record_links import (
    BAD_KEYS_PER_MINUTE,
    AttemptLimiter,
    PhoneLimits,
    check_link,
    link_expiry,
    record_path,
)
from service.console.overview import next_monday
from service.storage import repository

NOTE = "老人独居，血压偏高"
FUTURE_WEEK = next_monday(dt.date.today() + dt.timedelta(days=1)).isoformat()
"""A week whose links have not expired, whatever the day the tests run."""


def done_plan(client: TestClient, tokens: Tokens, station: str = STATION_A) -> dict[str, Any]:
    """A done plan of a station for the coming week (API), as the API answers it."""
    header = tokens.header("admin")
    answer = client.post(
        f"/api/v1/stations/{station}/plans",
        json={"week_start": FUTURE_WEEK, "time_limit": 1},
        headers=header,
    )
    assert answer.status_code == 202, answer.text
    job = wait_for_plan(client, answer.json()["id"], header, timeout=60)
    assert job["status"] == "done", job
    return job


def phone_links(client: TestClient, tokens: Tokens, plan_id: str) -> dict[str, str]:
    """The phone link of every worker of a plan, from the API's calendars list."""
    answer = client.get(f"/api/v1/plans/{plan_id}/calendars", headers=tokens.header("admin"))
    assert answer.status_code == 200, answer.text
    return {feed["worker_id"]: feed["record_url"] for feed in answer.json()["data"]}


def visits_of(job: dict[str, Any], worker_id: str) -> list[dict[str, Any]]:
    """The worker's visits of a plan."""
    return [v for v in job["plan"]["visits"] if worker_id in v["worker_ids"]]


def records(client: TestClient, tokens: Tokens, plan_id: str) -> list[dict[str, Any]]:
    """The plan's stored records (API)."""
    answer = client.get(f"/api/v1/plans/{plan_id}/records", headers=tokens.header("admin"))
    assert answer.status_code == 200, answer.text
    data: list[dict[str, Any]] = answer.json()["data"]
    return data


def post(client: TestClient, link: str, visit: dict[str, Any], **fields: str) -> Any:
    """Send a visit's recording form to a phone link, from the page's own origin."""
    data = {"need_id": visit["need_id"], "visit": str(visit["visit"]), **fields}
    return client.post(link, data=data, headers=ORIGIN, follow_redirects=False)


def with_query(link: str, **changes: str) -> str:
    """The link with some query values replaced."""
    parts = urlsplit(link)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(changes)
    return parts.path + "?" + "&".join(f"{k}={v}" for k, v in query.items())


@pytest.fixture
def week(stations: TestClient, tokens: Tokens) -> tuple[dict[str, Any], dict[str, str]]:
    """A done plan of station A and its workers' phone links."""
    job = done_plan(stations, tokens)
    return job, phone_links(stations, tokens, job["id"])


def test_a_link_lists_only_its_workers_visits(
    stations: TestClient, week: tuple[dict[str, Any], dict[str, str]]
) -> None:
    """The page shows one form per visit of that worker, none of the others', all labelled."""
    job, links = week
    assert links, "no worker has a phone link"
    for worker_id, link in links.items():
        assert link.startswith(f"/w/{job['id']}/")
        page = stations.get(link)
        assert page.status_code == 200, page.text
        assert page.headers["Cache-Control"] == "private, no-store"
        shown = re.findall(r'<li class="phone-visit" id="v\d+" data-need-id="([^"]+)"', page.text)
        assert sorted(shown) == sorted(v["need_id"] for v in visits_of(job, worker_id))
        assert page.text.count('class="record-form"') == len(shown)
        assert unlabelled(page.text) == []
        assert '<html lang="zh">' in page.text and "完成" in page.text


def test_the_page_speaks_english_after_the_switch(
    stations: TestClient, week: tuple[dict[str, Any], dict[str, str]]
) -> None:
    """With the console's language cookie set to en, the page has no Chinese label left."""
    _, links = week
    link = next(iter(links.values()))
    switched = stations.get("/language/en?next=" + link.replace("?", "%3F").replace("&", "%26"))
    assert switched.status_code == 200
    assert '<html lang="en">' in switched.text
    body = switched.text.split('<main id="main"', 1)[1]
    assert "Partly done" in body and "Reason if missed" in body
    chinese = re.findall(r"[\u4e00-\u9fff]+", body)
    scenario_words = {"演示", "社区", "村"}  # village and worker names of the scenario
    assert all(any(w in word for w in scenario_words) or len(word) <= 4 for word in chinese)


def test_a_worker_records_done_and_missed_visits(
    stations: TestClient, tokens: Tokens, week: tuple[dict[str, Any], dict[str, str]]
) -> None:
    """Writes land as records by worker:<id>, audited so; the page then shows their status."""
    job, links = week
    worker_id = max(links, key=lambda w: len(visits_of(job, w)))
    mine = visits_of(job, worker_id)
    link = links[worker_id]
    done = post(stations, link, mine[0], status="done", actual_minutes="45", note=NOTE)
    assert done.status_code == 303, done.text
    assert done.headers["location"].startswith(urlsplit(link).path)
    stored = records(stations, tokens, job["id"])
    assert [(r["need_id"], r["status"], r["recorded_by"]) for r in stored] == [
        (mine[0]["need_id"], "done", f"worker:{worker_id}")
    ]
    assert stored[0]["actual_minutes"] == 45 and stored[0]["note"] == NOTE
    if len(mine) > 1:
        missed = post(stations, link, mine[1], status="missed", missed_reason="household_away")
        assert missed.status_code == 303
        again = {r["need_id"]: r for r in records(stations, tokens, job["id"])}
        assert again[mine[1]["need_id"]]["missed_reason"] == "household_away"
    page = stations.get(done.headers["location"])
    assert "phone-saved" in ids(page.text) and "record-status status-done" in page.text
    assert NOTE not in page.text  # the station's: a link is no sign-in
    engine = stations.app.state.engine  # type: ignore[attr-defined]
    with Session(engine) as session:
        audited = [
            e
            for e in repository.audit_entries(session, station_id=STATION_A)
            if e.entity == "visit_record"
        ]
    assert audited and {e.token_id for e in audited} == {f"worker:{worker_id}"}


def test_a_missed_visit_needs_a_reason(
    stations: TestClient, tokens: Tokens, week: tuple[dict[str, Any], dict[str, str]]
) -> None:
    """Missed without a reason answers 422 with the page and its error, and stores nothing."""
    job, links = week
    worker_id, link = next(iter(links.items()))
    answer = post(stations, link, visits_of(job, worker_id)[0], status="missed")
    assert answer.status_code == 422
    assert "form-errors" in ids(answer.text)
    assert records(stations, tokens, job["id"]) == []


def test_another_workers_visit_is_404_and_changes_nothing(
    stations: TestClient, tokens: Tokens, week: tuple[dict[str, Any], dict[str, str]]
) -> None:
    """A visit whose team does not include the link's worker, or no such visit: 404."""
    job, links = week
    for worker_id, link in links.items():
        others = [v for v in job["plan"]["visits"] if worker_id not in v["worker_ids"]]
        for visit in others:
            assert post(stations, link, visit, status="done").status_code == 404
        ghost = {"need_id": "n999", "visit": 1}
        assert post(stations, link, ghost, status="done").status_code == 404
    assert records(stations, tokens, job["id"]) == []


def test_other_plans_tampered_and_expired_keys_are_404(
    stations: TestClient, tokens: Tokens, week: tuple[dict[str, Any], dict[str, str]]
) -> None:
    """Another plan's id, another worker, a changed key or day, an expired link: 404, no write."""
    job, links = week
    other = done_plan(stations, tokens, STATION_B)
    worker_id, link = next(iter(links.items()))
    visit = visits_of(job, worker_id)[0]
    key = parse_qs(urlsplit(link).query)["key"][0]
    until = parse_qs(urlsplit(link).query)["until"][0]
    secret: bytes = stations.app.state.feed_secret  # type: ignore[attr-defined]
    yesterday = dt.date.today() - dt.timedelta(days=1)
    expired = record_path(secret, uuid.UUID(job["id"]), worker_id, yesterday)
    other_worker = next((w for w in links if w != worker_id), "nobody")
    limits = PhoneLimits(bad_keys=AttemptLimiter(limit=1000))
    stations.app.state.phone_limits = limits  # type: ignore[attr-defined]
    bad = [
        link.replace(job["id"], other["id"]),
        link.replace(job["id"], str(uuid.uuid4())),
        link.replace(f"/{worker_id}?", f"/{other_worker}?"),
        with_query(link, key=("0" if key[0] != "0" else "1") + key[1:]),
        with_query(link, until=(dt.date.fromisoformat(until) + dt.timedelta(days=9)).isoformat()),
        with_query(link, until="not-a-date"),
        urlsplit(link).path,
        expired,
        f"/w/not-a-uuid/{worker_id}?key={key}&until={until}",
    ]
    for url in bad:
        assert stations.get(url).status_code == 404, url
        assert post(stations, url, visit, status="done").status_code == 404, url
    assert records(stations, tokens, job["id"]) == []
    assert records(stations, tokens, other["id"]) == []
    assert len(limits.bad_keys._seen["testclient"]) == 2 * len(bad)  # every one counted


def test_a_link_expires_with_the_week_and_its_grace() -> None:
    """The last day is the week's Sunday plus the grace; the day after, the key is refused."""
    secret = b"s" * 32
    plan_id = uuid.uuid4()
    until = link_expiry(dt.date(2026, 11, 23), 2)
    assert until == dt.date(2026, 12, 1)
    query = parse_qs(urlsplit(record_path(secret, plan_id, "sw01", until)).query)
    key = query["key"][0]
    assert check_link(secret, str(plan_id), "sw01", key, until.isoformat(), until) is not None
    assert (
        check_link(secret, str(plan_id), "sw01", key, until.isoformat(), dt.date(2026, 12, 2))
        is None
    )
    assert check_link(b"t" * 32, str(plan_id), "sw01", key, until.isoformat(), until) is None


def test_cross_origin_records_are_refused(
    stations: TestClient, tokens: Tokens, week: tuple[dict[str, Any], dict[str, str]]
) -> None:
    """A POST from another site, or with neither Origin nor Referer, gets 403 and writes nothing."""
    job, links = week
    worker_id, link = next(iter(links.items()))
    data = {"need_id": visits_of(job, worker_id)[0]["need_id"], "visit": "1", "status": "done"}
    for headers in ({"Origin": "https://evil.example"}, {}):
        assert stations.post(link, data=data, headers=headers).status_code == 403
    assert records(stations, tokens, job["id"]) == []


def test_bad_keys_and_writes_are_rate_limited(
    stations: TestClient, tokens: Tokens, week: tuple[dict[str, Any], dict[str, str]]
) -> None:
    """Beyond the bad keys an address may send per minute, even good links get 429; writes too."""
    job, links = week
    worker_id, link = next(iter(links.items()))
    wrong = with_query(link, key="0" * 64)
    for _ in range(BAD_KEYS_PER_MINUTE):
        assert stations.get(wrong).status_code == 404
    assert stations.get(wrong).status_code == 429
    assert stations.get(link).status_code == 429
    app = stations.app
    app.state.phone_limits = PhoneLimits(writes=AttemptLimiter(limit=2))  # type: ignore[attr-defined]
    visit = visits_of(job, worker_id)[0]
    assert [post(stations, link, visit, status="done").status_code for _ in range(3)] == [
        303,
        303,
        429,
    ]
    assert len(records(stations, tokens, job["id"])) == 1


def test_the_limiter_forgets_attempts_after_its_window() -> None:
    """An exhausted key gets attempts again once the window has passed."""
    now = [0.0]
    limiter = AttemptLimiter(limit=2, window=60.0, clock=lambda: now[0])
    assert limiter.spend("a") and limiter.spend("a") and not limiter.spend("a")
    assert limiter.exhausted("a") and not limiter.exhausted("b")
    now[0] = 61.0
    assert not limiter.exhausted("a") and limiter.spend("a")


def test_notes_and_keys_are_never_logged(
    stations: TestClient,
    week: tuple[dict[str, Any], dict[str, str]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The service logs ids only when a worker records: neither the note nor the link's key.

    The test client's own request lines (``httpx``) are the caller's, not the service's.
    """
    job, links = week
    worker_id, link = next(iter(links.items()))
    key = parse_qs(urlsplit(link).query)["key"][0]
    with caplog.at_level(logging.DEBUG):
        answer = post(stations, link, visits_of(job, worker_id)[0], status="done", note=NOTE)
        assert answer.status_code == 303
        stations.get(answer.headers["location"])
    assert caplog.records, "nothing was logged"
    assert any(job["id"] in r.getMessage() for r in caplog.records)
    served = [r.getMessage() for r in caplog.records if not r.name.startswith("httpx")]
    assert all(NOTE not in message for message in caplog.messages)
    assert served and all(key not in message for message in served)


def test_encoded_keys_are_hidden_in_the_access_log() -> None:
    """A language switch carries the phone link in ``next``: its key is hidden there too."""
    from service.api.redaction import redact

    logged = redact("/language/en?next=%2Fw%2Fp%2Fsw01%3Fkey%3D9a1e%26until%3D2026-12-01")
    assert "9a1e" not in logged and "until%3D2026-12-01" in logged
    assert redact("/w/p/sw01?until=2026-12-01&key=9a1e") == "/w/p/sw01?until=2026-12-01&key=***"
