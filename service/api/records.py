"""Visit records: stored against the visit of a done plan, versioned, audited.

A record names a visit of the plan (need and number); recording it again replaces it, under
``If-Match`` when the caller knows the version. Goods and funds handed over default to what
the plan gave when the visit was done, and to nothing when it was missed. Notes are sensitive:
they are stored and shown to the station, never logged; a retention period erases them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from fastapi import HTTPException
from sqlmodel import Session

from service.api.deps import not_found
from service.api.errors import InvalidInput
from service.storage import repository
from service.storage.models import PlanJob, VisitRecord, utcnow
from service.wire.common import DAYS
from service.wire.plan import Plan, PlannedVisit
from service.wire.records import ResourceGiven, VisitRecordBody, VisitRecordPublic
from service.wire.scenario import Scenario


def visit_date(week_start: dt.date, day: str) -> dt.date:
    """The calendar date of a day of a week."""
    return week_start + dt.timedelta(days=DAYS.index(day))


def planned_visit(plan: Plan, need_id: str, visit: int) -> PlannedVisit | None:
    """The plan's visit with this need and number, or None."""
    for planned in plan.visits:
        if planned.need_id == need_id and planned.visit == visit:
            return planned
    return None


def record_public(row: VisitRecord) -> VisitRecordPublic:
    """A stored record as answered."""
    return VisitRecordPublic(
        plan_id=str(row.plan_id),
        need_id=row.need_id,
        visit=row.visit,
        week_start=row.week_start,
        day=row.day,
        date=visit_date(row.week_start, row.day),
        status=row.status,
        missed_reason=row.missed_reason,
        actual_start=row.actual_start,
        actual_minutes=row.actual_minutes,
        resources_given=[ResourceGiven.model_validate(item) for item in row.resources_given],
        note=row.note,
        note_expires_on=row.note_expires_on,
        recorded_by=row.recorded_by,
        version=row.version,
        updated_at=repository.as_utc(row.updated_at),
    )


def _given(
    body: VisitRecordBody, planned: PlannedVisit, scenario: Scenario
) -> list[dict[str, Any]]:
    """What was handed over: the body's list (checked against the stock), else the default."""
    if body.resources_given is None:
        if body.status == "missed":
            return []
        return [{"id": r.id, "quantity": r.quantity} for r in planned.resources]
    known = {resource.id for resource in scenario.resources}
    problems = [
        (("body", "resources_given", index, "id"), f"no resource {item.id!r} in the plan's week")
        for index, item in enumerate(body.resources_given)
        if item.id not in known
    ]
    if problems:
        raise InvalidInput(problems)
    return [item.model_dump() for item in body.resources_given]


def save_record(
    session: Session,
    job: PlanJob,
    need_id: str,
    visit: int,
    body: VisitRecordBody,
    *,
    recorded_by: str,
    audited_as: str,
    if_match: int | None,
) -> tuple[VisitRecord, bool]:
    """Create or replace the record of one visit of a done station plan (committed).

    Parameters
    ----------
    session
        The database session.
    job
        The done plan job (of a station).
    need_id, visit
        The visit.
    body
        What happened.
    recorded_by
        Stored with the record: a token id, or ``worker:<id>``.
    audited_as
        The token id (or worker link) the audit entry names.
    if_match
        The version the caller last saw, if any: 409 when it is stale.

    Returns
    -------
    tuple of VisitRecord and bool
        The stored record, and whether it was created.
    """
    if job.status != "done" or job.plan_json is None or job.station_id is None:
        raise HTTPException(status_code=409, detail=f"the plan is {job.status}, not done")
    plan = Plan.model_validate_json(job.plan_json)
    planned = planned_visit(plan, need_id, visit)
    if planned is None:
        raise not_found("visit")
    scenario = Scenario.model_validate_json(job.scenario_json)
    given = _given(body, planned, scenario)
    row = repository.get_record(session, job.id, need_id, visit)
    created = row is None
    if row is None:
        row = VisitRecord(
            plan_id=job.id,
            need_id=need_id,
            visit=visit,
            station_id=job.station_id,
            week_start=job.week_start,
            day=planned.day,
            status=body.status,
            recorded_by=recorded_by,
        )
    elif if_match is not None and if_match != row.version:
        raise HTTPException(
            status_code=409,
            detail=f"version {if_match} is stale: the stored version is {row.version}",
        )
    row.status = body.status
    row.missed_reason = body.missed_reason
    row.actual_start = body.actual_start
    row.actual_minutes = body.actual_minutes
    row.resources_given = given
    row.note = body.note
    row.note_expires_on = (
        dt.date.today() + dt.timedelta(days=body.note_retention_days)
        if body.note is not None and body.note_retention_days is not None
        else None
    )
    row.recorded_by = recorded_by
    row.updated_at = utcnow()
    session.add(row)
    repository.record_access(
        session,
        token_id=audited_as,
        action="create" if created else "update",
        entity="visit_record",
        entity_ids=[f"{job.id}/{need_id}/{visit}"],
        station_id=job.station_id,
    )
    session.commit()
    session.refresh(row)
    return row, created


def records_of(session: Session, plan_id: uuid.UUID) -> list[VisitRecord]:
    """The records of a plan, by need and visit; notes past their retention are erased first."""
    repository.erase_expired_notes(session, dt.date.today())
    return repository.list_records(session, plan_id)
