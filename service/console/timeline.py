"""The console's timeline: one row per worker, the week's days as columns, visits and travel.

A single day's timeline labels each visit with its household id and village (the tooltip has
the rest).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from service.checker.travel import need_location, travel_minutes, worker_base
from service.console.svg import (
    FONT_SIZE,
    INK,
    MUTED,
    SMALL_FONT_SIZE,
    Attribute,
    LegendItem,
    Symbol,
    day_name,
    document,
    label,
    legend,
    plan_workers,
    priority_colour,
    role_name,
    summary,
    tag,
    text,
    title,
    truncate,
)
from service.messages import Language
from service.wire.common import DAYS, Day, minutes_to_time, time_to_minutes
from service.wire.plan import Plan, PlannedVisit, Route
from service.wire.scenario import Need, Scenario, Worker

LABEL_WIDTH = 190.0
PLOT_WIDTH = 1100.0
MIN_DAY_WIDTH = 150.0
RIGHT_MARGIN = 12.0
HEADER_HEIGHT = 46.0
ROW_HEIGHT = 30.0
VISIT_HEIGHT = 20.0
TRAVEL_HEIGHT = 6.0
VISIT_PADDING = 3.0
DARK_PRIORITIES = (1, 2)
"""Priorities whose fill is dark enough to need white labels."""
MIN_LABELLED_WIDTH = 18.0
"""A day's visits narrower than this (drawing units) carry no label, only their tooltip."""
MIN_TICK_SPACING = 30.0
DEFAULT_SPAN = (8 * 60, 18 * 60)
SHIFT_FILL = "#dde7ee"
TRAVEL_FILL = "#8c979e"
GRID = "#d5dadd"


@dataclass(frozen=True)
class _Leg:
    """Travel on a route: to a visit, or back to base after the last one."""

    day: Day
    start: int
    end: int
    back: bool


@dataclass(frozen=True)
class _Week:
    """The scenario and plan, looked up by id, and what the timeline shows of them."""

    scenario: Scenario
    plan: Plan
    needs: dict[str, Need]
    villages: dict[str, str]
    names: dict[str, str]
    visits: dict[tuple[str, int], PlannedVisit]
    days: tuple[Day, ...]
    rows: tuple[Worker, ...]
    by_worker: dict[str, list[PlannedVisit]]


@dataclass(frozen=True)
class _Frame:
    """Where a day and minute go across, and the hours shown."""

    days: tuple[Day, ...]
    start: int
    end: int
    day_width: float

    @property
    def width(self) -> float:
        """Width of the whole drawing."""
        return LABEL_WIDTH + len(self.days) * self.day_width + RIGHT_MARGIN

    def left(self, day: Day) -> float:
        """Left edge of a day's column."""
        return LABEL_WIDTH + self.days.index(day) * self.day_width

    def x(self, day: Day, minute: int) -> float:
        """Across position of a minute of a day, kept inside the day's column."""
        clamped = min(max(minute, self.start), self.end)
        return self.left(day) + (clamped - self.start) * self.day_width / (self.end - self.start)


def _week(scenario: Scenario, plan: Plan, day: Day | None) -> _Week:
    """Index the scenario and plan; choose the rows and days shown."""
    wanted = DAYS if day is None else (day,)
    busy = plan_workers(plan, wanted)
    rows = tuple(worker for worker in scenario.workers if worker.id in busy)
    if day is not None:
        days: tuple[Day, ...] = (day,)
    else:
        used = {d for worker in rows for d in worker.availability}
        used |= {visit.day for visit in plan.visits}
        days = tuple(d for d in DAYS if d in used) or DAYS[:5]
    by_worker: dict[str, list[PlannedVisit]] = defaultdict(list)
    for visit in plan.visits:
        if visit.day in days:
            for worker_id in visit.worker_ids:
                by_worker[worker_id].append(visit)
    return _Week(
        scenario=scenario,
        plan=plan,
        needs={need.id: need for need in scenario.needs},
        villages={village.id: village.name for village in scenario.villages},
        names={worker.id: worker.name for worker in scenario.workers},
        visits={(visit.need_id, visit.visit): visit for visit in plan.visits},
        days=days,
        rows=rows,
        by_worker=by_worker,
    )


