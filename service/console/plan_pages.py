"""A plan's page: progress while it is made; then summary, drawings, unmet needs, downloads.

A done plan's page also has the workers' phone links, the visit records (a form per visit for
writers), the re-plan form (writers only) and, for a re-plan, its changes.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse
from sqlmodel import Session
from starlette.datastructures import FormData

from service.api.auth import Caller
from service.api.errors import InvalidInput
from service.api.record_links import link_expiry
from service.api.records import records_of
from service.api.routes import exports
from service.api.routes.plans import request_replan, visible_job
from service.console import figures
from service.console.auth import language_of
from service.console.context import (
    SignInRequired,
    api_errors,
    problem_lines,
    read_form,
    require_same_origin,
    runner_of,
    session_of,
    settings_of,
    signed_in,
)
from service.console.labels import t
from service.console.pages import ConsolePageError, render
from service.console.plan_view import change_rows, plan_view
from service.console.record_view import record_form, record_rows, save_form
from service.console.replan_form import ReplanForm, replan_body
from service.messages import Language
from service.storage import repository
from service.storage.models import PlanJob, VisitRecord
from service.tabular.codes import CATEGORY_CODES
from service.wire.common import DAYS
from service.wire.plan import Plan
from service.wire.records import MISSED_REASONS
from service.wire.replan import ChangeSummary
from service.wire.scenario import Scenario

log = logging.getLogger("mulin.console")

router = APIRouter(include_in_schema=False)
FINISHED = ("done", "failed", "cancelled")


def _plan_id(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise ConsolePageError(404, "error.not_found") from None


def _job(session: Session, caller: Caller, plan_id: str) -> PlanJob:
    with api_errors():
        return visible_job(session, caller, _plan_id(plan_id))


def _day_names(language: Language) -> dict[str, str]:
    return {day: t(language, f"day.{day}") for day in DAYS}


def plan_page(
    request: Request,
    session: Session,
    caller: Caller,
    job: PlanJob,
    *,
    day: str | None = None,
    errors: list[str] | None = None,
    form: ReplanForm | None = None,
    record_errors: list[str] | None = None,
    status: int = 200,
) -> Response:
    """The page of a plan job the caller may see.

    Parameters
    ----------
    request
        The request (language, base URL of the feed links).
    session
        The database session.
    caller
        The signed-in caller.
    job
        The plan job.
    day
        The day the timeline shows (``mon`` … ``sun``); None or ``all``: the week.
    errors
        Problems of the re-plan form just sent.
    form
        The re-plan form as sent (its values are shown again).
    record_errors
        Problems of the visit record just sent.
    status
        The HTTP status.

    Returns
    -------
    Response
        The page.
    """
    language = language_of(request)
    station = None if job.station_id is None else repository.get_station(session, job.station_id)
    context: dict[str, object] = {
        "job": job,
        "station": station,
        "can_write": caller.can_write,
        "errors": errors or [],
        "form": form or ReplanForm(),
        "days": DAYS,
        "categories": CATEGORY_CODES,
        "view": None,
        "changes": None,
        "summary": None,
        "feeds": [],
        "timeline": None,
        "town_map": None,
        "day": day if day in DAYS else "all",
        "phone_links": [],
        "links_until": "",
        "links_expired": False,
        "record_days": [],
        "records_recorded": 0,
        "records_total": 0,
        "record_errors": record_errors or [],
        "recorded": request.query_params.get("recorded"),
        "reasons": MISSED_REASONS,
    }
    if job.status == "done" and job.plan_json is not None:
        scenario = Scenario.model_validate_json(job.scenario_json)
        plan = Plan.model_validate_json(job.plan_json)
        names = _day_names(language)
        separator = "、" if language == "zh" else ", "
        chosen = next((d for d in DAYS if d == day), None)
        with api_errors():
            feeds = exports.list_calendars(request, session, caller, job.id)
        base = str(request.base_url).rstrip("/")
        context.update(
            view=plan_view(scenario, plan, names, separator),
            feeds=[
                (feed.name, feed.worker_id, feed.visits, base + feed.url) for feed in feeds.data
            ],
            timeline=figures.timeline(scenario, plan, language, chosen),
            town_map=figures.town_map(scenario, plan, language),
            **_recording(scenario, plan, records_of(session, job.id), language),
        )
        until = link_expiry(job.week_start, settings_of(request).carry_over_grace_days)
        context.update(
            phone_links=[
                (feed.name, feed.worker_id, base + feed.record_url)
                for feed in feeds.data
                if feed.record_url is not None
            ],
            links_until=until.isoformat(),
            links_expired=dt.date.today() > until,
        )
        if job.changes_json is not None:
            summary = ChangeSummary.model_validate_json(job.changes_json)
            context.update(summary=summary, changes=change_rows(summary, names))
    return render(request, "plan.html", caller=caller, status=status, **context)


def _recording(
    scenario: Scenario, plan: Plan, records: list[VisitRecord], language: Language
) -> dict[str, object]:
    """The records section's values: the visits day by day and how many are recorded."""
    days = record_rows(scenario, plan, records, language)
    return {
        "record_days": days,
        "records_recorded": sum(1 for d in days for row in d.rows if row.status is not None),
        "records_total": len(plan.visits),
    }


