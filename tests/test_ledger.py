"""The monthly ledger (台账): rows, sheets and totals against counts made here from the records."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from benchmarks.ledger_preview import libreoffice, to_pdf
from service.api.carry import SUFFIX
from service.exports.labels import LABELS
from service.exports.ledger import (
    CARRIED_SUFFIX,
    Ledger,
    LedgerWeek,
    Month,
    Recorded,
    csv_safe,
    ledger_csv,
    ledger_workbook,
)
from service.generator import generate_town
from service.planning import PlanOptions, plan_week
from service.wire.common import DAYS
from service.wire.plan import Plan
from service.wire.records import ResourceGiven
from service.wire.scenario import Scenario

MONDAYS = (dt.date(2026, 11, 23), dt.date(2026, 11, 30))
NOVEMBER = Month(2026, 11)
REQUIRED_ENV = "MULIN_E2E_REQUIRED"


def outcome(index: int, visit: Any) -> Recorded | None:
    """What this test records for the index-th visit of a week (None: nothing)."""
    if index % 9 == 4:
        return None
    if index % 4 == 0:
        return Recorded("missed", "weather")
    if index % 6 == 1:
        return Recorded("partly_done", actual_minutes=25)
    given = tuple(ResourceGiven(id=r.id, quantity=r.quantity) for r in visit.resources)
    return Recorded("done", resources_given=given)


def carried(scenario: Scenario, plan: Plan) -> tuple[Scenario, Plan]:
    """The week with its first planned need renamed as carried over from an earlier week."""
    old = plan.visits[0].need_id
    new = old + SUFFIX
    needs = [n.model_copy(update={"id": new}) if n.id == old else n for n in scenario.needs]
    visits = [v.model_copy(update={"need_id": new}) if v.need_id == old else v for v in plan.visits]
    routes = [
        r.model_copy(
            update={
                "stops": [
                    s.model_copy(update={"need_id": new}) if s.need_id == old else s
                    for s in r.stops
                ]
            }
        )
        for r in plan.routes
    ]
    unmet = [u.model_copy(update={"need_id": new}) if u.need_id == old else u for u in plan.unmet]
    return (
        scenario.model_copy(update={"needs": needs}),
        plan.model_copy(update={"visits": visits, "routes": routes, "unmet": unmet}),
    )


@pytest.fixture(scope="module")
def weeks() -> list[LedgerWeek]:
    """Two planned weeks of a generated town (the second crosses into December), recorded."""
    made = []
    for monday in MONDAYS:
        scenario = generate_town(4, 45, 77, week_start=monday)
        plan = plan_week(scenario, PlanOptions(time_limit=2.0, seed=0, workers=1))
        scenario, plan = carried(scenario, plan)
        records = {}
        for index, visit in enumerate(plan.visits):
            found = outcome(index, visit)
            if found is not None:
                records[(visit.need_id, visit.visit)] = found
        made.append(LedgerWeek(scenario, plan, records))
    return made


def month_visits(weeks: list[LedgerWeek], month: Month) -> list[tuple[LedgerWeek, Any]]:
    """The planned visits dated in a month, with their week."""
    found = []
    for week in weeks:
        for visit in week.plan.visits:
            date = week.scenario.week_start + dt.timedelta(days=DAYS.index(visit.day))
            if month.first <= date <= month.last:
                found.append((week, visit))
    return found


def sheet_rows(book: Workbook, index: int) -> list[dict[str, Any]]:
    """A sheet's rows under its header as dictionaries (by header label)."""
    values = list(book.worksheets[index].iter_rows(values_only=True))
    header = [str(cell) for cell in values[0]]
    return [dict(zip(header, row, strict=True)) for row in values[1:]]


def zh(key: str) -> str:
    """A Chinese ledger label."""
    return LABELS["zh"][key]


def spent(week: LedgerWeek, visit: Any) -> int | None:
    """Minutes a visit took by its record: None unless done or partly done."""
    record = week.records.get((visit.need_id, visit.visit))
    if record is None or record.status == "missed":
        return None
    if record.actual_minutes is not None:
        return record.actual_minutes
    start, end = (int(t[:2]) * 60 + int(t[3:]) for t in (visit.start, visit.end))
    return end - start


