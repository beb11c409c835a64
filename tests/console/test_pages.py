"""The coordinator console: sign-in, roles, language, import, plan and re-plan pages."""

from __future__ import annotations

import datetime as dt
import html
import re
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from api.api_kit import STATION_A, STATION_B, WEEK, Tokens, scenario_for, wait_for_plan
from fastapi.testclient import TestClient

from service.api.kpis import Figures
from service.api.routes.kpis import CityKpis
from service.console.kpi_pages import MOST_BARS, city_charts

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
ORIGIN = {"Origin": "http://testserver"}


def sign_in(client: TestClient, tokens: Tokens, name: str) -> None:
    """Sign the client in with a token of the test (the cookie stays on the client)."""
    answer = client.post(
        "/login", data={"token": tokens.made[name][1]}, headers=ORIGIN, follow_redirects=False
    )
    assert answer.status_code == 303, answer.text


def ids(html: str) -> set[str]:
    """Every element id of a page."""
    return set(re.findall(r'\sid="([^"]+)"', html))


def request_plan(client: TestClient, station: str = STATION_A) -> str:
    """Ask for a plan through the console's form; the new plan's id."""
    answer = client.post(
        f"/stations/{station}/plans",
        data={"week_start": WEEK, "time_limit": "1"},
        headers=ORIGIN,
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    location = answer.headers["location"]
    assert location.startswith("/plans/")
    return location.removeprefix("/plans/")


def finished_plan(client: TestClient, tokens: Tokens) -> str:
    """A done plan of station A requested through the console."""
    plan_id = request_plan(client)
    body = wait_for_plan(client, plan_id, tokens.header("admin"), timeout=60)
    assert body["status"] == "done", body
    return plan_id


def test_sign_in_sets_an_http_only_cookie_and_shows_the_station(
    stations: TestClient, tokens: Tokens
) -> None:
    """A good token sets an HttpOnly SameSite=Strict cookie; a coordinator lands on its station."""
    answer = stations.get("/")
    assert answer.status_code == 200
    assert {"signin", "token", "signin-submit", "lang-zh", "lang-en"} <= ids(answer.text)
    assert '<html lang="zh">' in answer.text
    login = stations.post(
        "/login",
        data={"token": tokens.made["coordinator_a"][1]},
        headers=ORIGIN,
        follow_redirects=False,
    )
    assert login.status_code == 303
    assert login.headers["location"] == "/"
    cookie = login.headers["set-cookie"].lower()
    assert "mulin_token=" in cookie and "httponly" in cookie and "samesite=strict" in cookie
    home = stations.get("/", follow_redirects=False)
    assert home.status_code == 303
    assert home.headers["location"] == f"/stations/{STATION_A}"
    page = stations.get(f"/stations/{STATION_A}")
    assert page.status_code == 200
    found = ids(page.text)
    expected = {"overview", "needs-by-priority", "needs-by-group", "needs-by-village", "workers"}
    assert expected | {"resources-stock", "plan-form", "week-start", "time-limit"} <= found
    assert {"plan-submit", "import-link", "main"} <= found
    assert "陈静" in page.text


def test_a_bad_or_revoked_token_gets_the_form_again_with_401(
    stations: TestClient, tokens: Tokens
) -> None:
    """An unknown token answers 401 with the form and a message, and sets no cookie."""
    answer = stations.post("/login", data={"token": "mulin_nope"}, headers=ORIGIN)
    assert answer.status_code == 401
    assert "signin-error" in ids(answer.text)
    assert "mulin_token" not in answer.headers.get("set-cookie", "")
    assert stations.get(f"/stations/{STATION_A}", follow_redirects=False).status_code == 303


def test_a_city_admin_sees_the_list_of_stations(stations: TestClient, tokens: Tokens) -> None:
    """A city admin's start page links every station."""
    sign_in(stations, tokens, "admin")
    page = stations.get("/")
    assert page.status_code == 200
    assert f'href="/stations/{STATION_A}"' in page.text
    assert f'href="/stations/{STATION_B}"' in page.text


def test_a_viewer_sees_no_write_forms_and_gets_403_on_posts(
    stations: TestClient, tokens: Tokens
) -> None:
    """A viewer reads its station without forms; every write answers 403 and changes nothing."""
    sign_in(stations, tokens, "viewer_a")
    page = stations.get(f"/stations/{STATION_A}")
    assert page.status_code == 200
    assert "overview" in ids(page.text)
    assert not {"plan-form", "import-link", "plan-submit"} & ids(page.text)
    plan = stations.post(f"/stations/{STATION_A}/plans", data={"week_start": WEEK}, headers=ORIGIN)
    assert plan.status_code == 403
    assert "error-message" in ids(plan.text)
    upload = (SCENARIOS / "demo-needs.csv").read_bytes()
    check = stations.post(
        f"/stations/{STATION_A}/import",
        data={"kind": "needs"},
        files={"file": ("demo-needs.csv", upload)},
        headers=ORIGIN,
    )
    assert check.status_code == 403
    assert stations.get(f"/stations/{STATION_A}/import").status_code == 403
    listed = stations.get(f"/api/v1/stations/{STATION_A}/plans", headers=tokens.header("viewer_a"))
    assert listed.json()["count"] == 0


def test_a_coordinator_of_b_gets_404_on_the_pages_of_a(
    stations: TestClient, tokens: Tokens
) -> None:
    """Station A's pages and plans answer 404 to station B's coordinator, as if absent."""
    sign_in(stations, tokens, "coordinator_a")
    plan_id = request_plan(stations)
    stations.cookies.clear()
    sign_in(stations, tokens, "coordinator_b")
    for path in (
        f"/stations/{STATION_A}",
        f"/stations/{STATION_A}/import",
        f"/plans/{plan_id}",
        f"/plans/{plan_id}/export.xlsx",
        "/stations/nowhere",
        "/plans/not-a-uuid",
    ):
        answer = stations.get(path)
        assert answer.status_code == 404, path
        assert "error-message" in ids(answer.text), path
    assert stations.get(f"/plans/{plan_id}/progress").status_code == 404
    posted = stations.post(
        f"/stations/{STATION_A}/plans", data={"week_start": WEEK}, headers=ORIGIN
    )
    assert posted.status_code == 404


def test_the_language_switch_shows_english_labels(stations: TestClient, tokens: Tokens) -> None:
    """/language/en sets the cookie, goes back to the page, and the page speaks English."""
    sign_in(stations, tokens, "coordinator_a")
    path = f"/stations/{STATION_A}"
    answer = stations.get(f"/language/en?next={path}", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == path
    assert "mulin_lang=en" in answer.headers["set-cookie"]
    page = stations.get(path)
    assert '<html lang="en">' in page.text
    assert "Make the week&#39;s plan" in page.text or "Make the week's plan" in page.text
    assert "Needs by priority" in page.text
    elsewhere = stations.get("/language/zh?next=//evil.example/x", follow_redirects=False)
    assert elsewhere.headers["location"] == "/"
    assert "生成周计划" in stations.get(path).text


def test_import_checks_first_and_saves_only_on_confirm(
    stations: TestClient, tokens: Tokens
) -> None:
    """A dry run of demo-needs.csv (plus a new row) shows counts, saves nothing until confirm."""
    sign_in(stations, tokens, "coordinator_a")
    form = stations.get(f"/stations/{STATION_A}/import")
    assert {"import-form", "import-kind", "import-file", "import-check"} <= ids(form.text)
    header = tokens.header("coordinator_a")
    needs = f"/api/v1/stations/{STATION_A}/needs"
    before = stations.get(needs, headers=header).json()
    text = (SCENARIOS / "demo-needs.csv").read_text(encoding="utf-8-sig")
    last = text.strip().splitlines()[-1]
    upload = (text.rstrip("\n") + "\n" + last.replace("n005,h005", "n006,h006") + "\n").encode()
    check = stations.post(
        f"/stations/{STATION_A}/import",
        data={"kind": "needs"},
        files={"file": ("demo-needs.csv", upload)},
        headers=ORIGIN,
    )
    assert check.status_code == 200, check.text
    assert {"import-counts", "import-confirm", "import-save"} <= ids(check.text)
    assert "import-errors" not in ids(check.text)
    assert "新增 1 条" in check.text
    assert stations.get(needs, headers=header).json() == before
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', check.text))
    save = stations.post(f"/stations/{STATION_A}/import/confirm", data=hidden, headers=ORIGIN)
    assert save.status_code == 200, save.text
    assert "import-done" in ids(save.text)
    assert stations.get(needs, headers=header).json()["count"] == before["count"] + 1


def test_an_inconsistent_row_is_a_warning_not_an_error(
    stations: TestClient, tokens: Tokens
) -> None:
    """A row asking more visits than window days checks fine, listed under warnings, saveable."""
    sign_in(stations, tokens, "coordinator_a")
    lines = (SCENARIOS / "demo-needs.csv").read_text(encoding="utf-8-sig").splitlines()
    lines[2] = lines[2].replace(",2,1,45,", ",2,3,45,")
    answer = stations.post(
        f"/stations/{STATION_A}/import",
        data={"kind": "needs"},
        files={"file": ("visits.csv", ("\n".join(lines) + "\n").encode("utf-8"))},
        headers=ORIGIN,
    )
    assert answer.status_code == 200, answer.text
    assert {"import-warnings", "import-confirm"} <= ids(answer.text)
    assert "import-errors" not in ids(answer.text)
    assert answer.text.count('class="row-warning"') == 1
    assert "n002" in answer.text


def test_a_broken_csv_shows_its_row_errors(stations: TestClient, tokens: Tokens) -> None:
    """Bad rows are listed one per table row, with no confirm form, and nothing is saved."""
    sign_in(stations, tokens, "coordinator_a")
    lines = (SCENARIOS / "demo-needs.csv").read_text(encoding="utf-8-sig").splitlines()
    lines[1] = lines[1].replace(",v01,", ",v99,")
    lines[2] = lines[2].replace(",2,1,45,", ",9,1,45,")
    broken = ("\n".join(lines) + "\n").encode("utf-8")
    answer = stations.post(
        f"/stations/{STATION_A}/import",
        data={"kind": "needs"},
        files={"file": ("broken.csv", broken)},
        headers=ORIGIN,
    )
    assert answer.status_code == 422
    assert "import-errors" in ids(answer.text)
    assert answer.text.count('class="row-error"') >= 2
    assert "import-confirm" not in ids(answer.text)


def test_a_plan_request_redirects_to_its_progress_page(
    stations: TestClient, tokens: Tokens
) -> None:
    """The plan form makes a job like the API does and its page shows progress, then JSON."""
    sign_in(stations, tokens, "coordinator_a")
    plan_id = request_plan(stations)
    job = stations.get(f"/api/v1/plans/{plan_id}", headers=tokens.header("coordinator_a"))
    assert job.json()["workers"] == 1 and job.json()["seed"] == 0
    assert job.json()["language"] == "zh"
    page = stations.get(f"/plans/{plan_id}")
    assert page.status_code == 200
    if job.json()["status"] in ("queued", "running"):
        assert {"plan-progress", "plan-status"} <= ids(page.text)
    progress = stations.get(f"/plans/{plan_id}/progress").json()
    assert set(progress) == {"status", "progress", "phase", "text"}
    assert progress["text"].startswith(("排队中", "求解中", "已完成"))
    stations.cookies.clear()
    assert stations.get(f"/plans/{plan_id}/progress").status_code == 401


def test_a_done_plans_overview_links_every_view(stations: TestClient, tokens: Tokens) -> None:
    """The overview: summary, shortages, resources and a tab per view; bounds only for P1–2."""
    sign_in(stations, tokens, "coordinator_a")
    plan_id = finished_plan(stations, tokens)
    page = stations.get(f"/plans/{plan_id}")
    assert page.status_code == 200
    found = ids(page.text)
    assert {"summary", "plan-priorities", "shortages", "resources", "view-links"} <= found
    tabs = {"overview", "timeline", "map", "unmet", "records", "downloads", "replan"}
    assert {f"view-{tab}" for tab in tabs} <= found
    assert "view-changes" not in found  # a first plan has no changes
    bounds = re.findall(
        r'<th scope="row">(\d)</th>\s*<td class="number">\d+</td>\s*'
        r'<td class="number">\d+</td>\s*<td class="number">([^<]+)</td>',
        page.text,
    )
    assert bounds and all(value == "–" for priority, value in bounds if priority > "2")
    for tab in tabs - {"overview"}:
        view = stations.get(f"/plans/{plan_id}/{tab}")
        assert view.status_code == 200, (tab, view.text)
        assert f'id="view-{tab}" href="/plans/{plan_id}/{tab}" aria-current="page"' in view.text
        assert unlabelled(view.text) == [], tab
    sign_in(stations, tokens, "viewer_a")
    assert "view-replan" not in ids(stations.get(f"/plans/{plan_id}").text)
    assert stations.get(f"/plans/{plan_id}/replan").status_code == 403


def test_the_timeline_and_map_views_draw_a_day_and_a_worker(
    stations: TestClient, tokens: Tokens
) -> None:
    """The timeline draws one day with labelled visits; the map filters by day and worker."""
    sign_in(stations, tokens, "coordinator_a")
    plan_id = finished_plan(stations, tokens)
    plan = stations.get(f"/api/v1/plans/{plan_id}", headers=tokens.header("admin")).json()["plan"]
    first = plan["visits"][0]
    day = stations.get(f"/plans/{plan_id}/timeline?day={first['day']}")
    assert day.status_code == 200 and day.text.count("<svg") == 1
    on_day = [v for v in plan["visits"] if v["day"] == first["day"]]
    bars = sum(len(v["worker_ids"]) for v in on_day)
    assert day.text.count('class="visit"') == bars
    assert 'class="visit-label"' in day.text
    worker = first["worker_ids"][0]
    town_map = stations.get(f"/plans/{plan_id}/map?day={first['day']}&worker={worker}")
    assert town_map.status_code == 200
    routes = [r for r in plan["routes"] if r["day"] == first["day"] and r["worker_id"] == worker]
    assert town_map.text.count('class="route"') == len(routes) >= 1
    every = stations.get(f"/plans/{plan_id}/map")
    assert every.text.count('class="route"') == len(plan["routes"])
    assert 'class="household' in every.text


def test_the_unmet_view_sorts_by_priority_and_filters(stations: TestClient, tokens: Tokens) -> None:
    """Most urgent first, reasons in words, filters by village, group and reason."""
    sign_in(stations, tokens, "coordinator_a")
    plan_id = finished_plan(stations, tokens)
    plan = stations.get(f"/api/v1/plans/{plan_id}", headers=tokens.header("admin")).json()["plan"]
    page = stations.get(f"/plans/{plan_id}/unmet")
    assert page.status_code == 200
    shown = re.findall(r'class="unmet-need" data-need-id="([^"]+)" data-priority="(\d)"', page.text)
    assert len(shown) == len(plan["unmet"]) >= 1
    assert [int(p) for _, p in shown] == sorted(int(p) for _, p in shown)
    for item in plan["unmet"]:
        reason = item["reasons"][0]
        assert html.escape(reason["messages"]["zh"], quote=False) in page.text
    assert "缺少 0 次探访" not in page.text
    code = plan["unmet"][0]["reasons"][0]["code"]
    only = stations.get(f"/plans/{plan_id}/unmet?reason={code}")
    expected = sum(any(r["code"] == code for r in u["reasons"]) for u in plan["unmet"])
    assert only.text.count('class="unmet-need"') == expected
    assert (
        stations.get(f"/plans/{plan_id}/unmet?village=nowhere").text.count('class="unmet-need"')
        == 0
    )
    stations.cookies.set("mulin_lang", "en")
    english = stations.get(f"/plans/{plan_id}/unmet").text
    for item in plan["unmet"]:
        assert html.escape(item["reasons"][0]["messages"]["en"], quote=False) in english


def test_the_downloads_view_lists_feeds_and_the_workbook(
    stations: TestClient, tokens: Tokens
) -> None:
    """A row per worker with a calendar feed and a phone link; the workbook downloads."""
    sign_in(stations, tokens, "coordinator_a")
    plan_id = finished_plan(stations, tokens)
    page = stations.get(f"/plans/{plan_id}/downloads")
    assert {"download-xlsx", "calendars"} <= ids(page.text)
    assert page.text.count('class="calendar-link"') >= 1
    assert 'href="http://testserver/api/v1/feeds/' in page.text
    workbook = stations.get(f"/plans/{plan_id}/export.xlsx")
    assert workbook.status_code == 200
    assert workbook.content[:2] == b"PK"
    feed = re.search(r'class="calendar-link" href="http://testserver([^"]+)"', page.text)
    assert feed is not None
    calendar = stations.get(feed.group(1).replace("&amp;", "&"))
    assert calendar.status_code == 200 and b"BEGIN:VCALENDAR" in calendar.content


def test_a_plan_of_an_inconsistent_archive_shows_its_warnings(
    stations: TestClient, tokens: Tokens
) -> None:
    """The unmet view lists the plan's warnings, one item per accepted inconsistent record."""
    scenario = scenario_for(STATION_A)
    scenario["needs"][3]["visits"] = 4
    put = stations.put(
        f"/api/v1/stations/{STATION_A}/scenario", json=scenario, headers=tokens.header("admin")
    )
    assert put.status_code == 200, put.text
    sign_in(stations, tokens, "coordinator_a")
    page = stations.get(f"/plans/{finished_plan(stations, tokens)}/unmet")
    assert "plan-warnings" in ids(page.text)
    assert page.text.count('class="plan-warning"') == 1
    assert 'data-path="needs[3].visits"' in page.text


def test_the_replan_form_with_an_absent_worker_creates_a_job(
    stations: TestClient, tokens: Tokens
) -> None:
    """A worker's absence from Wednesday re-plans the week; the new page lists its changes."""
    sign_in(stations, tokens, "coordinator_a")
    plan_id = finished_plan(stations, tokens)
    answer = stations.post(
        f"/plans/{plan_id}/replan",
        data={"absent_worker": "sw01", "absent_from": "mon", "time_limit": "1"},
        headers=ORIGIN,
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    new_id = answer.headers["location"].removeprefix("/plans/")
    body = wait_for_plan(stations, new_id, tokens.header("admin"), timeout=60)
    assert body["status"] == "done", body
    assert body["base_plan_id"] == plan_id
    page = stations.get(f"/plans/{new_id}")
    found = ids(page.text)
    assert {"changes", "plan-changes", "view-changes", "replan-of"} <= found
    assert page.text.index('id="plan-changes"') < page.text.index('id="summary"')
    assert f'href="/plans/{plan_id}"' in page.text  # the original, named by its date
    assert "重排" in page.text
    every = stations.get(f"/plans/{new_id}/changes")
    assert every.text.count("<tr data-reason=") == len(body["changes"]["changes"])
    dropped = [c for c in body["changes"]["changes"] if c["kind"] == "dropped"]
    unmet = {u["need_id"] for u in body["plan"]["unmet"]}
    for change in dropped:
        if change["need_id"] in unmet:
            assert "没有别人能接手" in change["messages"]["zh"]
            assert "nobody else could take it" in change["messages"]["en"]
    station = stations.get(f"/stations/{STATION_A}").text
    assert station.count('class="replan-item"') == 1


def test_an_invalid_replan_shows_the_form_errors(stations: TestClient, tokens: Tokens) -> None:
    """A lock of a visit that does not exist answers 422 with the problem beside the form."""
    sign_in(stations, tokens, "coordinator_a")
    plan_id = finished_plan(stations, tokens)
    answer = stations.post(
        f"/plans/{plan_id}/replan",
        data={"lock": "n999:1", "urgent_household": "h9", "urgent_priority": "7"},
        headers=ORIGIN,
    )
    assert answer.status_code == 422
    assert {"form-errors", "replan-form"} <= ids(answer.text)


def test_cross_origin_posts_are_rejected(stations: TestClient, tokens: Tokens) -> None:
    """A POST from another origin, or with neither Origin nor Referer, gets 403 and does nothing."""
    sign_in(stations, tokens, "coordinator_a")
    for headers in ({"Origin": "https://evil.example"}, {}):
        answer = stations.post(
            f"/stations/{STATION_A}/plans",
            data={"week_start": WEEK, "time_limit": "1"},
            headers=headers,
            follow_redirects=False,
        )
        assert answer.status_code == 403
    same = stations.post(
        "/logout", headers={"Referer": "http://testserver/stations/demo"}, follow_redirects=False
    )
    assert same.status_code == 303
    listed = stations.get(f"/api/v1/stations/{STATION_A}/plans", headers=tokens.header("admin"))
    assert listed.json()["count"] == 0


def test_bad_plan_form_input_gets_a_page_with_the_problem(
    stations: TestClient, tokens: Tokens
) -> None:
    """A week that does not start on a Monday answers 422 with the station page and its error."""
    sign_in(stations, tokens, "coordinator_a")
    answer = stations.post(
        f"/stations/{STATION_A}/plans",
        data={"week_start": "2026-11-24", "time_limit": "abc"},
        headers=ORIGIN,
    )
    assert answer.status_code == 422
    assert {"form-errors", "plan-form"} <= ids(answer.text)
    assert "2026-11-24" in answer.text


def test_every_label_is_in_both_languages_and_used_keys_exist() -> None:
    """Both dictionaries have the same keys, and every key a template names is in them."""
    from service.console.labels import TEXT

    assert set(TEXT["zh"]) == set(TEXT["en"])
    templates = ROOT / "service" / "console" / "templates"
    used = set()
    for path in templates.glob("*.html"):
        used |= set(re.findall(r"""\bt\(["']([a-z_]+\.[a-z_.]+)["']""", path.read_text("utf-8")))
    assert used, "the scan found no labels"
    assert used <= set(TEXT["zh"])


def test_console_routes_are_not_in_the_openapi_document(stations: TestClient) -> None:
    """The API's OpenAPI lists only /api/v1 paths; the console's static files are served."""
    paths = stations.app.openapi()["paths"]  # type: ignore[attr-defined]
    assert paths and all(path.startswith("/api/v1/") for path in paths)
    css = stations.get("/static/console.css")
    assert css.status_code == 200 and "focus-visible" in css.text
    assert stations.get("/static/console.js").status_code == 200


class _Controls(HTMLParser):
    """Collects form controls, the ids labels point at, and aria labels of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str | None]] = []
        self.labelled: set[str] = set()
        self.label_depth = 0
        self.wrapped = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Note labels and the controls that need one."""
        values = dict(attrs)
        if tag == "label":
            self.label_depth += 1
            if values.get("for"):
                self.labelled.add(str(values["for"]))
        elif tag in ("input", "select", "textarea"):
            if values.get("type") in ("hidden", "submit", "button"):
                return
            if self.label_depth:
                self.wrapped += 1
                return
            self.controls.append(values)

    def handle_endtag(self, tag: str) -> None:
        """Leave a label."""
        if tag == "label":
            self.label_depth -= 1


def unlabelled(html: str) -> list[str]:
    """The form controls of a page that no label or aria-label names."""
    parser = _Controls()
    parser.feed(html)
    return [
        str(c.get("name") or c.get("id"))
        for c in parser.controls
        if not c.get("aria-label") and c.get("id") not in parser.labelled
    ]


def test_every_form_control_has_a_label(stations: TestClient, tokens: Tokens) -> None:
    """Sign-in, station, import and plan pages: every visible input, select has a label."""
    assert unlabelled(stations.get("/").text) == []
    sign_in(stations, tokens, "coordinator_a")
    plan_id = finished_plan(stations, tokens)
    for url in (
        f"/stations/{STATION_A}",
        f"/stations/{STATION_A}/import",
        f"/plans/{plan_id}/replan",
        f"/plans/{plan_id}/records",
        f"/plans/{plan_id}/map",
        f"/plans/{plan_id}/unmet",
    ):
        page = stations.get(url)
        assert page.status_code == 200, url
        assert "<input" in page.text or "<select" in page.text, url
        assert unlabelled(page.text) == [], url


def test_a_city_admin_plans_the_city_and_follows_the_batch(
    stations: TestClient, tokens: Tokens
) -> None:
    """The stations page's city form makes a batch; its page lists every station until done."""
    sign_in(stations, tokens, "admin")
    home = stations.get("/")
    assert {"city-form", "city-week-start", "city-time-limit"} <= ids(home.text)
    assert unlabelled(home.text) == []
    answer = stations.post(
        "/city/batches",
        data={"week_start": WEEK, "time_limit": "1"},
        headers=ORIGIN,
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    page_url = answer.headers["location"]
    assert page_url.startswith("/batches/")
    api_url = "/api/v1/plans/batch/" + page_url.removeprefix("/batches/")
    for _ in range(600):
        if stations.get(api_url, headers=tokens.header("admin")).json()["finished"]:
            break
        time.sleep(0.1)
    page = stations.get(page_url)
    assert page.status_code == 200
    rows = re.findall(r'<tr class="status-(\w+)">', page.text)
    assert rows == ["done", "done"]
    assert 'http-equiv="refresh"' not in page.text
    assert f"({STATION_A})" in page.text and f"({STATION_B})" in page.text
    assert page.text.count('href="/plans/') == 2
    assert "batches/" in stations.get("/").text  # listed among the recent batches
    stations.cookies.set("mulin_lang", "en")
    english = stations.get(page_url).text
    assert "Planned / requested visits" in english and "每个工作站的计划" not in english


def test_only_a_city_admin_plans_the_city_in_the_console(
    stations: TestClient, tokens: Tokens
) -> None:
    """A coordinator's city request gets 403 and makes no batch; another's batch page is 404."""
    sign_in(stations, tokens, "coordinator_a")
    answer = stations.post(
        "/city/batches", data={"week_start": WEEK, "time_limit": "1"}, headers=ORIGIN
    )
    assert answer.status_code == 403
    assert stations.get(f"/batches/{'0' * 32}").status_code == 404
    assert stations.get("/batches/not-a-uuid").status_code == 404


def recorded_plan(stations: TestClient, tokens: Tokens, skip: int) -> dict[str, Any]:
    """A done plan of station A, every visit but the first ``skip`` recorded done; the job."""
    sign_in(stations, tokens, "coordinator_a")
    plan_id = finished_plan(stations, tokens)
    job: dict[str, Any] = stations.get(
        f"/api/v1/plans/{plan_id}", headers=tokens.header("coordinator_a")
    ).json()
    for visit in job["plan"]["visits"][skip:]:
        stations.put(
            f"/api/v1/plans/{plan_id}/records/{visit['need_id']}/{visit['visit']}",
            json={"status": "done"},
            headers=tokens.header("coordinator_a"),
        )
    return job


def test_the_assessment_page_shows_the_figures_and_a_chart(
    stations: TestClient, tokens: Tokens
) -> None:
    """Month table, village table, archive and chart of a recorded week; English complete."""
    job = recorded_plan(stations, tokens, skip=0)
    assert 'id="kpis-link"' in stations.get(f"/stations/{STATION_A}").text
    page = stations.get(f"/stations/{STATION_A}/kpis?from=2026-11-01&to=2026-11-30")
    assert page.status_code == 200, page.text
    assert {"kpis-month-table", "kpis-village-table", "kpis-group-table", "kpis-chart"} <= ids(
        page.text
    )
    done = len(job["plan"]["visits"])
    assert re.search(rf"<th scope=\"row\">2026-11</th><td>{done}</td><td>{done}</td>", page.text)
    assert unlabelled(page.text) == []
    assert "ledger-form" in ids(page.text)
    workbook = stations.get(f"/stations/{STATION_A}/ledger.xlsx?month=2026-11")
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK"
    assert stations.get(f"/stations/{STATION_A}/ledger.xlsx?month=11-2026").status_code == 422
    stations.cookies.set("mulin_lang", "en")
    english = stations.get(f"/stations/{STATION_A}/kpis?from=2026-11-01&to=2026-11-30").text
    assert "Hours by service category" in english and "考核" not in english
    assert (
        stations.get(f"/stations/{STATION_A}/kpis?from=2026-11-30&to=2026-11-01").status_code == 422
    )
    sign_in(stations, tokens, "coordinator_b")
    assert stations.get(f"/stations/{STATION_A}/kpis").status_code == 404
    assert stations.get(f"/stations/{STATION_A}/ledger.xlsx?month=2026-11").status_code == 404


def test_the_city_assessment_page_shows_every_station_side_by_side(
    stations: TestClient, tokens: Tokens
) -> None:
    """A row per station with its recorded visits, charts, English complete; city admins only."""
    visits = recorded_plan(stations, tokens, skip=1)["plan"]["visits"]
    assert stations.get("/city/kpis").status_code == 403
    sign_in(stations, tokens, "admin")
    assert 'id="city-kpis-link"' in stations.get("/").text
    page = stations.get("/city/kpis?from=2026-11-01&to=2026-11-30")
    assert page.status_code == 200, page.text
    assert {"city-kpis-table", "city-hours", "city-done"} <= {
        name.removesuffix("-title") for name in ids(page.text)
    }
    rows = re.findall(r'<tr data-station="([^"]+)">(.*?)</tr>', page.text, re.S)
    assert sorted(station for station, _ in rows) == sorted([STATION_A, STATION_B])
    row_a = dict(rows)[STATION_A]
    cells = re.findall(r"<td>([^<]*)</td>", row_a)
    assert cells[:5] == [str(len(visits)), str(len(visits) - 1), "0", "0", "1"]
    assert cells[5] == f"{round(100 * (len(visits) - 1) / len(visits), 1)}%"
    assert unlabelled(page.text) == []
    assert stations.get("/city/kpis?from=2026-11-30&to=2026-11-01").status_code == 422
    stations.cookies.set("mulin_lang", "en")
    english = stations.get("/city/kpis?from=2026-11-01&to=2026-11-30").text
    assert "Stations side by side" in english
    assert "考核" not in english and "完成率" not in english and "服务时长" not in english


def test_city_charts_show_the_largest_forty_stations() -> None:
    """With more stations than bars, a chart keeps the largest values and says so."""
    stations = {
        f"s{i:03d}": Figures(hours=float(i), visits_planned=2, visits_done=1) for i in range(60)
    }
    city = CityKpis(
        from_date=dt.date(2026, 11, 1), to_date=dt.date(2026, 11, 30), stations=stations
    )
    names = {station: f"Station {station}" for station in stations}
    hours, _ = city_charts(city, names, "en")
    assert hours.count("<rect") == MOST_BARS
    assert "Station s059" in hours and "Station s019:" not in hours
    assert f"top {MOST_BARS} stations" in hours
