"""Stations: ``/api/v1/stations``."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Response

from service.api.deps import (
    CallerDep,
    IfMatch,
    Limit,
    Offset,
    ReadableStation,
    SessionDep,
    StationId,
    WritableStation,
    forbidden,
    require_visible,
)
from service.api.errors import ERROR_RESPONSES, WRITE_RESPONSES, check_storable
from service.api.models import StationCreate, StationPublic, StationsPublic, StationUpdate
from service.storage import convert, repository
from service.storage.models import Station, utcnow

router = APIRouter(prefix="/stations", tags=["stations"])


def station_public(row: Station) -> StationPublic:
    """A station row as answered."""
    return StationPublic(
        **dict(convert.row_to_station(row)),
        scenario_name=row.scenario_name,
        travel=convert.row_to_travel(row),
        version=row.version,
    )


@router.get("", responses=ERROR_RESPONSES)
def list_stations(
    session: SessionDep, caller: CallerDep, offset: Offset = 0, limit: Limit = 50
) -> StationsPublic:
    """The stations the caller may see (a city admin: all of them), ordered by id."""
    only = None if caller.role == "city_admin" else (caller.station_id or "")
    rows, count = repository.list_stations(session, only=only, offset=offset, limit=limit)
    return StationsPublic(data=[station_public(row) for row in rows], count=count)


@router.post("", status_code=201, responses=WRITE_RESPONSES)
def create_station(session: SessionDep, caller: CallerDep, body: StationCreate) -> StationPublic:
    """Add a station: a city admin any, a coordinator only its own; 409 when it exists."""
    if not caller.can_write or not caller.can_see(body.id):
        raise forbidden()
    check_storable(body)
    if repository.get_station(session, body.id) is not None:
        raise HTTPException(status_code=409, detail=f"station {body.id!r} already exists")
    row = Station(
        id=body.id,
        name=body.name,
        lat=body.location.lat,
        lon=body.location.lon,
        scenario_name=body.scenario_name or body.name,
        travel=body.travel.model_dump(mode="json"),
        extra=body.extra,
    )
    session.add(row)
    session.commit()
    session.refresh(row)
    return station_public(row)


@router.get("/{station_id}", responses=ERROR_RESPONSES)
def read_station(station: ReadableStation, response: Response) -> StationPublic:
    """One station; its ``ETag`` is its version."""
    response.headers["ETag"] = f'"{station.version}"'
    return station_public(station)


@router.patch("/{station_id}", responses=WRITE_RESPONSES)
def update_station(
    session: SessionDep, station: WritableStation, body: StationUpdate, expected: IfMatch
) -> StationPublic:
    """Change a station's name, location, scenario name or travel settings."""
    check_storable(body)
    changes = body.model_dump(exclude_unset=True)
    for version in (expected, changes.pop("version", None)):
        if version is not None and version != station.version:
            raise HTTPException(
                status_code=409,
                detail=f"version {version} is stale: the stored version is {station.version}",
            )
    if changes.get("name") is not None:
        station.name = changes["name"]
    if body.location is not None:
        station.lat, station.lon = body.location.lat, body.location.lon
    if changes.get("scenario_name") is not None:
        station.scenario_name = changes["scenario_name"]
    if body.travel is not None:
        station.travel = body.travel.model_dump(mode="json")
    if "extra" in changes:
        station.extra = changes["extra"]
    station.updated_at = utcnow()
    session.add(station)
    session.commit()
    session.refresh(station)
    return station_public(station)


@router.delete("/{station_id}", status_code=204, responses=WRITE_RESPONSES)
def delete_station(
    session: SessionDep, caller: CallerDep, station_id: StationId, expected: IfMatch
) -> None:
    """Delete a station with its whole archive and plans (city admins only)."""
    require_visible(caller, station_id)
    station = repository.get_station(session, station_id)
    if station is None:
        raise HTTPException(status_code=404, detail="station not found")
    if caller.role != "city_admin":
        raise forbidden()
    if expected is not None and expected != station.version:
        raise HTTPException(
            status_code=409,
            detail=f"version {expected} is stale: the stored version is {station.version}",
        )
    household_records = [need.id for need in repository.load_archive(session, station).needs]
    repository.record_access(
        session,
        token_id=caller.token_id,
        action="delete",
        entity="need",
        entity_ids=household_records,
        station_id=station_id,
    )
    session.delete(station)
    session.commit()
