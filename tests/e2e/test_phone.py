"""The worker's phone page in headless Chromium at a phone's width (390×844).

The plan is made over the API for the coming week (its links must not have expired); the phone
link comes from the API's calendars list, and the browser opens it without any sign-in.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select, WebDriverWait

from e2e.e2e_kit import STATION, WINDOW, Live
from e2e.test_console import (
    PAGE_SECONDS,
    TIME_LIMIT,
    copy_to_docs,
    gone,
    html_lang,
    open_page,
    plan_job,
    screenshot,
    switch_language,
    wait_for,
)
from service.console.overview import next_monday

PHONE = (390, 844)


def records(live: Live, plan_id: str) -> dict[str, dict[str, Any]]:
    """The plan's stored records by need id (API)."""
    status, answer = live.api("GET", f"/plans/{plan_id}/records")
    assert status == 200, answer
    return {row["need_id"]: row for row in answer["data"]}


def record(browser: WebDriver, need_id: str, button: str) -> None:
    """Press a result button in the form of a visit and wait for the page to come back."""
    form = browser.find_element(By.CSS_SELECTOR, f"form.record-form[data-need-id='{need_id}']")
    form.find_element(By.CSS_SELECTOR, f"button.{button}").click()
    WebDriverWait(browser, PAGE_SECONDS).until(gone(form), message="no reload")
    saved = wait_for(browser, "div#phone-saved")
    assert need_id in saved.text, f"the page does not confirm {need_id}"


def test_a_worker_records_visits_on_the_phone(
    live: Live, browser: WebDriver, artifacts: Path
) -> None:
    """At 390 px: the worker's visits by day; one recorded done, one missed, both stored."""
    week = next_monday(dt.date.today() + dt.timedelta(days=1)).isoformat()
    status, accepted = live.api(
        "POST", f"/stations/{STATION}/plans", {"week_start": week, "time_limit": TIME_LIMIT}
    )
    assert status == 202, accepted
    plan = plan_job(live, str(accepted["id"]))["plan"]
    status, feeds = live.api("GET", f"/plans/{accepted['id']}/calendars")
    assert status == 200, feeds
    counts = {
        feed["worker_id"]: sum(feed["worker_id"] in v["worker_ids"] for v in plan["visits"])
        for feed in feeds["data"]
    }
    worker_id = max(counts, key=lambda w: counts[w])
    assert counts[worker_id] >= 2, "no worker has two visits to record"
    link = next(f["record_url"] for f in feeds["data"] if f["worker_id"] == worker_id)
    mine = [v for v in plan["visits"] if worker_id in v["worker_ids"]]

    browser.delete_all_cookies()
    browser.set_window_size(*PHONE)
    try:
        open_page(browser, live.url(link), "h1#phone-title", "phone")
        assert html_lang(browser) == "zh"
        width = browser.execute_script("return document.documentElement.scrollWidth;")
        inner = browser.execute_script("return window.innerWidth;")
        assert width <= inner, f"the page is {width} px wide at {inner} px: it scrolls sideways"
        shown = browser.find_elements(By.CSS_SELECTOR, "li.phone-visit")
        assert sorted(item.get_attribute("data-need-id") or "" for item in shown) == sorted(
            v["need_id"] for v in mine
        )
        english = switch_language(browser, "en", "h1#phone-title")
        chinese = switch_language(browser, "zh", "h1#phone-title")
        assert english != chinese

        first, second = mine[0]["need_id"], mine[1]["need_id"]
        form = browser.find_element(By.CSS_SELECTOR, f"form.record-form[data-need-id='{first}']")
        minutes = form.find_element(By.CSS_SELECTOR, "input[name=actual_minutes]")
        minutes.send_keys("50")
        record(browser, first, "record-done")
        form = browser.find_element(By.CSS_SELECTOR, f"form.record-form[data-need-id='{second}']")
        reason = form.find_element(By.CSS_SELECTOR, "select[name=missed_reason]")
        Select(reason).select_by_value("household_away")
        record(browser, second, "record-missed")

        stored = records(live, str(accepted["id"]))
        assert stored[first]["status"] == "done" and stored[first]["actual_minutes"] == 50
        assert stored[second]["status"] == "missed"
        assert stored[second]["missed_reason"] == "household_away"
        assert {row["recorded_by"] for row in stored.values()} == {f"worker:{worker_id}"}
        assert len(browser.find_elements(By.CSS_SELECTOR, ".record-status.status-done")) == 1
        assert len(browser.find_elements(By.CSS_SELECTOR, ".record-status.status-missed")) == 1
        browser.execute_script("window.scrollTo(0, 0);")
        shot = screenshot(browser, artifacts, "phone.png")
    finally:
        browser.set_window_size(*WINDOW)
    copy_to_docs({"phone.png": shot})
