"""The coordinator console in headless Chromium against a real ``mulin serve`` process.

The pages are found by the console's DOM contract (element ids and classes). A console page
that answers 404 fails (a console that is no longer mounted must not pass), like anything else
that is missing.
"""

from __future__ import annotations

import os
import re
import shutil
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import pytest
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

from e2e.e2e_kit import ROOT, STATION, WEEK, Live

SAMPLE_NEEDS = ROOT / "scenarios" / "demo-needs.xlsx"
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"
SCREENSHOTS_ENV = "MULIN_E2E_SCREENSHOTS"
MAX_DOCS_PNG_BYTES = 400_000
MAX_SHOT_HEIGHT = 4000
SERVER_ERROR = "Internal Server Error"
"""The whole text of the page the service answers an unexpected error with."""
PAGE_SECONDS = 15.0
PLAN_SECONDS = 90.0
TIME_LIMIT = 3
PLAN_PATH = re.compile(r"/plans/([0-9a-fA-F-]{36})")


def wait_for(driver: WebDriver, css: str, seconds: float = PAGE_SECONDS) -> WebElement:
    """The first element matching ``css`` once it is on the page."""
    located: WebElement = WebDriverWait(driver, seconds).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, css)), message=f"no {css}"
    )
    return located


def page_status(driver: WebDriver, url: str) -> int:
    """The HTTP status of a GET of ``url`` with the browser's cookies (Selenium cannot tell)."""
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    sent = urllib.request.Request(url, headers={"Cookie": cookies} if cookies else {})
    try:
        with urllib.request.urlopen(sent, timeout=30) as answer:
            status: int = answer.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status


def fetch_with_cookies(driver: WebDriver, url: str) -> tuple[int, bytes]:
    """GET ``url`` with the browser's cookies; the status and the body."""
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    sent = urllib.request.Request(url, headers={"Cookie": cookies})
    try:
        with urllib.request.urlopen(sent, timeout=60) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


DETACHED = "does not belong to the document"
"""Chromium's answer, instead of a stale reference, for a node a navigation just removed."""


def detached(error: WebDriverException) -> bool:
    """Whether an error says only that the element left the page (stale, or detached)."""
    return isinstance(error, StaleElementReferenceException) or DETACHED in str(error.msg)


def gone(element: WebElement) -> Callable[[WebDriver], bool]:
    """A wait condition: ``element`` has left the page (a navigation or reload replaced it)."""

    def check(_: WebDriver) -> bool:
        try:
            element.is_enabled()
        except WebDriverException as error:
            if detached(error):
                return True
            raise
        return False

    return check


def page_marker(
    driver: WebDriver, css: str, page: str, seconds: float = PAGE_SECONDS
) -> WebElement:
    """The page's marker element; fails at once when the page answers 404 or 500."""
    checked: set[str] = set()

    def marker_or_404(d: WebDriver) -> WebElement | Literal[False]:
        try:
            return look(d)
        except WebDriverException as error:
            if detached(error):
                return False  # the page was being replaced: look again
            raise

    def look(d: WebDriver) -> WebElement | Literal[False]:
        found = d.find_elements(By.CSS_SELECTOR, css)
        if found:
            return found[0]
        # Read in one script: a body element found here could be replaced by a reload before
        # its text is read (Chromium then answers "node does not belong to the document").
        body = d.execute_script("return document.body ? document.body.innerText : '';")
        assert str(body).strip() != SERVER_ERROR, f"the {page} page failed (500)"
        url = d.current_url
        loaded = d.execute_script("return document.readyState;") == "complete"
        if loaded and url not in checked:
            checked.add(url)
            if page_status(d, url) == 404:
                pytest.fail(f"the console's {page} page answers 404: is the console mounted?")
        return False

    # A page that follows its plan's progress reloads itself: an element found just before a
    # reload is stale (or detached) when read, so the wait looks again instead of failing.
    marker: WebElement = WebDriverWait(driver, seconds, poll_frequency=0.2).until(
        marker_or_404, message=f"no {css} on the {page} page"
    )
    return marker


def open_page(driver: WebDriver, url: str, css: str, page: str) -> WebElement:
    """Open ``url`` and wait for its marker element; fails when the page answers 404."""
    driver.get(url)
    return page_marker(driver, css, page)


