"""The city's week: a city administrator plans every station at once and follows the batch.

``POST /city/batches`` asks for a batch as ``POST /api/v1/plans/batch`` does (every station,
on the batch queue) and goes to ``/batches/{id}``: a row per station with its status, its
progress, the share of priority 1–2 visits planned, the needs left unmet and a link to its
plan. The page reloads itself until every station's plan has ended.
"""

from __future__ import annotations

import logging
import uuid

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from service.api.errors import InvalidInput, invalid_from_validation
from service.api.models import BatchPlanRequest
from service.api.routes.batches import batch_public, start_batch
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
from service.console.pages import ConsolePageError, render
from service.storage import repository

log = logging.getLogger("mulin.console")

router = APIRouter(include_in_schema=False)
RELOAD_SECONDS = 3


def _batch_request(week_start: str, time_limit: str, language: str) -> BatchPlanRequest:
    document: dict[str, object] = {
        "week_start": week_start.strip(),
        "options": {"seed": 0, "workers": 1, "language": language},
    }
    if time_limit.strip():
        document["time_limit"] = time_limit.strip()
    try:
        return BatchPlanRequest.model_validate(document)
    except ValidationError as error:
        raise invalid_from_validation(error, prefix=("body",)) from None


def _ask_batch(request: Request, week_start: str, time_limit: str) -> Response:
    with session_of(request) as session:
        caller = signed_in(request, session)
        if caller.role != "city_admin":
            raise ConsolePageError(403, "error.city_only")
        try:
            body = _batch_request(week_start, time_limit, language_of(request))
            with api_errors(keep_invalid=True):
                batch = start_batch(session, runner_of(request), settings_of(request), caller, body)
            batch_id = batch.id
        except InvalidInput as error:
            raise ConsolePageError(422, "error.invalid", problem_lines(error)) from None
    log.info("console: batch %s requested by %s", batch_id, caller.token_id)
    return RedirectResponse(f"/batches/{batch_id}", status_code=303)


@router.post("/city/batches")
async def ask_batch(request: Request) -> Response:
    """Plan a week of every station (a city administrator) and go to the batch's page."""
    require_same_origin(request)
    form = await read_form(request)
    return await run_in_threadpool(
        _ask_batch, request, text_field(form, "week_start"), text_field(form, "time_limit")
    )


def _show_batch(request: Request, batch_id: str) -> Response:
    with session_of(request) as session:
        caller = signed_in(request, session)
        try:
            parsed = uuid.UUID(batch_id)
        except ValueError:
            raise ConsolePageError(404, "error.not_found") from None
        batch = repository.get_batch(session, parsed) if caller.role == "city_admin" else None
        if batch is None:
            raise ConsolePageError(404, "error.not_found")
        shown = batch_public(session, batch)
        names = {
            station.id: station.name
            for station in repository.list_stations(session, only=None, offset=0, limit=100_000)[0]
        }
    return render(
        request,
        "batch.html",
        caller=caller,
        batch=shown,
        names=names,
        reload_seconds=None if shown.finished else RELOAD_SECONDS,
    )


@router.get("/batches/{batch_id}")
def show_batch(request: Request, batch_id: str) -> Response:
    """A batch's page: a row per station, reloading until every plan has ended."""
    return _show_batch(request, batch_id)
