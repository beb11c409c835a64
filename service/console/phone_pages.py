"""The worker's phone page: their visits of one plan, and a form per visit to record it.

``GET /w/{plan_id}/{worker_id}?key=…&until=…`` needs no token but the signed link's key
(:mod:`service.api.record_links`); ``POST`` to the same path records one visit of that worker
(``recorded_by`` and the audit entry name ``worker:<id>``) and goes back to the page. Anything
else (a wrong or expired key, another plan, a visit whose team does not include the worker)
answers 404; too many bad keys from one address, or too many writes from one link, answer 429.
The page is in the console's language (Chinese by default, the same switch).
"""

from __future__ import annotations

import datetime as dt
import logging
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from sqlmodel import Session
from starlette.datastructures import FormData

from service.api.errors import InvalidInput
from service.api.record_links import PhoneLimits, SignedLink, check_link
from service.api.records import planned_visit, records_of
from service.console.auth import language_of
from service.console.context import (
    problem_lines,
    read_form,
    require_same_origin,
    session_of,
)
from service.console.pages import ConsolePageError, render
from service.console.record_view import record_form, record_rows, save_form
from service.storage import repository
from service.storage.models import PlanJob
from service.wire.plan import Plan
from service.wire.records import MISSED_REASONS
from service.wire.scenario import Scenario

log = logging.getLogger("mulin.console")

router = APIRouter(include_in_schema=False)
NO_INDEX = {"X-Robots-Tag": "noindex, nofollow"}


def _limits(request: Request) -> PhoneLimits:
    limits: PhoneLimits = request.app.state.phone_limits
    return limits


def _signed(request: Request, plan_id: str, worker_id: str) -> SignedLink:
    """The request's link; 429 once its address has sent too many bad ones, else 404 if bad."""
    limits = _limits(request)
    address = request.client.host if request.client else "unknown"
    if limits.bad_keys.exhausted(address):
        log.warning("phone page: too many bad links from one address, refused")
        raise ConsolePageError(429, "phone.too_many")
    secret: bytes = request.app.state.feed_secret
    link = check_link(
        secret,
        plan_id,
        worker_id,
        request.query_params.get("key"),
        request.query_params.get("until"),
        dt.date.today(),
    )
    if link is None:
        limits.bad_keys.spend(address)
        log.info("phone page: a wrong or expired link refused")
        raise ConsolePageError(404, "error.not_found")
    return link


def _job(session: Session, link: SignedLink) -> tuple[PlanJob, Scenario, Plan]:
    """The link's done station plan with the worker in it; 404 otherwise."""
    job = repository.get_job(session, link.plan_id)
    if job is None or job.status != "done" or job.plan_json is None or job.station_id is None:
        raise ConsolePageError(404, "error.not_found")
    plan = Plan.model_validate_json(job.plan_json)
    scenario = Scenario.model_validate_json(job.scenario_json)
    if not any(worker.id == link.worker_id for worker in scenario.workers):
        raise ConsolePageError(404, "error.not_found")
    return job, scenario, plan


def _page(
    request: Request,
    session: Session,
    link: SignedLink,
    *,
    errors: list[str] | None = None,
    status: int = 200,
) -> Response:
    job, scenario, plan = _job(session, link)
    language = language_of(request)
    worker = next(w for w in scenario.workers if w.id == link.worker_id)
    days = record_rows(scenario, plan, records_of(session, job.id), language, link.worker_id)
    answer = render(
        request,
        "phone.html",
        status=status,
        job=job,
        worker_name=worker.name,
        worker_id=worker.id,
        until=link.until,
        days=days,
        reasons=MISSED_REASONS,
        action=request.url.path
        + "?"
        + urlencode({"key": request.query_params["key"], "until": link.until.isoformat()}),
        saved=request.query_params.get("saved"),
        errors=errors or [],
    )
    answer.headers.update(NO_INDEX)
    return answer


def _show(request: Request, plan_id: str, worker_id: str) -> Response:
    link = _signed(request, plan_id, worker_id)
    with session_of(request) as session:
        return _page(request, session, link)


@router.get("/w/{plan_id}/{worker_id}")
def phone_page(request: Request, plan_id: str, worker_id: str) -> Response:
    """A worker's visits of a plan with a recording form each (404 for a bad link)."""
    return _show(request, plan_id, worker_id)


def _record(request: Request, plan_id: str, worker_id: str, form_data: FormData) -> Response:
    link = _signed(request, plan_id, worker_id)
    language = language_of(request)
    with session_of(request) as session:
        job, _, plan = _job(session, link)
        if not _limits(request).writes.spend(f"{job.id}/{link.worker_id}"):
            log.warning("phone page: plan %s, worker %s writes too often", job.id, link.worker_id)
            raise ConsolePageError(429, "phone.too_many")
        try:
            sent = record_form(form_data, language)
            planned = planned_visit(plan, sent.need_id, sent.visit)
            if planned is None or link.worker_id not in planned.worker_ids:
                log.info("phone page: plan %s, worker %s: not their visit", job.id, link.worker_id)
                raise ConsolePageError(404, "error.not_found")
            save_form(session, job, sent, f"worker:{link.worker_id}")
        except InvalidInput as error:
            return _page(request, session, link, errors=problem_lines(error), status=422)
        log.info(
            "phone page: plan %s, visit %s/%d recorded by worker %s",
            job.id,
            sent.need_id,
            sent.visit,
            link.worker_id,
        )
    query = urlencode(
        {
            "key": request.query_params["key"],
            "until": link.until.isoformat(),
            "saved": f"{sent.need_id}:{sent.visit}",
        }
    )
    return RedirectResponse(f"{request.url.path}?{query}", status_code=303)


@router.post("/w/{plan_id}/{worker_id}")
async def phone_record(request: Request, plan_id: str, worker_id: str) -> Response:
    """Record one of the worker's visits (same-origin form); back to the page, 303."""
    require_same_origin(request)
    form = await read_form(request, max_part_size=16 * 1024)
    return await run_in_threadpool(_record, request, plan_id, worker_id, form)
