"""A plan's views: progress while it is made; then an overview and one page per view.

``/plans/{id}`` is the overview (summary, the views, and a re-plan's changes first);
``/timeline?day=``, ``/map?day=&worker=``, ``/unmet?village=&group=&reason=``,
``/downloads`` and ``/changes`` are the plan's other views, each a few screens long. The
records and the re-plan form (``plan_actions.py``) are views too.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from sqlmodel import Session

from service.api.auth import Caller
from service.api.record_links import link_expiry
from service.api.routes import exports
from service.api.routes.plans import visible_job
from service.console import figures
from service.console.auth import language_of
from service.console.context import (
    SignInRequired,
    api_errors,
    session_of,
    settings_of,
    signed_in,
)
from service.console.labels import t
from service.console.pages import ConsolePageError, render
from service.console.plan_view import PlanView, change_rows, plan_view
from service.console.progress import honest_progress
from service.messages import Language
from service.storage import repository
from service.storage.models import PlanJob
from service.wire.common import DAYS, Day
from service.wire.plan import Plan
from service.wire.replan import ChangeSummary
from service.wire.scenario import Scenario

router = APIRouter(include_in_schema=False)
OVERVIEW_CHANGES = 15
"""Changes listed on a re-plan's overview; the changes view lists them all."""


@dataclass(frozen=True)
class ViewLink:
    """One tab of the plan's views."""

    slug: str
    href: str
    name: str
    current: bool


def plan_id_of(text: str) -> uuid.UUID:
    """The plan id of a path; a page-not-found for anything else."""
    try:
        return uuid.UUID(text)
    except ValueError:
        raise ConsolePageError(404, "error.not_found") from None


def job_of(session: Session, caller: Caller, plan_id: str) -> PlanJob:
    """The plan job the caller may see (404 page otherwise)."""
    with api_errors():
        return visible_job(session, caller, plan_id_of(plan_id))


def view_links(job: PlanJob, caller: Caller, language: Language, current: str) -> list[ViewLink]:
    """The tabs of a done plan's views, the current one marked."""
    slugs = ["overview", "timeline", "map", "unmet", "records", "downloads"]
    if job.changes_json is not None:
        slugs.insert(1, "changes")
    if caller.can_write:
        slugs.append("replan")
    base = f"/plans/{job.id}"
    return [
        ViewLink(
            slug=slug,
            href=base if slug == "overview" else f"{base}/{slug}",
            name=t(language, f"view.{slug}"),
            current=slug == current,
        )
        for slug in slugs
    ]


@dataclass(frozen=True)
class Done:
    """A done plan and its scenario, ready for a view."""

    job: PlanJob
    scenario: Scenario
    plan: Plan
    language: Language

    @cached_property
    def view(self) -> PlanView:
        """The plan as the overview, unmet and re-plan views show it (made when first asked)."""
        return plan_view(self.scenario, self.plan, self.language)


def done_plan(job: PlanJob, language: Language) -> Done | None:
    """The done plan of a job, None while it is not done."""
    if job.status != "done" or job.plan_json is None:
        return None
    scenario = Scenario.model_validate_json(job.scenario_json)
    plan = Plan.model_validate_json(job.plan_json)
    return Done(job, scenario, plan, language)


def render_view(
    request: Request,
    session: Session,
    caller: Caller,
    job: PlanJob,
    template: str,
    current: str,
    *,
    status: int = 200,
    **context: object,
) -> Response:
    """A plan view's page: its template with the plan's header and tabs.

    Parameters
    ----------
    request, session, caller
        The request, the database session and the signed-in caller.
    job
        The plan job (any status: a view of a plan not done shows the overview's progress).
    template
        The view's template.
    current
        The view's slug (its tab is marked).
    status
        The HTTP status.
    **context
        The view's own values.

    Returns
    -------
    Response
        The page.
    """
    language = language_of(request)
    station = None if job.station_id is None else repository.get_station(session, job.station_id)
    parent = None
    if job.base_plan_id is not None:
        origins = repository.job_origins(session, job.station_id, [job.base_plan_id])
        parent = origins.get(job.base_plan_id)
    return render(
        request,
        template,
        caller=caller,
        status=status,
        job=job,
        station=station,
        parent=parent,
        can_write=caller.can_write,
        views=view_links(job, caller, language, current) if job.status == "done" else [],
        **context,
    )


def _overview(request: Request, plan_id: str) -> Response:
    language = language_of(request)
    with session_of(request) as session:
        caller = signed_in(request, session)
        job = job_of(session, caller, plan_id)
        done = done_plan(job, language)
        context: dict[str, object] = {"view": None, "changes": None, "summary": None}
        if job.status in ("queued", "running"):
            context["progress"] = honest_progress(job, language)
        if done is not None:
            context["view"] = done.view
            if job.changes_json is not None:
                summary = ChangeSummary.model_validate_json(job.changes_json)
                rows = change_rows(summary, language)
                context.update(summary=summary, changes=rows[:OVERVIEW_CHANGES], more=len(rows))
        return render_view(
            request, session, caller, job, "plan.html", "overview", status=200, **context
        )


@router.get("/plans/{plan_id}")
def show_plan(request: Request, plan_id: str) -> Response:
    """A plan's overview (404 for a plan the caller may not see)."""
    return _overview(request, plan_id)


def _need_done(done: Done | None) -> Done:
    if done is None:
        raise ConsolePageError(409, "plan.not_ready")
    return done


Build = Callable[[Request, Session, Caller, Done], dict[str, object]]


