"""Request dependencies as ``Annotated`` aliases: session, settings, caller, station access."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Path, Query, Request
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlmodel import Session

from service.api.audit import AuditLog
from service.api.auth import Caller, authenticate
from service.api.errors import InvalidInput, text_problem
from service.api.jobs import Dispatcher
from service.api.settings import Settings
from service.storage import repository
from service.storage.models import Station

MAX_OFFSET = 10**9
MAX_PAGE = 200

_bearer = HTTPBearer(auto_error=False, description="A token made by `mulin token create`.")


def _query_names(route: APIRoute) -> frozenset[str]:
    """The query parameters a route declares, its dependencies' included."""
    names: set[str] = set()
    dependants = [route.dependant]
    while dependants:
        dependant = dependants.pop()
        names.update(field.alias for field in dependant.query_params)
        dependants.extend(dependant.dependencies)
    return frozenset(names)


def storable_parameters(request: Request) -> None:
    """422 for a path or query parameter no database can look up (NUL, unpaired surrogates).

    PostgreSQL refuses such text in any statement: a lookup by a station id holding NUL failed
    there (and answered 404 on SQLite). Used by every route of the app; query parameters the
    route does not declare are ignored, as FastAPI ignores them.

    Parameters
    ----------
    request
        The request, with its route and path parameters already matched.

    Raises
    ------
    InvalidInput
        Naming each bad parameter, e.g. ``("path", "station_id")``.
    """
    route = request.scope.get("route")
    declared = _query_names(route) if isinstance(route, APIRoute) else frozenset()
    parameters = [("path", name, value) for name, value in request.path_params.items()]
    parameters += [
        ("query", name, value)
        for name, value in request.query_params.multi_items()
        if name in declared
    ]
    problems: list[tuple[tuple[str | int, ...], str]] = []
    for where, name, value in parameters:
        problem = text_problem(value) if isinstance(value, str) else None
        if problem:
            problems.append(((where, name), f"text {problem}"))
    if problems:
        raise InvalidInput(problems)


def get_engine(request: Request) -> Engine:
    """The engine the app was created with."""
    engine: Engine = request.app.state.engine
    return engine


def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


def get_runner(request: Request) -> Dispatcher:
    """The plan runner of the app."""
    runner: Dispatcher = request.app.state.runner
    return runner


def get_audit(request: Request) -> AuditLog:
    """The audit writer of the app (started with it)."""
    audit: AuditLog = request.app.state.audit
    return audit


def get_session(engine: Annotated[Engine, Depends(get_engine)]) -> Iterator[Session]:
    """A database session for one request."""
    with Session(engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
RunnerDep = Annotated[Dispatcher, Depends(get_runner)]
AuditDep = Annotated[AuditLog, Depends(get_audit)]


def unauthorized() -> HTTPException:
    """The 401 answer for a missing, unknown or revoked token."""
    return HTTPException(
        status_code=401,
        detail="a valid bearer token is required",
        headers={"WWW-Authenticate": "Bearer"},
    )


def get_caller(
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    """The caller named by the bearer token; 401 when there is none or it is revoked."""
    if credentials is None or not credentials.credentials:
        raise unauthorized()
    caller = authenticate(session, credentials.credentials)
    if caller is None:
        raise unauthorized()
    return caller


CallerDep = Annotated[Caller, Depends(get_caller)]

StationId = Annotated[str, Path(min_length=1, max_length=100, description="The station's id.")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Rows to skip.")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="Rows in the page.")]


def not_found(what: str = "station") -> HTTPException:
    """The 404 answer, the same whether the thing is absent or hidden from the caller."""
    return HTTPException(status_code=404, detail=f"{what} not found")


def forbidden() -> HTTPException:
    """The 403 answer for a viewer's write."""
    return HTTPException(status_code=403, detail="this token may only read")


def require_visible(caller: Caller, station_id: str) -> None:
    """404 unless the caller may see the station (whether or not it exists)."""
    if not caller.can_see(station_id):
        raise not_found()


def require_writable(caller: Caller, station_id: str) -> None:
    """404 unless the caller may see the station; then 403 unless it may change it."""
    require_visible(caller, station_id)
    if not caller.can_write:
        raise forbidden()


def readable_station(station_id: StationId, caller: CallerDep, session: SessionDep) -> Station:
    """The station of the path, if the caller may read it; else 404."""
    require_visible(caller, station_id)
    station = repository.get_station(session, station_id)
    if station is None:
        raise not_found()
    return station


def writable_station(station_id: StationId, caller: CallerDep, session: SessionDep) -> Station:
    """The station of the path, if the caller may change it; else 404 (or 403 for a viewer)."""
    require_visible(caller, station_id)
    station = repository.get_station(session, station_id)
    if station is None:
        raise not_found()
    if not caller.can_write:
        raise forbidden()
    return station


ReadableStation = Annotated[Station, Depends(readable_station)]
WritableStation = Annotated[Station, Depends(writable_station)]


def if_match(
    header: Annotated[
        str | None,
        Header(
            alias="If-Match",
            max_length=40,
            description='The version read (its ETag, e.g. "3"); a stale one gets 409.',
        ),
    ] = None,
) -> int | None:
    """The version named by an ``If-Match`` header (``"3"``, ``W/"3"`` or ``3``), if any.

    Raises a 422 for a header that names no version.
    """
    if header is None or header.strip() == "*":
        return None
    text = header.strip().removeprefix("W/").strip('"')
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        raise InvalidInput([(("header", "If-Match"), f"{header!r} names no version")])
    return int(text)


IfMatch = Annotated[int | None, Depends(if_match)]
