"""Who may see and change what: every endpoint, for every role.

A station_coordinator of station A gets 404 for anything of station B, read or write, and B is
left untouched; a viewer gets 403 on every write of its own station; a revoked, unknown or
missing token gets 401.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.api_kit import ROOT, STATION_A, STATION_B, WEEK, Tokens, scenario_for, tiny
from service.storage import repository


@dataclass(frozen=True)
class Call:
    """One request to a station's endpoint: method, route template, body."""

    method: str
    route: str
    body: dict[str, Any] | None = None
    query: dict[str, str] | None = None
    upload: str | None = None

    @property
    def writes(self) -> bool:
        """Whether the call changes data."""
        return self.method != "GET"

    def url(self, station: str, plan_id: str) -> str:
        """The URL for a station and a plan job of it."""
        return self.route.format(station_id=station, plan_id=plan_id)


NEW_NEED = {
    "id": "n009",
    "household": "h009",
    "village": "v01",
    "category": "other",
    "priority": 5,
    "duration_minutes": 30,
    "window": {"days": ["mon"], "from": "09:00", "to": "10:00"},
}
S = "/api/v1/stations/{station_id}"
SCENARIOS = ROOT / "scenarios"


def station_calls(station: str) -> list[Call]:
    """Every endpoint that reaches into one station, with a valid request for it."""
    return [
        Call("GET", S),
        Call("PATCH", S, {"name": "改"}),
        Call("DELETE", S),
        Call("GET", S + "/scenario", query={"week_start": WEEK}),
        Call("PUT", S + "/scenario", scenario_for(station)),
        Call("GET", S + "/villages"),
        Call(
            "POST",
            S + "/villages",
            {"id": "v09", "name": "村", "location": {"lat": 31.7, "lon": 120.8}},
        ),
        Call("GET", S + "/villages/v01"),
        Call("PATCH", S + "/villages/v01", {"name": "改"}),
        Call("DELETE", S + "/villages/v02"),
        Call("GET", S + "/workers"),
        Call("POST", S + "/workers", {"id": "w9", "name": "人", "role": "volunteer"}),
        Call("GET", S + "/workers/sw01"),
        Call("PATCH", S + "/workers/sw01", {"name": "改"}),
        Call("DELETE", S + "/workers/li01"),
        Call("GET", S + "/resources"),
        Call(
            "POST",
            S + "/resources",
            {"id": "r9", "name": "物", "kind": "funds", "unit": "yuan", "available": 1},
        ),
        Call("GET", S + "/resources/rice-5kg"),
        Call("PATCH", S + "/resources/rice-5kg", {"available": 9}),
        Call("DELETE", S + "/resources/rice-5kg"),
        Call("GET", S + "/needs"),
        Call("POST", S + "/needs", NEW_NEED),
        Call("GET", S + "/needs/n001"),
        Call("PATCH", S + "/needs/n001", {"priority": 2}),
        Call("DELETE", S + "/needs/n004"),
        Call("POST", S + "/needs/import", upload="demo-needs.csv"),
        Call("POST", S + "/resources/import", upload="demo-resources.xlsx"),
        Call("GET", S + "/needs/export.xlsx"),
        Call("GET", S + "/resources/export.xlsx"),
        Call("GET", S + "/kpis", query={"from": "2026-11-01", "to": "2026-11-30"}),
        Call("GET", S + "/ledger.xlsx", query={"month": "2026-11"}),
        Call("GET", S + "/ledger.csv", query={"month": "2026-11"}),
        Call("GET", S + "/plans"),
        Call("POST", S + "/plans", {"week_start": WEEK, "time_limit": 0.5}),
        Call("GET", "/api/v1/plans/{plan_id}"),
        Call("GET", "/api/v1/plans/{plan_id}/records"),
        Call("DELETE", "/api/v1/plans/{plan_id}"),
    ]


NOT_STATION_SCOPED = {
    ("GET", "/api/v1/stations"),
    ("POST", "/api/v1/stations"),
    ("POST", "/api/v1/plans"),
    ("GET", "/api/v1/health"),
    ("GET", "/api/v1/kpis"),
    ("POST", "/api/v1/plans/batch"),
    ("GET", "/api/v1/plans/batch/{batch_id}"),
}
"""City-wide or free of any station; test_api_batches.py and test_api_four_weeks.py test who
may use the batches and the city's figures."""
EXPORTS = {
    ("POST", "/api/v1/plans/{plan_id}/replan"),
    ("GET", "/api/v1/plans/{plan_id}/export.xlsx"),
    ("GET", "/api/v1/plans/{plan_id}/workers/{worker_id}/calendar.ics"),
    ("GET", "/api/v1/plans/{plan_id}/calendars"),
    ("GET", "/api/v1/feeds/{plan_id}/{worker_id}.ics"),
    ("PUT", "/api/v1/plans/{plan_id}/records/{need_id}/{visit}"),
    ("GET", "/api/v1/stations/{station_id}/households/{household}/export"),
    ("DELETE", "/api/v1/stations/{station_id}/households/{household}"),
}
"""Exports, re-plans and visit records answer 409 until the plan is done, a household's export
and erasure need one: test_api_exports.py, test_api_replan.py, test_api_records.py and
test_api_households.py test who may use them."""


