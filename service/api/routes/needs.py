"""Household needs of a station's archive: ``/api/v1/stations/{station_id}/needs``.

Needs are household records: every read and change is written to the audit table.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from service.api import archive
from service.api.deps import (
    AuditDep,
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
    NeedCreate,
    NeedPublic,
    NeedsPublic,
    NeedUpdate,
)
from service.wire import scenario as wire

router = APIRouter(prefix="/stations/{station_id}/needs", tags=["needs"])
NeedId = Annotated[str, Path(min_length=1, max_length=100, description="The need's id.")]


@router.get("", responses=ERROR_RESPONSES)
def list_needs(
    session: SessionDep,
    caller: CallerDep,
    station: ReadableStation,
    audit: AuditDep,
    offset: Offset = 0,
    limit: Limit = 50,
    village: Annotated[str | None, Query(max_length=100)] = None,
    household: Annotated[str | None, Query(max_length=100)] = None,
    priority: Annotated[int | None, Query(ge=1, le=5)] = None,
    category: Annotated[wire.Category | None, Query()] = None,
    mandatory: Annotated[bool | None, Query()] = None,
) -> NeedsPublic:
    """List the station's needs in archive order, filtered."""
    rows, count = archive.page(
        session,
        archive.NEEDS,
        caller,
        station,
        filters={
            "village_id": village,
            "household": household,
            "priority": priority,
            "category": category,
            "mandatory": mandatory,
        },
        offset=offset,
        limit=limit,
        audit=audit,
    )
    return NeedsPublic(data=[NeedPublic.model_validate(r) for r in rows], count=count)


@router.post("", status_code=201, responses=WRITE_RESPONSES)
def create_need(
    session: SessionDep, caller: CallerDep, station: WritableStation, body: NeedCreate
) -> NeedPublic:
    """Add a household's need; 422 naming each unknown village, worker or resource."""
    created = archive.create(session, archive.NEEDS, caller, station, body)
    return NeedPublic.model_validate(created)


@router.get("/{need_id}", responses=ERROR_RESPONSES)
def read_need(
    session: SessionDep,
    caller: CallerDep,
    station: ReadableStation,
    need_id: NeedId,
    response: Response,
    audit: AuditDep,
) -> NeedPublic:
    """One need; its ``ETag`` is its version."""
    found = NeedPublic.model_validate(
        archive.read(session, archive.NEEDS, caller, station, need_id, audit)
    )
    response.headers["ETag"] = f'"{found.version}"'
    return found


@router.patch("/{need_id}", responses=WRITE_RESPONSES)
def update_need(
    session: SessionDep,
    caller: CallerDep,
    station: WritableStation,
    need_id: NeedId,
    body: NeedUpdate,
    expected: IfMatch,
) -> NeedPublic:
    """Change a need; 422 for unknown references, 409 when the version is stale."""
    updated = archive.update(session, archive.NEEDS, caller, station, need_id, body, expected)
    return NeedPublic.model_validate(updated)


@router.delete("/{need_id}", status_code=204, responses=WRITE_RESPONSES)
def delete_need(
    session: SessionDep,
    caller: CallerDep,
    station: WritableStation,
    need_id: NeedId,
    expected: IfMatch,
) -> None:
    """Delete a need."""
    archive.remove(session, archive.NEEDS, caller, station, need_id, expected)
