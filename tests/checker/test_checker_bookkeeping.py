"""Rule 7 (route totals, metrics, unmet, status) and the checker as a whole."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.checker import Violation, check_plan
from service.wire.common import DAYS, ResourceAmount
from service.wire.plan import Plan, PlannedVisit, Reason, Route, Stop, Unmet
from service.wire.scenario import Need, Scenario


def _codes(violations: list[Violation]) -> set[str]:
    return {v.code for v in violations}


def _visit(plan: Plan, need_id: str, number: int) -> PlannedVisit:
    return next(v for v in plan.visits if (v.need_id, v.visit) == (need_id, number))


def _route(plan: Plan, worker_id: str, day: str) -> Route:
    return next(r for r in plan.routes if (r.worker_id, r.day) == (worker_id, day))


def _need(scenario: Scenario, need_id: str) -> Need:
    return next(n for n in scenario.needs if n.id == need_id)


def _unmet(need_id: str, visits: int, **resources: int) -> Unmet:
    return Unmet(
        need_id=need_id,
        missing_visits=visits,
        missing_resources=[ResourceAmount(id=k, quantity=n) for k, n in resources.items()],
        reasons=[Reason(code="capacity_exhausted", message="No time left.")],
    )


# Route totals ---------------------------------------------------------------------------------


def test_route_travel_total(scenario: Scenario, plan: Plan) -> None:
    """Rule 7: a route's travel_minutes equals the sum of its legs, base to base."""
    broken = plan.model_copy(deep=True)
    _route(broken, "sw01", "mon").travel_minutes = 15
    broken.metrics.travel_minutes = 39
    found = check_plan(scenario, broken)
    assert [(v.rule, v.code) for v in found] == [(7, "route_totals")]


def test_route_service_total(scenario: Scenario, plan: Plan) -> None:
    """Rule 7: a route's service_minutes equals the sum of its visits' durations."""
    broken = plan.model_copy(deep=True)
    _route(broken, "sw01", "mon").service_minutes = 89
    broken.metrics.service_minutes = 314
    assert _codes(check_plan(scenario, broken)) == {"route_totals"}


# Metrics --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "ok"),
    [
        ({"coverage_by_priority": {"1": 1.0, "2": 1.0, "3": 1.0, "4": 1e-9}}, True),
        ({"requested_by_priority": {"1": 2, "2": 1, "3": 1, "4": 1}}, True),
        ({"planned_by_priority": {"1": 2, "2": 1, "3": 1}}, True),
        ({"visits_requested": 6}, False),
        ({"visits_planned": 3}, False),
        ({"travel_minutes": 41}, False),
        ({"service_minutes": 316}, False),
        ({"coverage_by_priority": {"1": 1.0, "2": 1.0, "3": 1.0, "4": 0.5}}, False),
        ({"coverage_by_priority": {"1": 1.0, "2": 1.0, "3": 1.0}}, False),
        ({"coverage_by_priority": {"1": 1.0, "2": 1.0, "3": 1.0, "4": 0.0, "5": 1.0}}, False),
        ({"requested_by_priority": {"1": 2, "2": 1, "3": 1, "4": 2}}, False),
        ({"planned_by_priority": {"1": 2, "2": 1, "3": 1, "4": 1}}, False),
    ],
)
def test_metrics(scenario: Scenario, plan: Plan, changes: dict[str, Any], ok: bool) -> None:
    """Rule 7: the metrics agree with the scenario, the visits and the routes."""
    changed = plan.model_copy(deep=True)
    for field, value in changes.items():
        setattr(changed.metrics, field, value)
    assert _codes(check_plan(scenario, changed)) == (set() if ok else {"metrics_mismatch"})


# Unmet ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "unmet",
    [
        [],  # n004 left out
        [_unmet("n004", 2)],  # wrong count
        [_unmet("n004", 1, **{"rice-5kg": 1})],  # resources it never asked for
        [_unmet("n004", 1), _unmet("n004", 1)],  # listed twice
        [_unmet("n004", 1), _unmet("n002", 1)],  # n002 is fully served
        [_unmet("n004", 1), _unmet("n999", 1)],  # no such need
    ],
)
def test_unmet_mismatch(scenario: Scenario, plan: Plan, unmet: list[Unmet]) -> None:
    """Rule 7: unmet lists exactly the needs with missing visits or resource units."""
    broken = plan.model_copy(deep=True)
    broken.unmet = unmet
    # Resources n004 never asked for are also not for its groups: not_eligible is then missing.
    assert _codes(check_plan(scenario, broken)) - {"reason_missing"} == {"unmet_mismatch"}


@pytest.mark.parametrize(("listed", "ok"), [(True, True), (False, False)])
def test_unmet_missing_resources(scenario: Scenario, plan: Plan, listed: bool, ok: bool) -> None:
    """Rule 7: a need given fewer resource units than asked is in unmet with the shortfall."""
    changed = scenario.model_copy(deep=True)
    _need(changed, "n001").resources = [ResourceAmount(id="rice-5kg", quantity=3)]
    short = plan.model_copy(deep=True)
    _visit(short, "n001", 1).resources = [ResourceAmount(id="rice-5kg", quantity=2)]
    if listed:
        short.unmet.append(_unmet("n001", 0, **{"rice-5kg": 1}))
    assert _codes(check_plan(changed, short)) == (set() if ok else {"unmet_mismatch"})


def _drop_second_n001_visit(plan: Plan) -> Plan:
    dropped = plan.model_copy(deep=True)
    dropped.visits = [v for v in dropped.visits if (v.need_id, v.visit) != ("n001", 2)]
    dropped.routes = [r for r in dropped.routes if r.day != "wed"]
    dropped.metrics.visits_planned = 3
    dropped.metrics.travel_minutes = 22
    dropped.metrics.service_minutes = 195
    dropped.metrics.coverage_by_priority["1"] = 0.5
    return dropped