@pytest.fixture(scope="module")
def book(weeks: list[LedgerWeek]) -> Workbook:
    """November's ledger workbook in Chinese."""
    ledger = Ledger.build("town", NOVEMBER, weeks)
    return load_workbook(io.BytesIO(ledger_workbook(ledger)))


def test_one_row_per_planned_visit_with_its_status(weeks: list[LedgerWeek], book: Workbook) -> None:
    """Each planned visit of the month is one row, with its record's status (or not recorded)."""
    expected: Counter[str] = Counter()
    for week, visit in month_visits(weeks, NOVEMBER):
        record = week.records.get((visit.need_id, visit.visit))
        expected["not_recorded" if record is None else record.status] += 1
    rows = sheet_rows(book, 0)
    found = Counter(row[zh("ledger.col.status")] for row in rows)
    assert {s: n for s, n in expected.items()} == {
        s: found[zh(f"ledger.status.{s}")] for s in expected
    }
    assert sum(found.values()) == len(month_visits(weeks, NOVEMBER))
    assert all(expected[s] > 0 for s in ("done", "partly_done", "missed", "not_recorded"))
    missed = [r for r in rows if r[zh("ledger.col.status")] == zh("ledger.status.missed")]
    assert {r[zh("ledger.col.missed_reason")] for r in missed} == {zh("ledger.reason.weather")}
    assert book.worksheets[0].title == zh("ledger.sheet.ledger")


def test_minutes_and_carried_over(weeks: list[LedgerWeek], book: Workbook) -> None:
    """Actual minutes are the record's (else planned) for visits that happened; carried = yes."""
    rows = {
        (r[zh("ledger.col.date")].date(), r[zh("ledger.col.need")], r[zh("ledger.col.visit")]): r
        for r in sheet_rows(book, 0)
    }
    assert len(rows) == len(month_visits(weeks, NOVEMBER))
    for week, visit in month_visits(weeks, NOVEMBER):
        date = week.scenario.week_start + dt.timedelta(days=DAYS.index(visit.day))
        row = rows[(date, visit.need_id, visit.visit)]
        assert row[zh("ledger.col.minutes")] == spent(week, visit)
        wanted = "ledger.yes" if visit.need_id.endswith(SUFFIX) else "ledger.no"
        assert row[zh("ledger.col.carried")] == zh(wanted)
    assert sum(r[zh("ledger.col.carried")] == zh("ledger.yes") for r in rows.values()) >= 1
    assert CARRIED_SUFFIX == SUFFIX


def test_the_month_boundary_splits_a_week(weeks: list[LedgerWeek]) -> None:
    """A week crossing into December gives its Monday to November and the rest to December."""
    second = weeks[1]
    november = Ledger.build("town", NOVEMBER, weeks)
    december = Ledger.build("town", Month(2026, 12), weeks)
    assert sum(r.date == MONDAYS[1] for r in november.rows) == sum(
        v.day == "mon" for v in second.plan.visits
    )
    assert len(december.rows) == sum(v.day != "mon" for v in second.plan.visits)
    assert all(r.date.month == 12 for r in december.rows)


def test_village_sheets_hold_their_rows(weeks: list[LedgerWeek], book: Workbook) -> None:
    """Each village's sheet holds exactly the ledger's rows of that village."""
    ledger_rows = sheet_rows(book, 0)
    villages = Counter(r[zh("ledger.col.village_id")] for r in ledger_rows)
    for index in range(1, 1 + len(villages)):
        rows = sheet_rows(book, index)
        ids = {r[zh("ledger.col.village_id")] for r in rows}
        assert len(ids) == 1
        assert len(rows) == villages[ids.pop()]


