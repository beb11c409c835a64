"""Rule 7, reasons: every reason the scenario and plan decide is checked, and status both ways."""

from __future__ import annotations

from typing import Any

import pytest

from service.checker import check_plan
from service.wire.plan import Plan
from service.wire.scenario import Scenario

REASON_CODES = {"reason_untrue", "reason_missing", "status_mismatch"}


@pytest.fixture
def scenario_json(scenario: Scenario) -> dict[str, Any]:
    """The checker's test scenario as JSON data, to change."""
    data: dict[str, Any] = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    return data


@pytest.fixture
def plan_json(plan: Plan) -> dict[str, Any]:
    """The checker's valid test plan as JSON data, to change."""
    data: dict[str, Any] = plan.model_dump(mode="json", by_alias=True, exclude_none=True)
    return data


def _found(scenario: dict[str, Any], plan: dict[str, Any]) -> list[tuple[str, str]]:
    """The reason and status violations of a scenario and plan given as JSON data."""
    violations = check_plan(Scenario.model_validate(scenario), Plan.model_validate(plan))
    return [(v.code, v.message) for v in violations if v.code in REASON_CODES]


def _need(data: dict[str, Any], need_id: str) -> dict[str, Any]:
    need: dict[str, Any] = next(n for n in data["needs"] if n["id"] == need_id)
    return need


def _worker(data: dict[str, Any], worker_id: str) -> dict[str, Any]:
    worker: dict[str, Any] = next(w for w in data["workers"] if w["id"] == worker_id)
    return worker


def _with_reason(plan: dict[str, Any], code: str, **entry: Any) -> dict[str, Any]:
    """The plan with n004's unmet entry (or the one given) saying just ``code``."""
    unmet = {"need_id": "n004", "missing_visits": 1} | entry
    unmet["reasons"] = [{"code": code, "message": "…"}]
    others = [u for u in plan["unmet"] if u["need_id"] != unmet["need_id"]]
    return plan | {"unmet": [*others, unmet]}


def _codes(found: list[tuple[str, str]]) -> list[str]:
    return [code for code, _ in found]


def test_true_no_shared_availability_passes(
    scenario_json: dict[str, Any], plan_json: dict[str, Any]
) -> None:
    """no_shared_availability: the only liaison works on tue, the window is thu: it holds."""
    assert _found(scenario_json, plan_json) == []


def test_untrue_no_shared_availability_fails(
    scenario_json: dict[str, Any], plan_json: dict[str, Any]
) -> None:
    """no_shared_availability is untrue once the liaison also works thu inside the window."""
    scenario = scenario_json
    _worker(scenario, "li01")["availability"]["thu"] = [["09:00", "12:00"]]
    found = _found(scenario, plan_json)
    assert _codes(found) == ["reason_untrue"]
    assert "no_shared_availability" in found[0][1] and "n004" in found[0][1]


def test_no_shared_availability_counts_trips_to_and_from_base(
    scenario_json: dict[str, Any], plan_json: dict[str, Any]
) -> None:
    """A shift that holds the visit but not the walk there and back is no availability."""
    scenario = scenario_json
    _worker(scenario, "li01")["availability"]["thu"] = [["09:00", "10:00"]]
    _need(scenario, "n004")["location"] = {"lat": 31.70, "lon": 120.895}
    assert _found(scenario, plan_json) == []


@pytest.mark.parametrize("role", ["liaison", "volunteer"])
def test_no_qualified_worker_holds_only_without_the_role(
    role: str, scenario_json: dict[str, Any], plan_json: dict[str, Any]
) -> None:
    """no_qualified_worker holds when nobody has the liaison role, and is untrue otherwise."""
    scenario = scenario_json
    _worker(scenario, "li01")["role"] = role
    found = _found(scenario, _with_reason(plan_json, "no_qualified_worker"))
    assert _codes(found) == (["reason_untrue"] if role == "liaison" else [])


