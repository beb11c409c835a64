"""Error answers: 422 with the JSON path of each bad field, 409, 413, and no input gives a 500.

Every 422 answer has the shape of FastAPI's own (``{"detail": [{"loc", "msg", "type"}]}``)
plus ``path``: the JSON path in the style of ``service.loading``, e.g. ``needs[3].village``.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.formparsers import MultiPartException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.loading import MAX_PROBLEMS, describe_error
from service.wire.common import json_path

log = logging.getLogger("mulin.api")

MAX_STORED_INT = 2**63 - 1
MAX_DEPTH = 64
"""Deepest nesting of a stored value (``extra`` is free JSON): deeper ones cannot be answered."""
UNPARSABLE_BODY = "There was an error parsing the body"
"""FastAPI's 400 detail for a body it cannot decode (e.g. invalid UTF-8): answered with 422."""
_PATH_PART = re.compile(r"\.?([^.\[\]]+)|\[(\d+)\]")


class Problem(BaseModel):
    """One bad field of a request."""

    loc: list[str | int]
    msg: str
    type: str
    path: str


class Problems(BaseModel):
    """The body of a 422 answer."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "detail": [
                        {
                            "loc": ["body", "needs", 3, "village"],
                            "msg": "unknown village 'v99'",
                            "type": "value_error",
                            "path": "needs[3].village",
                        }
                    ]
                }
            ]
        }
    )

    detail: list[Problem]


class ErrorDetail(BaseModel):
    """The body of any other error answer."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"detail": "version 2 is stale: the stored version is 3"}]}
    )

    detail: str


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorDetail, "description": "Missing, unknown or revoked token."},
    404: {"model": ErrorDetail, "description": "Not found, or not visible to the caller."},
    413: {"model": ErrorDetail, "description": "The request body is larger than allowed."},
    422: {"model": Problems, "description": "Invalid input: one entry per bad field."},
}
WRITE_RESPONSES: dict[int | str, dict[str, Any]] = {
    **ERROR_RESPONSES,
    403: {"model": ErrorDetail, "description": "The caller's role may not change data."},
    409: {"model": ErrorDetail, "description": "A stale version, or a clash with stored data."},
}


class InvalidInput(Exception):
    """Bad input found after FastAPI's own validation: answered with 422.

    Parameters
    ----------
    problems
        ``(loc, message)`` pairs; ``loc`` is where in the request the bad value is.
    """

    def __init__(self, problems: Sequence[tuple[tuple[str | int, ...], str]]) -> None:
        super().__init__("; ".join(message for _, message in problems))
        self.problems = list(problems)


def loc_of_path(path: str) -> tuple[str | int, ...]:
    """The location tuple of a JSON path like ``needs[3].village`` (``(root)`` → empty).

    Parameters
    ----------
    path
        A path as written by :func:`service.wire.common.json_path`.

    Returns
    -------
    tuple
        Keys and list indices.
    """
    if path == "(root)":
        return ()
    return tuple(int(index) if index else key for key, index in _PATH_PART.findall(path))


def invalid_from_messages(
    messages: Iterable[str], prefix: tuple[str | int, ...] = ()
) -> InvalidInput:
    """Turn ``path: message`` lines (as ``service.loading`` writes them) into a 422.

    Parameters
    ----------
    messages
        Lines of the form ``needs[3].village: unknown village 'v99'``.
    prefix
        Where in the request body the document sits (e.g. ``("scenario",)``).

    Returns
    -------
    InvalidInput
        To raise.
    """
    problems = []
    for message in messages:
        path, _, text = message.partition(": ")
        problems.append(((*prefix, *loc_of_path(path)), text or message))
    return InvalidInput(problems)


def invalid_from_validation(
    error: ValidationError, prefix: tuple[str | int, ...] = ()
) -> InvalidInput:
    """Turn a pydantic validation error into a 422, one problem per error."""
    return InvalidInput(
        [((*prefix, *e["loc"]), describe_error(dict(e))) for e in error.errors(include_url=False)]
    )


