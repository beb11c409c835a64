"""Plan jobs: request a week's plan (202), poll it, cancel it.

``POST /api/v1/stations/{station_id}/plans`` plans a week of a stored archive;
``POST /api/v1/plans`` plans a whole scenario sent along (one-shot, nothing is added to any
archive). Each job keeps the exact scenario text it solves, its SHA-256, the seed, worker count
and OR-Tools version, so that the plan can be replayed with ``mulin replay``.
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Response
from sqlmodel import Session

from service.api.auth import Caller
from service.api.carry import CarriedVisit, carry_over
from service.api.deps import (
    CallerDep,
    Limit,
    Offset,
    ReadableStation,
    RunnerDep,
    SessionDep,
    SettingsDep,
    WritableStation,
    forbidden,
    not_found,
)
from service.api.errors import (
    ERROR_RESPONSES,
    WRITE_RESPONSES,
    InvalidInput,
    check_storable,
    invalid_from_messages,
)
from service.api.jobs import Dispatcher, DispatchError, new_job
from service.api.models import (
    PlanAccepted,
    PlanJobPublic,
    PlanJobsPublic,
    ReplanBody,
    ScenarioPlanRequest,
    StationPlanRequest,
)
from service.api.routes.scenario import station_scenario
from service.api.settings import Settings
from service.loading import InvalidDocument, check_references
from service.replan.pinning import prepare
from service.storage import repository
from service.storage.models import PlanJob, Station
from service.wire.plan import Plan
from service.wire.replan import ChangeSummary, ReplanRequest
from service.wire.scenario import Scenario

router = APIRouter(tags=["plans"])
log = logging.getLogger("mulin.api.plans")
PlanId = Annotated[uuid.UUID, Path(description="The plan job's id.")]
PLAN_RESPONSES: dict[int | str, dict[str, object]] = {
    **WRITE_RESPONSES,
    429: {"description": "Too many plans are waiting: try again later."},
    503: {"description": "The task queue is unreachable: the plan was not started."},
}


def job_public(job: PlanJob) -> PlanJobPublic:
    """A job row as answered, without its plan (``job_response`` adds the stored plan text)."""
    return PlanJobPublic(
        id=job.id,
        station_id=job.station_id,
        status=job.status,
        progress=job.progress,
        phase=job.phase,
        week_start=job.week_start,
        time_limit=job.time_limit,
        seed=job.seed,
        workers=job.workers,
        repeatable=job.repeatable,
        language=job.language,
        ortools_version=job.ortools_version,
        scenario_sha256=job.scenario_sha256,
        error=job.error,
        created_at=repository.as_utc(job.created_at),
        updated_at=repository.as_utc(job.updated_at),
        base_plan_id=job.base_plan_id,
        cpu_seconds=job.cpu_seconds,
        carried_over=(
            [CarriedVisit.model_validate(item) for item in json.loads(job.carried_json)]
            if job.carried_json
            else []
        ),
        changes=(
            ChangeSummary.model_validate_json(job.changes_json)
            if job.status == "done" and job.changes_json is not None
            else None
        ),
    )


def week_to_plan(
    session: Session,
    caller: Caller,
    station: Station,
    body: StationPlanRequest,
    settings: Settings,
) -> tuple[Scenario, str | None]:
    """The station's week as a plan request solves it: the archive, and last week's carry-over.

    Returns
    -------
    tuple of Scenario and str or None
        The scenario, and the carried visits as the job stores them (None when none).
    """
    scenario = station_scenario(session, caller, station, body.week_start)
    if not body.carry_over:
        return scenario, None
    carry = carry_over(
        session,
        station.id,
        scenario,
        grace_days=settings.carry_over_grace_days,
        more_urgent=body.carry_over_more_urgent,
    )
    if carry.needs:
        scenario = scenario.model_copy(update={"needs": [*scenario.needs, *carry.needs]})
        log.info("station %s: %d visits carried over", station.id, len(carry.carried))
    return scenario, carry.text()


def check_limits(
    settings: Settings, request: StationPlanRequest | ScenarioPlanRequest | ReplanBody
) -> float:
    """The request's time limit (or the default); 422 beyond the service's limits."""
    limit = settings.default_time_limit if request.time_limit is None else request.time_limit
    if limit > settings.max_time_limit:
        raise InvalidInput([(("body", "time_limit"), f"at most {settings.max_time_limit} seconds")])
    if request.options.workers > settings.max_plan_workers:
        raise InvalidInput(
            [(("body", "options", "workers"), f"at most {settings.max_plan_workers}")]
        )
    return limit


def requested_job(
    scenario: Scenario,
    caller: Caller,
    request: StationPlanRequest | ScenarioPlanRequest | ReplanBody,
    station_id: str | None,
    time_limit: float,
) -> PlanJob:
    """The queued job (not yet stored) of a request's scenario, options and time limit."""
    return new_job(
        scenario,
        station_id=station_id,
        token_id=caller.token_id,
        time_limit=time_limit,
        seed=request.options.seed,
        workers=request.options.workers,
        repeatable=request.options.repeatable,
        language=request.options.language,
    )