def test_no_qualified_worker_checks_skills_and_languages(
    scenario_json: dict[str, Any], plan_json: dict[str, Any]
) -> None:
    """A skill or language nobody has makes no_qualified_worker true."""
    for field, value in (("skills", ["sign_language"]), ("languages", ["subei"])):
        scenario = scenario_json
        _need(scenario, "n004")[field] = value
        assert _found(scenario, _with_reason(plan_json, "no_qualified_worker")) == []


@pytest.mark.parametrize("excluded", [True, False])
def test_excluded_holds_only_when_exclusions_stop_every_team(
    excluded: bool, scenario_json: dict[str, Any], plan_json: dict[str, Any]
) -> None:
    """Excluded holds when the only liaison is excluded from the need, else it is untrue."""
    scenario = scenario_json
    if excluded:
        _need(scenario, "n004")["excluded_workers"] = ["li01"]
    found = _found(scenario, _with_reason(plan_json, "excluded"))
    assert _codes(found) == ([] if excluded else ["reason_untrue"])


@pytest.mark.parametrize("limit", [5, 60])
def test_out_of_range_holds_only_beyond_the_travel_limit(
    limit: int, scenario_json: dict[str, Any], plan_json: dict[str, Any]
) -> None:
    """out_of_range holds when the liaison's one-way walk exceeds max_travel_minutes."""
    scenario = scenario_json
    _worker(scenario, "li01")["max_travel_minutes"] = limit
    _need(scenario, "n004")["location"] = {"lat": 31.70, "lon": 120.90}
    found = _found(scenario, _with_reason(plan_json, "out_of_range"))
    assert _codes(found) == ([] if limit == 5 else ["reason_untrue"])


def test_not_eligible_holds_and_is_required(
    scenario_json: dict[str, Any], plan_json: dict[str, Any]
) -> None:
    """not_eligible holds for a missing resource outside the need's groups; leaving it out fails."""
    scenario = scenario_json
    _need(scenario, "n003")["groups"] = ["migrant"]
    _need(scenario, "n003")["resources"] = [{"id": "rice-5kg", "quantity": 2}]
    missing = {"need_id": "n003", "missing_visits": 0}
    missing["missing_resources"] = [{"id": "rice-5kg", "quantity": 2}]
    assert _found(scenario, _with_reason(plan_json, "not_eligible", **missing)) == []
    found = _found(scenario, _with_reason(plan_json, "resource_out_of_stock", **missing))
    assert _codes(found) == ["reason_untrue", "reason_missing"]


def test_not_eligible_is_untrue_for_an_eligible_need(
    scenario_json: dict[str, Any], plan_json: dict[str, Any]
) -> None:
    """not_eligible is untrue when the need shares a group with the resource."""
    scenario = scenario_json
    _need(scenario, "n003")["resources"] = [{"id": "rice-5kg", "quantity": 2}]
    missing = {"need_id": "n003", "missing_visits": 0}
    missing["missing_resources"] = [{"id": "rice-5kg", "quantity": 2}]
    found = _found(scenario, _with_reason(plan_json, "not_eligible", **missing))
    assert _codes(found) == ["reason_untrue"]


@pytest.mark.parametrize("available", [1, 40])
def test_resource_out_of_stock_holds_only_when_the_stock_is_handed_out(
    available: int, scenario_json: dict[str, Any], plan_json: dict[str, Any]
) -> None:
    """resource_out_of_stock holds when all units were handed over, not with 39 left."""
    scenario = scenario_json
    scenario["resources"][0]["available"] = available
    _need(scenario, "n003")["resources"] = [{"id": "rice-5kg", "quantity": 2}]
    missing = {"need_id": "n003", "missing_visits": 0}
    missing["missing_resources"] = [{"id": "rice-5kg", "quantity": 2}]
    found = _found(scenario, _with_reason(plan_json, "resource_out_of_stock", **missing))
    assert _codes(found) == ([] if available == 1 else ["reason_untrue"])