def _problem(loc: Sequence[str | int], message: str, kind: str) -> dict[str, Any]:
    # Keys and messages may quote the request's own text, which may not encode as UTF-8.
    loc = [safe_text(part) if isinstance(part, str) else part for part in loc]
    body = loc[1:] if loc and loc[0] == "body" else loc
    return {"loc": loc, "msg": safe_text(message), "type": kind, "path": json_path(tuple(body))}


def problems_response(problems: list[dict[str, Any]]) -> JSONResponse:
    """A 422 answer listing problems: the first :data:`MAX_PROBLEMS`, then how many more."""
    if len(problems) > MAX_PROBLEMS:
        more = len(problems) - MAX_PROBLEMS
        message = f"{more} more problem(s) not listed: only the first {MAX_PROBLEMS} are"
        problems = [*problems[:MAX_PROBLEMS], _problem(("body",), message, "too_many_problems")]
    return JSONResponse(status_code=422, content={"detail": problems})


def safe_text(text: str) -> str:
    r"""The text with unpaired surrogates written as ``\udXXX`` escapes, so it can be answered.

    Parameters
    ----------
    text
        Any Python string (JSON's ``\ud800`` escapes decode to lone surrogates).

    Returns
    -------
    str
        Text that encodes as UTF-8; the same text when it already does.
    """
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def text_problem(text: str) -> str | None:
    """Why no column (PostgreSQL's above all) or UTF-8 answer can hold this text, if so.

    Parameters
    ----------
    text
        A string of the request.

    Returns
    -------
    str or None
        The end of a sentence (``"may not contain the NUL character"``); None when it is fine.
    """
    if "\x00" in text:
        return "may not contain the NUL character"
    if safe_text(text) != text:
        return "is not valid Unicode: it has an unpaired surrogate (e.g. \\ud800)"
    return None


UNADDRESSABLE = "an id names its record in URLs: it cannot contain / ? # % \\ or be . or .."


def addressable(identifier: str) -> bool:
    """Whether an id can be one segment of a URL path (``/stations/{id}``)."""
    return identifier not in (".", "..") and not any(c in identifier for c in "/?#%\\")


def unstorable_values(
    value: Any, loc: tuple[str | int, ...] = ()
) -> list[tuple[tuple[str | int, ...], str]]:
    r"""Values no column or JSON answer can hold: huge integers, NaN, infinities, NUL, deep nesting.

    Ids (a key ``id`` outside ``extra``) must also be usable as a URL path segment.

    Text with an unpaired surrogate (JSON allows ``"\ud800"``) cannot be encoded as UTF-8, so
    it can be neither stored nor answered: it is refused like NUL.

    Parameters
    ----------
    value
        Decoded JSON (dicts, lists, numbers, strings).
    loc
        Where ``value`` sits.

    Returns
    -------
    list of (loc, message)
        Empty when everything can be stored.
    """
    found: list[tuple[tuple[str | int, ...], str]] = []
    if isinstance(value, bool) or value is None:
        return found
    if len(loc) > MAX_DEPTH:
        return [(loc, f"nested too deeply (at most {MAX_DEPTH} levels)")]
    if isinstance(value, int):
        if abs(value) > MAX_STORED_INT:
            found.append((loc, f"{value} is too large (at most {MAX_STORED_INT})"))
    elif isinstance(value, float):
        if not math.isfinite(value):
            found.append((loc, f"{value} is not a finite number"))
    elif isinstance(value, str):
        problem = text_problem(value)
        if problem:
            found.append((loc, f"text {problem}"))
        elif loc and loc[-1] == "id" and "extra" not in loc and not addressable(value):
            found.append((loc, UNADDRESSABLE))
    elif isinstance(value, dict):
        for key, item in value.items():
            problem = text_problem(str(key))
            if problem:
                found.append((loc, f"a key {problem}"))
            found += unstorable_values(item, (*loc, safe_text(str(key))))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found += unstorable_values(item, (*loc, index))
    return found


