"""A plan's views that act: the visit records, the re-plan form, and the workbook download.

``/plans/{id}/records?day=`` lists one day's visits with their records (a form each for
writers; ``POST /plans/{id}/records`` saves one); ``/plans/{id}/replan`` is the re-plan form
(``POST`` asks for the re-plan and goes to it); ``/plans/{id}/export.xlsx`` is the workbook.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from sqlmodel import Session
from starlette.datastructures import FormData

from service.api.auth import Caller
from service.api.errors import InvalidInput
from service.api.records import records_of
from service.api.routes import exports
from service.api.routes.plans import request_replan
from service.console.auth import language_of
from service.console.context import (
    api_errors,
    problem_lines,
    read_form,
    require_same_origin,
    runner_of,
    session_of,
    settings_of,
    signed_in,
)
from service.console.pages import ConsolePageError
from service.console.plan_pages import done_plan, job_of, render_view
from service.console.record_view import record_form, record_rows, save_form
from service.console.replan_form import ReplanForm, replan_body
from service.storage.models import PlanJob
from service.tabular.codes import CATEGORY_CODES
from service.wire.common import DAYS
from service.wire.records import MISSED_REASONS
from service.wire.scenario import Scenario

log = logging.getLogger("mulin.console")

router = APIRouter(include_in_schema=False)


def _records_page(
    request: Request,
    session: Session,
    caller: Caller,
    job: PlanJob,
    day: str | None,
    *,
    errors: list[str] | None = None,
    status: int = 200,
) -> Response:
    done = done_plan(job, language_of(request))
    if done is None:
        raise ConsolePageError(409, "plan.not_ready")
    every_day = record_rows(
        done.scenario, done.plan, records_of(session, job.id), language_of(request)
    )
    chosen = next((d for d in every_day if d.day == day), every_day[0] if every_day else None)
    return render_view(
        request,
        session,
        caller,
        job,
        "plan_records.html",
        "records",
        status=status,
        record_days=every_day,
        record_day=chosen,
        records_recorded=sum(1 for d in every_day for row in d.rows if row.status is not None),
        records_total=len(done.plan.visits),
        record_errors=errors or [],
        recorded=request.query_params.get("recorded"),
        reasons=MISSED_REASONS,
    )


def _show_records(request: Request, plan_id: str) -> Response:
    with session_of(request) as session:
        caller = signed_in(request, session)
        job = job_of(session, caller, plan_id)
        return _records_page(request, session, caller, job, request.query_params.get("day"))


@router.get("/plans/{plan_id}/records")
def show_records(request: Request, plan_id: str) -> Response:
    """One day's visits with their records (a form each for coordinators)."""
    return _show_records(request, plan_id)


def _save_record(request: Request, plan_id: str, form: FormData) -> Response:
    language = language_of(request)
    day = form.get("day")
    day = day if isinstance(day, str) and day in DAYS else None
    with session_of(request) as session:
        caller = signed_in(request, session)
        job = job_of(session, caller, plan_id)
        if not caller.can_write:
            raise ConsolePageError(403, "error.forbidden")
        try:
            sent = record_form(form, language)
            save_form(session, job, sent, caller.token_id)
        except InvalidInput as error:
            return _records_page(
                request, session, caller, job, day, errors=problem_lines(error), status=422
            )
        log.info(
            "console: plan %s, visit %s/%d recorded by token %s",
            job.id,
            sent.need_id,
            sent.visit,
            caller.token_id,
        )
    query = {"recorded": f"{sent.need_id}:{sent.visit}"}
    if day is not None:
        query["day"] = day
    return RedirectResponse(f"/plans/{job.id}/records?{urlencode(query)}", status_code=303)


@router.post("/plans/{plan_id}/records")
async def record_visit(request: Request, plan_id: str) -> Response:
    """Record what happened at one visit of a done plan (coordinators); back to its day."""
    require_same_origin(request)
    form = await read_form(request, max_part_size=16 * 1024)
    return await run_in_threadpool(_save_record, request, plan_id, form)


def _replan_page(
    request: Request,
    session: Session,
    caller: Caller,
    job: PlanJob,
    *,
    form: ReplanForm | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> Response:
    if not caller.can_write:
        raise ConsolePageError(403, "error.forbidden")
    done = done_plan(job, language_of(request))
    if done is None:
        raise ConsolePageError(409, "replan.not_done")
    return render_view(
        request,
        session,
        caller,
        job,
        "plan_replan.html",
        "replan",
        status=status,
        view=done.view,
        form=form or ReplanForm(),
        errors=errors or [],
        days=DAYS,
        categories=CATEGORY_CODES,
    )


def _show_replan(request: Request, plan_id: str) -> Response:
    with session_of(request) as session:
        caller = signed_in(request, session)
        job = job_of(session, caller, plan_id)
        return _replan_page(request, session, caller, job)


@router.get("/plans/{plan_id}/replan")
def show_replan(request: Request, plan_id: str) -> Response:
    """The re-plan form: an absence, visits to keep, an urgent need (coordinators)."""
    return _show_replan(request, plan_id)


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
        job = job_of(session, caller, plan_id)
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
            return _replan_page(
                request, session, caller, job, form=form, errors=problem_lines(error), status=422
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


def _workbook(request: Request, plan_id: str) -> Response:
    with session_of(request) as session:
        caller = signed_in(request, session)
        job = job_of(session, caller, plan_id)
        with api_errors():
            return exports.export_workbook(session, caller, job.id, language_of(request))


@router.get("/plans/{plan_id}/export.xlsx")
def plan_workbook(request: Request, plan_id: str) -> Response:
    """The plan as an Excel workbook in the console's language (409 page while not done)."""
    return _workbook(request, plan_id)
