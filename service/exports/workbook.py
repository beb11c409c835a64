"""The plan as an Excel workbook to print: summary, days, workers, unmet needs, resources.

Residents appear only as household ids and village names; workers (staff) by id and name.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from service import vocabulary
from service.exports.common import PlanIndex, day_date
from service.exports.labels import day_name, label, status_name
from service.messages import Language
from service.tabular.writing import put_cell
from service.wire.common import DAYS
from service.wire.plan import Plan, PlannedVisit
from service.wire.scenario import Scenario

MAX_SHEET_TITLE = 31
_BAD_TITLE = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f]")
_RESERVED_TITLES = frozenset({"history"})
MAX_HEADING = 120
MIN_WIDTH = 6
MAX_WIDTH = 60

Cell = str | int | float | dt.date | None
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")
_HEADER_BORDER = Border(bottom=Side(style="thin"))
_TOP = Alignment(vertical="top", wrap_text=True)


def sheet_title(text: str, taken: set[str]) -> str:
    """A valid, unused worksheet name made from ``text``; it is added to ``taken``.

    Excel allows at most 31 characters, none of ``[ ] : * ? /`` nor a backslash, no leading
    or trailing apostrophe, and compares names without regard to case.

    Parameters
    ----------
    text
        The wished name.
    taken
        Case-folded names already used in the workbook (updated).

    Returns
    -------
    str
        The name: ``text`` cleaned and shortened, with `` (2)``, `` (3)`` … when needed to
        be unique.
    """
    base = _BAD_TITLE.sub("_", text).strip().strip("'").strip()[:MAX_SHEET_TITLE]
    base = base.rstrip("'").rstrip() or "_"
    candidate, number = base, 2
    while candidate.casefold() in taken or candidate.casefold() in _RESERVED_TITLES:
        suffix = f" ({number})"
        candidate = base[: MAX_SHEET_TITLE - len(suffix)].rstrip("' ") + suffix
        number += 1
    taken.add(candidate.casefold())
    return candidate


def _display_width(value: Cell) -> int:
    """Columns a value needs: wide (CJK) characters count twice; the longest line counts."""
    if value is None:
        return 0
    lines = str(value).splitlines() or [""]
    return max(
        sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line) for line in lines
    )


class Book:
    """A workbook being filled: unique sheet names, header rows, widths and print set-up.

    Parameters
    ----------
    title
        What the header of every printed page starts with (then the sheet's name).
    """

    def __init__(self, title: str) -> None:
        self.workbook = Workbook()
        self.title = title
        self.taken: set[str] = set()
        self._first = True

    def sheet(self, name: str, header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> Worksheet:
        """Add a sheet with a frozen, bold header row, readable widths, printable on A4."""
        if self._first:
            worksheet = self.workbook.active
            assert isinstance(worksheet, Worksheet)
            self._first = False
        else:
            worksheet = self.workbook.create_sheet()
        worksheet.title = sheet_title(name, self.taken)
        for number, row in enumerate([header, *rows], start=1):
            for index, value in enumerate(row, start=1):
                put_cell(worksheet, number, index, value)
        for cell in worksheet[1]:
            cell.font = _HEADER_FONT
            cell.fill = _HEADER_FILL
            cell.border = _HEADER_BORDER
        for row_cells in worksheet.iter_rows(min_row=2):
            for cell in row_cells:
                cell.alignment = _TOP
        columns = max(len(row) for row in [header, *rows])
        for index in range(1, columns + 1):
            widest = max(
                (_display_width(row[index - 1]) for row in [header, *rows] if index <= len(row)),
                default=0,
            )
            letter = get_column_letter(index)
            worksheet.column_dimensions[letter].width = min(max(widest + 2, MIN_WIDTH), MAX_WIDTH)
        worksheet.freeze_panes = "A2"
        worksheet.print_title_rows = "1:1"
        worksheet.page_setup.orientation = "landscape"
        worksheet.page_setup.paperSize = worksheet.PAPERSIZE_A4
        worksheet.page_setup.fitToWidth = 1
        worksheet.page_setup.fitToHeight = 0
        worksheet.sheet_properties.pageSetUpPr.fitToPage = True
        heading = f"{self.title} — {name}"[:MAX_HEADING]
        worksheet.oddHeader.center.text = heading.replace("&", "&&")
        worksheet.oddFooter.center.text = "&P / &N"
        return worksheet

    def to_bytes(self) -> bytes:
        """The workbook as .xlsx bytes."""
        buffer = io.BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()


def _week_text(index: PlanIndex, language: Language) -> str:
    start = index.scenario.week_start
    return label(language, "week", start=start.isoformat(), end=day_date(start, 6).isoformat())


def _summary_rows(index: PlanIndex, language: Language) -> list[list[Cell]]:
    scenario, plan = index.scenario, index.plan
    requested: Counter[int] = Counter()
    planned: Counter[int] = Counter()
    for need in scenario.needs:
        requested[need.priority] += need.visits
    for visit in plan.visits:
        planned[index.needs[visit.need_id].priority] += 1
    units_requested = sum(a.quantity for need in scenario.needs for a in need.resources)
    units_given = sum(a.quantity for visit in plan.visits for a in visit.resources)
    total_requested = sum(requested.values())
    rows: list[list[Cell]] = [
        [label(language, "summary.scenario"), scenario.name],
        [label(language, "summary.station"), f"{scenario.station.id} {scenario.station.name}"],
        [label(language, "summary.week"), _week_text(index, language)],
        [label(language, "summary.status"), status_name(language, plan.status)],
        [label(language, "summary.solver"), plan.solver.name],
        [label(language, "summary.visits_planned"), len(plan.visits)],
        [label(language, "summary.visits_requested"), total_requested],
        [
            label(language, "summary.coverage"),
            f"{len(plan.visits) / total_requested:.1%}" if total_requested else "–",
        ],
        [label(language, "summary.travel"), sum(r.travel_minutes for r in plan.routes)],
        [label(language, "summary.service"), sum(r.service_minutes for r in plan.routes)],
        [label(language, "summary.unmet"), len(plan.unmet)],
        [label(language, "summary.workers"), len(index.visits_of())],
        [label(language, "summary.units_given"), units_given],
        [label(language, "summary.units_requested"), units_requested],
        [None, None],
        [
            label(language, "summary.priority"),
            label(language, "summary.visits_planned"),
            label(language, "summary.visits_requested"),
            label(language, "summary.coverage"),
        ],
    ]
    for priority in sorted(requested):
        share = planned[priority] / requested[priority] if requested[priority] else 1.0
        rows.append([priority, planned[priority], requested[priority], f"{share:.1%}"])
    return rows


def _visit_cells(index: PlanIndex, language: Language, visit: PlannedVisit) -> list[Cell]:
    """Need id, visit number, household, village, priority, category of a visit."""
    need = index.needs[visit.need_id]
    return [
        visit.need_id,
        visit.visit,
        need.household,
        index.village_name(need),
        need.priority,
        index.category(language, need),
    ]


def _visit_header(language: Language) -> list[str]:
    keys = ("need", "visit", "household", "village", "priority", "category")
    return [label(language, f"col.{key}") for key in keys]


def _day_sheets(book: Book, index: PlanIndex, language: Language) -> None:
    header = [
        label(language, "col.start"),
        label(language, "col.end"),
        *_visit_header(language),
        label(language, "col.workers"),
        label(language, "col.resources"),
    ]
    for day_index, day in enumerate(DAYS):
        visits = [v for v in index.sorted_visits() if v.day == day]
        if not visits:
            continue
        rows = [
            [
                visit.start,
                visit.end,
                *_visit_cells(index, language, visit),
                index.workers_text(language, visit.worker_ids),
                index.resources_text(language, visit.resources),
            ]
            for visit in visits
        ]
        date = day_date(index.scenario.week_start, day_index)
        book.sheet(f"{day_name(language, day_index)} {date:%m-%d}", header, rows)


def _worker_sheets(book: Book, index: PlanIndex, language: Language) -> None:
    header = [
        label(language, "col.date"),
        label(language, "col.shift"),
        label(language, "col.stop"),
        label(language, "col.start"),
        label(language, "col.end"),
        *_visit_header(language),
        label(language, "col.team"),
        label(language, "col.resources"),
        label(language, "col.route_travel"),
    ]
    visits_of = index.visits_of()
    for worker in index.scenario.workers:
        visits = visits_of.get(worker.id)
        if not visits:
            continue
        rows: list[list[Cell]] = []
        for visit in visits:
            key = (worker.id, visit.need_id, visit.visit)
            route = index.routes.get(key)
            day_index = DAYS.index(visit.day)
            date = day_date(index.scenario.week_start, day_index)
            team = [w for w in visit.worker_ids if w != worker.id]
            rows.append(
                [
                    f"{day_name(language, day_index)} {date:%m-%d}",
                    None if route is None else route.shift + 1,
                    index.stop_numbers.get(key),
                    visit.start,
                    visit.end,
                    *_visit_cells(index, language, visit),
                    index.workers_text(language, team) or label(language, "none"),
                    index.resources_text(language, visit.resources),
                    None if route is None else route.travel_minutes,
                ]
            )
        routes = [r for r in index.plan.routes if r.worker_id == worker.id]
        total: list[Cell] = [None] * len(header)
        total[0] = label(language, "summary.total")
        total[-1] = sum(r.travel_minutes for r in routes)
        rows.append(total)
        book.sheet(f"{worker.id} {worker.name}", header, rows)


def _unmet_sheet(book: Book, index: PlanIndex, language: Language) -> None:
    header = [
        label(language, "col.need"),
        label(language, "col.household"),
        label(language, "col.village"),
        label(language, "col.priority"),
        label(language, "col.category"),
        label(language, "col.missing_visits"),
        label(language, "col.missing_resources"),
        label(language, "col.reasons"),
    ]
    rows: list[list[Cell]] = []
    for unmet in sorted(
        index.plan.unmet, key=lambda u: (index.needs[u.need_id].priority, u.need_id)
    ):
        need = index.needs[unmet.need_id]
        rows.append(
            [
                unmet.need_id,
                need.household,
                index.village_name(need),
                need.priority,
                index.category(language, need),
                unmet.missing_visits,
                index.resources_text(language, unmet.missing_resources),
                "\n".join(reason.message for reason in unmet.reasons),
            ]
        )
    book.sheet(label(language, "sheet.unmet"), header, rows)


def _resources_sheet(book: Book, index: PlanIndex, language: Language) -> None:
    header = [
        label(language, f"col.{key}")
        for key in ("resource", "name", "kind", "unit", "requested", "given", "stock", "left")
    ]
    requested: Counter[str] = Counter()
    given: Counter[str] = Counter()
    for need in index.scenario.needs:
        for amount in need.resources:
            requested[amount.id] += amount.quantity
    for visit in index.plan.visits:
        for amount in visit.resources:
            given[amount.id] += amount.quantity
    rows: list[list[Cell]] = [
        [
            resource.id,
            resource.name,
            label(language, f"kind.{resource.kind}"),
            vocabulary.label(language, "unit", resource.unit),
            requested[resource.id],
            given[resource.id],
            resource.available,
            resource.available - given[resource.id],
        ]
        for resource in index.scenario.resources
    ]
    book.sheet(label(language, "sheet.resources"), header, rows)


def plan_workbook(scenario: Scenario, plan: Plan, language: Language = "zh") -> bytes:
    """The plan as an .xlsx workbook for coordinators to read and print.

    Sheets: a summary (week, status, visits planned and requested by priority, travel minutes,
    unmet needs); one per day with visits, sorted by start; one per worker with visits, in day
    and time order with the travel minutes of each route; the unmet needs with their reasons;
    the resources given, requested and in stock. Every sheet has a frozen header row.

    Parameters
    ----------
    scenario
        The scenario the plan was made for.
    plan
        The plan.
    language
        Language of the labels: ``zh`` (default) or ``en``. Reasons of unmet needs are shown
        as written in the plan.

    Returns
    -------
    bytes
        The workbook (Office Open XML).

    Raises
    ------
    ExportError
        When the plan names needs, workers or resources the scenario lacks, or another
        scenario.
    """
    index = PlanIndex.build(scenario, plan)
    title = f"{scenario.name} {_week_text(index, language)}"
    book = Book(title)
    book.sheet(
        label(language, "sheet.summary"),
        [label(language, "summary.item"), label(language, "summary.value")],
        _summary_rows(index, language),
    )
    _day_sheets(book, index, language)
    _worker_sheets(book, index, language)
    _unmet_sheet(book, index, language)
    _resources_sheet(book, index, language)
    return book.to_bytes()
