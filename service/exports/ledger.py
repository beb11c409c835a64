"""A station's monthly ledger (台账): what happened to every planned visit of a month.

Pure functions of wire data (no web, no storage): the caller hands over, for every week that
overlaps the month, the plan in force with its scenario and the records of its visits;
:meth:`Ledger.build` keeps the visits dated in the month, :func:`ledger_workbook` and
:func:`ledger_csv` write them out.

The workbook's sheets: the ledger (one row per planned visit: date, village, household,
category, workers and their roles, minutes, goods and funds planned and handed over, status and
why a visit was missed, carried over or not), one sheet per village with its rows, the
households served with their groups, the workers' hours (social workers' and volunteers' apart,
and the visits of a social worker and a volunteer together, 双工联动), and the resources linked.
A planned visit without a record is *not recorded*. Residents appear as household ids only;
records' notes never reach this module (:class:`Recorded` has no note).
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from service import vocabulary
from service.exports.common import ExportError, plan_problems
from service.exports.labels import label
from service.exports.workbook import Book, Cell
from service.messages import Language, say
from service.wire.common import DAYS, ROLES, Role, time_to_minutes
from service.wire.plan import Plan, PlannedVisit
from service.wire.records import MissedReason, RecordStatus, ResourceGiven
from service.wire.scenario import Need, Resource, Scenario, Village, Worker

CARRIED_SUFFIX = "~carried"
"""How the id of a need carried over from an earlier week ends (``service.api.carry``)."""
Status = Literal["done", "partly_done", "missed", "not_recorded"]
SERVED: tuple[Status, ...] = ("done", "partly_done")
"""Statuses of a visit that took place: their minutes count as hours, their household served."""
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CENTRED = Alignment(horizontal="center", vertical="top")


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month.

    Parameters
    ----------
    year
        1 to 9999.
    month
        1 to 12.
    """

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.year <= 9999:
            raise ValueError(f"year {self.year} not understood")
        if not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} not understood")

    @classmethod
    def parse(cls, text: str) -> Month:
        """The month written ``YYYY-MM``.

        Parameters
        ----------
        text
            Such as ``2026-11``.

        Returns
        -------
        Month
            The month.

        Raises
        ------
        ValueError
            When ``text`` is not a month written ``YYYY-MM``.
        """
        found = _MONTH.fullmatch(text.strip())
        if found is None:
            raise ValueError(f"{text!r} is not a month written YYYY-MM")
        try:
            return cls(int(found.group(1)), int(found.group(2)))
        except ValueError:
            raise ValueError(f"{text!r} is not a month written YYYY-MM") from None

    @property
    def first(self) -> dt.date:
        """Its first day."""
        return dt.date(self.year, self.month, 1)

    @property
    def last(self) -> dt.date:
        """Its last day."""
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def mondays(self) -> list[dt.date]:
        """The Mondays of the weeks that overlap the month, in order."""
        monday = self.first - dt.timedelta(days=self.first.weekday())
        found = []
        while monday <= self.last:
            found.append(monday)
            monday += dt.timedelta(days=7)
        return found

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class Recorded:
    """What the record of a visit says, as far as the ledger shows it (never its note).

    Parameters
    ----------
    status
        ``done``, ``missed`` or ``partly_done``.
    missed_reason
        Why a missed visit was missed.
    actual_minutes
        How long it took, when recorded; else the planned minutes count.
    resources_given
        The goods and funds handed over.
    """

    status: RecordStatus
    missed_reason: MissedReason | None = None
    actual_minutes: int | None = None
    resources_given: tuple[ResourceGiven, ...] = ()


@dataclass(frozen=True)
class LedgerWeek:
    """One week's plan in force, the scenario it was made for, and its visits' records.

    Parameters
    ----------
    scenario
        The scenario of the plan.
    plan
        The plan in force.
    records
        The record of each (need id, visit number) that has one.
    """

    scenario: Scenario
    plan: Plan
    records: Mapping[tuple[str, int], Recorded] = field(default_factory=dict)


