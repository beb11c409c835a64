"""Cookie sign-in of the console: the API's bearer token kept in an HttpOnly cookie.

The cookie ``mulin_token`` holds the token exactly as ``mulin token create`` printed it and is
checked on every request with :func:`service.api.auth.authenticate`, so a revoked token stops
working at once. Every POST must come from the console's own origin (``Origin``, else
``Referer``): the cookie is ``SameSite=Strict`` as well.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import Request, Response
from sqlmodel import Session

from service.api.auth import Caller, authenticate
from service.api.errors import text_problem
from service.messages import Language

TOKEN_COOKIE = "mulin_token"
LANGUAGE_COOKIE = "mulin_lang"
TOKEN_MAX_AGE = 12 * 3600
"""Seconds a sign-in lasts (a working day and a half)."""
LANGUAGE_MAX_AGE = 365 * 24 * 3600
MAX_TOKEN_CHARS = 200


def language_of(request: Request) -> Language:
    """The console language of a request: its ``mulin_lang`` cookie, Chinese by default."""
    return "en" if request.cookies.get(LANGUAGE_COOKIE) == "en" else "zh"


def token_problem(secret: str) -> bool:
    """Whether a typed token cannot be a token at all (empty, too long, unstorable text)."""
    return not secret or len(secret) > MAX_TOKEN_CHARS or text_problem(secret) is not None


def check_token(session: Session, secret: str) -> Caller | None:
    """The caller holding a token typed into the sign-in form, or None.

    Parameters
    ----------
    session
        The database session.
    secret
        The token as typed (spaces around it are ignored).

    Returns
    -------
    Caller or None
        None for an empty, unknown or revoked token.
    """
    secret = secret.strip()
    if token_problem(secret):
        return None
    return authenticate(session, secret)


def caller_of(request: Request, session: Session) -> Caller | None:
    """The signed-in caller of a request (its ``mulin_token`` cookie), or None."""
    return check_token(session, request.cookies.get(TOKEN_COOKIE, ""))


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def remember(request: Request, response: Response, secret: str) -> None:
    """Set the sign-in cookie: HttpOnly, SameSite=Strict, Secure over https.

    Parameters
    ----------
    request
        The sign-in request (its scheme decides ``Secure``).
    response
        The answer that carries the cookie.
    secret
        The token.
    """
    response.set_cookie(
        TOKEN_COOKIE,
        secret.strip(),
        max_age=TOKEN_MAX_AGE,
        path="/",
        httponly=True,
        samesite="strict",
        secure=_secure(request),
    )


def forget(request: Request, response: Response) -> None:
    """Clear the sign-in cookie."""
    response.delete_cookie(
        TOKEN_COOKIE, path="/", httponly=True, samesite="strict", secure=_secure(request)
    )


def remember_language(request: Request, response: Response, language: Language) -> None:
    """Set the language cookie (readable by scripts: it is no secret)."""
    response.set_cookie(
        LANGUAGE_COOKIE,
        language,
        max_age=LANGUAGE_MAX_AGE,
        path="/",
        samesite="strict",
        secure=_secure(request),
    )


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def same_origin(request: Request) -> bool:
    """Whether a POST comes from the console's own origin.

    Parameters
    ----------
    request
        The request; its ``Origin`` header, or when absent its ``Referer``, must name the
        scheme, host and port the request was sent to.

    Returns
    -------
    bool
        False when both headers are missing or name another origin.
    """
    own = _origin(str(request.base_url))
    sent = request.headers.get("origin")
    if sent is None or sent == "null":
        referer = request.headers.get("referer")
        sent = None if referer is None else referer
    if sent is None:
        return False
    return _origin(sent) == own


def local_path(target: str | None, default: str = "/") -> str:
    """A redirect target that stays on this site: a path starting with one ``/``.

    Parameters
    ----------
    target
        Where the user asked to go back to (a query parameter or the ``Referer``).
    default
        Where to go when ``target`` is missing or points elsewhere.

    Returns
    -------
    str
        ``target`` (path and query only) when it is local, else ``default``.
    """
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    path = parts.path
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        return default
    if any(ord(ch) < 32 for ch in target):
        return default
    return path + (f"?{parts.query}" if parts.query else "")