def test_households_served(weeks: list[LedgerWeek], book: Workbook) -> None:
    """Households with a visit done or partly done, their visits counted by status."""
    done: Counter[str] = Counter()
    partly: Counter[str] = Counter()
    for week, visit in month_visits(weeks, NOVEMBER):
        record = week.records.get((visit.need_id, visit.visit))
        household = next(n.household for n in week.scenario.needs if n.id == visit.need_id)
        if record is not None and record.status == "done":
            done[household] += 1
        if record is not None and record.status == "partly_done":
            partly[household] += 1
    sheet = next(s for s in book.worksheets if s.title == zh("ledger.sheet.households"))
    rows = sheet_rows(book, book.worksheets.index(sheet))
    assert {r[zh("ledger.col.household")] for r in rows} == set(done) | set(partly)
    for row in rows:
        household = row[zh("ledger.col.household")]
        assert row[zh("ledger.col.visits_done")] == done[household]
        assert row[zh("ledger.col.visits_partly")] == partly[household]
        assert row[zh("ledger.col.groups")]


def test_worker_hours_and_paired_visits(weeks: list[LedgerWeek], book: Workbook) -> None:
    """Hours per worker, social-worker and volunteer hours apart, 双工联动 visits once each."""
    minutes: Counter[str] = Counter()
    by_role: Counter[str] = Counter()
    paired = 0
    for week, visit in month_visits(weeks, NOVEMBER):
        took = spent(week, visit)
        if took is None:
            continue
        roles = {w.id: w.role for w in week.scenario.workers}
        team = [roles[w] for w in visit.worker_ids]
        paired += "social_worker" in team and "volunteer" in team
        for worker_id in visit.worker_ids:
            minutes[worker_id] += took
            by_role[roles[worker_id]] += took
    assert paired > 0
    sheet = next(s for s in book.worksheets if s.title == zh("ledger.sheet.workers"))
    rows = sheet_rows(book, book.worksheets.index(sheet))
    workers = [r for r in rows if r[zh("ledger.col.worker")] not in (None, zh("ledger.total"))]
    workers = [r for r in workers if r[zh("ledger.col.worker")] != zh("ledger.paired_total")]
    for row in workers:
        assert row[zh("ledger.col.hours")] == pytest.approx(
            minutes[row[zh("ledger.col.worker")]] / 60, abs=0.01
        )
    total = next(r for r in rows if r[zh("ledger.col.worker")] == zh("ledger.total"))
    assert total[zh("ledger.col.social_worker_hours")] == pytest.approx(
        by_role["social_worker"] / 60, abs=0.01
    )
    assert total[zh("ledger.col.volunteer_hours")] == pytest.approx(
        by_role["volunteer"] / 60, abs=0.01
    )
    once = next(r for r in rows if r[zh("ledger.col.worker")] == zh("ledger.paired_total"))
    assert once[zh("ledger.col.paired")] == paired


def test_resources_planned_and_handed_over(weeks: list[LedgerWeek], book: Workbook) -> None:
    """Each resource's quantity planned in the month and handed over by the records."""
    planned: Counter[str] = Counter()
    given: Counter[str] = Counter()
    for week, visit in month_visits(weeks, NOVEMBER):
        for amount in visit.resources:
            planned[amount.id] += amount.quantity
        record = week.records.get((visit.need_id, visit.visit))
        for item in record.resources_given if record is not None else ():
            given[item.id] += item.quantity
    assert planned and given
    sheet = next(s for s in book.worksheets if s.title == zh("ledger.sheet.resources"))
    rows = sheet_rows(book, book.worksheets.index(sheet))
    assert {r[zh("ledger.col.resource")] for r in rows} == set(planned) | set(given)
    for row in rows:
        assert row[zh("ledger.col.planned_quantity")] == planned[row[zh("ledger.col.resource")]]
        assert row[zh("ledger.col.given_quantity")] == given[row[zh("ledger.col.resource")]]