def template(call: Call) -> tuple[str, str]:
    """The (method, route path) of a call as FastAPI names it."""
    path = call.route.replace("/villages/v01", "/villages/{village_id}")
    for kind, ids in (
        ("villages", ("v02",)),
        ("workers", ("sw01", "li01")),
        ("resources", ("rice-5kg",)),
        ("needs", ("n001", "n004")),
    ):
        for ident in ids:
            path = path.replace(f"/{kind}/{ident}", f"/{kind}/{{{kind[:-1]}_id}}")
    return call.method, path


def plan_of(client: TestClient, tokens: Tokens, station: str) -> str:
    """A plan job of a station (asked for by the city admin)."""
    answer = client.post(
        f"/api/v1/stations/{station}/plans",
        json={"week_start": WEEK, "time_limit": 0.5},
        headers=tokens.header("admin"),
    )
    assert answer.status_code == 202, answer.text
    plan_id: str = answer.json()["id"]
    return plan_id


def snapshot(client: TestClient, tokens: Tokens, station: str, plan_id: str) -> Any:
    """All of a station as the city admin sees it, and its plan job's status."""
    admin = tokens.header("admin")
    scenario = client.get(
        f"{S.format(station_id=station)}/scenario", params={"week_start": WEEK}, headers=admin
    )
    station_row = client.get(S.format(station_id=station), headers=admin)
    plan = client.get(f"/api/v1/plans/{plan_id}", headers=admin)
    return scenario.json(), station_row.json(), plan.json()["status"] != "cancelled"


def send(client: TestClient, call: Call, station: str, plan_id: str, header: dict[str, str]) -> int:
    """Send a call; its status code."""
    files = None
    if call.upload is not None:
        files = {"file": (call.upload, (SCENARIOS / call.upload).read_bytes())}
    answer = client.request(
        call.method,
        call.url(station, plan_id),
        json=call.body,
        params=call.query,
        headers=header,
        files=files,
    )
    return answer.status_code


def test_the_table_covers_every_endpoint(app: FastAPI) -> None:
    """Every endpoint of the app's OpenAPI is in the table or has its own access test."""
    routes = {
        (method.upper(), path) for path, item in app.openapi()["paths"].items() for method in item
    }
    tabled = {template(call) for call in station_calls(STATION_B)}
    assert routes == tabled | NOT_STATION_SCOPED | EXPORTS


def test_coordinator_of_a_gets_404_for_everything_of_b(
    stations: TestClient, tokens: Tokens
) -> None:
    """For every endpoint, station A's coordinator gets 404 on station B, and B is untouched."""
    plan_b = plan_of(stations, tokens, STATION_B)
    before = snapshot(stations, tokens, STATION_B, plan_b)
    header = tokens.header("coordinator_a")
    wrong = {
        f"{call.method} {call.route}": status
        for call in station_calls(STATION_B)
        if (status := send(stations, call, STATION_B, plan_b, header)) != 404
    }
    assert wrong == {}
    assert snapshot(stations, tokens, STATION_B, plan_b) == before


def test_coordinator_gets_404_on_a_station_that_does_not_exist(
    stations: TestClient, tokens: Tokens
) -> None:
    """An unknown station looks the same as a hidden one: 404 (even for a scenario PUT)."""
    header = tokens.header("coordinator_a")
    answer = stations.put(
        "/api/v1/stations/nowhere/scenario", json=scenario_for("nowhere"), headers=header
    )
    assert answer.status_code == 404
    assert stations.get("/api/v1/stations/nowhere", headers=header).status_code == 404


def test_viewer_gets_403_on_every_write(stations: TestClient, tokens: Tokens) -> None:
    """For every writing endpoint of its own station a viewer gets 403, and nothing changes."""
    plan_a = plan_of(stations, tokens, STATION_A)
    before = snapshot(stations, tokens, STATION_A, plan_a)
    header = tokens.header("viewer_a")
    wrong = {
        f"{call.method} {call.route}": status
        for call in station_calls(STATION_A)
        if call.writes and (status := send(stations, call, STATION_A, plan_a, header)) != 403
    }
    assert wrong == {}
    one_shot = {"scenario": tiny(), "time_limit": 0.5}
    assert stations.post("/api/v1/plans", json=one_shot, headers=header).status_code == 403
    body = {"id": STATION_A, "name": "x", "location": {"lat": 1.0, "lon": 1.0}}
    assert stations.post("/api/v1/stations", json=body, headers=header).status_code == 403
    assert snapshot(stations, tokens, STATION_A, plan_a) == before


