"""Exports of a finished plan: an Excel workbook, workers' calendars, and signed calendar feeds.

``GET /api/v1/plans/{id}/export.xlsx`` and ``GET /api/v1/plans/{id}/workers/{worker_id}/
calendar.ics`` are read like the plan itself (same callers, same 404s). Phones subscribing to
a calendar cannot send a bearer token, so ``GET /api/v1/plans/{id}/calendars`` hands out, per
worker, a feed link signed with HMAC-SHA256 (secret ``MULIN_FEED_SECRET``):
``GET /api/v1/feeds/{id}/{worker_id}.ics?key=…`` needs that key and no token. Each entry also
carries ``record_url``, the worker's phone page for recording those visits
(:mod:`service.api.record_links`).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import uuid
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response
from pydantic import BaseModel, Field

from service.api.deps import CallerDep, SessionDep, not_found
from service.api.errors import ERROR_RESPONSES, ErrorDetail, Problems
from service.api.record_links import link_expiry, record_path
from service.api.routes.plans import PlanId, visible_job
from service.api.settings import Settings
from service.exports import (
    UnknownWorker,
    plan_workbook,
    safe_filename_part,
    worker_calendar,
)
from service.messages import LANGUAGES, Language
from service.storage import repository
from service.storage.models import PlanJob
from service.wire.plan import Plan
from service.wire.scenario import Scenario

router = APIRouter(tags=["exports"])
log = logging.getLogger("mulin.api")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ICS = "text/calendar"
"""Sent as ``text/calendar; charset=utf-8``."""
FEED_PATH = "/api/v1/feeds/{plan_id}/{worker_id}.ics"
FEED_MAX_AGE = 900
"""Seconds a calendar app may keep a feed before asking again."""

LanguageQuery = Annotated[
    Language | None,
    Query(description="Language of the labels: zh or en; default the plan's own language."),
]
WorkerId = Annotated[str, Path(min_length=1, max_length=100, description="The worker's id.")]


def _file(media_type: str, what: str) -> dict[int | str, dict[str, object]]:
    """OpenAPI responses of a download: the file, or the usual errors and 409."""
    return {
        200: {
            "description": what,
            "content": {media_type: {"schema": {"type": "string", "format": "binary"}}},
        },
        **ERROR_RESPONSES,
        409: {"model": ErrorDetail, "description": "The plan is not done (yet)."},
    }


class WorkerFeed(BaseModel):
    """A worker of a plan and the link of their calendar feed."""

    worker_id: str
    name: str
    visits: int = Field(ge=0, description="The worker's visits in the plan.")
    url: str = Field(description="The feed's path; prefix it with the service's address.")
    record_url: str | None = Field(
        default=None,
        description="The worker's phone page for recording these visits (signed, no token; "
        "it expires with the week); prefix it with the service's address.",
    )


class WorkerFeeds(BaseModel):
    """Calendar feed links of every worker with visits in a plan."""

    data: list[WorkerFeed]
    count: int


def feed_secret(settings: Settings) -> bytes:
    """The key that signs feed links: ``MULIN_FEED_SECRET``, or a random one for this run.

    Parameters
    ----------
    settings
        The service's settings.

    Returns
    -------
    bytes
        The secret; 32 random bytes (and a warning in the log) when none is set, so that
        feed links handed out change when the service restarts.
    """
    if settings.feed_secret is not None and settings.feed_secret.get_secret_value():
        return settings.feed_secret.get_secret_value().encode("utf-8")
    log.warning(
        "MULIN_FEED_SECRET is not set: calendar feed links are signed with a random key "
        "and stop working when the service restarts"
    )
    return secrets.token_bytes(32)


def feed_key(secret: bytes, plan_id: uuid.UUID, worker_id: str) -> str:
    """The key of a worker's feed of a plan.

    Parameters
    ----------
    secret
        The feed secret.
    plan_id
        The plan job's id.
    worker_id
        The worker's id.

    Returns
    -------
    str
        HMAC-SHA256 of ``"{plan_id}:{worker_id}"`` (UTF-8) in hex.
    """
    message = f"{plan_id}:{worker_id}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def _secret(request: Request) -> bytes:
    secret: bytes = request.app.state.feed_secret
    return secret


def _done(job: PlanJob) -> tuple[Scenario, Plan]:
    """The scenario and plan of a finished job; 409 while it is not done."""
    if job.status != "done" or job.plan_json is None:
        raise HTTPException(
            status_code=409,
            detail=f"the plan is {job.status}: exports are ready once it is done",
        )
    return Scenario.model_validate_json(job.scenario_json), Plan.model_validate_json(job.plan_json)


def _language(job: PlanJob, language: Language | None) -> Language:
    """The language asked for, else the plan's own."""
    if language is not None:
        return language
    for known in LANGUAGES:
        if job.language == known:
            return known
    return "zh"