def test_too_few_days_holds_and_is_required(
    scenario_json: dict[str, Any], plan_json: dict[str, Any]
) -> None:
    """too_few_days holds for 2 visits in a 1-day window; without it the entry fails."""
    scenario = scenario_json
    _need(scenario, "n002")["visits"] = 2
    entry = {"need_id": "n002", "missing_visits": 1}
    assert _found(scenario, _with_reason(plan_json, "too_few_days", **entry)) == []
    found = _found(scenario, _with_reason(plan_json, "capacity_exhausted", **entry))
    assert _codes(found) == ["reason_missing"]
    assert "too_few_days" in found[0][1]


def test_too_few_days_is_untrue_with_a_day_per_visit(
    scenario_json: dict[str, Any], plan_json: dict[str, Any]
) -> None:
    """too_few_days is untrue for a need whose window has a day for each visit."""
    found = _found(scenario_json, _with_reason(plan_json, "too_few_days"))
    assert _codes(found) == ["reason_untrue"]


def test_window_too_short_holds_and_is_required(
    scenario_json: dict[str, Any], plan_json: dict[str, Any]
) -> None:
    """window_too_short holds for a 240-minute visit in a 180-minute window, and is required."""
    scenario = scenario_json
    _need(scenario, "n004")["duration_minutes"] = 240
    assert _found(scenario, _with_reason(plan_json, "window_too_short")) == []
    found = _found(scenario, plan_json)
    assert _codes(found) == ["reason_missing"]


def test_window_too_short_is_untrue_for_a_long_window(
    scenario_json: dict[str, Any], plan_json: dict[str, Any]
) -> None:
    """window_too_short is untrue when the window holds a visit."""
    found = _found(scenario_json, _with_reason(plan_json, "window_too_short"))
    assert _codes(found) == ["reason_untrue"]


def test_capacity_exhausted_is_not_judged(
    scenario_json: dict[str, Any], plan_json: dict[str, Any]
) -> None:
    """capacity_exhausted depends on the planner's choices; the checker leaves it be."""
    assert _found(scenario_json, _with_reason(plan_json, "capacity_exhausted")) == []


def test_a_wrong_reason_among_true_ones_is_found(
    scenario_json: dict[str, Any], plan_json: dict[str, Any]
) -> None:
    """One untrue reason is reported even when another, true reason is given beside it."""
    plan = plan_json
    plan["unmet"][0]["reasons"].append({"code": "excluded", "message": "…"})
    found = _found(scenario_json, plan)
    assert _codes(found) == ["reason_untrue"] and "excluded" in found[0][1]


def test_feasible_with_a_mandatory_need_unserved_fails(
    scenario_json: dict[str, Any], plan_json: dict[str, Any]
) -> None:
    """A feasible plan that leaves a mandatory need short of a visit breaks the status rule."""
    scenario = scenario_json
    _need(scenario, "n004")["mandatory"] = True
    found = _found(scenario, plan_json)
    assert _codes(found) == ["status_mismatch"] and "n004" in found[0][1]
    assert _found(scenario, plan_json | {"status": "infeasible"}) == []


def test_infeasible_with_every_mandatory_need_served_fails(
    scenario_json: dict[str, Any], plan_json: dict[str, Any]
) -> None:
    """An infeasible plan whose mandatory needs get all their visits breaks the status rule."""
    found = _found(scenario_json, plan_json | {"status": "infeasible"})
    assert _codes(found) == ["status_mismatch"]


def test_a_replan_is_judged_on_day_independent_reasons_only(
    scenario_json: dict[str, Any], plan_json: dict[str, Any]
) -> None:
    """A re-plan's availability is of the days left (unknown here); qualification still counts."""
    scenario = scenario_json
    _worker(scenario, "li01")["availability"]["thu"] = [["09:00", "12:00"]]
    sc, ok = Scenario.model_validate(scenario), Plan.model_validate(plan_json)
    assert [v.code for v in check_plan(sc, ok, replan=True)] == []
    wrong = Plan.model_validate(_with_reason(plan_json, "no_qualified_worker"))
    assert [v.code for v in check_plan(sc, wrong, replan=True)] == ["reason_untrue"]
