"""Scenario import and export: ``PUT``/``GET /api/v1/stations/{station_id}/scenario``."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.api_kit import STATION_A, WEEK, Tokens, scenario_for
from service.storage import repository
from service.wire.scenario import Scenario

URL = f"/api/v1/stations/{STATION_A}/scenario"


def paths(answer: Any) -> dict[str, str]:
    """JSON path → message of a 422 answer."""
    return {problem["path"]: problem["msg"] for problem in answer.json()["detail"]}


def export(client: TestClient, tokens: Tokens, week: str = WEEK) -> dict[str, Any]:
    """The station's scenario for a week, as the admin reads it."""
    answer = client.get(URL, params={"week_start": week}, headers=tokens.header("admin"))
    assert answer.status_code == 200, answer.text
    data: dict[str, Any] = answer.json()
    return data


def test_round_trip_gives_back_the_scenario(client: TestClient, tokens: Tokens) -> None:
    """A scenario PUT and then GET for its week is the same scenario (model_dump equal)."""
    sent = scenario_for(STATION_A)
    put = client.put(URL, json=sent, headers=tokens.header("coordinator_a"))
    assert put.status_code == 200, put.text
    assert put.json()["needs"] == len(sent["needs"])
    assert put.json()["station"]["version"] == 1
    expected = Scenario.model_validate(sent).model_dump()
    assert Scenario.model_validate(export(client, tokens)).model_dump() == expected


def test_export_is_for_the_week_asked(stations: TestClient, tokens: Tokens) -> None:
    """The archive serves every week: week_start of the export is the one asked for."""
    assert export(stations, tokens, "2026-11-30")["week_start"] == "2026-11-30"


def test_export_leaves_out_nulls(stations: TestClient, tokens: Tokens) -> None:
    """The export is a clean scenario file: optional fields left unset are absent, not null."""
    scenario = export(stations, tokens)
    assert "base" not in scenario["workers"][0]
    assert "extra" not in scenario
    assert scenario["needs"][0]["window"]["from"] == "09:00"


def test_invalid_scenario_gets_every_path_and_changes_nothing(
    stations: TestClient, tokens: Tokens
) -> None:
    """A bad scenario gets 422 naming each bad field's JSON path; the archive stays as it was."""
    before = export(stations, tokens)
    shape = scenario_for(STATION_A)
    shape["needs"][1]["window"]["from"] = "25:00"
    shape["needs"][2]["colour"] = "red"
    answer = stations.put(URL, json=shape, headers=tokens.header("admin"))
    assert answer.status_code == 422
    assert paths(answer) == {
        "needs[1].window.from": "'25:00' is not a time HH:MM",
        "needs[2].colour": "unknown field",
    }
    refs = scenario_for(STATION_A)
    refs["needs"][3]["village"] = "v99"
    answer = stations.put(URL, json=refs, headers=tokens.header("admin"))
    assert answer.status_code == 422
    assert paths(answer) == {"needs[3].village": "unknown village 'v99'"}
    assert answer.json()["detail"][0]["loc"] == ["body", "needs", 3, "village"]
    assert export(stations, tokens) == before


def test_unknown_resource_is_reported_with_its_path(stations: TestClient, tokens: Tokens) -> None:
    """Cross-reference problems name the exact list element (needs[0].resources[0].id)."""
    scenario = scenario_for(STATION_A)
    scenario["resources"] = []
    answer = stations.put(URL, json=scenario, headers=tokens.header("admin"))
    assert answer.status_code == 422
    assert paths(answer)["needs[0].resources[0].id"] == "unknown resource 'rice-5kg'"


def test_station_of_the_body_must_be_the_path_station(client: TestClient, tokens: Tokens) -> None:
    """A scenario of another station cannot be stored under this one: 422 at station.id."""
    answer = client.put(URL, json=scenario_for("elsewhere"), headers=tokens.header("admin"))
    assert answer.status_code == 422
    assert "station.id" in paths(answer)


