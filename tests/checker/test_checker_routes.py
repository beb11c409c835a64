"""Rules 4 and 5: routes through shifts, and each worker's caps."""

from __future__ import annotations

import pytest

from service.checker import Violation, check_plan
from service.wire.plan import Plan, PlannedVisit, Route, Stop
from service.wire.scenario import Scenario, Worker


def _codes(violations: list[Violation]) -> set[str]:
    return {v.code for v in violations}


def _visit(plan: Plan, need_id: str, number: int) -> PlannedVisit:
    return next(v for v in plan.visits if (v.need_id, v.visit) == (need_id, number))


def _route(plan: Plan, worker_id: str, day: str) -> Route:
    return next(r for r in plan.routes if (r.worker_id, r.day) == (worker_id, day))


def _worker(scenario: Scenario, worker_id: str) -> Worker:
    return next(w for w in scenario.workers if w.id == worker_id)


def _move(plan: Plan, need_id: str, number: int, start: str, end: str) -> Plan:
    moved = plan.model_copy(deep=True)
    visit = _visit(moved, need_id, number)
    visit.start, visit.end = start, end
    return moved


# Rule 4 ---------------------------------------------------------------------------------------


def test_route_missing_visit(scenario: Scenario, plan: Plan) -> None:
    """Rule 4: a worker's visit that none of the worker's routes lists is reported."""
    broken = plan.model_copy(deep=True)
    route = _route(broken, "sw01", "mon")
    route.stops.pop()
    route.travel_minutes, route.service_minutes = 12, 60
    broken.metrics.travel_minutes, broken.metrics.service_minutes = 36, 285
    assert _codes(check_plan(scenario, broken)) == {"route_missing_visit"}


def test_planned_visit_on_no_route(scenario: Scenario, plan: Plan) -> None:
    """Rule 4: a planned visit on no route at all is reported."""
    broken = plan.model_copy(deep=True)
    broken.routes = [r for r in broken.routes if r.worker_id != "li01"]
    broken.metrics.service_minutes -= 45
    assert _codes(check_plan(scenario, broken)) == {"route_missing_visit"}


def test_route_extra_visit(scenario: Scenario, plan: Plan) -> None:
    """Rule 4: a route stop that is not a visit of that worker on that day is reported."""
    broken = plan.model_copy(deep=True)
    _route(broken, "vol01", "mon").stops.append(Stop(need_id="n003", visit=1))
    assert "route_extra_visit" in _codes(check_plan(scenario, broken))


def test_route_duplicate_stop(scenario: Scenario, plan: Plan) -> None:
    """Rule 4: a visit listed twice on the worker's routes of a day is reported."""
    broken = plan.model_copy(deep=True)
    _route(broken, "vol01", "mon").stops.append(Stop(need_id="n001", visit=1))
    assert "route_duplicate_stop" in _codes(check_plan(scenario, broken))


def test_shift_unknown(scenario: Scenario, plan: Plan) -> None:
    """Rule 4: a route on a shift index the worker does not have that day is reported."""
    broken = plan.model_copy(deep=True)
    _route(broken, "sw01", "wed").shift = 1
    assert _codes(check_plan(scenario, broken)) == {"shift_unknown"}


def test_route_unknown_worker(scenario: Scenario, plan: Plan) -> None:
    """Rule 4: a route of a worker who is not in the scenario is reported."""
    broken = plan.model_copy(deep=True)
    broken.routes.append(_route(broken, "li01", "tue").model_copy(update={"worker_id": "ghost"}))
    found = check_plan(scenario, broken)
    assert "unknown_worker" in {v.code for v in found if v.rule == 4}


def test_duplicate_route(scenario: Scenario, plan: Plan) -> None:
    """Rule 4: two routes for the same worker, day and shift are reported."""
    broken = plan.model_copy(deep=True)
    route = _route(broken, "sw01", "mon")
    second = route.model_copy(deep=True)
    route.stops, second.stops = route.stops[:1], route.stops[1:]
    route.travel_minutes, route.service_minutes = 12, 60
    second.travel_minutes, second.service_minutes = 16, 30
    broken.routes.append(second)
    broken.metrics.travel_minutes = 52
    assert _codes(check_plan(scenario, broken)) == {"duplicate_route"}


