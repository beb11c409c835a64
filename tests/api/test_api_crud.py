"""Create, read, list, update and delete of stations and of every kind of archive record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.api_kit import STATION_A, STATION_B, WEEK, Tokens
from service.storage import repository

BASE = f"/api/v1/stations/{STATION_A}"


@dataclass(frozen=True)
class Case:
    """One kind of record: a new one, a change, a filter and what it matches in tiny.json."""

    kind: str
    new: dict[str, Any]
    change: dict[str, Any]
    filter: dict[str, Any]
    filtered: list[str]


CASES = [
    Case(
        "villages",
        {"id": "v03", "name": "新桥村", "location": {"lat": 31.72, "lon": 120.88}},
        {"name": "新桥社区", "kind": "community"},
        {"kind": "community"},
        ["v02"],
    ),
    Case(
        "workers",
        {
            "id": "vol002",
            "name": "赵敏",
            "role": "volunteer",
            "availability": {"wed": [["09:00", "12:00"]]},
        },
        {"max_visits_per_day": 3, "skills": ["first_aid"]},
        {"role": "volunteer"},
        ["vol001"],
    ),
    Case(
        "resources",
        {"id": "oil", "name": "食用油", "kind": "goods", "unit": "bottle", "available": 5},
        {"available": 7},
        {"kind": "goods"},
        ["rice-5kg"],
    ),
    Case(
        "needs",
        {
            "id": "n006",
            "household": "h006",
            "village": "v02",
            "category": "elderly_care",
            "priority": 3,
            "duration_minutes": 30,
            "window": {"days": ["wed"], "from": "09:00", "to": "12:00"},
        },
        {"priority": 4, "mandatory": True},
        {"priority": 2},
        ["n002", "n003", "n005"],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.kind for c in CASES])
def test_create_read_list_update_delete(stations: TestClient, tokens: Tokens, case: Case) -> None:
    """A coordinator adds, reads, lists, changes and deletes a record of its station."""
    header = tokens.header("coordinator_a")
    url = f"{BASE}/{case.kind}"
    created = stations.post(url, json=case.new, headers=header)
    assert created.status_code == 201, created.text
    assert created.json()["version"] == 1
    assert created.json()["name" if "name" in case.new else "household"] == case.new.get(
        "name", case.new.get("household")
    )
    one = stations.get(f"{url}/{case.new['id']}", headers=header)
    assert one.status_code == 200
    assert one.headers["etag"] == '"1"'
    assert one.json() == created.json()
    listed = stations.get(url, headers=header).json()
    assert listed["data"][-1]["id"] == case.new["id"]
    assert listed["count"] == len(listed["data"])
    changed = stations.patch(f"{url}/{case.new['id']}", json=case.change, headers=header)
    assert changed.status_code == 200, changed.text
    assert changed.json()["version"] == 2
    for name, value in case.change.items():
        assert changed.json()[name] == value
    gone = stations.delete(f"{url}/{case.new['id']}", headers=header)
    assert gone.status_code == 204
    assert stations.get(f"{url}/{case.new['id']}", headers=header).status_code == 404


@pytest.mark.parametrize("case", CASES, ids=[c.kind for c in CASES])
def test_list_filters(stations: TestClient, tokens: Tokens, case: Case) -> None:
    """Each list filters by its columns and counts what matches."""
    answer = stations.get(
        f"{BASE}/{case.kind}", params=case.filter, headers=tokens.header("viewer_a")
    )
    assert answer.status_code == 200
    assert [row["id"] for row in answer.json()["data"]] == case.filtered
    assert answer.json()["count"] == len(case.filtered)


@pytest.mark.parametrize("case", CASES, ids=[c.kind for c in CASES])
def test_stale_version_is_409(stations: TestClient, tokens: Tokens, case: Case) -> None:
    """An update naming an older version (body or If-Match) gets 409 and changes nothing."""
    header = tokens.header("coordinator_a")
    url = f"{BASE}/{case.kind}/{case.new['id']}"
    assert stations.post(f"{BASE}/{case.kind}", json=case.new, headers=header).status_code == 201
    assert stations.patch(url, json=case.change | {"version": 1}, headers=header).status_code == 200
    stale_body = stations.patch(url, json=case.change | {"version": 1}, headers=header)
    assert stale_body.status_code == 409
    stale_header = stations.patch(url, json=case.change, headers=header | {"If-Match": '"1"'})
    assert stale_header.status_code == 409
    assert stations.delete(url, headers=header | {"If-Match": '"1"'}).status_code == 409
    assert stations.get(url, headers=header).json()["version"] == 2
    again = {"extra": {"note": "checked"}}
    fresh = stations.patch(url, json=again, headers=header | {"If-Match": '"2"'})
    assert fresh.status_code == 200
    assert fresh.json()["version"] == 3
    unchanged = stations.patch(url, json=again, headers=header)
    assert unchanged.json()["version"] == 3


@pytest.mark.parametrize("case", CASES, ids=[c.kind for c in CASES])
def test_duplicate_id_is_409(stations: TestClient, tokens: Tokens, case: Case) -> None:
    """A record whose id the station already has gets 409."""
    header = tokens.header("coordinator_a")
    assert stations.post(f"{BASE}/{case.kind}", json=case.new, headers=header).status_code == 201
    again = stations.post(f"{BASE}/{case.kind}", json=case.new, headers=header)
    assert again.status_code == 409
    assert case.new["id"] in again.json()["detail"]


def test_same_ids_in_two_stations_are_apart(stations: TestClient, tokens: Tokens) -> None:
    """Both stations hold v01; changing station A's leaves station B's as it was."""
    header = tokens.header("admin")
    changed = stations.patch(f"{BASE}/villages/v01", json={"name": "甲"}, headers=header)
    assert changed.status_code == 200
    other = stations.get(f"/api/v1/stations/{STATION_B}/villages/v01", headers=header)
    assert other.json()["name"] == "赵市村"


def test_paging(stations: TestClient, tokens: Tokens) -> None:
    """Offset and limit page through the archive in its order; count is the total."""
    answer = stations.get(
        f"{BASE}/needs", params={"offset": 1, "limit": 2}, headers=tokens.header("viewer_a")
    )
    assert [row["id"] for row in answer.json()["data"]] == ["n002", "n003"]
    assert answer.json()["count"] == 5
    too_many = stations.get(f"{BASE}/needs", params={"limit": 1000}, headers=tokens.header("admin"))
    assert too_many.status_code == 422


def test_need_with_unknown_references_is_422(stations: TestClient, tokens: Tokens) -> None:
    """A need naming an unknown village, worker or resource gets 422 at that field's path."""
    need = dict(CASES[3].new)
    need |= {
        "village": "v99",
        "preferred_workers": ["sw01", "nobody"],
        "resources": [{"id": "gold", "quantity": 1}],
    }
    answer = stations.post(f"{BASE}/needs", json=need, headers=tokens.header("admin"))
    assert answer.status_code == 422
    found = {p["path"]: p["msg"] for p in answer.json()["detail"]}
    assert found == {
        "village": "unknown village 'v99'",
        "preferred_workers[1]": "unknown worker 'nobody'",
        "resources[0].id": "unknown resource 'gold'",
    }


