"""Social workers, volunteers and liaisons: ``/api/v1/stations/{station_id}/workers``."""

from __future__ import annotations

from typing import Annotated

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
    WorkerCreate,
    WorkerPublic,
    WorkersPublic,
    WorkerUpdate,
)
from service.wire import scenario as wire
from service.wire.common import Role

router = APIRouter(prefix="/stations/{station_id}/workers", tags=["workers"])
WorkerId = Annotated[str, Path(min_length=1, max_length=100, description="The worker's id.")]


@router.get("", responses=ERROR_RESPONSES)
def list_workers(
    session: SessionDep,
    caller: CallerDep,
    station: ReadableStation,
    offset: Offset = 0,
    limit: Limit = 50,
    role: Annotated[Role | None, Query()] = None,
    transport: Annotated[wire.Transport | None, Query()] = None,
) -> WorkersPublic:
    """List the station's workers in archive order."""
    rows, count = archive.page(
        session,
        archive.WORKERS,
        caller,
        station,
        filters={"role": role, "transport": transport},
        offset=offset,
        limit=limit,
    )
    return WorkersPublic(data=[WorkerPublic.model_validate(r) for r in rows], count=count)


@router.post("", status_code=201, responses=WRITE_RESPONSES)
def create_worker(
    session: SessionDep, caller: CallerDep, station: WritableStation, body: WorkerCreate
) -> WorkerPublic:
    """Add a worker; 409 when the id is taken."""
    created = archive.create(session, archive.WORKERS, caller, station, body)
    return WorkerPublic.model_validate(created)


@router.get("/{worker_id}", responses=ERROR_RESPONSES)
def read_worker(
    session: SessionDep,
    caller: CallerDep,
    station: ReadableStation,
    worker_id: WorkerId,
    response: Response,
) -> WorkerPublic:
    """One worker; its ``ETag`` is its version."""
    found = WorkerPublic.model_validate(
        archive.read(session, archive.WORKERS, caller, station, worker_id)
    )
    response.headers["ETag"] = f'"{found.version}"'
    return found


@router.patch("/{worker_id}", responses=WRITE_RESPONSES)
def update_worker(
    session: SessionDep,
    caller: CallerDep,
    station: WritableStation,
    worker_id: WorkerId,
    body: WorkerUpdate,
    expected: IfMatch,
) -> WorkerPublic:
    """Change a worker; 409 when ``If-Match`` or ``version`` is stale."""
    updated = archive.update(session, archive.WORKERS, caller, station, worker_id, body, expected)
    return WorkerPublic.model_validate(updated)


@router.delete("/{worker_id}", status_code=204, responses=WRITE_RESPONSES)
def delete_worker(
    session: SessionDep,
    caller: CallerDep,
    station: WritableStation,
    worker_id: WorkerId,
    expected: IfMatch,
) -> None:
    """Delete a worker; 409 while needs name it as preferred or excluded."""
    archive.remove(session, archive.WORKERS, caller, station, worker_id, expected)