def _calendar_response(
    job: PlanJob, worker_id: str, language: Language | None, disposition: str
) -> Response:
    scenario, plan = _done(job)
    try:
        body = worker_calendar(scenario, plan, worker_id, _language(job, language))
    except UnknownWorker:
        raise not_found("worker") from None
    name = f"mulin-{safe_filename_part(worker_id)}-{scenario.week_start.isoformat()}.ics"
    return Response(
        content=body,
        media_type=ICS,
        headers={
            "Content-Disposition": f'{disposition}; filename="{name}"',
            "Cache-Control": "private, no-store",
        },
    )


@router.get(
    "/plans/{plan_id}/export.xlsx",
    response_class=Response,
    responses=_file(XLSX, "The plan as an Excel workbook."),
)
def export_workbook(
    session: SessionDep, caller: CallerDep, plan_id: PlanId, language: LanguageQuery = None
) -> Response:
    """The plan as an Excel workbook: summary, a sheet per day and per worker, unmet, resources."""
    job = visible_job(session, caller, plan_id)
    scenario, plan = _done(job)
    body = plan_workbook(scenario, plan, _language(job, language))
    log.info("plan %s exported as a workbook", job.id)
    name = f"mulin-plan-{scenario.week_start.isoformat()}.xlsx"
    return Response(
        content=body,
        media_type=XLSX,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, no-store",
        },
    )


@router.get(
    "/plans/{plan_id}/workers/{worker_id}/calendar.ics",
    response_class=Response,
    responses=_file(ICS, "The worker's visits as an iCalendar file."),
)
def export_calendar(
    session: SessionDep,
    caller: CallerDep,
    plan_id: PlanId,
    worker_id: WorkerId,
    language: LanguageQuery = None,
) -> Response:
    """One worker's visits of the plan as an iCalendar file (404 for an unknown worker)."""
    job = visible_job(session, caller, plan_id)
    answer = _calendar_response(job, worker_id, language, "attachment")
    log.info("plan %s: calendar of worker %s exported", job.id, worker_id)
    return answer


@router.get(
    "/plans/{plan_id}/calendars",
    responses={
        **ERROR_RESPONSES,
        409: {"model": ErrorDetail, "description": "The plan is not done (yet)."},
    },
)
def list_calendars(
    request: Request, session: SessionDep, caller: CallerDep, plan_id: PlanId
) -> WorkerFeeds:
    """Signed calendar feed links (no token needed) of every worker with visits in the plan."""
    job = visible_job(session, caller, plan_id)
    scenario, plan = _done(job)
    counts: dict[str, int] = {}
    for visit in plan.visits:
        for worker_id in visit.worker_ids:
            counts[worker_id] = counts.get(worker_id, 0) + 1
    secret = _secret(request)
    settings: Settings = request.app.state.settings
    until = link_expiry(job.week_start, settings.carry_over_grace_days)
    feeds = [
        WorkerFeed(
            worker_id=worker.id,
            name=worker.name,
            visits=counts[worker.id],
            url=FEED_PATH.format(plan_id=job.id, worker_id=quote(worker.id, safe=""))
            + f"?key={feed_key(secret, job.id, worker.id)}",
            record_url=record_path(secret, job.id, worker.id, until),
        )
        for worker in scenario.workers
        if worker.id in counts
    ]
    return WorkerFeeds(data=feeds, count=len(feeds))


@router.get(
    "/feeds/{plan_id}/{worker_id}.ics",
    response_class=Response,
    responses={
        200: {
            "description": "The worker's visits as an iCalendar feed.",
            "content": {ICS: {"schema": {"type": "string", "format": "binary"}}},
        },
        404: {"model": ErrorDetail, "description": "Wrong or missing key, or no such feed."},
        422: {"model": Problems, "description": "An unknown language."},
    },
)
def calendar_feed(
    request: Request,
    session: SessionDep,
    plan_id: Annotated[str, Path(description="The plan job's id.")],
    worker_id: Annotated[str, Path(description="The worker's id.")],
    key: Annotated[str | None, Query(description="The key from the feed's link.")] = None,
    language: LanguageQuery = None,
) -> Response:
    """A worker's calendar feed for phones: no token, but the key of its signed link."""
    try:
        job_id = uuid.UUID(plan_id)
    except ValueError:
        raise not_found("feed") from None
    expected = feed_key(_secret(request), job_id, worker_id)
    if key is None or not hmac.compare_digest(key.encode(), expected.encode()):
        raise not_found("feed")
    job = repository.get_job(session, job_id)
    if job is None or job.status != "done":
        raise not_found("feed")
    try:
        answer = _calendar_response(job, worker_id, language, "inline")
    except HTTPException as error:
        raise not_found("feed") from error
    answer.headers["Cache-Control"] = f"private, max-age={FEED_MAX_AGE}"
    log.info("plan %s: calendar feed of worker %s served", job.id, worker_id)
    return answer