def screenshot(
    driver: WebDriver, folder: Path, name: str, element: WebElement | None = None
) -> Path:
    """Save a PNG of the element, else of the window; its path.

    The window grows for the shot to the element's (or the page's) height, so that nothing is
    cut off, and gets its size back afterwards.
    """
    path = folder / name
    width, height = driver.get_window_size()["width"], driver.get_window_size()["height"]
    chrome: int = driver.execute_script("return window.outerHeight - window.innerHeight;")
    if element is None:
        needed: int = driver.execute_script("return document.documentElement.scrollHeight;")
    else:
        needed = element.size["height"] + 40
    try:
        if needed > height - chrome:
            driver.set_window_size(width, min(needed + chrome, MAX_SHOT_HEIGHT))
        if element is None:
            assert driver.save_screenshot(str(path)), f"no screenshot {name}"
        else:
            driver.execute_script("arguments[0].scrollIntoView({block: 'start'});", element)
            assert element.screenshot(str(path)), f"no screenshot {name}"
    finally:
        driver.set_window_size(width, height)
    assert path.stat().st_size > 1000, f"{name} is nearly empty"
    return path


def sign_in(driver: WebDriver, live: Live, folder: Path | None = None) -> None:
    """Sign in on ``/`` with the coordinator token (a screenshot of the form into ``folder``)."""
    form = open_page(driver, live.url("/"), "form#signin", "sign-in")
    wait_for(driver, "a#lang-zh")
    wait_for(driver, "a#lang-en")
    token = form.find_element(By.CSS_SELECTOR, "input#token")
    assert token.get_attribute("type") == "password", "the token field shows the token"
    if folder is not None:
        screenshot(driver, folder, "signin.png")
    token.send_keys(live.coordinator_token)
    form.find_element(By.CSS_SELECTOR, "button#signin-submit").click()
    WebDriverWait(driver, PAGE_SECONDS).until(gone(form), message="the sign-in form stayed")
    assert not driver.find_elements(By.CSS_SELECTOR, "form#signin"), "sign-in was refused"


def html_lang(driver: WebDriver) -> str:
    """The ``lang`` attribute of the page's ``<html>``."""
    lang: str = driver.execute_script("return document.documentElement.lang || '';")
    return lang


def switch_language(driver: WebDriver, code: str, marker: str) -> str:
    """Click ``a#lang-<code>``, wait for the page to come back; the marker element's text."""
    before = wait_for(driver, marker)
    driver.find_element(By.CSS_SELECTOR, f"a#lang-{code}").click()
    WebDriverWait(driver, PAGE_SECONDS).until(gone(before), message="no reload")
    WebDriverWait(driver, PAGE_SECONDS).until(
        lambda d: html_lang(d).lower().startswith(code), message=f"<html lang> is not {code}"
    )
    text: str = wait_for(driver, marker).text
    return text


def wait_for_done_plan(driver: WebDriver, seconds: float = PLAN_SECONDS) -> WebElement:
    """The summary of the plan's overview once the plan is done (the page reloads itself)."""
    return page_marker(driver, "section#summary", "plan", seconds)


def plan_job(live: Live, plan_id: str, seconds: float = PLAN_SECONDS) -> dict[str, Any]:
    """The plan job as the API answers it (admin token), once it has finished."""
    deadline = time.monotonic() + seconds
    while True:
        status, job = live.api("GET", f"/plans/{plan_id}")
        assert status == 200, f"GET plan answered {status}"
        if job["status"] in ("done", "failed", "cancelled"):
            assert job["status"] == "done", f"plan {plan_id}: {job['status']} {job.get('error')}"
            return dict(job)
        assert time.monotonic() < deadline, f"plan {plan_id} still {job['status']}"
        time.sleep(0.2)


def plan_id_of(driver: WebDriver) -> str:
    """The plan id in the current URL (``/plans/{id}``)."""
    found = PLAN_PATH.search(driver.current_url)
    assert found is not None, "not on a plan page"
    return found.group(1)


def count(driver: WebDriver, css: str) -> int:
    """How many elements match ``css``."""
    return len(driver.find_elements(By.CSS_SELECTOR, css))


def copy_to_docs(sources: dict[str, Path]) -> None:
    """Copy screenshots into ``docs/screenshots/`` (only with ``MULIN_E2E_SCREENSHOTS=docs``)."""
    if os.environ.get(SCREENSHOTS_ENV) != "docs":
        return
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, source in sources.items():
        size = source.stat().st_size
        assert size < MAX_DOCS_PNG_BYTES, f"{source.name}: {size} bytes is too large for docs"
        shutil.copyfile(source, DOCS_SCREENSHOTS / name)


def test_service_and_browser_start(live: Live, browser: WebDriver) -> None:
    """The service answers its health check and Chromium opens its API docs page."""
    assert live.api("GET", "/health") == (200, {"status": "ok"})
    status, station = live.api("GET", f"/stations/{STATION}")
    assert status == 200, station
    browser.get(live.url("/docs"))
    WebDriverWait(browser, PAGE_SECONDS).until(
        lambda d: "Mulin" in d.title, message="no Mulin in the docs page's title"
    )


