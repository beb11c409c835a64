"""Exports of a plan: the Excel workbook, workers' iCalendar files and ``mulin export``."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import icalendar
import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner, Result

from service.cli import app
from service.exports import (
    ExportError,
    UnknownWorker,
    event_uid,
    plan_workbook,
    safe_filename_part,
    sheet_title,
    worker_calendar,
)
from service.exports.common import local_time
from service.exports.labels import LABELS
from service.loading import load_scenario
from service.planning import PlanOptions, plan_week
from service.wire.common import DAYS, time_to_minutes
from service.wire.plan import Plan
from service.wire.scenario import Scenario

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "scenarios" / "tiny.json"
EXIT_INVALID_INPUT = 2
SHANGHAI = dt.timedelta(hours=8)
DAY_SHEETS = {
    "zh": ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    """scenarios/tiny.json."""
    return load_scenario(TINY)


@pytest.fixture(scope="module")
def plan(scenario: Scenario) -> Plan:
    """A plan of tiny.json made with a short time limit."""
    made = plan_week(scenario, PlanOptions(time_limit=5.0, seed=0, workers=1))
    assert made.visits, "tiny.json should get visits"
    return made


def open_book(data: bytes) -> Workbook:
    """An .xlsx document opened with openpyxl."""
    return load_workbook(io.BytesIO(data))


def rows(sheet: Worksheet) -> list[dict[str, Any]]:
    """The rows under a sheet's header as dictionaries keyed by the header's labels."""
    values = list(sheet.iter_rows(values_only=True))
    header = [str(cell) for cell in values[0]]
    return [dict(zip(header, row, strict=True)) for row in values[1:]]


def visit_keys(found: list[dict[str, Any]], need: str, visit: str) -> Counter[tuple[str, int]]:
    """How often each (need id, visit number) appears among rows."""
    return Counter((row[need], row[visit]) for row in found if row[need] is not None)


def test_day_sheets_hold_every_visit_once(scenario: Scenario, plan: Plan) -> None:
    """Each day with visits has a sheet listing exactly that day's visits, once each, by start."""
    book = open_book(plan_workbook(scenario, plan))
    days = sorted({visit.day for visit in plan.visits}, key=DAYS.index)
    for day in days:
        index = DAYS.index(day)
        date = scenario.week_start + dt.timedelta(days=index)
        sheet = book[f"{DAY_SHEETS['zh'][index]} {date:%m-%d}"]
        found = rows(sheet)
        expected = Counter((v.need_id, v.visit) for v in plan.visits if v.day == day)
        assert visit_keys(found, "需求编号", "第几次") == expected
        assert all(count == 1 for count in expected.values())
        starts = [time_to_minutes(row["开始"]) for row in found]
        assert starts == sorted(starts)
    day_titles = [t for t in book.sheetnames if t.split(" ")[0] in DAY_SHEETS["zh"]]
    assert len(day_titles) == len(days)


def test_day_sheet_rows_describe_the_visit(scenario: Scenario, plan: Plan) -> None:
    """A day row names the household, village, category and the whole team by id and name."""
    book = open_book(plan_workbook(scenario, plan))
    visit = plan.visits[0]
    need = next(n for n in scenario.needs if n.id == visit.need_id)
    village = next(v for v in scenario.villages if v.id == need.village)
    index = DAYS.index(visit.day)
    date = scenario.week_start + dt.timedelta(days=index)
    found = rows(book[f"{DAY_SHEETS['zh'][index]} {date:%m-%d}"])
    row = next(r for r in found if (r["需求编号"], r["第几次"]) == (visit.need_id, visit.visit))
    assert (row["开始"], row["结束"]) == (visit.start, visit.end)
    assert (row["户编号"], row["村/社区"], row["优先级"]) == (
        need.household,
        village.name,
        need.priority,
    )
    names = {w.id: w.name for w in scenario.workers}
    for worker_id in visit.worker_ids:
        assert f"{worker_id} {names[worker_id]}" in row["工作人员"]


def test_worker_sheets_hold_each_team_members_visits(scenario: Scenario, plan: Plan) -> None:
    """Each worker with visits has a sheet with every visit of theirs once, in day/time order."""
    book = open_book(plan_workbook(scenario, plan))
    for worker in scenario.workers:
        mine = [v for v in plan.visits if worker.id in v.worker_ids]
        title = f"{worker.id} {worker.name}"
        if not mine:
            assert title not in book.sheetnames
            continue
        found = rows(book[title])
        assert visit_keys(found, "需求编号", "第几次") == Counter(
            (v.need_id, v.visit) for v in mine
        )
        routes = [r for r in plan.routes if r.worker_id == worker.id]
        assert found[-1]["日期"] == "合计"
        assert found[-1]["本班路程（分钟）"] == sum(r.travel_minutes for r in routes)
        for row in found[:-1]:
            route = next(
                r
                for r in routes
                if any((s.need_id, s.visit) == (row["需求编号"], row["第几次"]) for s in r.stops)
            )
            assert row["本班路程（分钟）"] == route.travel_minutes
        order = [(DAY_SHEETS["zh"].index(r["日期"][:2]), r["开始"]) for r in found[:-1]]
        assert order == sorted(order)