def test_update_is_validated_as_a_whole(stations: TestClient, tokens: Tokens) -> None:
    """A change that breaks a rule spanning fields (window end before start) gets 422."""
    answer = stations.patch(
        f"{BASE}/needs/n002",
        json={"window": {"days": ["mon"], "from": "12:00", "to": "09:00"}},
        headers=tokens.header("admin"),
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["path"] == "window"
    accepted = stations.patch(
        f"{BASE}/needs/n002", json={"visits": 3}, headers=tokens.header("admin")
    )
    assert accepted.status_code == 200, accepted.text
    unknown = stations.patch(
        f"{BASE}/needs/n002", json={"colour": "red"}, headers=tokens.header("admin")
    )
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["path"] == "colour"
    null = stations.patch(
        f"{BASE}/workers/sw01", json={"name": None}, headers=tokens.header("admin")
    )
    assert null.status_code == 422
    assert null.json()["detail"][0]["path"] == "name"


def test_records_still_named_by_needs_cannot_go(stations: TestClient, tokens: Tokens) -> None:
    """Deleting a village with needs, or a resource or worker that needs name, gets 409."""
    header = tokens.header("admin")
    assert stations.delete(f"{BASE}/villages/v01", headers=header).status_code == 409
    assert stations.delete(f"{BASE}/resources/rice-5kg", headers=header).status_code == 409
    named = stations.patch(
        f"{BASE}/needs/n004", json={"excluded_workers": ["li01"]}, headers=header
    )
    assert named.status_code == 200
    refused = stations.delete(f"{BASE}/workers/li01", headers=header)
    assert refused.status_code == 409
    assert "n004" in refused.json()["detail"]
    narrowed = stations.patch(
        f"{BASE}/resources/rice-5kg", json={"eligible_groups": ["disabled"]}, headers=header
    )
    assert narrowed.status_code == 200, "a narrower eligibility is accepted and reported"
    scenario = stations.get(f"{BASE}/scenario", params={"week_start": WEEK}, headers=header)
    assert scenario.status_code == 200
    assert [w["id"] for w in scenario.json()["workers"]] == ["sw01", "vol001", "li01"]


def test_need_changes_are_audited(stations: TestClient, tokens: Tokens) -> None:
    """Reads, lists and changes of needs are audited; other records are not."""
    header = tokens.header("coordinator_a")
    stations.get(f"{BASE}/needs/n003", headers=header)
    stations.get(f"{BASE}/needs", params={"limit": 2}, headers=header)
    stations.patch(f"{BASE}/needs/n003", json={"priority": 3}, headers=header)
    stations.delete(f"{BASE}/needs/n003", headers=header)
    stations.get(f"{BASE}/villages/v01", headers=header)
    stations.app.state.audit.flush()  # type: ignore[attr-defined]
    with Session(stations.app.state.engine) as session:  # type: ignore[attr-defined]
        entries = [
            (e.action, e.entity, e.entity_id)
            for e in repository.audit_entries(session, station_id=STATION_A)
            if e.token_id == tokens.id("coordinator_a")
        ]
    assert entries == [
        ("read", "need", "n003"),
        ("read", "need", "n001"),
        ("read", "need", "n002"),
        ("update", "need", "n003"),
        ("delete", "need", "n003"),
    ]


def test_station_crud(client: TestClient, tokens: Tokens) -> None:
    """A city admin creates, lists, changes and deletes stations; others see only their own."""
    admin = tokens.header("admin")
    body = {"id": STATION_A, "name": "甲站", "location": {"lat": 31.7, "lon": 120.8}}
    created = client.post("/api/v1/stations", json=body, headers=admin)
    assert created.status_code == 201, created.text
    assert created.json()["scenario_name"] == "甲站"
    assert created.json()["travel"]["detour_factor"] == 1.3
    assert client.post("/api/v1/stations", json=body, headers=admin).status_code == 409
    other = body | {"id": STATION_B}
    assert client.post("/api/v1/stations", json=other, headers=admin).status_code == 201
    assert client.get("/api/v1/stations", headers=admin).json()["count"] == 2
    mine = client.get("/api/v1/stations", headers=tokens.header("viewer_a")).json()
    assert [s["id"] for s in mine["data"]] == [STATION_A]
    changed = client.patch(
        f"/api/v1/stations/{STATION_A}",
        json={"name": "甲站（新）", "travel": {"detour_factor": 1.5}, "version": 1},
        headers=tokens.header("coordinator_a"),
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["version"] == 2
    assert changed.json()["travel"]["detour_factor"] == 1.5
    assert client.get(f"/api/v1/stations/{STATION_A}", headers=admin).headers["etag"] == '"2"'
    own = client.delete(f"/api/v1/stations/{STATION_A}", headers=tokens.header("coordinator_a"))
    assert own.status_code == 403
    assert client.delete(f"/api/v1/stations/{STATION_A}", headers=admin).status_code == 204
    assert client.get(f"/api/v1/stations/{STATION_A}", headers=admin).status_code == 404


def test_deleting_a_station_deletes_its_archive(stations: TestClient, tokens: Tokens) -> None:
    """A deleted station's records are gone; loading it again starts afresh."""
    admin = tokens.header("admin")
    assert stations.delete(BASE, headers=admin).status_code == 204
    assert stations.get(f"{BASE}/needs", headers=admin).status_code == 404
    with Session(stations.app.state.engine) as session:  # type: ignore[attr-defined]
        assert repository.need_ids(session, STATION_A) == []
        deleted = [
            e.entity_id
            for e in repository.audit_entries(session, station_id=STATION_A)
            if e.action == "delete"
        ]
    assert deleted == ["n001", "n002", "n003", "n004", "n005"]
