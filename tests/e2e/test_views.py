"""The console on the demo town (127 workers, 600 requested visits) in headless Chromium.

Every console page fits in 5,000 px at 1,400 px wide, in Chinese and in English; the plan's
overview shows its summary and every view within the first screen; the unmet view is sorted by
priority and shows no raw code the vocabulary knows; after a re-plan the changes come first;
English pages hold no Chinese outside names of people and places; the views work from the
keyboard. With
``MULIN_E2E_SCREENSHOTS=docs`` each view's screenshot is copied into ``docs/screenshots/``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select

from e2e.e2e_kit import ROOT, Live
from e2e.test_console import (
    copy_to_docs,
    open_page,
    page_marker,
    plan_job,
    screenshot,
)
from service.vocabulary import label, names_of

TOWN = "town"
DEMO = ROOT / "scenarios" / "town-25.json"
WIDTH, HEIGHT = 1400, 900
MAX_PAGE_HEIGHT = 5000
TIME_LIMIT = 5
CJK = re.compile(r"[\u2e80-\u9fff\uff00-\uffef]+")
TAB_PRESSES = 20
VIEWS = ("", "/changes", "/timeline", "/map", "/unmet", "/records", "/downloads", "/replan")


@dataclass(frozen=True)
class Town:
    """The demo town loaded, planned and re-planned; the names of people and places shown."""

    scenario: dict[str, Any]
    plan_id: str
    replan_id: str
    names: list[str]


@pytest.fixture(scope="module")
def town(live: Live) -> Town:
    """The demo town as station ``town``: a plan of its week and a re-plan with an absence."""
    scenario = json.loads(DEMO.read_text(encoding="utf-8"))
    scenario["station"]["id"] = TOWN
    status, answer = live.api("PUT", f"/stations/{TOWN}/scenario", scenario)
    assert status == 200, answer
    week = {"week_start": scenario["week_start"], "time_limit": TIME_LIMIT}
    status, accepted = live.api("POST", f"/stations/{TOWN}/plans", week)
    assert status == 202, accepted
    plan = plan_job(live, str(accepted["id"]))["plan"]
    busy = sorted({w for visit in plan["visits"] for w in visit["worker_ids"]})
    absence = {"absent": [{"worker_id": busy[0], "from_day": "tue"}], "time_limit": TIME_LIMIT}
    status, replan = live.api("POST", f"/plans/{accepted['id']}/replan", absence)
    assert status == 202, replan
    plan_job(live, str(replan["id"]))
    tiny = json.loads((ROOT / "scenarios" / "tiny.json").read_text(encoding="utf-8"))
    names = [scenario["name"], scenario["station"]["name"], tiny["station"]["name"]]
    for kind in ("villages", "workers", "resources"):
        names += [item["name"] for item in scenario[kind]]
    names.sort(key=len, reverse=True)
    return Town(scenario, str(accepted["id"]), str(replan["id"]), names)


@pytest.fixture
def wide(browser: WebDriver, live: Live) -> Iterator[WebDriver]:
    """The browser at 1,400 × 900, signed in as the city administrator (every page)."""
    before = browser.get_window_size()
    browser.set_window_size(WIDTH, HEIGHT)
    browser.delete_all_cookies()
    form = open_page(browser, live.url("/"), "form#signin", "sign-in")
    form.find_element("css selector", "input#token").send_keys(live.admin_token)
    form.find_element("css selector", "button#signin-submit").click()
    page_marker(browser, "ul#stations", "stations")
    try:
        yield browser
    finally:
        browser.get(live.url("/language/zh?next=/"))
        browser.set_window_size(before["width"], before["height"])


def pages(town: Town) -> list[tuple[str, str]]:
    """Every console page of the town with its marker element."""
    station = f"/stations/{TOWN}"
    found = [
        ("/", "ul#stations"),
        (station, "section#actions"),
        (f"{station}/import", "form#import-form"),
        (f"{station}/kpis", "section#kpis-archive"),
        ("/city/kpis", "section#city-kpis"),
        (f"/plans/{town.plan_id}", "section#summary"),
    ]
    found += [(f"/plans/{town.replan_id}{view}", "nav.view-tabs") for view in VIEWS]
    return found


def page_height(driver: WebDriver) -> int:
    """The page's whole height in CSS pixels."""
    height: int = driver.execute_script("return document.documentElement.scrollHeight;")
    return height