def check_storable(model: BaseModel, prefix: tuple[str | int, ...] = ("body",)) -> None:
    """Raise a 422 when a validated body holds a value that cannot be stored or answered."""
    problems = unstorable_values(model.model_dump(by_alias=True), prefix)
    if problems:
        raise InvalidInput(problems)


# --- handlers -------------------------------------------------------------------------------


async def _on_request_invalid(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    problems = []
    for e in error.errors():
        loc = tuple(e.get("loc", ()))
        if e.get("type") == "json_invalid":
            loc = ("body",)
        problems.append(_problem(loc, describe_error(dict(e)), str(e.get("type", "value_error"))))
    return problems_response(problems)


async def _on_http_error(request: Request, error: Exception) -> Response:
    """FastAPI's own answer, except that a body it cannot read gets a 422 like broken JSON.

    FastAPI answers 400 to a body that is not UTF-8 (or holds a number too long to read), and
    Starlette to broken multipart data; neither is documented, and both are bad input.
    """
    assert isinstance(error, StarletteHTTPException)
    if error.status_code == 400:
        reason = error.__cause__ or error.__context__
        found: tuple[str, str] | None = None
        if isinstance(reason, MultiPartException):
            found = (f"the body is not valid multipart/form-data: {reason.message}", "multipart")
        elif error.detail == UNPARSABLE_BODY and isinstance(reason, UnicodeDecodeError):
            found = ("the body is not valid UTF-8", "json_invalid")
        elif error.detail == UNPARSABLE_BODY:
            found = ("the body cannot be read as JSON", "json_invalid")
        if found is not None:
            return problems_response([_problem(("body",), found[0], found[1])])
    return await http_exception_handler(request, error)


async def _on_invalid_input(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, InvalidInput)
    return problems_response([_problem(loc, msg, "value_error") for loc, msg in error.problems])


async def _on_stale(request: Request, error: Exception) -> JSONResponse:
    return JSONResponse(
        status_code=409,
        content={"detail": "the record was changed by someone else: read it again and retry"},
    )


async def _on_integrity(request: Request, error: Exception) -> JSONResponse:
    log.info("integrity error on %s %s: %s", request.method, request.url.path, type(error).__name__)
    return JSONResponse(
        status_code=409,
        content={"detail": "the change clashes with stored data (a duplicate, or still in use)"},
    )


async def _on_data_error(request: Request, error: Exception) -> JSONResponse:
    log.info("data error on %s %s", request.method, request.url.path)
    return JSONResponse(
        status_code=422,
        content={
            "detail": [
                {
                    "loc": ["body"],
                    "msg": "a value cannot be stored",
                    "type": "value_error",
                    "path": "(root)",
                }
            ]
        },
    )


async def _on_busy(request: Request, error: Exception) -> JSONResponse:
    log.warning(
        "database unavailable on %s %s: %s", request.method, request.url.path, type(error).__name__
    )
    return JSONResponse(
        status_code=503, content={"detail": "the database is busy or unavailable: retry"}
    )


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that keep bad input and database clashes from becoming a 500.

    Parameters
    ----------
    app
        The application.
    """
    app.add_exception_handler(RequestValidationError, _on_request_invalid)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(InvalidInput, _on_invalid_input)
    app.add_exception_handler(StaleDataError, _on_stale)
    app.add_exception_handler(IntegrityError, _on_integrity)
    app.add_exception_handler(DataError, _on_data_error)
    app.add_exception_handler(OperationalError, _on_busy)


# --- body size ------------------------------------------------------------------------------


class BodyTooLarge(HTTPException):
    """Raised while reading a body that grows past the limit (FastAPI passes it through)."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=f"the request body is larger than {limit} bytes")


class BodySizeLimit:
    """ASGI middleware: 413 for a body above ``max_bytes``, declared or streamed.

    Parameters
    ----------
    app
        The wrapped application.
    max_bytes
        The largest body accepted.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def _refuse(self, send: Send) -> None:
        body = json.dumps({"detail": f"the request body is larger than {self.max_bytes} bytes"})
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body.encode()})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, counting its body."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.max_bytes:
                    await self._refuse(send)
                    return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(send)