def _show(request: Request, plan_id: str, day: str | None) -> Response:
    with session_of(request) as session:
        caller = signed_in(request, session)
        job = _job(session, caller, plan_id)
        return plan_page(request, session, caller, job, day=day)


@router.get("/plans/{plan_id}")
def show_plan(request: Request, plan_id: str, day: str | None = None) -> Response:
    """A plan's page (404 for a plan the caller may not see)."""
    return _show(request, plan_id, day)


def _progress(request: Request, plan_id: str) -> Response:
    with session_of(request) as session:
        try:
            caller = signed_in(request, session)
        except SignInRequired:
            return JSONResponse({"detail": "sign in again"}, status_code=401)
        try:
            job = _job(session, caller, plan_id)
        except ConsolePageError:
            return JSONResponse({"detail": "plan not found"}, status_code=404)
        return JSONResponse(
            {"status": job.status, "progress": job.progress, "phase": job.phase},
            headers={"Cache-Control": "no-store"},
        )


@router.get("/plans/{plan_id}/progress")
def plan_progress(request: Request, plan_id: str) -> Response:
    """The plan job's status, progress (0 to 1) and phase, as JSON for the page's script."""
    return _progress(request, plan_id)


def _workbook(request: Request, plan_id: str) -> Response:
    with session_of(request) as session:
        caller = signed_in(request, session)
        job = _job(session, caller, plan_id)
        with api_errors():
            return exports.export_workbook(session, caller, job.id, language_of(request))


@router.get("/plans/{plan_id}/export.xlsx")
def plan_workbook(request: Request, plan_id: str) -> Response:
    """The plan as an Excel workbook in the console's language (409 page while not done)."""
    return _workbook(request, plan_id)


def _form(fields: dict[str, list[str]]) -> ReplanForm:
    def one(name: str) -> str:
        values = fields.get(name, [])
        return values[0] if values else ""

    return ReplanForm(
        absent_worker=one("absent_worker"),
        absent_from=one("absent_from"),
        locked=fields.get("lock", []),
        urgent_household=one("urgent_household"),
        urgent_village=one("urgent_village"),
        urgent_category=one("urgent_category"),
        urgent_priority=one("urgent_priority"),
        urgent_duration=one("urgent_duration"),
        urgent_days=fields.get("urgent_days", []),
        urgent_from=one("urgent_from"),
        urgent_to=one("urgent_to"),
        urgent_mandatory=one("urgent_mandatory") == "on",
        time_limit=one("time_limit"),
    )


def _replan(request: Request, plan_id: str, form: ReplanForm) -> Response:
    language = language_of(request)
    with session_of(request) as session:
        caller = signed_in(request, session)
        job = _job(session, caller, plan_id)
        if not caller.can_write:
            raise ConsolePageError(403, "error.forbidden")
        if job.status != "done" or job.plan_json is None:
            raise ConsolePageError(409, "replan.not_done")
        taken = {need.id for need in Scenario.model_validate_json(job.scenario_json).needs}
        try:
            body = replan_body(form, language, taken)
            with api_errors(keep_invalid=True):
                accepted = request_replan(
                    session,
                    caller,
                    runner_of(request),
                    settings_of(request),
                    job.id,
                    body,
                    Response(),
                )
        except InvalidInput as error:
            return plan_page(
                request, session, caller, job, errors=problem_lines(error), form=form, status=422
            )
        log.info("console: re-plan %s of plan %s requested", accepted.id, job.id)
    return RedirectResponse(f"/plans/{accepted.id}", status_code=303)


@router.post("/plans/{plan_id}/replan")
async def ask_replan(request: Request, plan_id: str) -> Response:
    """Re-plan the rest of the week (absence, locked visits, an urgent need) and go to it."""
    require_same_origin(request)
    form = await read_form(request)
    fields: dict[str, list[str]] = {}
    for name, value in form.multi_items():
        if isinstance(value, str):
            fields.setdefault(name, []).append(value)
    return await run_in_threadpool(_replan, request, plan_id, _form(fields))


def _save_record(request: Request, plan_id: str, form: FormData) -> Response:
    language = language_of(request)
    with session_of(request) as session:
        caller = signed_in(request, session)
        job = _job(session, caller, plan_id)
        if not caller.can_write:
            raise ConsolePageError(403, "error.forbidden")
        try:
            sent = record_form(form, language)
            save_form(session, job, sent, caller.token_id)
        except InvalidInput as error:
            return plan_page(
                request, session, caller, job, record_errors=problem_lines(error), status=422
            )
        log.info(
            "console: plan %s, visit %s/%d recorded by token %s",
            job.id,
            sent.need_id,
            sent.visit,
            caller.token_id,
        )
    query = urlencode({"recorded": f"{sent.need_id}:{sent.visit}"})
    return RedirectResponse(f"/plans/{job.id}?{query}#records", status_code=303)


@router.post("/plans/{plan_id}/records")
async def record_visit(request: Request, plan_id: str) -> Response:
    """Record what happened at one visit of a done plan (coordinators); back to the plan."""
    require_same_origin(request)
    form = await read_form(request, max_part_size=16 * 1024)
    return await run_in_threadpool(_save_record, request, plan_id, form)
