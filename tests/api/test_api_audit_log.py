"""The audit of need reads: written in batches by the app's AuditLog, none lost at shutdown."""

from __future__ import annotations

import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from api.api_kit import STATION_A, Tokens, make_settings, scenario_for
from service.api import create_app
from service.api.audit import AuditLog
from service.api.auth import create_token
from service.storage import repository
from service.storage.db import make_engine

BASE = f"/api/v1/stations/{STATION_A}"


def _reads(engine: Engine, token_id: str) -> list[str | None]:
    """The ids of the need reads audited for a token, in order."""
    with Session(engine) as session:
        return [
            entry.entity_id
            for entry in repository.audit_entries(session, station_id=STATION_A)
            if entry.action == "read" and entry.token_id == token_id
        ]


def test_reads_are_written_by_the_background_thread(stations: TestClient, tokens: Tokens) -> None:
    """A page of needs read is in the audit table within moments, with no explicit flush."""
    answer = stations.get(f"{BASE}/needs", params={"limit": 3}, headers=tokens.header("viewer_a"))
    assert answer.status_code == 200
    engine = stations.app.state.engine  # type: ignore[attr-defined]
    deadline = time.monotonic() + 10
    while not _reads(engine, tokens.id("viewer_a")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _reads(engine, tokens.id("viewer_a")) == ["n001", "n002", "n003"]


def test_shutdown_writes_what_waits(database_url: str) -> None:
    """Reads still waiting when the app stops are written by its shutdown."""
    settings = make_settings(database_url, audit_flush_seconds=60.0)
    app = create_app(settings)
    with TestClient(app) as client:
        engine = app.state.engine
        with Session(engine) as session:
            row, secret = create_token(session, "city_admin", None)
        header = {"Authorization": f"Bearer {secret}"}
        put = client.put(f"{BASE}/scenario", json=scenario_for(STATION_A), headers=header)
        assert put.status_code == 200, put.text
        assert client.get(f"{BASE}/needs/n002", headers=header).status_code == 200
        assert client.get(f"{BASE}/needs", params={"limit": 2}, headers=header).status_code == 200
        assert app.state.audit.waiting == 3
        assert _reads(engine, row.id) == []
    check = make_engine(settings)
    try:
        assert _reads(check, row.id) == ["n002", "n001", "n002"]
    finally:
        check.dispose()


def test_a_failed_write_keeps_the_rows(tmp_path: Path) -> None:
    """When the database refuses the rows (here: no schema) they wait for the next try."""
    engine = make_engine(make_settings(f"sqlite:///{tmp_path / 'empty.db'}"))
    audit = AuditLog(engine, flush_seconds=60.0)
    try:
        audit.record(
            token_id="tok_x", action="read", entity="need", entity_ids=["a", "b"], station_id="s"
        )
        assert audit.flush() == 0
        assert audit.waiting == 2
    finally:
        engine.dispose()