def test_coordinator_week(live: Live, browser: WebDriver, artifacts: Path) -> None:
    """A coordinator signs in, imports the needs workbook, plans the week and reads the plan."""
    browser.delete_all_cookies()
    sign_in(browser, live, artifacts)

    overview = open_page(browser, live.url(f"/stations/{STATION}"), "section#overview", "station")
    assert browser.find_element(By.CSS_SELECTOR, "table#needs-by-priority").is_displayed()
    screenshot(browser, artifacts, "overview.png")

    english = switch_language(browser, "en", "section#overview")
    chinese = switch_language(browser, "zh", "section#overview")
    assert english != chinese, "the overview reads the same in both languages"
    overview = wait_for(browser, "section#overview")
    assert overview.text == chinese

    browser.find_element(By.CSS_SELECTOR, "a#import-link").click()
    form = page_marker(browser, "form#import-form", "import")
    Select(form.find_element(By.CSS_SELECTOR, "select#import-kind")).select_by_value("needs")
    form.find_element(By.CSS_SELECTOR, "input#import-file").send_keys(str(SAMPLE_NEEDS))
    form.find_element(By.CSS_SELECTOR, "button#import-check").click()
    result = wait_for(browser, "div#import-counts, table#import-errors")
    errors = count(browser, "table#import-errors tr.row-error")
    assert result.get_attribute("id") == "import-counts", f"{errors} row error(s) in the sample"
    assert re.search(r"\d", result.text), "the check shows no counts"
    screenshot(browser, artifacts, "import.png")
    browser.find_element(By.CSS_SELECTOR, "form#import-confirm button#import-save").click()
    assert wait_for(browser, "div#import-done").text.strip(), "the import says nothing"

    open_page(browser, live.url(f"/stations/{STATION}"), "form#plan-form", "station")
    week = browser.find_element(By.CSS_SELECTOR, "form#plan-form input#week-start")
    browser.execute_script("arguments[0].value = arguments[1];", week, WEEK)
    limit = browser.find_element(By.CSS_SELECTOR, "form#plan-form input#time-limit")
    limit.clear()
    limit.send_keys(str(TIME_LIMIT))
    browser.find_element(By.CSS_SELECTOR, "button#plan-submit").click()
    WebDriverWait(browser, PAGE_SECONDS).until(
        lambda d: PLAN_PATH.search(d.current_url) is not None, message="no plan page"
    )
    # The progress page, or the plan already done (the element itself is not read: the page
    # reloads itself while the plan is made).
    page_marker(browser, "progress#plan-progress, section#summary", "plan")
    wait_for_done_plan(browser)
    plan_id = plan_id_of(browser)
    job = plan_job(live, plan_id)
    plan = job["plan"]
    assert job["week_start"] == WEEK
    assert job["time_limit"] == TIME_LIMIT
    planned = len(plan["visits"])
    assert planned == plan["metrics"]["visits_planned"] > 0
    wait_for(browser, "section#shortages")
    assert count(browser, "table#resources tr") >= 1

    day = plan["visits"][0]["day"]
    timeline = open_page(
        browser, live.url(f"/plans/{plan_id}/timeline?day={day}"), "section#timeline", "timeline"
    )
    bars = sum(len(v["worker_ids"]) for v in plan["visits"] if v["day"] == day)
    assert count(browser, "section#timeline svg rect.visit") == bars, "visits missing"
    screenshot(browser, artifacts, "plan-timeline.png", timeline)
    town_map = open_page(browser, live.url(f"/plans/{plan_id}/map"), "section#map", "map")
    status, needs = live.api("GET", f"/stations/{STATION}/needs?limit=200")
    assert status == 200
    assert count(browser, "section#map svg circle.household") == needs["count"]
    assert count(browser, "section#map svg circle.household.unmet") == len(plan["unmet"])
    assert count(browser, "section#map svg polyline.route") == len(plan["routes"]) >= 1
    screenshot(browser, artifacts, "plan-map.png", town_map)
    open_page(browser, live.url(f"/plans/{plan_id}/unmet"), "section#unmet", "unmet")
    unmet = browser.find_elements(By.CSS_SELECTOR, "section#unmet tr.unmet-need")
    assert len(unmet) == len(plan["unmet"])
    by_id = {need["need_id"]: need for need in plan["unmet"]}
    for item in unmet:
        need = by_id[str(item.get_attribute("data-need-id"))]
        reasons = item.find_elements(By.CSS_SELECTOR, "span.reason")
        assert len(reasons) == len(need["reasons"]), "a reason of an unmet need is missing"
        assert all(reason.text.strip() for reason in reasons), "an empty reason"
    open_page(browser, live.url(f"/plans/{plan_id}/downloads"), "section#downloads", "downloads")
    calendars = browser.find_elements(By.CSS_SELECTOR, "table#calendars a.calendar-link")
    assert len(calendars) == len({w for visit in plan["visits"] for w in visit["worker_ids"]})
    download = browser.find_element(By.CSS_SELECTOR, "a#download-xlsx")
    href = download.get_attribute("href")
    assert href, "the download link has no address"
    status, workbook = fetch_with_cookies(browser, href)
    assert status == 200
    assert workbook[:2] == b"PK", "the download is not an .xlsx workbook"