def _enqueue(
    session: Session,
    runner: Dispatcher,
    settings: Settings,
    caller: Caller,
    scenario: Scenario,
    request: StationPlanRequest | ScenarioPlanRequest | ReplanBody,
    station_id: str | None,
    response: Response,
    base: tuple[uuid.UUID, ReplanRequest] | None = None,
    carried: str | None = None,
) -> PlanAccepted:
    time_limit = check_limits(settings, request)
    if repository.count_jobs(session, "queued") >= settings.max_queued_plans:
        raise HTTPException(status_code=429, detail="too many plans are waiting: retry later")
    job = requested_job(scenario, caller, request, station_id, time_limit)
    job.carried_json = carried
    if base is not None:
        job.base_plan_id = base[0]
        job.replan_json = base[1].model_dump_json(by_alias=True, exclude_none=True)
    session.add(job)
    session.commit()
    submit_or_fail(session, runner, job.id, batch=False)
    response.headers["Location"] = f"/api/v1/plans/{job.id}"
    return PlanAccepted(id=job.id, status="queued")


QUEUE_DOWN = "the task queue is unreachable: the plan was not started; try again later"


def submit_or_fail(session: Session, runner: Dispatcher, job_id: uuid.UUID, *, batch: bool) -> bool:
    """Hand a stored job over for solving; when that fails, mark it failed and say so.

    Returns
    -------
    bool
        Whether the job was handed over (a batch goes on with its other stations).

    Raises
    ------
    HTTPException
        503 for a single plan whose job could not be handed over.
    """
    try:
        runner.submit(job_id, batch=batch)
    except DispatchError:
        log.error("plan job %s: the task queue is unreachable", job_id)
        repository.move_job(
            session, job_id, from_status=("queued",), status="failed", error=QUEUE_DOWN
        )
        if not batch:
            raise HTTPException(status_code=503, detail=QUEUE_DOWN) from None
        return False
    return True


@router.post("/stations/{station_id}/plans", status_code=202, responses=PLAN_RESPONSES)
def request_station_plan(
    session: SessionDep,
    caller: CallerDep,
    station: WritableStation,
    runner: RunnerDep,
    settings: SettingsDep,
    body: StationPlanRequest,
    response: Response,
) -> PlanAccepted:
    """Plan a week of the station's archive; poll ``GET /api/v1/plans/{id}``."""
    check_limits(settings, body)
    scenario, carried = week_to_plan(session, caller, station, body, settings)
    return _enqueue(
        session, runner, settings, caller, scenario, body, station.id, response, carried=carried
    )


@router.get("/stations/{station_id}/plans", responses=ERROR_RESPONSES)
def list_station_plans(
    session: SessionDep,
    station: ReadableStation,
    offset: Offset = 0,
    limit: Limit = 50,
) -> PlanJobsPublic:
    """The station's plan jobs, newest first (without their plans)."""
    rows, count = repository.list_jobs(session, station.id, status=None, offset=offset, limit=limit)
    return PlanJobsPublic(data=[job_public(row) for row in rows], count=count)