def test_mandatory_need_unmet_must_be_listed(scenario: Scenario, plan: Plan) -> None:
    """Rule 7: a mandatory need not fully served must be in unmet (and the plan infeasible)."""
    broken = _drop_second_n001_visit(plan)
    found = check_plan(scenario, broken)
    assert _codes(found) == {"unmet_mismatch", "status_mismatch"}
    assert found[0].message.startswith("Mandatory need n001 misses 1 visit(s)")


# Status ---------------------------------------------------------------------------------------


def test_status_infeasible_without_unmet_mandatory_need(scenario: Scenario, plan: Plan) -> None:
    """Rule 7: status infeasible needs a mandatory need that is not fully served."""
    broken = plan.model_copy(deep=True)
    broken.status = "infeasible"
    assert _codes(check_plan(scenario, broken)) == {"status_mismatch"}


def test_status_infeasible_with_unmet_mandatory_need(scenario: Scenario, plan: Plan) -> None:
    """Rule 7: status infeasible passes when a mandatory need is not fully served and listed."""
    infeasible = _drop_second_n001_visit(plan)
    infeasible.status = "infeasible"
    infeasible.unmet.insert(0, _unmet("n001", 1))
    assert check_plan(scenario, infeasible) == []


# The checker as a whole -----------------------------------------------------------------------


def _garbage_plan(plan: Plan) -> Plan:
    garbage = plan.model_copy(deep=True)
    garbage.visits.append(
        PlannedVisit(
            need_id="n999",
            visit=7,
            day="sun",
            start="23:00",
            end="01:00",
            worker_ids=["ghost", "ghost", "sw01"],
            resources=[ResourceAmount(id="gold", quantity=5)],
        )
    )
    garbage.routes.append(
        Route(
            worker_id="ghost",
            day="sun",
            shift=9,
            stops=[Stop(need_id="n999", visit=7)],
            travel_minutes=0,
            service_minutes=0,
        )
    )
    garbage.routes.append(
        Route(
            worker_id="sw01",
            day="sun",
            shift=0,
            stops=[Stop(need_id="n999", visit=7), Stop(need_id="nope", visit=1)],
            travel_minutes=0,
            service_minutes=0,
        )
    )
    garbage.unmet.append(_unmet("n999", 3))
    return garbage


def test_unknown_ids_are_reported_not_raised(scenario: Scenario, plan: Plan) -> None:
    """Rules 1-7: unknown needs, workers, resources and stops give violations, never errors."""
    found = check_plan(scenario, _garbage_plan(plan))
    codes = _codes(found)
    assert {"unknown_need", "unknown_worker", "worker_twice_in_visit", "unknown_resource"} <= codes
    assert {"shift_unknown", "route_extra_visit", "unmet_mismatch"} <= codes
    assert [v.rule for v in found] == sorted(v.rule for v in found)


def test_messages_name_ids_not_people_or_places(scenario: Scenario, plan: Plan) -> None:
    """Rules 1-7: messages name ids only, never names of workers, villages or the station."""
    names = {w.name for w in scenario.workers} | {v.name for v in scenario.villages}
    names.add(scenario.station.name)
    messages = [v.message for v in check_plan(scenario, _garbage_plan(plan))]
    assert messages
    assert not [m for m in messages if any(name in m for name in names)]


_IDS = st.sampled_from(["n001", "n002", "n003", "n004", "n999", "sw01", "vol01", "li01", "x"])
_TIMES = st.sampled_from(["00:00", "08:30", "09:30", "10:30", "11:15", "16:00", "24:00"])


@st.composite
def _visits(draw: st.DrawFn) -> PlannedVisit:
    return PlannedVisit(
        need_id=draw(_IDS),
        visit=draw(st.integers(1, 3)),
        day=draw(st.sampled_from(DAYS)),
        start=draw(_TIMES),
        end=draw(_TIMES),
        worker_ids=draw(st.lists(_IDS, min_size=1, max_size=3)),
        resources=draw(
            st.lists(
                st.builds(
                    ResourceAmount,
                    id=st.sampled_from(["rice-5kg", "gold"]),
                    quantity=st.integers(1, 50),
                ),
                max_size=2,
            )
        ),
    )


@st.composite
def _routes(draw: st.DrawFn) -> Route:
    stops = st.builds(Stop, need_id=_IDS, visit=st.integers(1, 3))
    return Route(
        worker_id=draw(_IDS),
        day=draw(st.sampled_from(DAYS)),
        shift=draw(st.integers(0, 2)),
        stops=draw(st.lists(stops, min_size=1, max_size=4)),
        travel_minutes=draw(st.integers(0, 100)),
        service_minutes=draw(st.integers(0, 100)),
    )


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(visits=st.lists(_visits(), max_size=6), routes=st.lists(_routes(), max_size=4))
def test_random_plans_never_raise(
    scenario: Scenario, plan: Plan, visits: list[PlannedVisit], routes: list[Route]
) -> None:
    """Rules 1-7: any shape-valid plan is checked without an exception."""
    random = plan.model_copy(deep=True)
    random.visits += visits
    random.routes += routes
    found = check_plan(scenario, random)
    assert all(isinstance(v, Violation) and 1 <= v.rule <= 7 for v in found)
    assert bool(found) == bool(visits or routes)


def test_checker_shares_no_code_with_the_solver() -> None:
    """Independence: no module of service.checker imports service.matching."""
    package = Path(__file__).parents[2] / "service" / "checker"
    imported: set[str] = set()
    for source in package.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
    assert imported
    assert not [name for name in imported if name.startswith(("service.matching", "ortools"))]