def test_summary_unmet_and_resources_sheets(scenario: Scenario, plan: Plan) -> None:
    """The summary counts the visits, the unmet sheet lists every unmet need, resources add up."""
    book = open_book(plan_workbook(scenario, plan))
    assert book.sheetnames[0] == "概要"
    summary = {row[0]: row[1] for row in book["概要"].iter_rows(values_only=True)}
    assert summary["已安排探访"] == len(plan.visits)
    assert summary["需求探访"] == sum(n.visits for n in scenario.needs)
    assert summary["未满足需求数"] == len(plan.unmet)
    assert summary["路程（分钟）"] == sum(r.travel_minutes for r in plan.routes)
    unmet = rows(book["未满足需求"])
    assert [r["需求编号"] for r in unmet] == sorted(u.need_id for u in plan.unmet)
    for row, entry in zip(unmet, sorted(plan.unmet, key=lambda u: u.need_id), strict=True):
        assert row["缺少探访"] == entry.missing_visits
        assert entry.reasons[0].message in row["原因"]
    resources = {r["资源编号"]: r for r in rows(book["资源"])}
    given = sum(a.quantity for v in plan.visits for a in v.resources if a.id == "rice-5kg")
    rice = resources["rice-5kg"]
    assert (rice["已发放"], rice["需求"], rice["库存"]) == (given, 2, 2)


def test_every_sheet_has_a_frozen_header_and_readable_widths(
    scenario: Scenario, plan: Plan
) -> None:
    """Every sheet freezes its header row and is wide enough for its header labels."""
    book = open_book(plan_workbook(scenario, plan))
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet["A1"].font.bold, sheet.title
        for cell in sheet[1]:
            width = sheet.column_dimensions[cell.column_letter].width
            assert width >= len(str(cell.value)), (sheet.title, cell.value)


def test_english_labels(scenario: Scenario, plan: Plan) -> None:
    """``language="en"`` names sheets and columns in English."""
    book = open_book(plan_workbook(scenario, plan, language="en"))
    assert book.sheetnames[0] == "Summary"
    assert {"Unmet", "Resources"} <= set(book.sheetnames)
    day = DAYS.index(plan.visits[0].day)
    date = scenario.week_start + dt.timedelta(days=day)
    sheet = book[f"{DAY_SHEETS['en'][day]} {date:%m-%d}"]
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == ["Start", "End", "Need", "Visit"]
    text = " ".join(
        str(v) for s in book.worksheets for r in s.iter_rows(values_only=True) for v in r
    )
    assert "Elderly care" in text
    assert "养老" not in text


def test_both_languages_have_the_same_labels() -> None:
    """The Chinese and English label dictionaries have exactly the same keys."""
    assert set(LABELS["zh"]) == set(LABELS["en"])


def test_sheet_titles_are_made_valid_and_unique() -> None:
    """Forbidden characters go, names are cut to 31 characters and made unique ignoring case."""
    taken: set[str] = set()
    first = sheet_title("a[b]c:d*e?f/g\\h", taken)
    assert first == "a_b_c_d_e_f_g_h"
    long = sheet_title("x" * 40, taken)
    assert long == "x" * 31
    again = sheet_title("X" * 40, taken)
    assert again == "X" * 27 + " (2)"
    assert len(again) <= 31
    assert sheet_title("'quoted'", taken) == "quoted"
    assert sheet_title("", taken) == "_"
    assert sheet_title("History", taken) == "History (2)"
    titles = [first, long, again]
    assert len({t.casefold() for t in titles}) == len(titles)


def test_awkward_worker_names_still_give_a_workbook(scenario: Scenario, plan: Plan) -> None:
    """Workers whose id and name make an invalid or clashing sheet name get valid ones."""
    data = scenario.model_dump(by_alias=True)
    for worker in data["workers"]:
        worker["name"] = "Team [A]: north/south *really* long name?"
    changed = Scenario.model_validate(data)
    book = open_book(plan_workbook(changed, plan))
    titles = book.sheetnames
    assert len({t.casefold() for t in titles}) == len(titles)
    for title in titles:
        assert len(title) <= 31
        assert not set(title) & set("[]:*?/\\")
    workers_with_visits = {w for v in plan.visits for w in v.worker_ids}
    assert sum(t.startswith(tuple(workers_with_visits)) for t in titles) == len(workers_with_visits)


