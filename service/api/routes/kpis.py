"""Assessment figures of a station, and of every station side by side for a city.

``GET /api/v1/stations/{id}/kpis?from=&to=``; ``GET /api/v1/kpis?from=&to=`` (city
administrators). The range is of visit dates (both included, at most 400 days); the figures
come from each week's plan in force and its visit records (``service.api.kpis``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field
from sqlmodel import Session

from service.api.deps import CallerDep, ReadableStation, SessionDep
from service.api.errors import ERROR_RESPONSES, InvalidInput
from service.api.kpis import ArchiveFigures, Figures, Kpis, Week, compute_kpis
from service.storage import convert, repository
from service.storage.models import Station
from service.wire.plan import Plan
from service.wire.scenario import Scenario

router = APIRouter(tags=["kpis"])
MAX_DAYS = 400
From = Annotated[dt.date, Query(alias="from", description="First visit date (YYYY-MM-DD).")]
To = Annotated[dt.date, Query(alias="to", description="Last visit date, included.")]


class CityKpis(BaseModel):
    """Every station's figures over one range, side by side (town level)."""

    from_date: dt.date
    to_date: dt.date
    stations: dict[str, Figures]
    archives: dict[str, ArchiveFigures] = Field(
        default_factory=dict, description="Each station's needs archive and resource library."
    )


def check_range(first: dt.date, last: dt.date) -> None:
    """422 when the range ends before it starts or spans more than :data:`MAX_DAYS` days."""
    if last < first:
        raise InvalidInput([(("query", "to"), "is before from")])
    if (last - first).days >= MAX_DAYS:
        raise InvalidInput([(("query", "to"), f"the range may span at most {MAX_DAYS} days")])


def station_kpis(session: Session, station: Station, first: dt.date, last: dt.date) -> Kpis:
    """The figures of one station over a range of visit dates."""
    monday = first - dt.timedelta(days=first.weekday())
    weeks = []
    while monday <= last:
        job = repository.plan_in_force(session, station.id, monday)
        if job is not None and job.plan_json is not None:
            records = {(r.need_id, r.visit): r for r in repository.list_records(session, job.id)}
            weeks.append(
                Week(
                    Scenario.model_validate_json(job.scenario_json),
                    Plan.model_validate_json(job.plan_json),
                    records,
                )
            )
        monday += dt.timedelta(days=7)
    archive = repository.load_archive(session, station)
    needs = [convert.row_to_need(row) for row in archive.needs]
    updates = [repository.as_utc(row.updated_at).date() for row in archive.resources]
    return compute_kpis(
        station.id, weeks, needs, first, last, today=dt.date.today(), resource_updates=updates
    )


def every_station(session: Session) -> list[Station]:
    """Every station of the city."""
    stations, _ = repository.list_stations(session, only=None, offset=0, limit=100_000)
    return stations


def city_kpis(session: Session, stations: list[Station], first: dt.date, last: dt.date) -> CityKpis:
    """The stations' town figures and archives over one range of visit dates."""
    each = {s.id: station_kpis(session, s, first, last) for s in stations}
    return CityKpis(
        from_date=first,
        to_date=last,
        stations={station: kpis.total.town for station, kpis in each.items()},
        archives={station: kpis.archive for station, kpis in each.items()},
    )


@router.get("/stations/{station_id}/kpis", responses=ERROR_RESPONSES)
def read_station_kpis(session: SessionDep, station: ReadableStation, first: From, last: To) -> Kpis:
    """Month by month, per village and for the town: what the station did, and its archive."""
    check_range(first, last)
    return station_kpis(session, station, first, last)


@router.get("/kpis", responses=ERROR_RESPONSES)
def read_city_kpis(session: SessionDep, caller: CallerDep, first: From, last: To) -> CityKpis:
    """Every station's town figures over the range (a city administrator only)."""
    if caller.role != "city_admin":
        raise HTTPException(status_code=403, detail="only a city administrator sees every station")
    check_range(first, last)
    return city_kpis(session, every_station(session), first, last)
