"""The docs pages /docs and /redoc come with all their files from the service itself."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from importlib.resources import files
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.api import docs_pages
from service.console.pages import SECURITY_HEADERS

PAGES = (docs_pages.DOCS_URL, docs_pages.REDOC_URL)
REMOTE = re.compile(r"https?://|//cdn|//fonts", re.IGNORECASE)
SCRIPT_TYPES = ("text/javascript", "application/javascript")


class References(HTMLParser):
    """The URLs a page loads: scripts, style sheets, icons, and ReDoc's spec-url."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Keep (kind, URL) of each <script src>, <link href> and <redoc spec-url>."""
        values = {name: value or "" for name, value in attrs}
        if tag == "script" and "src" in values:
            self.found.append(("script", values["src"]))
        elif tag == "link" and "href" in values:
            self.found.append((values.get("rel", ""), values["href"]))
        elif tag == "redoc" and "spec-url" in values:
            self.found.append(("spec", values["spec-url"]))


def references(html: str) -> list[tuple[str, str]]:
    """The (kind, URL) pairs a page loads, in page order."""
    parser = References()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("path", PAGES)
def test_docs_page_references_only_this_service(client: TestClient, path: str) -> None:
    """The page answers 200 HTML and names no other host: every URL is a path of this origin."""
    answer = client.get(path)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    assert REMOTE.search(answer.text) is None, REMOTE.search(answer.text)
    found = references(answer.text)
    assert found, "the page loads nothing"
    for _, url in found:
        assert url.startswith("/") and not url.startswith("//"), url


@pytest.mark.parametrize("path", PAGES)
def test_every_file_a_docs_page_loads_is_served(client: TestClient, path: str) -> None:
    """Each script answers 200 as JavaScript, each style sheet as CSS, the icon as an image."""
    expected = {"script": SCRIPT_TYPES, "stylesheet": ("text/css",), "icon": ("image/",)}
    kinds = set()
    for kind, url in references(client.get(path).text):
        answer = client.get(url)
        assert answer.status_code == 200, url
        if kind == "spec":
            assert answer.json()["openapi"].startswith("3."), url
            continue
        assert answer.headers["content-type"].startswith(expected[kind]), (url, answer.headers)
        assert answer.content, url
        kinds.add(kind)
    assert {"script", "icon"} <= kinds


def test_swagger_start_script_reads_this_services_openapi(client: TestClient) -> None:
    """/docs's start script is JavaScript asking this origin's /openapi.json, nothing remote."""
    answer = client.get(docs_pages.SWAGGER_INIT_URL)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith(SCRIPT_TYPES)
    assert '"url": "/openapi.json"' in answer.text
    assert "SwaggerUIBundle(" in answer.text
    assert REMOTE.search(answer.text) is None


def test_docs_pages_have_no_inline_script(client: TestClient) -> None:
    """Neither page has inline script (their policy allows scripts of this origin only)."""
    for path in PAGES:
        html = client.get(path).text
        assert "<style" not in html, path
        assert len(re.findall(r"<script\b", html)) == len(re.findall(r"<script src=", html))


def test_swagger_ui_is_under_the_consoles_policy(client: TestClient) -> None:
    """/docs carries the console's content security policy, word for word."""
    answer = client.get(docs_pages.DOCS_URL)
    expected = SECURITY_HEADERS["Content-Security-Policy"]
    assert answer.headers["content-security-policy"] == expected
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_redoc_policy_allows_nothing_from_another_origin(client: TestClient) -> None:
    """/redoc's policy adds inline styles and blob: workers only; scripts stay on this origin."""
    policy = client.get(docs_pages.REDOC_URL).headers["content-security-policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self' 'unsafe-inline'"
    assert directives["worker-src"] == "'self' blob:"
    assert directives["frame-ancestors"] == "'none'"
    assert "http" not in policy and "*" not in policy and "unsafe-eval" not in policy


def test_assets_are_the_installed_packages_files(client: TestClient) -> None:
    """The files are read from the installed fastapi_offline package, not from a repo copy."""
    folder = docs_pages.asset_folder()
    assert folder == Path(str(files("fastapi_offline"))) / "static"
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js", "favicon.png"):
        served = client.get(f"{docs_pages.ASSETS_URL}/{name}")
        assert served.status_code == 200, name
        assert served.content == (folder / name).read_bytes(), name


def test_docs_pages_are_not_in_the_openapi(client: TestClient) -> None:
    """The pages and their files are left out of the API's OpenAPI document."""
    paths = client.get("/openapi.json").json()["paths"]
    assert not [path for path in paths if path.startswith(("/docs", "/redoc"))]


def test_pages_follow_the_root_path(client: TestClient) -> None:
    """Behind a proxy's root path every URL of the pages starts with it."""
    with TestClient(client.app, root_path="/mulin") as prefixed:
        for path in PAGES:
            for _, url in references(prefixed.get(path).text):
                assert url.startswith("/mulin/"), url
        script = prefixed.get(docs_pages.SWAGGER_INIT_URL).text
        assert '"url": "/mulin/openapi.json"' in script
