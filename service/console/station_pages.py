"""A station's page, led by the week's actions; then its archive in numbers, staff and stock.

The actions come first: make the plan, import the archive, the assessment figures, the
latest plans (re-plans marked, with when their original was made).
"""

from __future__ import annotations

import datetime as dt
import logging

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlmodel import Session

from service.api.auth import Caller
from service.api.deps import readable_station, writable_station
from service.api.errors import InvalidInput, invalid_from_validation
from service.api.models import StationPlanRequest
from service.api.routes.plans import request_station_plan
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
    text_field,
)
from service.console.labels import t
from service.console.overview import next_monday, overview
from service.console.pages import render
from service.messages import Language
from service.storage import repository
from service.storage.models import Station
from service.tabular.codes import GROUP_CODES
from service.wire.common import ROLES

log = logging.getLogger("mulin.console")

router = APIRouter(include_in_schema=False)
RECENT_PLANS = 10
DEFAULT_TIME_LIMIT = 20


def _labels(language: Language, prefix: str, codes: tuple[str, ...]) -> dict[str, str]:
    return {code: t(language, f"{prefix}.{code}") for code in codes}


def station_page(
    request: Request,
    session: Session,
    caller: Caller,
    station: Station,
    *,
    errors: list[str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    """The page of a station the caller may see.

    Parameters
    ----------
    request
        The request (language).
    session
        The database session.
    caller
        The signed-in caller.
    station
        The station row.
    errors
        Problems of the plan form just sent, shown above it.
    values
        The plan form's values as sent (else the defaults).
    status
        The HTTP status (422 with ``errors``).

    Returns
    -------
    Response
        The page.
    """
    language = language_of(request)
    groups = {**_labels(language, "group", GROUP_CODES), "-": t(language, "group.none")}
    store = repository.archive_outline(session, station.id)
    numbers = overview(store, groups, _labels(language, "role", ROLES))
    jobs, _ = repository.list_jobs(session, station.id, status=None, offset=0, limit=RECENT_PLANS)
    bases = {job.base_plan_id for job in jobs if job.base_plan_id is not None}
    origins = repository.job_origins(session, station.id, bases)
    parents = {
        job.id: origins[job.base_plan_id]
        for job in jobs
        if job.base_plan_id is not None and job.base_plan_id in origins
    }
    form = {
        "week_start": next_monday(dt.date.today()).isoformat(),
        "time_limit": str(DEFAULT_TIME_LIMIT),
        **(values or {}),
    }
    return render(
        request,
        "station.html",
        caller=caller,
        station=station,
        numbers=numbers,
        jobs=jobs,
        parents=parents,
        can_write=caller.can_write,
        form=form,
        errors=errors or [],
        status=status,
    )


def _show(request: Request, station_id: str) -> Response:
    with session_of(request) as session:
        caller = signed_in(request, session)
        with api_errors():
            station = readable_station(station_id, caller, session)
        return station_page(request, session, caller, station)


@router.get("/stations/{station_id}")
def show_station(request: Request, station_id: str) -> Response:
    """A station's overview and plan form (404 for a station the caller may not see)."""
    return _show(request, station_id)


def _plan_request(week_start: str, time_limit: str, language: Language) -> StationPlanRequest:
    """The API's plan request of the form's fields: one worker, seed 0, the console's language."""
    document: dict[str, object] = {
        "week_start": week_start.strip(),
        "options": {"seed": 0, "workers": 1, "language": language},
    }
    if time_limit.strip():
        document["time_limit"] = time_limit.strip()
    try:
        return StationPlanRequest.model_validate(document)
    except ValidationError as error:
        raise invalid_from_validation(error, prefix=("body",)) from None


def _ask_plan(request: Request, station_id: str, week_start: str, time_limit: str) -> Response:
    language = language_of(request)
    with session_of(request) as session:
        caller = signed_in(request, session)
        with api_errors():
            station = writable_station(station_id, caller, session)
        try:
            body = _plan_request(week_start, time_limit, language)
            with api_errors(keep_invalid=True):
                accepted = request_station_plan(
                    session,
                    caller,
                    station,
                    runner_of(request),
                    settings_of(request),
                    body,
                    Response(),
                )
        except InvalidInput as error:
            values = {"week_start": week_start, "time_limit": time_limit}
            return station_page(
                request,
                session,
                caller,
                station,
                errors=problem_lines(error),
                values=values,
                status=422,
            )
    log.info("console: plan %s requested for station %s", accepted.id, station_id)
    return RedirectResponse(f"/plans/{accepted.id}", status_code=303)


@router.post("/stations/{station_id}/plans")
async def ask_plan(request: Request, station_id: str) -> Response:
    """Ask for a plan of the week (as the API does) and go to its page."""
    require_same_origin(request)
    form = await read_form(request)
    return await run_in_threadpool(
        _ask_plan,
        request,
        station_id,
        text_field(form, "week_start"),
        text_field(form, "time_limit"),
    )