@dataclass(frozen=True)
class Amount:
    """A quantity of one resource."""

    resource_id: str
    quantity: int


@dataclass(frozen=True)
class TeamMember:
    """A worker of a visit's team."""

    worker_id: str
    name: str
    role: Role


@dataclass(frozen=True)
class LedgerRow:
    """One planned visit of the month and what happened to it.

    ``minutes`` is the time spent: the recorded actual minutes, else the planned ones, for a
    visit done or partly done; None for one missed or not recorded.
    """

    date: dt.date
    start: str
    end: str
    village_id: str
    household: str
    need_id: str
    visit: int
    category: str
    groups: tuple[str, ...]
    team: tuple[TeamMember, ...]
    planned_minutes: int
    minutes: int | None
    planned: tuple[Amount, ...]
    given: tuple[Amount, ...]
    status: Status
    missed_reason: MissedReason | None
    carried: bool

    @property
    def paired(self) -> bool:
        """Whether a social worker and a volunteer went together (双工联动)."""
        roles = {member.role for member in self.team}
        return "social_worker" in roles and "volunteer" in roles


@dataclass(frozen=True)
class HouseholdServed:
    """A household with at least one visit done or partly done in the month."""

    household: str
    village_id: str
    groups: tuple[str, ...]
    visits_done: int
    visits_partly_done: int
    minutes: int


@dataclass(frozen=True)
class WorkerHours:
    """A worker's visits and hours of the month (hours of visits done or partly done)."""

    worker_id: str
    name: str
    role: Role
    visits_planned: int
    visits_served: int
    minutes: int
    paired_visits: int


@dataclass(frozen=True)
class ResourceTotal:
    """A resource planned or handed over in the month."""

    resource: Resource
    planned: int
    given: int