def visible_text(driver: WebDriver) -> str:
    """The page's text as shown (``innerText``), without the language switch's own names."""
    text: str = driver.execute_script(
        "const copy = document.body.cloneNode(true);"
        "copy.querySelectorAll('#lang-zh, #lang-en, script').forEach(e => e.remove());"
        "document.body.appendChild(copy); copy.style.position = 'absolute';"
        "const text = copy.innerText; copy.remove(); return text;"
    )
    return text


def set_language(driver: WebDriver, live: Live, code: str) -> None:
    """Switch the console's language (the cookie the language links set)."""
    driver.get(live.url(f"/language/{code}?next=/"))
    page_marker(driver, "ul#stations", "stations")


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_page_fits_in_5000_px(
    wide: WebDriver, live: Live, town: Town, language: str, artifacts: Path
) -> None:
    """At 1,400 px wide no console page of the demo town is taller than 5,000 px."""
    set_language(wide, live, language)
    heights = {}
    for path, marker in pages(town):
        open_page(wide, live.url(path), marker, path)
        heights[path] = page_height(wide)
    named = {
        path.replace(town.plan_id, "{plan}").replace(town.replan_id, "{replan}"): height
        for path, height in heights.items()
    }
    (artifacts / f"page-heights-{language}.json").write_text(json.dumps(named, indent=1))
    tall = {path: height for path, height in heights.items() if height > MAX_PAGE_HEIGHT}
    assert tall == {}, f"pages taller than {MAX_PAGE_HEIGHT} px: {tall}"


def test_the_overview_shows_summary_and_views_on_the_first_screen(
    wide: WebDriver, live: Live, town: Town
) -> None:
    """The plan's status line and every view's tab are inside the first 900 px."""
    open_page(wide, live.url(f"/plans/{town.plan_id}"), "section#summary", "overview")
    tops = wide.execute_script(
        "const inside = e => e.getBoundingClientRect().bottom <= window.innerHeight;"
        "return {status: inside(document.getElementById('plan-status')),"
        " table: inside(document.querySelector('#plan-priorities caption')),"
        " tabs: [...document.querySelectorAll('nav.view-tabs a')].map(a => [a.id, inside(a)])};"
    )
    assert tops["status"] and tops["table"], "the summary is below the first screen"
    tabs = dict(tops["tabs"])
    expected = {"overview", "timeline", "map", "unmet", "records", "downloads", "replan"}
    assert {f"view-{slug}" for slug in expected} <= set(tabs)
    assert all(tabs.values()), f"tabs below the first screen: {tabs}"


def raw_codes(town: Town) -> list[str]:
    """The scenario's skill, language and unit codes that the vocabulary names otherwise."""
    scenario = town.scenario
    skills = {s for w in scenario["workers"] for s in w["skills"]}
    skills |= {s for n in scenario["needs"] for s in n.get("skills", [])}
    spoken = {x for w in scenario["workers"] for x in w.get("languages", [])}
    spoken |= {x for n in scenario["needs"] for x in n.get("languages", [])}
    units = {r["unit"] for r in scenario["resources"]}
    codes = [code for code in skills if code in names_of("zh", "skill")]
    codes += [code for code in spoken if code in names_of("zh", "language")]
    codes += [code for code in units if code in names_of("zh", "unit")]
    assert codes, "the demo town names no code"
    return codes


def test_the_unmet_view_is_sorted_by_priority_and_speaks_words(
    wide: WebDriver, live: Live, town: Town, artifacts: Path
) -> None:
    """Most urgent first; no raw skill, language or unit code the vocabulary knows is shown."""
    set_language(wide, live, "zh")
    section = open_page(wide, live.url(f"/plans/{town.plan_id}/unmet"), "section#unmet", "unmet")
    priorities = [
        int(row.get_attribute("data-priority") or 0)
        for row in section.find_elements("css selector", "tr.unmet-need")
    ]
    assert priorities and priorities == sorted(priorities)
    text = visible_text(wide)
    for code in raw_codes(town):
        if label("zh", "skill", code) != code or label("zh", "language", code) != code:
            shown = re.search(rf"(?<![A-Za-z_]){re.escape(code)}(?![A-Za-z_])", text)
            assert shown is None, f"the raw code {code!r} is shown"
    screenshot(wide, artifacts, "view-unmet.png")


