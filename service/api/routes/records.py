"""Visit records of a done plan: what happened to each visit, from the coordinator's side.

``GET /api/v1/plans/{id}/records`` lists them; ``PUT /api/v1/plans/{id}/records/{need}/{visit}``
records one (201 when new, 200 when replaced; ``If-Match`` with the version read, else 409 on a
stale one). Readers of the station read them (notes included: they are the station's); viewers
may not write. The worker's phone page writes through its signed link instead.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from service.api.deps import CallerDep, IfMatch, SessionDep, forbidden
from service.api.errors import ERROR_RESPONSES, WRITE_RESPONSES
from service.api.records import record_public, records_of, save_record
from service.api.routes.plans import PlanId, visible_job
from service.wire.records import VisitRecordBody, VisitRecordPublic, VisitRecordsPublic

router = APIRouter(tags=["records"])
NeedId = Annotated[str, Path(max_length=100, description="The visit's need.")]
VisitNumber = Annotated[int, Path(ge=1, le=7, description="The visit's number within its need.")]


@router.get("/plans/{plan_id}/records", responses=ERROR_RESPONSES)
def list_records(session: SessionDep, caller: CallerDep, plan_id: PlanId) -> VisitRecordsPublic:
    """The plan's visit records, by need and visit (visits without one are not recorded yet)."""
    job = visible_job(session, caller, plan_id)
    rows = records_of(session, job.id)
    return VisitRecordsPublic(data=[record_public(row) for row in rows], count=len(rows))


@router.put(
    "/plans/{plan_id}/records/{need_id}/{visit}",
    responses={**WRITE_RESPONSES, 201: {"description": "Recorded for the first time."}},
)
def put_record(
    session: SessionDep,
    caller: CallerDep,
    plan_id: PlanId,
    need_id: NeedId,
    visit: VisitNumber,
    body: VisitRecordBody,
    version: IfMatch,
    response: Response,
) -> VisitRecordPublic:
    """Record what happened at one visit of a done plan; the answer carries its new version."""
    job = visible_job(session, caller, plan_id)
    if not caller.can_write:
        raise forbidden()
    row, created = save_record(
        session,
        job,
        need_id,
        visit,
        body,
        recorded_by=caller.token_id,
        audited_as=caller.token_id,
        if_match=version,
    )
    response.status_code = 201 if created else 200
    response.headers["ETag"] = f'"{row.version}"'
    return record_public(row)