def _done_view(request: Request, plan_id: str, slug: str, build: Build) -> Response:
    """A view of a done plan: ``build`` gives its template's values (409 page while not done)."""
    with session_of(request) as session:
        caller = signed_in(request, session)
        job = job_of(session, caller, plan_id)
        done = _need_done(done_plan(job, language_of(request)))
        context = build(request, session, caller, done)
        return render_view(
            request, session, caller, job, f"plan_{slug}.html", slug, status=200, **context
        )


def _day(request: Request, plan: Plan) -> Day:
    """The day asked for, else the first day with a visit (Monday when none has)."""
    asked = request.query_params.get("day")
    for day in DAYS:
        if day == asked:
            return day
    busy = {visit.day for visit in plan.visits}
    return next((day for day in DAYS if day in busy), "mon")


def _timeline(request: Request, session: Session, caller: Caller, done: Done) -> dict[str, object]:
    day = _day(request, done.plan)
    return {
        "day": day,
        "days": DAYS,
        "counts": {d: sum(1 for v in done.plan.visits if v.day == d) for d in DAYS},
        "timeline": figures.timeline(done.scenario, done.plan, language_of(request), day),
    }


@router.get("/plans/{plan_id}/timeline")
def show_timeline(request: Request, plan_id: str) -> Response:
    """One day of the plan as a timeline with labelled visits, and a day picker."""
    return _done_view(request, plan_id, "timeline", _timeline)


def _map(request: Request, session: Session, caller: Caller, done: Done) -> dict[str, object]:
    asked_day = request.query_params.get("day") or ""
    day: Day | None = next((d for d in DAYS if d == asked_day), None)
    busy = {w for visit in done.plan.visits for w in visit.worker_ids}
    asked_worker = request.query_params.get("worker") or ""
    worker = asked_worker if asked_worker in busy else None
    language = language_of(request)
    return {
        "days": DAYS,
        "day": day or "",
        "workers": [(w.id, w.name) for w in done.scenario.workers if w.id in busy],
        "worker": worker or "",
        "town_map": figures.town_map(done.scenario, done.plan, language, day=day, worker=worker),
    }


@router.get("/plans/{plan_id}/map")
def show_map(request: Request, plan_id: str) -> Response:
    """The town map of the plan, filtered by day and worker, households clustered."""
    return _done_view(request, plan_id, "map", _map)


def _unmet(request: Request, session: Session, caller: Caller, done: Done) -> dict[str, object]:
    rows = done.view.unmet
    chosen = {name: request.query_params.get(name) or "" for name in ("village", "group", "reason")}
    shown = [
        row
        for row in rows
        if (not chosen["village"] or row.village_id == chosen["village"])
        and (not chosen["group"] or chosen["group"] in row.groups)
        and (not chosen["reason"] or chosen["reason"] in row.reason_codes)
    ]
    return {
        "view": done.view,
        "rows": shown,
        "chosen": chosen,
        "villages": sorted({(row.village_id, row.village) for row in rows}, key=lambda v: v[1]),
        "groups": sorted({g for row in rows for g in row.groups}),
        "reasons": sorted({code for row in rows for code in row.reason_codes}),
    }


@router.get("/plans/{plan_id}/unmet")
def show_unmet(request: Request, plan_id: str) -> Response:
    """The needs not fully served, most urgent first, filtered by village, group and reason."""
    return _done_view(request, plan_id, "unmet", _unmet)


def _downloads(request: Request, session: Session, caller: Caller, done: Done) -> dict[str, object]:
    job = done.job
    with api_errors():
        feeds = exports.list_calendars(request, session, caller, job.id)
    base = str(request.base_url).rstrip("/")
    until = link_expiry(job.week_start, settings_of(request).carry_over_grace_days)
    return {
        "feeds": [
            (
                feed.name,
                feed.worker_id,
                feed.visits,
                base + feed.url,
                None if feed.record_url is None else base + feed.record_url,
            )
            for feed in feeds.data
        ],
        "links_until": until.isoformat(),
        "links_expired": dt.date.today() > until,
    }


@router.get("/plans/{plan_id}/downloads")
def show_downloads(request: Request, plan_id: str) -> Response:
    """The workbook, each worker's calendar feed and phone link for recording visits."""
    return _done_view(request, plan_id, "downloads", _downloads)


def _changes(request: Request, session: Session, caller: Caller, done: Done) -> dict[str, object]:
    if done.job.changes_json is None:
        raise ConsolePageError(404, "error.not_found")
    summary = ChangeSummary.model_validate_json(done.job.changes_json)
    return {"summary": summary, "changes": change_rows(summary, language_of(request))}


@router.get("/plans/{plan_id}/changes")
def show_changes(request: Request, plan_id: str) -> Response:
    """Every change of a re-plan against the plan in force, and why (404 for a first plan)."""
    return _done_view(request, plan_id, "changes", _changes)


def _progress(request: Request, plan_id: str) -> Response:
    with session_of(request) as session:
        try:
            caller = signed_in(request, session)
        except SignInRequired:
            return JSONResponse({"detail": "sign in again"}, status_code=401)
        try:
            job = job_of(session, caller, plan_id)
        except ConsolePageError:
            return JSONResponse({"detail": "plan not found"}, status_code=404)
        shown = honest_progress(job, language_of(request))
        return JSONResponse(
            {
                "status": job.status,
                "progress": shown.fraction,
                "phase": job.phase,
                "text": shown.text,
            },
            headers={"Cache-Control": "no-store"},
        )


@router.get("/plans/{plan_id}/progress")
def plan_progress(request: Request, plan_id: str) -> Response:
    """The job's status, progress (0 to 1), phase and its sentence, as JSON for the page."""
    return _progress(request, plan_id)
