"""Rule 6: charity goods and funds handed over at visits."""

from __future__ import annotations

import pytest

from service.checker import Violation, check_plan
from service.wire.common import ResourceAmount
from service.wire.plan import Plan, PlannedVisit
from service.wire.scenario import Group, Scenario


def _codes(violations: list[Violation]) -> set[str]:
    return {v.code for v in violations}


def _visit(plan: Plan, need_id: str, number: int) -> PlannedVisit:
    return next(v for v in plan.visits if (v.need_id, v.visit) == (need_id, number))


def _rice(quantity: int = 1) -> ResourceAmount:
    return ResourceAmount(id="rice-5kg", quantity=quantity)


def test_resource_not_requested(scenario: Scenario, plan: Plan) -> None:
    """Rule 6: a resource handed to a need that did not ask for it is reported."""
    broken = plan.model_copy(deep=True)
    _visit(broken, "n003", 1).resources.append(_rice())
    assert _codes(check_plan(scenario, broken)) == {"resource_not_requested"}


@pytest.mark.parametrize(("quantity", "ok"), [(1, True), (2, False)])
def test_resource_over_request(scenario: Scenario, plan: Plan, quantity: int, ok: bool) -> None:
    """Rule 6: no need gets more units than it asked for."""
    changed = plan.model_copy(deep=True)
    _visit(changed, "n001", 1).resources = [_rice(quantity)]
    assert _codes(check_plan(scenario, changed)) == (set() if ok else {"resource_over_request"})


def test_resource_over_request_across_visits(scenario: Scenario, plan: Plan) -> None:
    """Rule 6: units handed over at several visits count together against the request."""
    broken = plan.model_copy(deep=True)
    _visit(broken, "n001", 2).resources.append(_rice())
    assert "resource_over_request" in _codes(check_plan(scenario, broken))


@pytest.mark.parametrize(
    ("eligible", "ok"),
    [(None, True), (["elderly_alone"], True), (["disabled", "migrant"], False), ([], False)],
)
def test_resource_eligible_groups(
    scenario: Scenario, plan: Plan, eligible: list[Group] | None, ok: bool
) -> None:
    """Rule 6: a resource with eligible_groups goes only to needs sharing one of them."""
    changed = scenario.model_copy(deep=True)
    changed.resources[0].eligible_groups = eligible
    assert _codes(check_plan(changed, plan)) == (set() if ok else {"resource_ineligible"})


def test_resource_not_first_visit(scenario: Scenario, plan: Plan) -> None:
    """Rule 6: a resource handed over at a later visit than the need's first is reported."""
    broken = plan.model_copy(deep=True)
    _visit(broken, "n001", 1).resources = []
    _visit(broken, "n001", 2).resources = [_rice()]
    assert _codes(check_plan(scenario, broken)) == {"resource_not_first_visit"}


def test_first_visit_is_earliest_day_not_lowest_number(scenario: Scenario, plan: Plan) -> None:
    """Rule 6: the first planned visit is the one on the earliest day, whatever its number."""
    swapped = plan.model_copy(deep=True)
    first, second = _visit(swapped, "n001", 1), _visit(swapped, "n001", 2)
    first.visit, second.visit = 2, 1
    for route in swapped.routes:
        for stop in route.stops:
            if stop.need_id == "n001":
                stop.visit = 3 - stop.visit
    assert check_plan(scenario, swapped) == []


@pytest.mark.parametrize(("available", "ok"), [(1, True), (0, False)])
def test_resource_over_stock(scenario: Scenario, plan: Plan, available: int, ok: bool) -> None:
    """Rule 6: no resource is handed over beyond available."""
    changed = scenario.model_copy(deep=True)
    changed.resources[0].available = available
    assert _codes(check_plan(changed, plan)) == (set() if ok else {"resource_over_stock"})


def test_unknown_resource(scenario: Scenario, plan: Plan) -> None:
    """Rule 6: a resource id that is not in the scenario is reported."""
    broken = plan.model_copy(deep=True)
    _visit(broken, "n001", 1).resources.append(ResourceAmount(id="gold", quantity=1))
    found = check_plan(scenario, broken)
    assert "unknown_resource" in _codes(found)
    assert {v.rule for v in found} == {6}
