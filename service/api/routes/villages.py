"""Villages and communities of a station: ``/api/v1/stations/{station_id}/villages``."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response

from service.api import archive
from service.api.deps import (
    CallerDep,
    IfMatch,
    Limit,
    Offset,
    ReadableStation,
    SessionDep,
    WritableStation,
)
from service.api.errors import ERROR_RESPONSES, WRITE_RESPONSES
from service.api.models import VillageCreate, VillagePublic, VillagesPublic, VillageUpdate

router = APIRouter(prefix="/stations/{station_id}/villages", tags=["villages"])
VillageId = Annotated[str, Path(min_length=1, max_length=100, description="The village's id.")]


@router.get("", responses=ERROR_RESPONSES)
def list_villages(
    session: SessionDep,
    caller: CallerDep,
    station: ReadableStation,
    offset: Offset = 0,
    limit: Limit = 50,
    kind: Annotated[Literal["village", "community"] | None, Query()] = None,
) -> VillagesPublic:
    """List the station's villages and communities in archive order."""
    rows, count = archive.page(
        session,
        archive.VILLAGES,
        caller,
        station,
        filters={"kind": kind},
        offset=offset,
        limit=limit,
    )
    return VillagesPublic(data=[VillagePublic.model_validate(r) for r in rows], count=count)


@router.post("", status_code=201, responses=WRITE_RESPONSES)
def create_village(
    session: SessionDep, caller: CallerDep, station: WritableStation, body: VillageCreate
) -> VillagePublic:
    """Add a village or community; 409 when its id is taken."""
    created = archive.create(session, archive.VILLAGES, caller, station, body)
    return VillagePublic.model_validate(created)


@router.get("/{village_id}", responses=ERROR_RESPONSES)
def read_village(
    session: SessionDep,
    caller: CallerDep,
    station: ReadableStation,
    village_id: VillageId,
    response: Response,
) -> VillagePublic:
    """One village; its ``ETag`` is its version."""
    found = VillagePublic.model_validate(
        archive.read(session, archive.VILLAGES, caller, station, village_id)
    )
    response.headers["ETag"] = f'"{found.version}"'
    return found


@router.patch("/{village_id}", responses=WRITE_RESPONSES)
def update_village(
    session: SessionDep,
    caller: CallerDep,
    station: WritableStation,
    village_id: VillageId,
    body: VillageUpdate,
    expected: IfMatch,
) -> VillagePublic:
    """Change a village; 409 when ``If-Match`` or ``version`` is stale."""
    updated = archive.update(session, archive.VILLAGES, caller, station, village_id, body, expected)
    return VillagePublic.model_validate(updated)


@router.delete("/{village_id}", status_code=204, responses=WRITE_RESPONSES)
def delete_village(
    session: SessionDep,
    caller: CallerDep,
    station: WritableStation,
    village_id: VillageId,
    expected: IfMatch,
) -> None:
    """Delete a village; 409 while needs are in it."""
    archive.remove(session, archive.VILLAGES, caller, station, village_id, expected)