def _route_legs(week: _Week, worker: Worker, route: Route) -> list[_Leg]:
    """The travel of one route by the spec formula: to each stop, then back to base."""
    scenario = week.scenario
    base = here = worker_base(scenario, worker)
    legs: list[_Leg] = []
    last: PlannedVisit | None = None
    for stop in route.stops:
        visit = week.visits.get((stop.need_id, stop.visit))
        need = week.needs.get(stop.need_id)
        if visit is None or need is None:
            continue
        there = need_location(scenario, need)
        minutes = travel_minutes(here, there, worker.transport, scenario.travel)
        start = time_to_minutes(visit.start)
        if minutes:
            legs.append(_Leg(route.day, start - minutes, start, back=False))
        here, last = there, visit
    if last is not None:
        minutes = travel_minutes(here, base, worker.transport, scenario.travel)
        end = time_to_minutes(last.end)
        if minutes:
            legs.append(_Leg(route.day, end, end + minutes, back=True))
    return legs


def _legs(week: _Week) -> dict[str, list[_Leg]]:
    """The travel of every route shown, per worker, in the plan's order."""
    workers = {worker.id: worker for worker in week.rows}
    legs: dict[str, list[_Leg]] = defaultdict(list)
    for route in week.plan.routes:
        worker = workers.get(route.worker_id)
        if worker is not None and route.day in week.days:
            legs[worker.id].extend(_route_legs(week, worker, route))
    return legs


