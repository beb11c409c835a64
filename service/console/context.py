"""What every console route needs: a session, the signed-in caller, forms, API errors as pages."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import HTTPException, Request
from sqlmodel import Session
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.formparsers import MultiPartException

from service.api.auth import Caller
from service.api.deps import get_engine, get_runner, get_settings
from service.api.errors import InvalidInput
from service.console.auth import caller_of, same_origin
from service.console.pages import ConsolePageError
from service.wire.common import json_path

log = logging.getLogger("mulin.console")

MAX_FORM_FIELDS = 20_000
"""Fields a form may have (the re-plan form has a lock box per visit)."""


class SignInRequired(Exception):
    """The request needs a signed-in caller and has none (answered by the sign-in page)."""


engine_of = get_engine
settings_of = get_settings
runner_of = get_runner


@contextmanager
def session_of(request: Request) -> Iterator[Session]:
    """A database session for one request."""
    with Session(engine_of(request)) as session:
        yield session


def signed_in(request: Request, session: Session) -> Caller:
    """The signed-in caller (also kept on ``request.state`` for error pages).

    Raises
    ------
    SignInRequired
        When the cookie is missing, unknown or revoked.
    """
    caller = caller_of(request, session)
    if caller is None:
        raise SignInRequired()
    request.state.caller = caller
    return caller


def require_same_origin(request: Request) -> None:
    """403 page for a POST whose ``Origin`` (or ``Referer``) is another site, or missing."""
    if not same_origin(request):
        log.warning("console: cross-origin %s %s refused", request.method, request.url.path)
        raise ConsolePageError(403, "error.origin")


async def read_form(request: Request, *, max_part_size: int = 1024 * 1024) -> FormData:
    """The request's form (urlencoded or multipart); a 400 page when it cannot be read."""
    try:
        return await request.form(max_fields=MAX_FORM_FIELDS, max_part_size=max_part_size)
    except MultiPartException as error:
        raise ConsolePageError(400, "error.form", [error.message]) from None
    except StarletteHTTPException as error:
        if error.status_code == 413:
            raise ConsolePageError(413, "error.too_large") from None
        raise ConsolePageError(400, "error.form", [str(error.detail)]) from None


def text_field(form: FormData, name: str) -> str:
    """A text field of a form; empty when missing or a file."""
    value = form.get(name)
    return value if isinstance(value, str) else ""


def problem_lines(error: InvalidInput) -> list[str]:
    """One ``path: message`` line per problem of a 422 (``body`` left out of the path)."""
    lines = []
    for loc, message in error.problems:
        body = loc[1:] if loc and loc[0] == "body" else loc
        lines.append(f"{json_path(tuple(body))}: {message}" if body else message)
    return lines


_STATUS_KEYS = {
    403: "error.forbidden",
    404: "error.not_found",
    409: "error.conflict",
    413: "error.too_large",
    429: "error.busy",
}


@contextmanager
def api_errors(*, keep_invalid: bool = False) -> Iterator[None]:
    """Turn the API's errors (HTTPException, InvalidInput) raised inside into error pages.

    Parameters
    ----------
    keep_invalid
        Let :class:`InvalidInput` through (the page shows it beside its form).
    """
    try:
        yield
    except InvalidInput as error:
        if keep_invalid:
            raise
        raise ConsolePageError(422, "error.invalid", problem_lines(error)) from None
    except HTTPException as error:
        key = _STATUS_KEYS.get(error.status_code, "error.other")
        details = [] if error.status_code in (403, 404) else [str(error.detail)]
        raise ConsolePageError(error.status_code, key, details) from None