def test_viewer_reads_its_own_station(stations: TestClient, tokens: Tokens) -> None:
    """A viewer may read every reading endpoint of its own station."""
    plan_a = plan_of(stations, tokens, STATION_A)
    header = tokens.header("viewer_a")
    wrong = {
        f"{call.method} {call.route}": status
        for call in station_calls(STATION_A)
        if not call.writes and (status := send(stations, call, STATION_A, plan_a, header)) != 200
    }
    assert wrong == {}


def test_one_shot_plans_are_seen_by_their_author_only(stations: TestClient, tokens: Tokens) -> None:
    """A one-shot plan is visible to the token that asked and to city admins, 404 to others."""
    answer = stations.post(
        "/api/v1/plans",
        json={"scenario": tiny(), "time_limit": 0.5},
        headers=tokens.header("coordinator_a"),
    )
    assert answer.status_code == 202, answer.text
    url = f"/api/v1/plans/{answer.json()['id']}"
    assert stations.get(url, headers=tokens.header("coordinator_a")).status_code == 200
    assert stations.get(url, headers=tokens.header("admin")).status_code == 200
    assert stations.get(url, headers=tokens.header("viewer_a")).status_code == 404
    assert stations.get(url, headers=tokens.header("coordinator_b")).status_code == 404
    assert stations.delete(url, headers=tokens.header("coordinator_b")).status_code == 404


def test_station_list_shows_only_visible_stations(stations: TestClient, tokens: Tokens) -> None:
    """GET /stations lists only the caller's station, all of them for a city admin."""
    listed = stations.get("/api/v1/stations", headers=tokens.header("coordinator_a")).json()
    assert [s["id"] for s in listed["data"]] == [STATION_A]
    assert listed["count"] == 1
    everything = stations.get("/api/v1/stations", headers=tokens.header("admin")).json()
    assert [s["id"] for s in everything["data"]] == sorted([STATION_A, STATION_B])


def test_coordinator_cannot_create_another_station(client: TestClient, tokens: Tokens) -> None:
    """A coordinator may create its own station, not another: 403."""
    header = tokens.header("coordinator_a")
    body = {"id": STATION_B, "name": "x", "location": {"lat": 1.0, "lon": 1.0}}
    assert client.post("/api/v1/stations", json=body, headers=header).status_code == 403
    own = body | {"id": STATION_A}
    assert client.post("/api/v1/stations", json=own, headers=header).status_code == 201


@pytest.mark.parametrize(
    "header",
    [{}, {"Authorization": "Bearer nonsense"}, {"Authorization": "Basic abc"}],
    ids=["none", "unknown", "not-bearer"],
)
def test_missing_or_unknown_token_is_401(stations: TestClient, header: dict[str, str]) -> None:
    """No token, an unknown token or another scheme gets 401 with a Bearer challenge."""
    answer = stations.get(f"/api/v1/stations/{STATION_A}/needs", headers=header)
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == "Bearer"


def test_revoked_token_is_401(stations: TestClient, tokens: Tokens) -> None:
    """A revoked token gets 401 from then on."""
    header = tokens.header("coordinator_a")
    assert stations.get("/api/v1/stations", headers=header).status_code == 200
    with Session(stations.app.state.engine) as session:  # type: ignore[attr-defined]
        assert repository.revoke_token(session, tokens.id("coordinator_a"))
    assert stations.get("/api/v1/stations", headers=header).status_code == 401


def test_health_needs_no_token(client: TestClient) -> None:
    """The health check answers without a token."""
    assert client.get("/api/v1/health").json() == {"status": "ok"}


def test_logs_carry_no_names(
    stations: TestClient, tokens: Tokens, caplog: pytest.LogCaptureFixture
) -> None:
    """Requests, imports and errors log ids only, never a worker's or village's name."""
    names = [w["name"] for w in tiny()["workers"]] + [v["name"] for v in tiny()["villages"]]
    caplog.set_level(logging.DEBUG)
    header = tokens.header("admin")
    base = f"/api/v1/stations/{STATION_A}"
    stations.put(f"{base}/scenario", json=scenario_for(STATION_A), headers=header)
    stations.get(f"{base}/scenario", params={"week_start": WEEK}, headers=header)
    stations.delete(f"{base}/villages/v01", headers=header)
    stations.post(
        f"{base}/workers", json={"id": "sw01", "name": "陈静", "role": "volunteer"}, headers=header
    )
    stations.patch(f"{base}/needs/n001", json={"village": "v99"}, headers=header)
    logged = caplog.text
    assert all(name not in logged for name in names)