def _frame(week: _Week, legs: dict[str, list[_Leg]]) -> _Frame:
    """Whole hours from the earliest shift start to the latest shift end (visits, travel too)."""
    minutes: list[int] = []
    for worker in week.rows:
        for day in week.days:
            for shift in worker.availability.get(day, []):
                minutes += [time_to_minutes(clock) for clock in shift]
    for visit in week.plan.visits:
        if visit.day in week.days:
            minutes += [time_to_minutes(visit.start), time_to_minutes(visit.end)]
    minutes += [m for route in legs.values() for leg in route for m in (leg.start, leg.end)]
    first, last = (min(minutes), max(minutes)) if minutes else DEFAULT_SPAN
    start = max(0, first // 60 * 60)
    end = min(24 * 60, -(-last // 60) * 60)
    if end <= start:
        start, end = DEFAULT_SPAN
    day_width = max(MIN_DAY_WIDTH, PLOT_WIDTH / len(week.days))
    return _Frame(week.days, start, end, day_width)


def _header(week: _Week, frame: _Frame, bottom: float, language: Language) -> list[str]:
    """Day names with dates, hour ticks with labels, and the column lines."""
    parts: list[str] = []
    hours = (frame.end - frame.start) // 60
    hour_width = frame.day_width / hours
    step = next((s for s in (1, 2, 3, 4, 6, 12) if s * hour_width >= MIN_TICK_SPACING), 24)
    for day in frame.days:
        left = frame.left(day)
        date = week.scenario.week_start + dt.timedelta(days=DAYS.index(day))
        heading = f"{day_name(language, day)} {date.month}/{date.day}"
        parts.append(
            text(
                left + frame.day_width / 2,
                17,
                heading,
                size=13,
                text_anchor="middle",
                font_weight="bold",
            )
        )
        for hour in range(hours):
            x = left + hour * hour_width
            if hour:
                parts.append(_line(x, HEADER_HEIGHT, x, bottom, GRID))
            if hour % step == 0:
                clock = str(frame.start // 60 + hour)
                parts.append(text(x + 2, 38, clock, size=SMALL_FONT_SIZE, fill=MUTED))
        parts.append(_line(left, 0, left, bottom, MUTED))
    parts.append(_line(frame.width - RIGHT_MARGIN, 0, frame.width - RIGHT_MARGIN, bottom, MUTED))
    parts.append(_line(0, HEADER_HEIGHT, frame.width, HEADER_HEIGHT, MUTED))
    return [tag("g", {"class": "axis"}, "".join(parts))]


def _line(x1: float, y1: float, x2: float, y2: float, colour: str) -> str:
    """A thin line."""
    return tag(
        "line", {"x1": x1, "y1": y1, "x2": x2, "y2": y2, "stroke": colour, "stroke-width": 1}
    )


def _shifts(worker: Worker, frame: _Frame, top: float, language: Language) -> list[str]:
    """The worker's shifts on the days shown, as faint bands."""
    parts: list[str] = []
    for day in frame.days:
        for start, end in worker.availability.get(day, []):
            x1 = frame.x(day, time_to_minutes(start))
            x2 = frame.x(day, time_to_minutes(end))
            attributes: dict[str, Attribute] = {
                "class": "shift",
                "x": x1,
                "y": top + 2,
                "width": x2 - x1,
                "height": ROW_HEIGHT - 4,
                "fill": SHIFT_FILL,
                "data-day": day,
            }
            parts.append(
                tag("rect", attributes, title(label(language, "shift", start=start, end=end)))
            )
    return parts


def _travel(leg: _Leg, frame: _Frame, top: float, language: Language) -> str:
    """One leg of travel: a thin grey bar ending where the visit starts (or after the last)."""
    x1, x2 = frame.x(leg.day, leg.start), frame.x(leg.day, leg.end)
    key = "travel.back" if leg.back else "travel"
    attributes: dict[str, Attribute] = {
        "class": "travel",
        "x": x1,
        "y": top + (ROW_HEIGHT - TRAVEL_HEIGHT) / 2,
        "width": max(x2 - x1, 0.5),
        "height": TRAVEL_HEIGHT,
        "fill": TRAVEL_FILL,
        "data-day": leg.day,
        "data-leg": "back" if leg.back else "to",
        "data-minutes": leg.end - leg.start,
    }
    return tag("rect", attributes, title(label(language, key, minutes=leg.end - leg.start)))


def _visit(
    week: _Week, visit: PlannedVisit, need: Need, frame: _Frame, top: float, language: Language
) -> str:
    """One visit in one worker's row, coloured by the need's priority."""
    start, end = time_to_minutes(visit.start), time_to_minutes(visit.end)
    x1, x2 = frame.x(visit.day, start), frame.x(visit.day, end)
    what = label(
        language,
        "visit",
        need=need.id,
        visit=visit.visit,
        household=need.household,
        village=week.villages.get(need.village, need.village),
        start=minutes_to_time(start),
        end=minutes_to_time(end),
        priority=need.priority,
    )
    team = label(language, "sep").join(week.names.get(w, w) for w in visit.worker_ids)
    attributes: dict[str, Attribute] = {
        "class": "visit",
        "x": x1,
        "y": top + (ROW_HEIGHT - VISIT_HEIGHT) / 2,
        "width": max(x2 - x1, 1.0),
        "height": VISIT_HEIGHT,
        "rx": 2,
        "fill": priority_colour(need.priority),
        "stroke": INK,
        "stroke-width": 0.5,
        "data-need-id": visit.need_id,
        "data-visit": visit.visit,
        "data-day": visit.day,
        "data-priority": need.priority,
    }
    bar = tag("rect", attributes, title(f"{what} · {label(language, 'team', team=team)}"))
    room = x2 - x1 - 2 * VISIT_PADDING
    if len(week.days) > 1 or room < MIN_LABELLED_WIDTH:
        return bar
    village = week.villages.get(need.village, need.village)
    written = truncate(f"{need.household} {village}", SMALL_FONT_SIZE, room)
    caption = text(
        x1 + VISIT_PADDING,
        top + ROW_HEIGHT / 2 + SMALL_FONT_SIZE / 3,
        written,
        size=SMALL_FONT_SIZE,
        fill="#ffffff" if need.priority in DARK_PRIORITIES else INK,
        pointer_events="none",
        **{"class": "visit-label"},
    )
    return bar + caption


def _row(
    week: _Week, worker: Worker, legs: Sequence[_Leg], frame: _Frame, top: float, language: Language
) -> str:
    """One worker's row: label, shifts, travel, visits."""
    name = label(language, "worker", name=worker.name, role=role_name(language, worker.role))
    parts = [
        title(name),
        text(8, top + ROW_HEIGHT / 2 + 4, truncate(name, FONT_SIZE, LABEL_WIDTH - 14)),
        _line(0, top + ROW_HEIGHT, frame.width, top + ROW_HEIGHT, GRID),
        *_shifts(worker, frame, top, language),
    ]
    parts += [_travel(leg, frame, top, language) for leg in legs]
    for visit in week.by_worker.get(worker.id, []):
        need = week.needs.get(visit.need_id)
        if need is not None:
            parts.append(_visit(week, visit, need, frame, top, language))
    return tag("g", {"class": "worker", "data-worker-id": worker.id}, "".join(parts))


def _legend_items(language: Language) -> list[LegendItem]:
    """Priorities, travel and shift."""

    def swatch(colour: str, height: float) -> Symbol:
        return lambda x, y: tag(
            "rect",
            {"x": x, "y": y + (14 - height) / 2, "width": 14, "height": height, "fill": colour},
        )

    items = [
        LegendItem(swatch(priority_colour(p), 14), label(language, "legend.priority", priority=p))
        for p in range(1, 6)
    ]
    items.append(LegendItem(swatch(TRAVEL_FILL, TRAVEL_HEIGHT), label(language, "legend.travel")))
    items.append(LegendItem(swatch(SHIFT_FILL, 14), label(language, "legend.shift")))
    return items


def timeline_svg(
    scenario: Scenario, plan: Plan, language: Language = "zh", day: Day | None = None
) -> str:
    """A Gantt-style timeline of the plan: one row per worker with visits, a column per day.

    Parameters
    ----------
    scenario
        The scenario the plan was made for (names, shifts, locations, priorities).
    plan
        The plan; visits or stops naming needs or workers the scenario lacks are left out.
    language
        ``zh`` or ``en``, for every label.
    day
        Show only this day; by default every day on which a worker shown has a shift or visit.

    Returns
    -------
    str
        An inline SVG: ``rect.shift`` bands, ``rect.travel`` legs (spec travel formula, from
        the previous stop or base, and back to base after the last stop) and one
        ``rect.visit`` per visit and worker of its team, coloured by priority, with tooltips.
    """
    week = _week(scenario, plan, day)
    legs = _legs(week)
    frame = _frame(week, legs)
    bottom = HEADER_HEIGHT + max(len(week.rows), 1) * ROW_HEIGHT
    body = _header(week, frame, bottom, language)
    for index, worker in enumerate(week.rows):
        top = HEADER_HEIGHT + index * ROW_HEIGHT
        body.append(_row(week, worker, legs.get(worker.id, []), frame, top, language))
    if not week.rows:
        body.append(
            text(LABEL_WIDTH + 10, HEADER_HEIGHT + 20, label(language, "empty"), fill=MUTED)
        )
    key, height = legend(_legend_items(language), 8, bottom + 12, frame.width - 16)
    body.append(key)
    visits = sum(1 for visit in plan.visits if visit.day in week.days)
    heading = (
        label(language, "timeline.title", scenario=scenario.name)
        if day is None
        else label(
            language, "timeline.title.day", scenario=scenario.name, day=day_name(language, day)
        )
    )
    description = summary(language, visits, len(week.rows), len(plan.unmet), day)
    return document(
        f"timeline-{day or 'week'}",
        "timeline",
        (frame.width, bottom + 12 + height + 4),
        (heading, description),
        body,
    )