@dataclass(frozen=True)
class Ledger:
    """The month's planned visits with their outcome, and what the sheets add up.

    Build it with :meth:`build`.
    """

    station_id: str
    station_name: str
    month: Month
    rows: tuple[LedgerRow, ...]
    villages: Mapping[str, Village]
    workers: Mapping[str, Worker]
    resources: Mapping[str, Resource]

    @classmethod
    def build(
        cls,
        station_id: str,
        month: Month,
        weeks: Sequence[LedgerWeek],
        station_name: str | None = None,
    ) -> Ledger:
        """The ledger of the visits of ``weeks`` dated in ``month``.

        Parameters
        ----------
        station_id
            The station.
        month
            The month.
        weeks
            The plans in force of the weeks overlapping the month, in week order, with their
            records; a record of a visit the plan does not have is ignored.
        station_name
            The station's name; by default the one of the latest week's scenario, else its id.

        Returns
        -------
        Ledger
            Rows by date, start, village, household, need and visit. Villages, workers and
            resources are described as in the latest week that names them.

        Raises
        ------
        ExportError
            When a plan names needs, workers or resources its scenario lacks.
        """
        rows: list[LedgerRow] = []
        villages: dict[str, Village] = {}
        workers: dict[str, Worker] = {}
        resources: dict[str, Resource] = {}
        named = station_id
        for week in weeks:
            problems = plan_problems(week.scenario, week.plan)
            if problems:
                raise ExportError(problems)
            villages.update((v.id, v) for v in week.scenario.villages)
            workers.update((w.id, w) for w in week.scenario.workers)
            resources.update((r.id, r) for r in week.scenario.resources)
            named = week.scenario.station.name
            needs = {need.id: need for need in week.scenario.needs}
            for visit in week.plan.visits:
                date = week.scenario.week_start + dt.timedelta(days=DAYS.index(visit.day))
                if month.first <= date <= month.last:
                    record = week.records.get((visit.need_id, visit.visit))
                    rows.append(_row(date, visit, needs[visit.need_id], workers, record))
        rows.sort(key=lambda r: (r.date, r.start, r.village_id, r.household, r.need_id, r.visit))
        name = named if station_name is None else station_name
        return cls(station_id, name, month, tuple(rows), villages, workers, resources)

    def village_name(self, village_id: str) -> str:
        """The name of a village (its id when no week describes it)."""
        village = self.villages.get(village_id)
        return village.name if village is not None else village_id

    def households(self) -> list[HouseholdServed]:
        """The households served in the month, by village (in scenario order) and id."""
        served: dict[str, list[LedgerRow]] = {}
        for row in self.rows:
            if row.status in SERVED:
                served.setdefault(row.household, []).append(row)
        order = {village_id: index for index, village_id in enumerate(self.villages)}
        found = []
        for household, visits in served.items():
            groups = sorted({group for visit in visits for group in visit.groups})
            found.append(
                HouseholdServed(
                    household=household,
                    village_id=visits[0].village_id,
                    groups=tuple(groups),
                    visits_done=sum(visit.status == "done" for visit in visits),
                    visits_partly_done=sum(visit.status == "partly_done" for visit in visits),
                    minutes=sum(visit.minutes or 0 for visit in visits),
                )
            )
        found.sort(key=lambda h: (order.get(h.village_id, len(order)), h.village_id, h.household))
        return found

    def worker_hours(self) -> list[WorkerHours]:
        """Every worker with a visit planned in the month, in scenario order."""
        planned: dict[str, int] = {}
        served: dict[str, int] = {}
        minutes: dict[str, int] = {}
        paired: dict[str, int] = {}
        for row in self.rows:
            for member in row.team:
                worker_id = member.worker_id
                planned[worker_id] = planned.get(worker_id, 0) + 1
                if row.status in SERVED:
                    served[worker_id] = served.get(worker_id, 0) + 1
                    minutes[worker_id] = minutes.get(worker_id, 0) + (row.minutes or 0)
                    paired[worker_id] = paired.get(worker_id, 0) + row.paired
        return [
            WorkerHours(
                worker_id=worker.id,
                name=worker.name,
                role=worker.role,
                visits_planned=planned[worker.id],
                visits_served=served.get(worker.id, 0),
                minutes=minutes.get(worker.id, 0),
                paired_visits=paired.get(worker.id, 0),
            )
            for worker in self.workers.values()
            if worker.id in planned
        ]

    def paired_visits(self) -> int:
        """Visits done or partly done by a social worker and a volunteer together."""
        return sum(row.paired for row in self.rows if row.status in SERVED)

    def resource_totals(self) -> list[ResourceTotal]:
        """Every resource planned or handed over in the month, in scenario order."""
        planned: dict[str, int] = {}
        given: dict[str, int] = {}
        for row in self.rows:
            for amount in row.planned:
                planned[amount.resource_id] = planned.get(amount.resource_id, 0) + amount.quantity
            for amount in row.given:
                given[amount.resource_id] = given.get(amount.resource_id, 0) + amount.quantity
        return [
            ResourceTotal(resource, planned.get(resource.id, 0), given.get(resource.id, 0))
            for resource in self.resources.values()
            if resource.id in planned or resource.id in given
        ]


def _row(
    date: dt.date,
    visit: PlannedVisit,
    need: Need,
    workers: Mapping[str, Worker],
    record: Recorded | None,
) -> LedgerRow:
    planned_minutes = time_to_minutes(visit.end) - time_to_minutes(visit.start)
    status: Status = "not_recorded" if record is None else record.status
    minutes: int | None = None
    if record is not None and status in SERVED:
        minutes = planned_minutes if record.actual_minutes is None else record.actual_minutes
    return LedgerRow(
        date=date,
        start=visit.start,
        end=visit.end,
        village_id=need.village,
        household=need.household,
        need_id=visit.need_id,
        visit=visit.visit,
        category=need.category,
        groups=tuple(need.groups),
        team=tuple(
            TeamMember(worker_id, workers[worker_id].name, workers[worker_id].role)
            for worker_id in visit.worker_ids
        ),
        planned_minutes=planned_minutes,
        minutes=minutes,
        planned=tuple(Amount(a.id, a.quantity) for a in visit.resources),
        given=()
        if record is None
        else tuple(Amount(g.id, g.quantity) for g in record.resources_given if g.quantity),
        status=status,
        missed_reason=record.missed_reason if record is not None else None,
        carried=visit.need_id.endswith(CARRIED_SUFFIX),
    )