@router.post("/plans", status_code=202, responses=PLAN_RESPONSES)
def request_oneshot_plan(
    session: SessionDep,
    caller: CallerDep,
    runner: RunnerDep,
    settings: SettingsDep,
    body: ScenarioPlanRequest,
    response: Response,
) -> PlanAccepted:
    """Plan a whole scenario sent along; only the caller (and city admins) can read the job."""
    if not caller.can_write:
        raise forbidden()
    check_limits(settings, body)
    problems = check_references(body.scenario)
    if problems:
        raise invalid_from_messages(problems, prefix=("body", "scenario"))
    check_storable(body.scenario, prefix=("body", "scenario"))
    return _enqueue(session, runner, settings, caller, body.scenario, body, None, response)


def visible_job(session: Session, caller: Caller, job_id: uuid.UUID) -> PlanJob:
    """The plan job if the caller may read it (its station's, or its own one-shot); else 404."""
    job = repository.get_job(session, job_id)
    if job is None:
        raise not_found("plan")
    if job.station_id is not None:
        visible = caller.can_see(job.station_id)
    else:
        visible = caller.role == "city_admin" or job.token_id == caller.token_id
    if not visible:
        raise not_found("plan")
    return job


@router.get("/plans/{plan_id}", response_model=PlanJobPublic, responses=ERROR_RESPONSES)
def read_plan(session: SessionDep, caller: CallerDep, plan_id: PlanId) -> Response:
    """A plan job's status and progress, and under ``plan`` the plan once it is done."""
    return job_response(visible_job(session, caller, plan_id))


def job_response(job: PlanJob) -> Response:
    """A job as JSON, its stored plan text spliced in as it is (it was checked when stored).

    Parsing and re-serializing a plan of hundreds of visits took most of this request's time
    (about 30 ms for 486 visits, benchmarks/load.py).
    """
    head = job_public(job).model_dump_json(exclude={"plan"})
    if job.status == "done" and job.plan_json is not None:
        body = head[:-1] + ',"plan":' + job.plan_json + "}"
    else:
        body = head[:-1] + ',"plan":null}'
    return Response(content=body, media_type="application/json")


@router.delete("/plans/{plan_id}", responses=WRITE_RESPONSES)
def cancel_plan(
    session: SessionDep, caller: CallerDep, runner: RunnerDep, plan_id: PlanId
) -> PlanJobPublic:
    """Cancel a queued or running plan; 409 when it has already finished."""
    job = visible_job(session, caller, plan_id)
    if not caller.can_write:
        raise forbidden()
    moved = repository.move_job(
        session, plan_id, from_status=("queued", "running"), status="cancelled"
    )
    if not moved:
        session.refresh(job)
        raise HTTPException(status_code=409, detail=f"the plan is already {job.status}")
    runner.cancel(plan_id)
    session.refresh(job)
    return job_public(job)


@router.post("/plans/{plan_id}/replan", status_code=202, responses=PLAN_RESPONSES)
def request_replan(
    session: SessionDep,
    caller: CallerDep,
    runner: RunnerDep,
    settings: SettingsDep,
    plan_id: PlanId,
    body: ReplanBody,
    response: Response,
) -> PlanAccepted:
    """Re-plan the rest of a done plan's week (absences, done and locked visits, urgent needs).

    The new plan keeps done and locked visits, changes as few others as it can, and lists the
    changes under ``changes`` (poll ``GET /api/v1/plans/{id}``); 409 when the plan is not done.
    """
    job = visible_job(session, caller, plan_id)
    if not caller.can_write:
        raise forbidden()
    if job.status != "done" or job.plan_json is None:
        raise HTTPException(status_code=409, detail=f"the plan is {job.status}, not done")
    check_limits(settings, body)
    request = body.request()
    scenario = Scenario.model_validate_json(job.scenario_json)
    try:
        prepared = prepare(scenario, Plan.model_validate_json(job.plan_json), request)
    except InvalidDocument as error:
        raise invalid_from_messages(error.problems, prefix=("body",)) from error
    check_storable(prepared.week, prefix=("body",))
    return _enqueue(
        session,
        runner,
        settings,
        caller,
        prepared.week,
        body,
        job.station_id,
        response,
        base=(job.id, request),
    )