def test_a_plan_of_another_scenario_is_refused(scenario: Scenario, plan: Plan) -> None:
    """A plan naming a need the scenario lacks gives ExportError with the plan's JSON path."""
    data = plan.model_dump(by_alias=True)
    data["visits"][0]["need_id"] = "n999"
    with pytest.raises(ExportError) as caught:
        plan_workbook(scenario, Plan.model_validate(data))
    assert caught.value.problems == ["visits[0].need_id: unknown need 'n999'"]


def events_of(document: bytes) -> list[icalendar.Event]:
    """The VEVENTs of an iCalendar document, parsed back."""
    calendar = icalendar.Calendar.from_ical(document)
    return [c for c in calendar.walk("VEVENT") if isinstance(c, icalendar.Event)]


def test_calendar_has_one_event_per_visit_at_local_times(scenario: Scenario, plan: Plan) -> None:
    """Each visit of the worker is one event at its day and time in UTC+8, none of others'."""
    for worker in scenario.workers:
        mine = {(v.need_id, v.visit): v for v in plan.visits if worker.id in v.worker_ids}
        events = events_of(worker_calendar(scenario, plan, worker.id))
        assert len(events) == len(mine)
        for event in events:
            uid = str(event["uid"])
            key = next(k for k in mine if uid == event_uid(scenario.week_start, *k, worker.id))
            visit = mine[key]
            start, end = event.decoded("dtstart"), event.decoded("dtend")
            assert start.utcoffset() == end.utcoffset() == SHANGHAI
            date = scenario.week_start + dt.timedelta(days=DAYS.index(visit.day))
            assert start.date() == date
            assert start.strftime("%H:%M") == visit.start
            assert end.strftime("%H:%M") == visit.end
            assert event["dtstart"].params["TZID"] == "Asia/Shanghai"


def test_calendar_events_describe_the_visit(scenario: Scenario, plan: Plan) -> None:
    """Summary, village, GEO, team members and resources are in the event; no resident data."""
    visit = next(v for v in plan.visits if len(v.worker_ids) > 1)
    worker_id, partner = visit.worker_ids[0], visit.worker_ids[1]
    need = next(n for n in scenario.needs if n.id == visit.need_id)
    village = next(v for v in scenario.villages if v.id == need.village)
    partner_name = next(w.name for w in scenario.workers if w.id == partner)
    document = worker_calendar(scenario, plan, worker_id)
    event = next(
        e
        for e in events_of(document)
        if str(e["uid"]) == event_uid(scenario.week_start, need.id, visit.visit, worker_id)
    )
    assert str(event["summary"]) == f"{LABELS['zh'][f'category.{need.category}']} {need.household}"
    assert str(event["location"]) == village.name
    assert need.location is not None
    geo = event["geo"]
    assert isinstance(geo, icalendar.vGeo)
    assert (geo.latitude, geo.longitude) == (
        need.location.lat,
        need.location.lon,
    )
    assert f"{partner} {partner_name}" in str(event["description"])
    calendar = icalendar.Calendar.from_ical(document)
    worker_name = next(w.name for w in scenario.workers if w.id == worker_id)
    assert worker_name in str(calendar["x-wr-calname"])
    assert "2026-11-23" in str(calendar["x-wr-calname"])
    zones = list(calendar.walk("VTIMEZONE"))
    assert [str(z["tzid"]) for z in zones] == ["Asia/Shanghai"]
    assert not list(zones[0].walk("DAYLIGHT"))


def test_calendar_uids_are_stable(scenario: Scenario, plan: Plan) -> None:
    """Two calls (at different times) give the same UIDs, built from week, need, visit, worker."""
    first = events_of(worker_calendar(scenario, plan, "sw01"))
    later = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    second = events_of(worker_calendar(scenario, plan, "sw01", stamp=later))
    uids = [str(e["uid"]) for e in first]
    assert uids == [str(e["uid"]) for e in second]
    assert len(set(uids)) == len(uids)
    assert all(u.startswith("2026-11-23-") and u.endswith("-sw01@mulin") for u in uids)


def test_calendar_in_english_and_unknown_worker(scenario: Scenario, plan: Plan) -> None:
    """English summaries with ``language="en"``; an unknown worker raises UnknownWorker."""
    events = events_of(worker_calendar(scenario, plan, "sw01", language="en"))
    assert any(str(e["summary"]).startswith("Elderly care h") for e in events)
    assert all("Need " in str(e["description"]) for e in events)
    with pytest.raises(UnknownWorker):
        worker_calendar(scenario, plan, "nobody")


def test_local_time_handles_midnight_at_the_end() -> None:
    """``24:00`` is midnight at the end of the day; times carry the zone given."""
    zone = dt.timezone(SHANGHAI)
    end = local_time(dt.date(2026, 11, 23), "sun", "24:00", zone)
    assert end == dt.datetime(2026, 11, 30, 0, 0, tzinfo=zone)


