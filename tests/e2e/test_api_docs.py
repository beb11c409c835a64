"""The API's docs pages in headless Chromium with every host but the service's unreachable.

A Chromium of its own (the session's browser reaches the network) sends every request to
another host to a loopback port nothing listens on (``--proxy-server``; loopback bypasses the
proxy) and resolves no other host name (``--host-resolver-rules``). Its performance log lists
every request the page made, its console log any request the page's policy refused.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from e2e.e2e_kit import BROWSER_ARGUMENTS, Live, free_port
from e2e.test_console import screenshot

RENDER_SECONDS = 30.0
KNOWN_PATH = "/api/v1/stations"
HEALTH = "#operations-health-health_api_v1_health_get"
"""Swagger UI's block of ``GET /api/v1/health`` (tag ``health``, FastAPI's operation id)."""
LOCAL_SCHEMES = ("data:", "blob:", "about:")


@pytest.fixture(scope="module")
def offline_browser(chrome_paths: tuple[str, str]) -> Iterator[webdriver.Chrome]:
    """Headless Chromium that reaches 127.0.0.1 only, logging every request it makes."""
    chromium, driver_path = chrome_paths
    options = Options()
    options.binary_location = chromium
    for argument in BROWSER_ARGUMENTS:
        options.add_argument(argument)
    options.add_argument(f"--proxy-server=http://127.0.0.1:{free_port()}")
    options.add_argument("--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1")
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def browser_log(driver: webdriver.Chrome, kind: str) -> list[dict[str, Any]]:
    """The entries of one of Chromium's logs (``performance``, ``browser``) since the last read."""
    # selenium leaves get_log untyped
    entries: list[dict[str, Any]] = driver.get_log(kind)  # type: ignore[no-untyped-call]
    return entries


@dataclass
class Traffic:
    """What a page asked the network for: every URL, and those its security policy refused."""

    requested: list[str]
    refused: list[str]

    def sent_elsewhere(self, base_url: str) -> list[str]:
        """URLs sent to another host: neither the service's, local (data:, blob:) nor refused."""
        return [
            url
            for url in self.requested
            if not url.startswith((f"{base_url}/", *LOCAL_SCHEMES)) and url not in self.refused
        ]


def traffic(driver: webdriver.Chrome) -> Traffic:
    """The requests since the log was last read (DevTools network events of the performance log)."""
    urls: dict[str, str] = {}
    refused = []
    for entry in browser_log(driver, "performance"):
        message: dict[str, Any] = json.loads(entry["message"])["message"]
        params = message["params"]
        if message["method"] == "Network.requestWillBeSent":
            urls[params["requestId"]] = str(params["request"]["url"])
        elif message["method"] == "Network.loadingFailed" and params.get("blockedReason") == "csp":
            refused.append(urls.get(params["requestId"], "?"))
    return Traffic(list(urls.values()), refused)


def console_errors(driver: webdriver.Chrome) -> list[str]:
    """Errors in the page's console since the log was last read, but refused remote images."""
    return [
        str(entry["message"])
        for entry in browser_log(driver, "browser")
        if entry["level"] == "SEVERE" and "Loading the image" not in str(entry["message"])
    ]


def open_offline(driver: webdriver.Chrome, live: Live, path: str) -> None:
    """Open a page of the service with the logs emptied first."""
    driver.get("about:blank")
    browser_log(driver, "performance")
    browser_log(driver, "browser")
    driver.get(live.url(path))


def test_swagger_ui_renders_the_endpoints_offline(
    live: Live, offline_browser: webdriver.Chrome, artifacts: Path
) -> None:
    """/docs lists the API's operations with nothing loaded from, or refused to, another host."""
    open_offline(offline_browser, live, "/docs")
    WebDriverWait(offline_browser, RENDER_SECONDS).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".opblock"), message="no .opblock rendered"
    )
    paths = {
        element.get_attribute("data-path")
        for element in offline_browser.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")
    }
    screenshot(offline_browser, artifacts, "docs-offline.png")
    assert KNOWN_PATH in paths, sorted(str(path) for path in paths)[:10]
    seen = traffic(offline_browser)
    assert live.url("/openapi.json") in seen.requested
    assert seen.sent_elsewhere(live.base_url) == []
    assert seen.refused == []
    assert console_errors(offline_browser) == []


def test_swagger_ui_tries_an_endpoint_out_offline(
    live: Live, offline_browser: webdriver.Chrome
) -> None:
    """*Try it out* and *Execute* on the health check show its 200 under the page's policy."""
    open_offline(offline_browser, live, "/docs#/health/health_api_v1_health_get")
    WebDriverWait(offline_browser, RENDER_SECONDS).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, f"{HEALTH} .try-out__btn"),
        message="the health check's block is not open",
    )
    offline_browser.find_element(By.CSS_SELECTOR, f"{HEALTH} .try-out__btn").click()
    offline_browser.find_element(By.CSS_SELECTOR, f"{HEALTH} .execute").click()
    status = WebDriverWait(offline_browser, RENDER_SECONDS).until(
        lambda d: d.find_elements(
            By.CSS_SELECTOR, f"{HEALTH} .live-responses-table tbody .response-col_status"
        ),
        message="no response shown",
    )
    assert status[0].text == "200"
    assert live.url("/api/v1/health") in traffic(offline_browser).requested
    assert console_errors(offline_browser) == []


def test_redoc_renders_the_operations_offline(
    live: Live, offline_browser: webdriver.Chrome, artifacts: Path
) -> None:
    """/redoc lists the API's operations with nothing loaded from, or refused to, another host."""
    open_offline(offline_browser, live, "/redoc")
    WebDriverWait(offline_browser, RENDER_SECONDS).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "[data-section-id*='operation/']"),
        message="no ReDoc operation section rendered",
    )
    screenshot(offline_browser, artifacts, "redoc-offline.png")
    body = offline_browser.find_element(By.TAG_NAME, "body").text
    assert KNOWN_PATH in body
    seen = traffic(offline_browser)
    assert live.url("/openapi.json") in seen.requested
    assert seen.sent_elsewhere(live.base_url) == []
    assert console_errors(offline_browser) == []