def test_a_replan_shows_its_changes_first(wide: WebDriver, live: Live, town: Town) -> None:
    """On a re-plan's overview the changes come before the summary, and it names its parent."""
    open_page(wide, live.url(f"/plans/{town.replan_id}"), "section#plan-changes", "re-plan")
    order = wide.execute_script(
        "return ['plan-changes', 'summary'].map("
        "id => document.getElementById(id).getBoundingClientRect().top);"
    )
    assert order[0] < order[1], "the changes do not come first after a re-plan"
    parent = wide.find_element("css selector", "#replan-of a")
    assert town.plan_id in str(parent.get_attribute("href"))


def test_english_pages_hold_no_chinese_but_names(wide: WebDriver, live: Live, town: Town) -> None:
    """In English, what is left of a page's text once names are taken out has no Chinese."""
    set_language(wide, live, "en")
    found = {}
    for path, marker in pages(town):
        open_page(wide, live.url(path), marker, path)
        text = visible_text(wide)
        for name in town.names:
            text = text.replace(name, "")
        # A name cut to fit a drawing's label ("西城…") is a piece of a name.
        left = sorted({run for run in CJK.findall(text) if not any(run in n for n in town.names)})
        if left:
            found[path] = left[:10]
    assert found == {}, f"Chinese on English pages: {found}"


def test_screenshots_of_every_view(
    wide: WebDriver, live: Live, town: Town, artifacts: Path
) -> None:
    """Each view of the demo town's re-plan as a PNG (into docs/ with MULIN_E2E_SCREENSHOTS)."""
    set_language(wide, live, "zh")
    shots = {}
    for view in (*VIEWS, "station"):
        name = "overview" if view == "" else view.strip("/")
        path = f"/stations/{TOWN}" if view == "station" else f"/plans/{town.replan_id}{view}"
        marker = "section#actions" if view == "station" else "nav.view-tabs"
        query = "?day=tue" if name == "timeline" else ""
        open_page(wide, live.url(path + query), marker, name)
        shots[f"console-{name}.png"] = screenshot(wide, artifacts, f"view-{name}.png")
    assert len(shots) == len(VIEWS) + 1
    copy_to_docs(shots)


def active_id(driver: WebDriver) -> str:
    """The id of the element that has the keyboard focus ('' for none)."""
    return str(driver.switch_to.active_element.get_attribute("id") or "")


def test_the_views_work_from_the_keyboard(wide: WebDriver, live: Live, town: Town) -> None:
    """Skip link first, every tab reachable with Tab, Enter opens a view, filters by keys."""
    open_page(wide, live.url(f"/plans/{town.plan_id}"), "section#summary", "overview")
    wide.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    skip = wide.switch_to.active_element
    assert "skip-link" in str(skip.get_attribute("class")), "Tab does not start at the skip link"
    skip.send_keys(Keys.ENTER)
    assert active_id(wide) == "main"
    reached = []
    for _ in range(TAB_PRESSES):
        wide.switch_to.active_element.send_keys(Keys.TAB)
        reached.append(active_id(wide))
        if "view-replan" in reached:
            break
    tabs = ["view-overview", "view-timeline", "view-map", "view-unmet", "view-replan"]
    assert all(tab in reached for tab in tabs), f"Tab reached only {reached}"
    wide.find_element(By.CSS_SELECTOR, "a#view-unmet").send_keys(Keys.ENTER)
    page_marker(wide, "form#unmet-filter", "unmet")
    reason = wide.find_element(By.CSS_SELECTOR, "select#unmet-reason")
    reason.send_keys(Keys.ARROW_DOWN)
    chosen = Select(reason).first_selected_option.get_attribute("value")
    assert chosen, "the arrow key chose no reason"
    wide.find_element(By.CSS_SELECTOR, "button#unmet-submit").send_keys(Keys.ENTER)
    page_marker(wide, f"select#unmet-reason option[value='{chosen}'][selected]", "filtered unmet")
    assert f"reason={chosen}" in wide.current_url
