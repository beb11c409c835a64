"""A household's data on request (PIPL): export, erasure, and notes erased after retention."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.api_kit import STATION_A, WEEK, Tokens, scenario_for, wait_for_plan
from service.storage import repository

H = f"/api/v1/stations/{STATION_A}/households"
NOTE = "邻居说她常去女儿家"


def done_plan(client: TestClient, tokens: Tokens) -> dict[str, Any]:
    """A done plan of station A."""
    header = tokens.header("coordinator_a")
    answer = client.post(
        f"/api/v1/stations/{STATION_A}/plans",
        json={"week_start": WEEK, "time_limit": 1},
        headers=header,
    )
    job = wait_for_plan(client, answer.json()["id"], header, timeout=60)
    assert job["status"] == "done"
    return job


def test_a_household_is_exported_then_erased_everywhere(
    stations: TestClient, tokens: Tokens
) -> None:
    """The export has its needs, records (with notes) and plans; erasure removes all of them."""
    header = tokens.header("coordinator_a")
    job = done_plan(stations, tokens)
    needs = {n["id"]: n for n in scenario_for(STATION_A)["needs"]}
    visit = job["plan"]["visits"][0]
    household = needs[visit["need_id"]]["household"]
    put = stations.put(
        f"/api/v1/plans/{job['id']}/records/{visit['need_id']}/{visit['visit']}",
        json={"status": "done", "note": NOTE},
        headers=header,
    )
    assert put.status_code == 201
    exported = stations.get(f"{H}/{household}/export", headers=header)
    assert exported.status_code == 200
    body = exported.json()
    assert {n["id"] for n in body["needs"]} == {
        i for i, n in needs.items() if n["household"] == household
    }
    assert [r["note"] for r in body["records"]] == [NOTE]
    assert body["plans"][0]["plan_id"] == job["id"]
    assert (
        stations.get(f"{H}/{household}/export", headers=tokens.header("viewer_a")).status_code
        == 403
    )
    assert (
        stations.get(
            f"/api/v1/stations/{STATION_A}/households/{household}/export",
            headers=tokens.header("coordinator_b"),
        ).status_code
        == 404
    )
    erased = stations.delete(f"{H}/{household}", headers=header)
    assert erased.status_code == 200, erased.text
    assert erased.json() == {"needs": len(body["needs"]), "records": 1, "plans": 1}
    assert stations.get(f"{H}/{household}/export", headers=header).status_code == 404
    assert stations.get(f"/api/v1/plans/{job['id']}/records", headers=header).json()["count"] == 0
    engine = stations.app.state.engine  # type: ignore[attr-defined]
    with Session(engine) as session:
        stored = repository.get_job(session, uuid.UUID(str(job["id"])))
        assert stored is not None and f'"household":"{household}"' not in stored.scenario_json
        actions = {
            (e.action, e.entity) for e in repository.audit_entries(session, station_id=STATION_A)
        }
    assert {("read", "household_export"), ("delete", "household")} <= actions
    assert stations.delete(f"{H}/{household}", headers=header).status_code == 404


def test_a_note_is_erased_once_its_retention_has_passed(
    stations: TestClient, tokens: Tokens
) -> None:
    """A note whose erase date has come is gone at the next read; the record stays."""
    header = tokens.header("coordinator_a")
    job = done_plan(stations, tokens)
    visit = job["plan"]["visits"][0]
    stations.put(
        f"/api/v1/plans/{job['id']}/records/{visit['need_id']}/{visit['visit']}",
        json={"status": "done", "note": NOTE, "note_retention_days": 1},
        headers=header,
    )
    engine = stations.app.state.engine  # type: ignore[attr-defined]
    with Session(engine) as session:
        row = repository.get_record(
            session, uuid.UUID(str(job["id"])), visit["need_id"], visit["visit"]
        )
        assert row is not None and row.note == NOTE
        row.note_expires_on = dt.date.today()
        session.add(row)
        session.commit()
    listed = stations.get(f"/api/v1/plans/{job['id']}/records", headers=header).json()
    assert listed["count"] == 1 and listed["data"][0]["note"] is None