def _hours(minutes: int) -> float:
    return round(minutes / 60, 2)


def _role(language: Language, role: Role) -> str:
    return say(language, f"role.{ROLES.index(role)}")


def _amounts(ledger: Ledger, language: Language, amounts: Sequence[Amount]) -> str:
    parts = []
    for amount in amounts:
        resource = ledger.resources.get(amount.resource_id)
        if resource is None:
            parts.append(f"{amount.resource_id} × {amount.quantity}")
        else:
            unit = vocabulary.unit_of(language, resource.unit, amount.quantity)
            parts.append(f"{resource.name} × {amount.quantity} {unit}")
    return say(language, "list.sep").join(parts)


def _reason(language: Language, reason: MissedReason | None) -> str | None:
    return None if reason is None else label(language, f"ledger.reason.{reason}")


def _ledger_header(language: Language) -> list[str]:
    keys = (
        "date",
        "village",
        "village_id",
        "household",
        "need",
        "visit",
        "category",
        "time",
        "workers",
        "planned_minutes",
        "minutes",
        "planned_resources",
        "given_resources",
        "status",
        "missed_reason",
        "carried",
    )
    return [label(language, f"ledger.col.{key}") for key in keys]


def _ledger_cells(ledger: Ledger, language: Language, row: LedgerRow) -> list[Cell]:
    team = say(language, "list.sep").join(
        label(
            language,
            "ledger.worker",
            id=member.worker_id,
            name=member.name,
            role=_role(language, member.role),
        )
        for member in row.team
    )
    return [
        row.date,
        ledger.village_name(row.village_id),
        row.village_id,
        row.household,
        row.need_id,
        row.visit,
        label(language, f"category.{row.category}"),
        f"{row.start}–{row.end}",
        team,
        row.planned_minutes,
        row.minutes,
        _amounts(ledger, language, row.planned),
        _amounts(ledger, language, row.given),
        label(language, f"ledger.status.{row.status}"),
        _reason(language, row.missed_reason),
        label(language, "ledger.yes" if row.carried else "ledger.no"),
    ]


def _households_sheet(book: Book, ledger: Ledger, language: Language) -> None:
    header = [
        label(language, f"ledger.col.{key}")
        for key in ("household", "village", "village_id", "groups", "visits_done")
    ]
    header += [label(language, "ledger.col.visits_partly"), label(language, "ledger.col.hours")]
    sep = say(language, "list.sep")
    rows: list[list[Cell]] = [
        [
            served.household,
            ledger.village_name(served.village_id),
            served.village_id,
            sep.join(label(language, f"group.{group}") for group in served.groups),
            served.visits_done,
            served.visits_partly_done,
            _hours(served.minutes),
        ]
        for served in ledger.households()
    ]
    book.sheet(label(language, "ledger.sheet.households"), header, rows)


def _workers_sheet(book: Book, ledger: Ledger, language: Language) -> None:
    keys = (
        "worker",
        "name",
        "role",
        "visits_planned",
        "visits_done",
        "hours",
        "social_worker_hours",
        "volunteer_hours",
        "paired",
    )
    header = [label(language, f"ledger.col.{key}") for key in keys]
    found = ledger.worker_hours()
    rows: list[list[Cell]] = []
    for worker in found:
        hours = _hours(worker.minutes)
        rows.append(
            [
                worker.worker_id,
                worker.name,
                _role(language, worker.role),
                worker.visits_planned,
                worker.visits_served,
                hours,
                hours if worker.role == "social_worker" else 0.0,
                hours if worker.role == "volunteer" else 0.0,
                worker.paired_visits,
            ]
        )

    def minutes_of(role: Role | None) -> int:
        return sum(w.minutes for w in found if role is None or w.role == role)

    rows.append(
        [
            label(language, "ledger.total"),
            None,
            None,
            sum(w.visits_planned for w in found),
            sum(w.visits_served for w in found),
            _hours(minutes_of(None)),
            _hours(minutes_of("social_worker")),
            _hours(minutes_of("volunteer")),
            sum(w.paired_visits for w in found),
        ]
    )
    rows.append([None] * len(header))
    paired_total: list[Cell] = [None] * len(header)
    paired_total[0] = label(language, "ledger.paired_total")
    paired_total[-1] = ledger.paired_visits()
    rows.append(paired_total)
    book.sheet(label(language, "ledger.sheet.workers"), header, rows)


