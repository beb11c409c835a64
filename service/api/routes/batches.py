"""A city's week in one request: one plan job per station, and the batch that follows them.

``POST /api/v1/plans/batch`` (city administrators) makes a job for every station, or for the
stations listed, from each station's stored archive, exactly as a coordinator's request would;
the jobs go to the batch queue, behind single plans and re-plans. A station whose archive
cannot be planned (no villages yet, an unknown id) gets no job and says why.
``GET /api/v1/plans/batch/{batch_id}`` shows each station's status, progress and, once done,
its coverage of priority 1–2 visits and unmet needs.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Response
from sqlmodel import Session

from service.api.auth import Caller
from service.api.deps import CallerDep, RunnerDep, SessionDep, SettingsDep, not_found
from service.api.errors import ERROR_RESPONSES, WRITE_RESPONSES
from service.api.jobs import Dispatcher
from service.api.models import BatchPlanRequest, BatchPublic, BatchStationPublic
from service.api.routes.plans import check_limits, requested_job, submit_or_fail, week_to_plan
from service.api.settings import Settings
from service.api.summary import PlanSummary
from service.storage import repository
from service.storage.models import PlanBatch, PlanJob

router = APIRouter(tags=["plans"])
BatchId = Annotated[uuid.UUID, Path(description="The batch's id.")]
ENDED = ("done", "failed", "cancelled", "refused")
NO_STATION = "no such station"


def _city_admin(caller: Caller) -> None:
    if caller.role != "city_admin":
        raise HTTPException(status_code=403, detail="only a city administrator plans a batch")


def start_batch(
    session: Session,
    runner: Dispatcher,
    settings: Settings,
    caller: Caller,
    body: BatchPlanRequest,
) -> PlanBatch:
    """Store a batch and a queued job per station, and hand the jobs over for solving.

    Parameters
    ----------
    session
        The database session.
    runner
        Where jobs are solved.
    settings
        Time limits of the service.
    caller
        A city administrator.
    body
        The week, the stations (default every one), the time limit and options.

    Returns
    -------
    PlanBatch
        The stored batch.
    """
    time_limit = check_limits(settings, body)
    if body.station_ids is None:
        stations, _ = repository.list_stations(session, only=None, offset=0, limit=1_000_000)
        wanted = [station.id for station in stations]
    else:
        wanted = list(dict.fromkeys(body.station_ids))
    batch = PlanBatch(token_id=caller.token_id, week_start=body.week_start)
    refused: dict[str, str] = {}
    jobs: list[PlanJob] = []
    for station_id in wanted:
        station = repository.get_station(session, station_id)
        if station is None:
            refused[station_id] = NO_STATION
            continue
        try:
            scenario, carried = week_to_plan(session, caller, station, body, settings)
        except HTTPException as error:
            refused[station_id] = str(error.detail)
            continue
        job = requested_job(scenario, caller, body, station_id, time_limit)
        job.carried_json = carried
        job.batch_id = batch.id
        jobs.append(job)
    batch.refused_json = json.dumps(refused, ensure_ascii=False) if refused else None
    session.add(batch)
    session.add_all(jobs)
    session.commit()
    for job in jobs:
        submit_or_fail(session, runner, job.id, batch=True)
    return batch


def batch_public(session: Session, batch: PlanBatch) -> BatchPublic:
    """A batch as answered: a row per station, by station id."""
    rows = [_job_row(job) for job in repository.batch_jobs(session, batch.id)]
    refused = json.loads(batch.refused_json) if batch.refused_json else {}
    rows += [
        BatchStationPublic(
            station_id=station_id,
            plan_id=None,
            status="refused",
            progress=0.0,
            phase=None,
            error=reason,
        )
        for station_id, reason in refused.items()
    ]
    rows.sort(key=lambda row: row.station_id)
    counts = Counter(row.status for row in rows)
    return BatchPublic(
        id=batch.id,
        week_start=batch.week_start,
        created_at=repository.as_utc(batch.created_at),
        counts=dict(sorted(counts.items())),
        finished=all(row.status in ENDED for row in rows),
        stations=rows,
    )


def _job_row(job: PlanJob) -> BatchStationPublic:
    summary = (
        PlanSummary.model_validate_json(job.summary_json)
        if job.status == "done" and job.summary_json
        else None
    )
    assert job.station_id is not None
    return BatchStationPublic(
        station_id=job.station_id,
        plan_id=job.id,
        status=job.status,
        progress=job.progress,
        phase=job.phase,
        error=job.error,
        visits_requested=None if summary is None else summary.visits_requested,
        visits_planned=None if summary is None else summary.visits_planned,
        urgent_coverage=None if summary is None else summary.urgent_coverage,
        unmet=None if summary is None else summary.unmet,
        plan_status=None if summary is None else summary.status,
    )


@router.post("/plans/batch", status_code=202, responses=WRITE_RESPONSES)
def request_batch(
    session: SessionDep,
    caller: CallerDep,
    runner: RunnerDep,
    settings: SettingsDep,
    body: BatchPlanRequest,
    response: Response,
) -> BatchPublic:
    """Plan a week of every station (or those listed): a plan job each, on the batch queue."""
    _city_admin(caller)
    batch = start_batch(session, runner, settings, caller, body)
    response.headers["Location"] = f"/api/v1/plans/batch/{batch.id}"
    return batch_public(session, batch)


@router.get("/plans/batch/{batch_id}", responses=ERROR_RESPONSES)
def read_batch(session: SessionDep, caller: CallerDep, batch_id: BatchId) -> BatchPublic:
    """A batch's stations: status, progress, and for done plans coverage and unmet needs."""
    batch = repository.get_batch(session, batch_id) if caller.role == "city_admin" else None
    if batch is None:
        raise not_found("batch")
    return batch_public(session, batch)
