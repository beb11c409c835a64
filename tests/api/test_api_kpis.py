"""The freshness of the resource library in a station's assessment figures."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.api_kit import STATION_A, Tokens, scenario_for
from service.storage import repository
from service.storage.models import utcnow

SPAN = {"from": "2026-11-01", "to": "2026-11-30"}


def test_resources_not_updated_for_a_year_count_as_stale(
    stations: TestClient, tokens: Tokens
) -> None:
    """Just written: none stale; one record written 400 days ago: its share and date shown."""
    url = f"/api/v1/stations/{STATION_A}/kpis"
    header = tokens.header("coordinator_a")
    archive = stations.get(url, params=SPAN, headers=header).json()["archive"]
    count = len(scenario_for(STATION_A)["resources"])
    assert archive["resources"] == count and archive["resources_stale_share"] == 0.0
    old = utcnow() - dt.timedelta(days=400)
    engine = stations.app.state.engine  # type: ignore[attr-defined]
    with Session(engine) as session:
        station = repository.get_station(session, STATION_A)
        assert station is not None
        row = repository.load_archive(session, station).resources[0]
        row.updated_at = old
        session.add(row)
        session.commit()
    archive = stations.get(url, params=SPAN, headers=header).json()["archive"]
    assert archive["resources_stale_share"] == round(1 / count, 4)
    assert archive["resources_oldest_update"] == old.date().isoformat()