def test_english_headers_and_sheets(weeks: list[LedgerWeek]) -> None:
    """language=en gives English sheet names, headers and words."""
    ledger = Ledger.build("town", NOVEMBER, weeks)
    book = load_workbook(io.BytesIO(ledger_workbook(ledger, "en")))
    header = [cell.value for cell in book.worksheets[0][1]]
    assert header[:4] == ["Date", "Village", "Village id", "Household"]
    assert book.worksheets[0].title == "Ledger"
    titles = [sheet.title for sheet in book.worksheets]
    assert {"Households served", "Worker hours", "Resources"} <= set(titles)
    statuses = {row[13] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert statuses <= {"done", "partly done", "missed", "not recorded"}
    text = ledger_csv(ledger, "en").decode("utf-8-sig")
    assert text.startswith("Date,Village,Village id,Household")


def test_csv_is_the_ledger_sheet_with_a_bom(weeks: list[LedgerWeek], book: Workbook) -> None:
    """The CSV is UTF-8 with a BOM and holds the ledger sheet's rows, in order."""
    ledger = Ledger.build("town", NOVEMBER, weeks)
    data = ledger_csv(ledger)
    assert data.startswith("\ufeff".encode())
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[-1] == ""
    assert len(lines) - 2 == len(sheet_rows(book, 0))
    first = [csv_safe(v) for v in next(book.worksheets[0].iter_rows(min_row=2, values_only=True))]
    assert lines[1].split(",")[:6] == [
        value[:10] if index == 0 else value for index, value in enumerate(first[:6])
    ]


def test_text_that_looks_like_a_formula_stays_text(weeks: list[LedgerWeek]) -> None:
    """Names and ids starting with = + - @ are text cells in the workbook, quoted in the CSV."""
    week = weeks[0]
    scenario = week.scenario
    visit = week.plan.visits[1]
    need = next(n for n in scenario.needs if n.id == visit.need_id)
    evil = {
        "villages": [
            v.model_copy(update={"name": "=1+1"}) if v.id == need.village else v
            for v in scenario.villages
        ],
        "workers": [
            w.model_copy(update={"name": "@SUM(A1)"}) if w.id == visit.worker_ids[0] else w
            for w in scenario.workers
        ],
        "needs": [
            n.model_copy(update={"household": '=HYPERLINK("http://x","y")'})
            if n.id == need.id
            else n
            for n in scenario.needs
        ],
        "resources": [
            r.model_copy(update={"name": "+cmd|' /C calc'!A0"}) for r in scenario.resources
        ],
    }
    hostile = LedgerWeek(scenario.model_copy(update=evil), week.plan, week.records)
    ledger = Ledger.build("town", NOVEMBER, [hostile])
    book = load_workbook(io.BytesIO(ledger_workbook(ledger)))
    starts = ("=", "+", "-", "@")
    risky = [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith(starts)
    ]
    assert {c.value for c in risky} >= {"=1+1", '=HYPERLINK("http://x","y")'}
    assert all(cell.data_type == "s" for cell in risky)
    text = ledger_csv(ledger).decode("utf-8-sig")
    assert "'=1+1" in text and "'=HYPERLINK" in text
    assert ",=1+1" not in text and ',"=HYPERLINK' not in text


def test_records_carry_no_note() -> None:
    """A record as the ledger sees it has no note field (notes never reach the ledger)."""
    assert "note" not in {f.name for f in dataclasses.fields(Recorded)}


def test_months_are_parsed_strictly() -> None:
    """Only YYYY-MM with a month 01-12 is a month; its Mondays cover every day of it."""
    assert Month.parse("2026-02") == Month(2026, 2)
    for bad in ("2026-13", "2026-00", "2026-1", "26-11", "2026-11-01", "november"):
        with pytest.raises(ValueError, match="YYYY-MM"):
            Month.parse(bad)
    month = Month(2026, 11)
    mondays = month.mondays()
    assert mondays[0] == dt.date(2026, 10, 26) and mondays[-1] == dt.date(2026, 11, 30)
    assert month.last == dt.date(2026, 11, 30)


def test_libreoffice_converts_the_ledger_to_pdf(weeks: list[LedgerWeek], tmp_path: Path) -> None:
    """LibreOffice headless turns the workbook into a PDF whose text shows the ledger."""
    if libreoffice() is None:
        reason = "libreoffice is needed (Debian: apt-get install libreoffice-calc)"
        if os.environ.get(REQUIRED_ENV) == "1":
            pytest.fail(f"{REQUIRED_ENV}=1: {reason}", pytrace=False)
        pytest.skip(reason)
    ledger = Ledger.build("town", NOVEMBER, weeks)
    workbook = tmp_path / "ledger.xlsx"
    workbook.write_bytes(ledger_workbook(ledger))
    pdf = to_pdf(workbook, tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext") is not None:
        text = subprocess.run(
            ["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert zh("ledger.col.household") in text
        assert ledger.rows[0].household in text