def test_safe_file_names() -> None:
    """ASCII ids stay as they are; others become safe and stay distinct."""
    assert safe_filename_part("sw01") == "sw01"
    odd = safe_filename_part("陈/静")
    assert odd.isascii() and "/" not in odd
    assert odd != safe_filename_part("陈/动")
    assert safe_filename_part("..") != ".."


def mulin(*args: str) -> Result:
    """Invoke the CLI in-process."""
    return CliRunner().invoke(app, list(args))


def test_cli_export_writes_a_workbook_and_calendars(plan: Plan, tmp_path: Path) -> None:
    """``mulin export`` writes the workbook and one .ics per worker with visits."""
    plan_path = tmp_path / "plan.json"
    plan_path.write_text(plan.model_dump_json(by_alias=True, exclude_none=True), encoding="utf-8")
    out = tmp_path / "plan.xlsx"
    ics = tmp_path / "ics"
    result = mulin(
        "export",
        str(plan_path),
        "--scenario",
        str(TINY),
        "--xlsx",
        str(out),
        "--ics-dir",
        str(ics),
        "--language",
        "en",
    )
    assert result.exit_code == 0, result.output
    assert open_book(out.read_bytes()).sheetnames[0] == "Summary"
    workers = {w for v in plan.visits for w in v.worker_ids}
    assert sorted(p.name for p in ics.iterdir()) == sorted(
        f"mulin-{w}-2026-11-23.ics" for w in workers
    )
    sw01 = events_of((ics / "mulin-sw01-2026-11-23.ics").read_bytes())
    assert len(sw01) == sum("sw01" in v.worker_ids for v in plan.visits)


@pytest.mark.parametrize(
    ("which", "text", "message"),
    [
        ("plan", "not json", "(root): not JSON"),
        ("plan", json.dumps({"format": "mulin.plan/1"}), "status: required field is missing"),
        ("scenario", "[]", "(root): expected a JSON object"),
        ("other", "", "visits[0].need_id: unknown need"),
    ],
    ids=["plan-not-json", "plan-shape", "scenario-not-object", "plan-of-another-scenario"],
)
def test_cli_export_refuses_bad_files(
    plan: Plan, tmp_path: Path, which: str, text: str, message: str
) -> None:
    """A bad plan or scenario file: exit 2, one line naming the file and problem, no output."""
    plan_path = tmp_path / "plan.json"
    data = json.loads(plan.model_dump_json(by_alias=True, exclude_none=True))
    if which == "other":
        data["visits"][0]["need_id"] = "n999"
    plan_path.write_text(json.dumps(data) if which != "plan" else text, encoding="utf-8")
    scenario_path = tmp_path / "scenario.json"
    scenario_path.write_text(
        text if which == "scenario" else TINY.read_text(encoding="utf-8"), encoding="utf-8"
    )
    out = tmp_path / "out.xlsx"
    ics = tmp_path / "ics"
    result = mulin(
        "export",
        str(plan_path),
        "--scenario",
        str(scenario_path),
        "--xlsx",
        str(out),
        "--ics-dir",
        str(ics),
    )
    assert result.exit_code == EXIT_INVALID_INPUT
    bad = scenario_path if which == "scenario" else plan_path
    lines = [line for line in result.stderr.splitlines() if message in line]
    assert len(lines) == 1
    assert lines[0].startswith(f"{bad}: ")
    assert not out.exists()
    assert not ics.exists()


def test_cli_export_needs_an_output(tmp_path: Path) -> None:
    """Without --xlsx or --ics-dir there is nothing to do: exit 2."""
    result = mulin("export", str(tmp_path / "plan.json"), "--scenario", str(TINY))
    assert result.exit_code == EXIT_INVALID_INPUT
    assert "--xlsx" in result.stderr


def test_text_starting_like_a_formula_stays_text(scenario: Scenario, plan: Plan) -> None:
    """Names starting with =, +, - or @ are written as text cells: no live formula anywhere."""
    hostile = scenario.model_copy(deep=True)
    hostile.name = '=HYPERLINK("http://x","y")'
    hostile.workers[0].name = "=1+1"
    hostile.villages[0].name = "+SUM(A1:A9)"
    hostile.resources[0].name = "-2+3"
    hostile.resources[0].unit = "@cmd"
    hostile_plan = plan.model_copy(update={"scenario": hostile.name})
    book = open_book(plan_workbook(hostile, hostile_plan, "zh"))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    texts = " ".join(cell.value for cell in cells if isinstance(cell.value, str))
    assert "=1+1" in texts and "+SUM(A1:A9)" in texts and "@cmd" in texts
