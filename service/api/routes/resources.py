"""Charity goods and funds of a station: ``/api/v1/stations/{station_id}/resources``."""

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
from service.api.models import (
    ResourceCreate,
    ResourcePublic,
    ResourcesPublic,
    ResourceUpdate,
)

router = APIRouter(prefix="/stations/{station_id}/resources", tags=["resources"])
ResourceId = Annotated[str, Path(min_length=1, max_length=100, description="The resource's id.")]


@router.get("", responses=ERROR_RESPONSES)
def list_resources(
    session: SessionDep,
    caller: CallerDep,
    station: ReadableStation,
    offset: Offset = 0,
    limit: Limit = 50,
    kind: Annotated[Literal["goods", "funds"] | None, Query()] = None,
) -> ResourcesPublic:
    """List the station's resources in archive order."""
    rows, count = archive.page(
        session,
        archive.RESOURCES,
        caller,
        station,
        filters={"kind": kind},
        offset=offset,
        limit=limit,
    )
    return ResourcesPublic(data=[ResourcePublic.model_validate(r) for r in rows], count=count)


@router.post("", status_code=201, responses=WRITE_RESPONSES)
def create_resource(
    session: SessionDep, caller: CallerDep, station: WritableStation, body: ResourceCreate
) -> ResourcePublic:
    """Add goods or funds; 409 when the id is taken."""
    created = archive.create(session, archive.RESOURCES, caller, station, body)
    return ResourcePublic.model_validate(created)


@router.get("/{resource_id}", responses=ERROR_RESPONSES)
def read_resource(
    session: SessionDep,
    caller: CallerDep,
    station: ReadableStation,
    resource_id: ResourceId,
    response: Response,
) -> ResourcePublic:
    """One resource; its ``ETag`` is its version."""
    found = ResourcePublic.model_validate(
        archive.read(session, archive.RESOURCES, caller, station, resource_id)
    )
    response.headers["ETag"] = f'"{found.version}"'
    return found


@router.patch("/{resource_id}", responses=WRITE_RESPONSES)
def update_resource(
    session: SessionDep,
    caller: CallerDep,
    station: WritableStation,
    resource_id: ResourceId,
    body: ResourceUpdate,
    expected: IfMatch,
) -> ResourcePublic:
    """Change a resource; 409 when the version is stale or needs could no longer receive it."""
    updated = archive.update(
        session, archive.RESOURCES, caller, station, resource_id, body, expected
    )
    return ResourcePublic.model_validate(updated)


@router.delete("/{resource_id}", status_code=204, responses=WRITE_RESPONSES)
def delete_resource(
    session: SessionDep,
    caller: CallerDep,
    station: WritableStation,
    resource_id: ResourceId,
    expected: IfMatch,
) -> None:
    """Delete a resource; 409 while needs ask for it."""
    archive.remove(session, archive.RESOURCES, caller, station, resource_id, expected)
