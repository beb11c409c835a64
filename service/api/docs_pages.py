"""The API's documentation pages, ``/docs`` (Swagger UI) and ``/redoc`` (ReDoc), without a CDN.

FastAPI's own pages load Swagger UI and ReDoc from a CDN (and a favicon from FastAPI's site), so
on a machine without internet they stay blank. Here the scripts, the style sheet and the icon
are served by the service itself, from the ``static`` folder of the installed
``fastapi_offline`` package (found with :mod:`importlib.resources`), under ``/docs/assets``.
Swagger UI's start call is a script of its own, ``/docs/swagger-init.js``, so neither page has
inline script and both are served under a content security policy that allows nothing from
another origin.
"""

from __future__ import annotations

import json
from html import escape
from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.openapi.docs import swagger_ui_default_parameters
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_URL = "/docs"
REDOC_URL = "/redoc"
ASSETS_URL = "/docs/assets"
SWAGGER_INIT_URL = "/docs/swagger-init.js"
ASSETS_PACKAGE = "fastapi_offline"

SWAGGER_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
"""Swagger UI runs under the console's policy: scripts, styles and requests of this origin."""
REDOC_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
"""ReDoc's styled components write ``<style>`` elements and its search runs in a ``blob:``
worker; its scripts and requests stay on this origin (the Redocly logo it shows from another
host is refused)."""


def _page_headers(policy: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }


_SWAGGER_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - Swagger UI</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css">
<link rel="icon" type="image/png" href="{assets}/favicon.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="{init}"></script>
</body>
</html>
"""

_REDOC_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - ReDoc</title>
<link rel="icon" type="image/png" href="{assets}/favicon.png">
</head>
<body>
<noscript>ReDoc needs JavaScript to show the API documentation.</noscript>
<redoc spec-url="{openapi}"></redoc>
<script src="{assets}/redoc.standalone.js"></script>
</body>
</html>
"""


def asset_folder() -> Path:
    """The folder of Swagger UI's and ReDoc's files in the installed ``fastapi_offline``.

    Returns
    -------
    Path
        The package's ``static`` folder (``swagger-ui-bundle.js``, ``swagger-ui.css``,
        ``redoc.standalone.js``, ``favicon.png``).
    """
    return Path(str(files(ASSETS_PACKAGE).joinpath("static")))


def swagger_init_script(openapi_url: str, parameters: dict[str, object] | None = None) -> str:
    """The script that starts Swagger UI on the page, as FastAPI's inline one does.

    Parameters
    ----------
    openapi_url
        Where the page reads the OpenAPI document.
    parameters
        Swagger UI options over FastAPI's defaults (``app.swagger_ui_parameters``).

    Returns
    -------
    str
        JavaScript calling ``SwaggerUIBundle`` with the URL, the options and its presets.
    """
    options = {"url": openapi_url, **swagger_ui_default_parameters, **(parameters or {})}
    return (
        f"window.ui = SwaggerUIBundle(Object.assign({json.dumps(options)}, {{\n"
        "  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],\n"
        "}));\n"
    )


def install(app: FastAPI) -> None:
    """Serve ``/docs``, ``/redoc`` and their files from the app (none of them in its OpenAPI).

    The app must be made with ``docs_url=None, redoc_url=None`` (FastAPI's CDN pages).

    Parameters
    ----------
    app
        The application; its ``openapi_url``, ``title`` and ``swagger_ui_parameters`` are used.
    """
    openapi_url = app.openapi_url or "/openapi.json"
    title = escape(app.title)

    def root(request: Request) -> str:
        # behind a proxy's prefix (``--root-path``) every URL of the pages starts with it
        return escape(str(request.scope.get("root_path", "")))

    @app.get(DOCS_URL, include_in_schema=False)
    async def swagger_page(request: Request) -> HTMLResponse:
        page = _SWAGGER_PAGE.format(
            title=title,
            assets=root(request) + ASSETS_URL,
            init=root(request) + SWAGGER_INIT_URL,
        )
        return HTMLResponse(page, headers=_page_headers(SWAGGER_POLICY))

    @app.get(SWAGGER_INIT_URL, include_in_schema=False)
    async def swagger_init(request: Request) -> Response:
        script = swagger_init_script(root(request) + openapi_url, app.swagger_ui_parameters)
        return Response(
            script,
            media_type="text/javascript",
            headers={"X-Content-Type-Options": "nosniff"},
        )

    @app.get(REDOC_URL, include_in_schema=False)
    async def redoc_page(request: Request) -> HTMLResponse:
        page = _REDOC_PAGE.format(
            title=title,
            assets=root(request) + ASSETS_URL,
            openapi=root(request) + escape(openapi_url),
        )
        return HTMLResponse(page, headers=_page_headers(REDOC_POLICY))

    app.mount(ASSETS_URL, StaticFiles(directory=asset_folder()), name="docs-assets")
