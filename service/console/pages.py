"""Rendering of console pages: the Jinja2 environment, the common context, error pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from service import vocabulary
from service.api.auth import Caller
from service.console.auth import language_of
from service.console.labels import t
from service.messages import Language
from service.vocabulary import Kind

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

_environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "private, no-store",
}


class ConsolePageError(Exception):
    """A request the console answers with an error page (404, 403, 409, 422 …).

    Parameters
    ----------
    status
        The HTTP status of the page.
    key
        The label of the message (see :mod:`service.console.labels`).
    details
        Further lines to show (already in the page's language, or ids).
    values
        Values of the message's placeholders.
    """

    def __init__(
        self, status: int, key: str, details: list[str] | None = None, **values: object
    ) -> None:
        super().__init__(key)
        self.status = status
        self.key = key
        self.details = details or []
        self.values = values


def render(
    request: Request,
    template: str,
    *,
    caller: Caller | None = None,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    """A page from a template, in the request's language.

    Parameters
    ----------
    request
        The request (language cookie, current path for the language links).
    template
        The template's file name under ``templates/``.
    caller
        The signed-in caller, if any (shows the sign-out button).
    status
        The HTTP status.
    **context
        The template's own values.

    Returns
    -------
    HTMLResponse
        The page, never cached, with a strict content security policy.
    """
    language: Language = language_of(request)
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")

    def label(key: str, **values: object) -> str:
        return t(language, key, **values)

    def name(kind: Kind, code: str) -> str:
        return vocabulary.label(language, kind, code)

    html = _environment.get_template(template).render(
        lang=language,
        t=label,
        name=name,
        caller=caller,
        here=here,
        **context,
    )
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


def error_page(request: Request, error: ConsolePageError, caller: Caller | None) -> HTMLResponse:
    """The page of a :class:`ConsolePageError`."""
    language = language_of(request)
    return render(
        request,
        "error.html",
        caller=caller,
        status=error.status,
        message=t(language, error.key, **error.values),
        details=error.details,
    )
