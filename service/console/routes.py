"""The console's router: sign-in, language, the station list; and :func:`install` for the app.

Every console route is left out of the API's OpenAPI document (``include_in_schema=False``).
Pages answer errors as pages in the console's language; a page that needs a signed-in caller
sends the browser to the sign-in form.
"""

from __future__ import annotations

import datetime as dt
import logging
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from service.api.record_links import PhoneLimits
from service.console import (
    city_pages,
    import_pages,
    kpi_pages,
    phone_pages,
    plan_actions,
    plan_pages,
    station_pages,
)
from service.console.auth import (
    check_token,
    forget,
    local_path,
    remember,
    remember_language,
    same_origin,
)
from service.console.context import (
    SignInRequired,
    read_form,
    require_same_origin,
    session_of,
    signed_in,
    text_field,
)
from service.console.overview import next_monday
from service.console.pages import STATIC, ConsolePageError, error_page, render
from service.storage import repository

log = logging.getLogger("mulin.console")

router = APIRouter(include_in_schema=False)
MAX_STATIONS = 500
RECENT_BATCHES = 5


def _signin_page(request: Request, *, status: int = 200, failed: bool = False) -> Response:
    target = local_path(request.query_params.get("next"))
    return render(request, "signin.html", status=status, failed=failed, next_path=target)


def _index(request: Request) -> Response:
    with session_of(request) as session:
        try:
            caller = signed_in(request, session)
        except SignInRequired:
            return _signin_page(request)
        if caller.role != "city_admin" and caller.station_id is not None:
            return RedirectResponse(f"/stations/{caller.station_id}", status_code=303)
        rows, count = repository.list_stations(session, only=None, offset=0, limit=MAX_STATIONS)
        batches = repository.recent_batches(session, RECENT_BATCHES)
        return render(
            request,
            "stations.html",
            caller=caller,
            stations=rows,
            count=count,
            batches=batches,
            next_week=next_monday(dt.date.today()).isoformat(),
        )


@router.get("/")
def index(request: Request) -> Response:
    """The sign-in form, or the stations (a city admin), or one's station page."""
    return _index(request)


def _login(request: Request, secret: str, next_path: str) -> Response:
    with session_of(request) as session:
        caller = check_token(session, secret)
    if caller is None:
        log.info("console: sign-in refused")
        return render(request, "signin.html", status=401, failed=True, next_path=next_path)
    log.info("console: token %s signed in", caller.token_id)
    answer = RedirectResponse(next_path, status_code=303)
    remember(request, answer, secret)
    return answer


@router.post("/login")
async def login(request: Request) -> Response:
    """Check the token typed in; set the sign-in cookie and go on, or show the form again."""
    require_same_origin(request)
    form = await read_form(request)
    target = local_path(text_field(form, "next"))
    return await run_in_threadpool(_login, request, text_field(form, "token"), target)


@router.post("/logout")
def logout(request: Request) -> Response:
    """Forget the sign-in cookie; back to the sign-in form."""
    require_same_origin(request)
    answer = RedirectResponse("/", status_code=303)
    forget(request, answer)
    return answer


def _back(request: Request) -> str:
    """Where a language switch returns to: ``next``, else the Referer of this site, else ``/``."""
    asked = request.query_params.get("next")
    if asked:
        return local_path(asked)
    referer = request.headers.get("referer")
    if referer and same_origin(request):
        parts = urlsplit(referer)
        return local_path(parts.path + (f"?{parts.query}" if parts.query else ""))
    return "/"


@router.get("/language/{language}")
def switch_language(request: Request, language: str) -> Response:
    """Set the console language (``zh`` or ``en``) and go back to the page."""
    if language not in ("zh", "en"):
        raise ConsolePageError(404, "error.not_found")
    answer = RedirectResponse(_back(request), status_code=303)
    remember_language(request, answer, "en" if language == "en" else "zh")
    return answer


async def _on_page_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, ConsolePageError)
    return error_page(request, error, getattr(request.state, "caller", None))


async def _on_sign_in(request: Request, error: Exception) -> Response:
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET":
        return _signin_page(request, status=401)
    return RedirectResponse("/?" + urlencode({"next": path}), status_code=303)


def install(app: FastAPI) -> None:
    """Serve the console from an app: its pages at ``/``, its files at ``/static``.

    Parameters
    ----------
    app
        The application (the API's routes are untouched; none of these is in its OpenAPI);
        it keeps the phone pages' attempt limits on ``app.state.phone_limits``.
    """
    console = APIRouter(include_in_schema=False)
    pages = (
        router,
        station_pages.router,
        import_pages.router,
        plan_pages.router,
        plan_actions.router,
        city_pages.router,
        kpi_pages.router,
        phone_pages.router,
    )
    for page_router in pages:
        console.include_router(page_router)
    app.include_router(console)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_exception_handler(ConsolePageError, _on_page_error)
    app.add_exception_handler(SignInRequired, _on_sign_in)
    app.state.phone_limits = PhoneLimits()
