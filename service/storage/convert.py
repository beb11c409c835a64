"""Wire ↔ storage: the one place that turns scenario models into table rows and back.

A station's archive holds no week: :func:`rows_to_scenario` makes the scenario of the week
asked for. Rows are written only from validated wire models, and read back through the wire
models' validation, so what comes out is what went in.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ValidationError

from service.loading import InvalidDocument
from service.storage.models import Archive, Need, Resource, Station, Village, Worker
from service.wire import scenario as wire
from service.wire.common import Location, json_path


def _dump(model: Any) -> Any:
    return model.model_dump(mode="json", by_alias=True)


def _location(lat: float | None, lon: float | None) -> Location | None:
    return None if lat is None or lon is None else Location(lat=lat, lon=lon)


def station_to_row(scenario: wire.Scenario) -> Station:
    """The station row of a scenario (its station, name and travel settings).

    Parameters
    ----------
    scenario
        A validated scenario.

    Returns
    -------
    Station
        A new, unsaved row.
    """
    station = scenario.station
    return Station(
        id=station.id,
        name=station.name,
        lat=station.location.lat,
        lon=station.location.lon,
        scenario_name=scenario.name,
        travel=_dump(scenario.travel),
        extra=station.extra,
        scenario_extra=scenario.extra,
    )


def row_to_station(row: Station) -> wire.Station:
    """The wire station of a station row."""
    return wire.Station(
        id=row.id, name=row.name, location=Location(lat=row.lat, lon=row.lon), extra=row.extra
    )


def row_to_travel(row: Station) -> wire.Travel:
    """The travel settings stored on a station row."""
    return wire.Travel.model_validate(row.travel)


def village_to_row(station_id: str, village: wire.Village, position: int = 0) -> Village:
    """A village row of a station from a wire village."""
    return Village(
        station_id=station_id,
        id=village.id,
        position=position,
        name=village.name,
        kind=village.kind,
        lat=village.location.lat,
        lon=village.location.lon,
        extra=village.extra,
    )


def row_to_village(row: Village) -> wire.Village:
    """The wire village of a village row."""
    return wire.Village.model_validate(
        {
            "id": row.id,
            "name": row.name,
            "kind": row.kind,
            "location": {"lat": row.lat, "lon": row.lon},
            "extra": row.extra,
        }
    )


def worker_to_row(station_id: str, worker: wire.Worker, position: int = 0) -> Worker:
    """A worker row of a station from a wire worker."""
    return Worker(
        station_id=station_id,
        id=worker.id,
        position=position,
        name=worker.name,
        role=worker.role,
        skills=list(worker.skills),
        languages=list(worker.languages),
        base_lat=None if worker.base is None else worker.base.lat,
        base_lon=None if worker.base is None else worker.base.lon,
        transport=worker.transport,
        availability=_dump(worker)["availability"],
        max_minutes_per_week=worker.max_minutes_per_week,
        max_visits_per_day=worker.max_visits_per_day,
        max_travel_minutes=worker.max_travel_minutes,
        extra=worker.extra,
    )


def row_to_worker(row: Worker) -> wire.Worker:
    """The wire worker of a worker row."""
    return wire.Worker.model_validate(
        {
            "id": row.id,
            "name": row.name,
            "role": row.role,
            "skills": row.skills,
            "languages": row.languages,
            "base": _location(row.base_lat, row.base_lon),
            "transport": row.transport,
            "availability": row.availability,
            "max_minutes_per_week": row.max_minutes_per_week,
            "max_visits_per_day": row.max_visits_per_day,
            "max_travel_minutes": row.max_travel_minutes,
            "extra": row.extra,
        }
    )


def resource_to_row(station_id: str, resource: wire.Resource, position: int = 0) -> Resource:
    """A resource row of a station from a wire resource."""
    return Resource(
        station_id=station_id,
        id=resource.id,
        position=position,
        name=resource.name,
        kind=resource.kind,
        unit=resource.unit,
        available=resource.available,
        eligible_groups=None
        if resource.eligible_groups is None
        else list(resource.eligible_groups),
        extra=resource.extra,
    )


def row_to_resource(row: Resource) -> wire.Resource:
    """The wire resource of a resource row."""
    return wire.Resource.model_validate(
        {
            "id": row.id,
            "name": row.name,
            "kind": row.kind,
            "unit": row.unit,
            "available": row.available,
            "eligible_groups": row.eligible_groups,
            "extra": row.extra,
        }
    )


def need_to_row(station_id: str, need: wire.Need, position: int = 0) -> Need:
    """A need row of a station from a wire need."""
    dumped = _dump(need)
    return Need(
        station_id=station_id,
        id=need.id,
        position=position,
        household=need.household,
        village_id=need.village,
        lat=None if need.location is None else need.location.lat,
        lon=None if need.location is None else need.location.lon,
        groups=list(need.groups),
        category=need.category,
        priority=need.priority,
        visits=need.visits,
        duration_minutes=need.duration_minutes,
        window=dumped["window"],
        staff=dumped["staff"],
        skills=list(need.skills),
        languages=list(need.languages),
        preferred_workers=list(need.preferred_workers),
        excluded_workers=list(need.excluded_workers),
        resources=dumped["resources"],
        mandatory=need.mandatory,
        assessed_on=need.assessed_on,
        extra=need.extra,
    )


def row_to_need(row: Need) -> wire.Need:
    """The wire need of a need row."""
    return wire.Need.model_validate(
        {
            "id": row.id,
            "household": row.household,
            "village": row.village_id,
            "location": _location(row.lat, row.lon),
            "groups": row.groups,
            "category": row.category,
            "priority": row.priority,
            "visits": row.visits,
            "duration_minutes": row.duration_minutes,
            "window": row.window,
            "staff": row.staff,
            "skills": row.skills,
            "languages": row.languages,
            "preferred_workers": row.preferred_workers,
            "excluded_workers": row.excluded_workers,
            "resources": row.resources,
            "mandatory": row.mandatory,
            "assessed_on": row.assessed_on,
            "extra": row.extra,
        }
    )


def scenario_to_rows(scenario: wire.Scenario) -> Archive:
    """Every row of a station's archive from a scenario; positions keep the scenario's order.

    Parameters
    ----------
    scenario
        A validated scenario (cross-references checked).

    Returns
    -------
    Archive
        New, unsaved rows. The week (``week_start``) is not part of the archive.
    """
    station = station_to_row(scenario)
    sid = station.id
    return Archive(
        station=station,
        villages=[village_to_row(sid, v, i) for i, v in enumerate(scenario.villages)],
        workers=[worker_to_row(sid, w, i) for i, w in enumerate(scenario.workers)],
        resources=[resource_to_row(sid, r, i) for i, r in enumerate(scenario.resources)],
        needs=[need_to_row(sid, n, i) for i, n in enumerate(scenario.needs)],
    )


def rows_to_scenario(archive: Archive, week_start: dt.date) -> wire.Scenario:
    """The scenario of a station's archive for one week.

    Parameters
    ----------
    archive
        The station row and its archive rows, in archive order.
    week_start
        The Monday of the week.

    Returns
    -------
    Scenario
        The validated scenario.

    Raises
    ------
    InvalidDocument
        When the archive does not make a valid scenario (no villages yet, or ``week_start``
        is not a Monday), one message per problem with its JSON path.
    """
    document = {
        "format": wire.SCENARIO_FORMAT,
        "name": archive.station.scenario_name,
        "week_start": week_start,
        "station": row_to_station(archive.station),
        "villages": [row_to_village(row) for row in archive.villages],
        "travel": row_to_travel(archive.station),
        "workers": [row_to_worker(row) for row in archive.workers],
        "resources": [row_to_resource(row) for row in archive.resources],
        "needs": [row_to_need(row) for row in archive.needs],
        "extra": archive.station.scenario_extra,
    }
    try:
        return wire.Scenario.model_validate(document)
    except ValidationError as error:
        raise InvalidDocument(
            [f"{json_path(tuple(e['loc']))}: {e['msg']}" for e in error.errors()]
        ) from None


def archive_scenario(archive: Archive) -> wire.Scenario:
    """The archive as an unvalidated scenario, for cross-reference checks of a partial archive.

    Each entity is read back through its own wire model; the scenario around them is not
    validated, so that an archive without villages can still be checked.

    Parameters
    ----------
    archive
        The station row and its archive rows.

    Returns
    -------
    Scenario
        Built with ``model_construct``: only fit for :func:`service.loading.check_references`.
    """
    return wire.Scenario.model_construct(
        format="mulin.scenario/1",
        name=archive.station.scenario_name,
        week_start=dt.date(2026, 1, 5),
        station=row_to_station(archive.station),
        villages=[row_to_village(row) for row in archive.villages],
        travel=row_to_travel(archive.station),
        workers=[row_to_worker(row) for row in archive.workers],
        resources=[row_to_resource(row) for row in archive.resources],
        needs=[row_to_need(row) for row in archive.needs],
    )