def test_one_route_per_shift_satisfied(scenario: Scenario, plan: Plan) -> None:
    """Rule 4: a worker's day split into one route per shift passes."""
    split = _move(plan, "n003", 1, "13:45", "14:15")
    route = _route(split, "sw01", "mon")
    second = route.model_copy(deep=True)
    route.stops, second.stops = route.stops[:1], route.stops[1:]
    route.travel_minutes, route.service_minutes = 12, 60
    second.shift, second.travel_minutes, second.service_minutes = 1, 16, 30
    split.routes.append(second)
    split.metrics.travel_minutes = 52
    assert check_plan(scenario, split) == []


@pytest.mark.parametrize(
    ("start", "end", "ok"),
    [("10:32", "11:02", True), ("10:31", "11:01", False), ("10:00", "10:30", False)],
)
def test_route_time_between_stops(
    scenario: Scenario, plan: Plan, start: str, end: str, ok: bool
) -> None:
    """Rule 4: a visit never starts before the worker arrives from the previous stop."""
    moved = _move(plan, "n003", 1, start, end)  # n001 ends 10:30, then 2 minutes' ride
    assert _codes(check_plan(scenario, moved)) == (set() if ok else {"route_time"})


@pytest.mark.parametrize(("shift_start", "ok"), [("09:27", True), ("09:28", False)])
def test_route_time_from_base(scenario: Scenario, plan: Plan, shift_start: str, ok: bool) -> None:
    """Rule 4: the worker leaves base no earlier than the shift starts (3 minutes by car)."""
    changed = scenario.model_copy(deep=True)
    _worker(changed, "vol01").availability["mon"] = [(shift_start, "12:00")]
    assert _codes(check_plan(changed, plan)) == (set() if ok else {"route_time"})


@pytest.mark.parametrize(
    ("start", "end", "ok"), [("10:52", "11:22", True), ("10:53", "11:23", False)]
)
def test_late_return(scenario: Scenario, plan: Plan, start: str, end: str, ok: bool) -> None:
    """Rule 4: the worker is back at base by the end of the shift (8 minutes from n003)."""
    moved = _move(plan, "n003", 1, start, end)
    assert _codes(check_plan(scenario, moved)) == (set() if ok else {"late_return"})


def test_stops_out_of_order(scenario: Scenario, plan: Plan) -> None:
    """Rule 4: stops driven in an order that contradicts the visit times are reported."""
    broken = plan.model_copy(deep=True)
    _route(broken, "sw01", "mon").stops.reverse()
    assert "route_time" in _codes(check_plan(scenario, broken))


# Rule 5 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("cap", "ok"), [(8, True), (None, True), (7, False)])
def test_max_travel_minutes(scenario: Scenario, plan: Plan, cap: int | None, ok: bool) -> None:
    """Rule 5: the one-way trip base → household is at most max_travel_minutes (n003: 8)."""
    changed = scenario.model_copy(deep=True)
    _worker(changed, "sw01").max_travel_minutes = cap
    found = check_plan(changed, plan)
    assert _codes(found) == (set() if ok else {"out_of_range"})
    assert ok or all("n003" in v.message and "sw01" in v.message for v in found)


@pytest.mark.parametrize(("cap", "ok"), [(2, True), (None, True), (1, False)])
def test_max_visits_per_day(scenario: Scenario, plan: Plan, cap: int | None, ok: bool) -> None:
    """Rule 5: a worker's visits per day stay within max_visits_per_day (sw01: 2 on mon)."""
    changed = scenario.model_copy(deep=True)
    _worker(changed, "sw01").max_visits_per_day = cap
    found = check_plan(changed, plan)
    assert _codes(found) == (set() if ok else {"day_visit_cap"})
    assert ok or [v.message for v in found] == ["Worker sw01 has 2 visits on mon, more than 1."]


@pytest.mark.parametrize(("cap", "ok"), [(178, True), (None, True), (177, False)])
def test_max_minutes_per_week(scenario: Scenario, plan: Plan, cap: int | None, ok: bool) -> None:
    """Rule 5: service plus travel minutes in the week stay within the cap (sw01: 150 + 28)."""
    changed = scenario.model_copy(deep=True)
    _worker(changed, "sw01").max_minutes_per_week = cap
    assert _codes(check_plan(changed, plan)) == (set() if ok else {"week_minutes_cap"})