def test_not_a_monday_is_422(stations: TestClient, tokens: Tokens) -> None:
    """week_start must be a Monday."""
    answer = stations.get(URL, params={"week_start": "2026-11-24"}, headers=tokens.header("admin"))
    assert answer.status_code == 422
    assert paths(answer) == {"query.week_start": "2026-11-24 is not a Monday"}


def test_export_of_a_station_without_villages_is_409(client: TestClient, tokens: Tokens) -> None:
    """A station with an empty archive makes no scenario yet: 409 saying why."""
    created = client.post(
        "/api/v1/stations",
        json={"id": STATION_A, "name": "站", "location": {"lat": 31.7, "lon": 120.8}},
        headers=tokens.header("admin"),
    )
    assert created.status_code == 201, created.text
    answer = client.get(URL, params={"week_start": WEEK}, headers=tokens.header("admin"))
    assert answer.status_code == 409
    assert "villages" in answer.json()["detail"]


def test_replacing_drops_what_the_new_scenario_lacks(stations: TestClient, tokens: Tokens) -> None:
    """PUT replaces the archive: needs absent from the new scenario are gone."""
    smaller = scenario_for(STATION_A)
    smaller["needs"] = smaller["needs"][1:]
    answer = stations.put(URL, json=smaller, headers=tokens.header("admin"))
    assert answer.status_code == 200
    assert answer.json()["station"]["version"] == 2
    assert [n["id"] for n in export(stations, tokens)["needs"]] == ["n002", "n003", "n004", "n005"]
    gone = stations.get(f"/api/v1/stations/{STATION_A}/needs/n001", headers=tokens.header("admin"))
    assert gone.status_code == 404


def test_stale_if_match_on_replace_is_409(stations: TestClient, tokens: Tokens) -> None:
    """PUT with If-Match of an older station version gets 409; the current one succeeds."""
    header = tokens.header("admin")
    stale = stations.put(URL, json=scenario_for(STATION_A), headers=header | {"If-Match": '"7"'})
    assert stale.status_code == 409
    fresh = stations.put(URL, json=scenario_for(STATION_A), headers=header | {"If-Match": '"1"'})
    assert fresh.status_code == 200


def test_import_and_export_are_audited(stations: TestClient, tokens: Tokens) -> None:
    """Replacing and reading the archive write one audit entry per household need."""
    export(stations, tokens)
    with Session(stations.app.state.engine) as session:  # type: ignore[attr-defined]
        entries = repository.audit_entries(session, station_id=STATION_A)
    created = [e.entity_id for e in entries if e.action == "create"]
    read = [e for e in entries if e.action == "read"]
    assert created == ["n001", "n002", "n003", "n004", "n005"]
    assert [e.entity_id for e in read] == created
    assert {e.token_id for e in read} == {tokens.id("admin")}
    assert {e.entity for e in entries} == {"need"}


def test_inconsistent_records_are_stored_and_warned(stations: TestClient, tokens: Tokens) -> None:
    """An ineligible request, visits beyond window days and preferred+excluded are kept, warned."""
    scenario = scenario_for(STATION_A)
    scenario["needs"][2]["groups"] = ["migrant"]
    scenario["needs"][3]["visits"] = 4
    scenario["needs"][0]["preferred_workers"] = ["sw01"]
    scenario["needs"][0]["excluded_workers"] = ["sw01"]
    answer = stations.put(
        URL, json=scenario, params={"language": "en"}, headers=tokens.header("admin")
    )
    assert answer.status_code == 200, answer.text
    assert [(w["code"], w["path"]) for w in answer.json()["warnings"]] == [
        ("preferred_and_excluded", "needs[0].preferred_workers[0]"),
        ("not_eligible", "needs[2].resources[0].id"),
        ("too_few_days", "needs[3].visits"),
    ]
    stored = export(stations, tokens)
    assert stored["needs"][3]["visits"] == 4
    assert stored["needs"][2]["groups"] == ["migrant"]