def test_replan_with_absent_worker(live: Live, browser: WebDriver, artifacts: Path) -> None:
    """A re-plan of a done plan with an absent worker shows the table of changes."""
    status, accepted = live.api(
        "POST", f"/stations/{STATION}/plans", {"week_start": WEEK, "time_limit": TIME_LIMIT}
    )
    assert status == 202, accepted
    plan = plan_job(live, str(accepted["id"]))["plan"]
    busy = sorted({w for visit in plan["visits"] for w in visit["worker_ids"]})
    assert busy, "the plan has no visits to move"

    browser.delete_all_cookies()
    sign_in(browser, live)
    open_page(browser, live.url(f"/plans/{accepted['id']}"), "section#summary", "plan")
    tab = browser.find_elements(By.CSS_SELECTOR, "a#view-replan")
    assert tab, "the plan's overview offers no re-plan"
    tab[0].click()
    form = page_marker(browser, "form#replan-form", "replan")
    absent = Select(form.find_element(By.CSS_SELECTOR, "select#absent-worker"))
    values = [o.get_attribute("value") for o in absent.options]
    assert busy[0] in values, "a planned worker cannot be marked absent"
    absent.select_by_value(busy[0])
    first_day = min(
        (v["day"] for v in plan["visits"] if busy[0] in v["worker_ids"]),
        key=["mon", "tue", "wed", "thu", "fri", "sat", "sun"].index,
    )
    Select(form.find_element(By.CSS_SELECTOR, "select#absent-from")).select_by_value(first_day)
    assert count(browser, "form#replan-form input.lock-visit[type=checkbox]") >= 1
    for limit in form.find_elements(By.CSS_SELECTOR, "input[name=time_limit]"):
        limit.clear()
        limit.send_keys(str(TIME_LIMIT))
    preview = wait_for(browser, "div#replan-preview")
    assert preview.is_displayed() and busy[0] in preview.text, "the preview names no absence"
    form.find_element(By.CSS_SELECTOR, "button#replan-submit").click()
    page_marker(browser, "table#changes", "replan result", PLAN_SECONDS)
    new_id = plan_id_of(browser)
    assert new_id != str(accepted["id"]), "the re-plan shows the old plan"
    job = plan_job(live, new_id)
    assert job["base_plan_id"] == str(accepted["id"])
    moved = len(job["changes"]["changes"])
    assert moved >= 1, "an absent worker with visits changed nothing"
    order = browser.execute_script(
        "return [document.getElementById('plan-changes'), document.getElementById('summary')]"
        ".map(e => e.getBoundingClientRect().top);"
    )
    assert order[0] < order[1], "the changes do not come first after a re-plan"
    changes = open_page(browser, live.url(f"/plans/{new_id}/changes"), "table#changes", "changes")
    assert len(changes.find_elements(By.CSS_SELECTOR, "tbody tr")) == moved
    screenshot(browser, artifacts, "replan.png", changes)


class _NotFoundPage:
    """Just enough of a WebDriver for :func:`page_marker`: a loaded page without the marker."""

    current_url = "http://127.0.0.1:1/stations/x"

    def find_elements(self, by: str, value: str) -> list[WebElement]:
        return []

    def execute_script(self, script: str) -> str:
        return "complete" if "readyState" in script else "Not Found"


def test_a_console_page_answering_404_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """A console that is not mounted (its page answers 404) fails the suite; it is no skip."""
    monkeypatch.setattr(f"{__name__}.page_status", lambda driver, url: 404)
    with pytest.raises(pytest.fail.Exception, match="answers 404"):
        page_marker(_NotFoundPage(), "#station", "station", seconds=2)  # type: ignore[arg-type]


class _LeavingElement:
    """Just enough of a WebElement for :func:`gone`: reading it raises ``error``."""

    def __init__(self, error: WebDriverException | None) -> None:
        self.error = error

    def is_enabled(self) -> bool:
        if self.error is not None:
            raise self.error
        return True


def test_an_element_replaced_by_a_navigation_is_gone() -> None:
    """Stale and Chromium's "node does not belong to the document" mean gone; others raise."""
    detached_node = WebDriverException(f"unknown error: {{'message': 'Node {DETACHED}'}}")
    for error in (StaleElementReferenceException("stale"), detached_node):
        assert gone(_LeavingElement(error))(None)  # type: ignore[arg-type]
    assert not gone(_LeavingElement(None))(None)  # type: ignore[arg-type]
    with pytest.raises(WebDriverException, match="session deleted"):
        gone(_LeavingElement(WebDriverException("session deleted")))(None)  # type: ignore[arg-type]