def _resources_sheet(book: Book, ledger: Ledger, language: Language) -> None:
    keys = ("resource", "resource_name", "kind", "unit", "planned_quantity", "given_quantity")
    header = [label(language, f"ledger.col.{key}") for key in keys]
    rows: list[list[Cell]] = [
        [
            total.resource.id,
            total.resource.name,
            label(language, f"kind.{total.resource.kind}"),
            vocabulary.label(language, "unit", total.resource.unit),
            total.planned,
            total.given,
        ]
        for total in ledger.resource_totals()
    ]
    book.sheet(label(language, "ledger.sheet.resources"), header, rows)


def ledger_workbook(ledger: Ledger, language: Language = "zh") -> bytes:
    """The ledger as an .xlsx workbook to keep and print (A4 landscape, header row repeated).

    Sheets: the ledger (every visit of the month); one per village with visits, named after
    it; the households served; the workers' hours; the resources. Every text cell is text,
    never a formula (``service.tabular.writing.put_cell``).

    Parameters
    ----------
    ledger
        The month's ledger.
    language
        ``zh`` (Chinese headers and words, the default) or ``en``.

    Returns
    -------
    bytes
        The workbook (Office Open XML).
    """
    month = ledger.month
    title = label(
        language, "ledger.title", station=ledger.station_name, year=month.year, month=month.month
    )
    book = Book(title)
    header = _ledger_header(language)
    book.sheet(
        label(language, "ledger.sheet.ledger"),
        header,
        [_ledger_cells(ledger, language, row) for row in ledger.rows],
    )
    for village_id in ledger.villages:
        mine = [r for r in ledger.rows if r.village_id == village_id]
        if mine:
            rows = [_ledger_cells(ledger, language, row) for row in mine]
            book.sheet(ledger.village_name(village_id), header, rows)
    _households_sheet(book, ledger, language)
    _workers_sheet(book, ledger, language)
    _resources_sheet(book, ledger, language)
    for worksheet in book.workbook.worksheets:
        _center_numbers(worksheet)
    return book.to_bytes()


def _center_numbers(worksheet: Worksheet) -> None:
    """Numbers and dates centred, so that they do not run into the text beside them."""
    for cells in worksheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, int | float | dt.date) and not isinstance(cell.value, bool):
                cell.alignment = _CENTRED


def csv_safe(value: Cell) -> str:
    """A cell as CSV text that a spreadsheet will not run as a formula.

    Parameters
    ----------
    value
        A cell value.

    Returns
    -------
    str
        Empty for None; ISO dates; text starting with ``=``, ``+``, ``-``, ``@``, a tab or a
        carriage return gets a leading apostrophe (numbers are written as they are).
    """
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return "'" + value if value.startswith(_FORMULA_START) else value
    return str(value)


def ledger_csv(ledger: Ledger, language: Language = "zh") -> bytes:
    """The ledger sheet alone as CSV, UTF-8 with a BOM (so that Excel reads Chinese right).

    Parameters
    ----------
    ledger
        The month's ledger.
    language
        ``zh`` (the default) or ``en``.

    Returns
    -------
    bytes
        The file, one line per visit under the header, CRLF line ends.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(_ledger_header(language))
    for row in ledger.rows:
        writer.writerow(csv_safe(value) for value in _ledger_cells(ledger, language, row))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
