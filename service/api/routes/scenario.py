"""A station's whole archive as one ``mulin.scenario/1`` document.

``PUT /api/v1/stations/{station_id}/scenario`` replaces the archive (creating the station when
it is new); ``GET …/scenario?week_start=YYYY-MM-DD`` exports the archive as that week's scenario.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Body, HTTPException, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from service.api import examples as ex
from service.api.auth import Caller
from service.api.deps import (
    CallerDep,
    IfMatch,
    ReadableStation,
    SessionDep,
    StationId,
    require_writable,
)
from service.api.errors import (
    ERROR_RESPONSES,
    WRITE_RESPONSES,
    InvalidInput,
    check_storable,
    invalid_from_messages,
)
from service.api.models import StationPublic
from service.api.routes.stations import station_public
from service.loading import InvalidDocument, check_references
from service.messages import Language
from service.storage import convert, repository
from service.storage.models import Station
from service.to_plan import plan_warnings
from service.wire.plan import PlanWarning
from service.wire.scenario import Scenario

router = APIRouter(prefix="/stations/{station_id}/scenario", tags=["scenario"])
ScenarioBody = Annotated[
    Scenario,
    Body(
        openapi_examples={
            "meili": {
                "summary": "梅李镇社会工作站: two villages, two workers, two needs",
                "description": "PUT it to /api/v1/stations/meili/scenario (the path's station).",
                "value": ex.SCENARIO,
            }
        }
    ),
]


class ScenarioImported(BaseModel):
    """What a scenario import stored."""

    model_config = ConfigDict(json_schema_extra=ex.schema_examples(ex.SCENARIO_IMPORTED))

    station: StationPublic
    villages: int
    workers: int
    resources: int
    needs: int
    warnings: list[PlanWarning] = Field(
        default_factory=list,
        description=(
            "Records stored that cannot be served as written (the plan repeats them): a resource "
            "the household is not eligible for, more visits than window days, a window shorter "
            "than a visit, a worker both preferred and excluded."
        ),
    )


def station_scenario(
    session: Session, caller: Caller, station: Station, week_start: dt.date
) -> Scenario:
    """The station's archive as the scenario of one week; its needs' reads are audited.

    Parameters
    ----------
    session
        The database session (committed: the audit entries).
    caller
        Who reads.
    station
        The station row.
    week_start
        The Monday of the week.

    Returns
    -------
    Scenario
        The validated scenario.

    Raises
    ------
    HTTPException
        409 when the archive does not make a valid scenario (no villages yet).
    """
    archive = repository.load_archive(session, station)
    try:
        scenario = convert.rows_to_scenario(archive, week_start)
    except InvalidDocument as error:
        raise HTTPException(
            status_code=409,
            detail="the archive is not a complete scenario: " + "; ".join(error.problems[:10]),
        ) from None
    problems = check_references(scenario)
    if problems:
        raise HTTPException(
            status_code=409,
            detail="the archive is inconsistent: " + "; ".join(problems[:10]),
        )
    repository.record_access(
        session,
        token_id=caller.token_id,
        action="read",
        entity="need",
        entity_ids=[need.id for need in scenario.needs],
        station_id=station.id,
    )
    session.commit()
    return scenario


@router.get("", responses=ERROR_RESPONSES, response_model_exclude_none=True)
def read_scenario(
    session: SessionDep,
    caller: CallerDep,
    station: ReadableStation,
    week_start: Annotated[dt.date, Query(description="The Monday of the week to export.")],
) -> Scenario:
    """The station's archive as the ``mulin.scenario/1`` of the week starting ``week_start``."""
    if week_start.weekday() != 0:
        raise InvalidInput([(("query", "week_start"), f"{week_start} is not a Monday")])
    return station_scenario(session, caller, station, week_start)


@router.put("", responses=WRITE_RESPONSES)
def replace_scenario(
    session: SessionDep,
    caller: CallerDep,
    station_id: StationId,
    body: ScenarioBody,
    expected: IfMatch,
    language: Annotated[Language, Query(description="Language of the warnings.")] = "zh",
) -> ScenarioImported:
    """Replace the station's whole archive with a scenario's (all or nothing).

    An invalid scenario gets 422 with the JSON path of each problem, and nothing changes.
    Records that are well-formed but cannot be served as written are stored and listed in
    ``warnings``.
    The station is created when it does not exist yet. ``week_start`` is not stored: the
    archive serves every week.
    """
    require_writable(caller, station_id)
    problems = check_references(body)
    if body.station.id != station_id:
        problems.insert(
            0, f"station.id: {body.station.id!r} is not the station of the path {station_id!r}"
        )
    if problems:
        raise invalid_from_messages(problems, prefix=("body",))
    check_storable(body)
    stored = repository.get_station(session, station_id)
    if stored is not None and expected is not None and expected != stored.version:
        raise HTTPException(
            status_code=409,
            detail=f"version {expected} is stale: the stored version is {stored.version}",
        )
    before = set() if stored is None else set(repository.need_ids(session, station_id))
    rows = convert.scenario_to_rows(body)
    station = repository.replace_archive(session, rows)
    after = [need.id for need in body.needs]
    for action, ids in (
        ("delete", sorted(before - set(after))),
        ("update", [i for i in after if i in before]),
        ("create", [i for i in after if i not in before]),
    ):
        repository.record_access(
            session,
            token_id=caller.token_id,
            action=action,  # type: ignore[arg-type]
            entity="need",
            entity_ids=ids,
            station_id=station_id,
        )
    session.commit()
    session.refresh(station)
    return ScenarioImported(
        station=station_public(station),
        villages=len(body.villages),
        workers=len(body.workers),
        resources=len(body.resources),
        needs=len(body.needs),
        warnings=plan_warnings(body, language),
    )
