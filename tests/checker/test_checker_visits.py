"""Rules 1 to 3: each planned visit's references, team and window."""

from __future__ import annotations

from typing import Any

import pytest

from service.checker import Violation, check_plan
from service.wire.plan import Plan, PlannedVisit, Route
from service.wire.scenario import Need, Scenario


def _codes(violations: list[Violation]) -> set[str]:
    return {v.code for v in violations}


def _visit(plan: Plan, need_id: str, number: int) -> PlannedVisit:
    return next(v for v in plan.visits if (v.need_id, v.visit) == (need_id, number))


def _route(plan: Plan, worker_id: str, day: str) -> Route:
    return next(r for r in plan.routes if (r.worker_id, r.day) == (worker_id, day))


def _need(scenario: Scenario, need_id: str) -> Need:
    return next(n for n in scenario.needs if n.id == need_id)


def test_valid_plan_has_no_violation(scenario: Scenario, plan: Plan) -> None:
    """Rules 1-7: the hand-written plan is valid and its bookkeeping agrees."""
    assert check_plan(scenario, plan) == []


# Rule 1 ---------------------------------------------------------------------------------------


def test_unknown_need(scenario: Scenario, plan: Plan) -> None:
    """Rule 1: a visit of a need that is not in the scenario is reported."""
    broken = plan.model_copy(deep=True)
    _visit(broken, "n002", 1).need_id = "n999"
    _route(broken, "li01", "tue").stops[0].need_id = "n999"
    found = check_plan(scenario, broken)
    assert {v.code for v in found if v.rule == 1} == {"unknown_need"}
    assert any("n999" in v.message for v in found)


def test_visit_number_out_of_range(scenario: Scenario, plan: Plan) -> None:
    """Rule 1: a visit number above need.visits is reported."""
    broken = plan.model_copy(deep=True)
    _visit(broken, "n002", 1).visit = 2
    _route(broken, "li01", "tue").stops[0].visit = 2
    found = check_plan(scenario, broken)
    assert {v.code for v in found if v.rule == 1} == {"visit_number_out_of_range"}


def test_unknown_worker_in_visit(scenario: Scenario, plan: Plan) -> None:
    """Rule 1: a visit naming a worker who is not in the scenario is reported."""
    broken = plan.model_copy(deep=True)
    _visit(broken, "n002", 1).worker_ids.append("ghost")
    assert _codes(check_plan(scenario, broken)) == {"unknown_worker"}


def test_worker_twice_in_visit(scenario: Scenario, plan: Plan) -> None:
    """Rule 1: a worker listed twice in one visit is reported."""
    broken = plan.model_copy(deep=True)
    _visit(broken, "n002", 1).worker_ids.append("li01")
    assert _codes(check_plan(scenario, broken)) == {"worker_twice_in_visit"}


def test_duplicate_visit(scenario: Scenario, plan: Plan) -> None:
    """Rule 1: the same (need, visit number) planned twice is reported."""
    broken = plan.model_copy(deep=True)
    broken.visits.append(_visit(broken, "n002", 1).model_copy(deep=True))
    broken.metrics.visits_planned += 1
    assert _codes(check_plan(scenario, broken)) == {"duplicate_visit"}


def test_same_day_twice_violated(scenario: Scenario, plan: Plan) -> None:
    """Rule 1: two visits of one need on the same day are reported."""
    roomy = scenario.model_copy(deep=True)
    roomy.workers[1].availability["mon"].append(("13:00", "17:00"))
    broken = plan.model_copy(deep=True)
    second = _visit(broken, "n001", 2)
    second.day, second.start, second.end = "mon", "13:40", "14:40"
    for worker_id in ("sw01", "vol01"):
        route = _route(broken, worker_id, "wed")
        route.day, route.shift = "mon", 1
    assert _codes(check_plan(roomy, broken)) == {"same_day_twice"}


def test_same_day_twice_satisfied(scenario: Scenario, plan: Plan) -> None:
    """Rule 1: visits of one need on different days pass."""
    assert "same_day_twice" not in _codes(check_plan(scenario, plan))


# Rule 2 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("staff", "ok"),
    [
        ({"social_worker": 1, "volunteer": 1}, True),
        ({"social_worker": 1, "any": 1}, True),
        ({"any": 2}, True),
        ({"volunteer": 1, "liaison": 0, "any": 1}, True),
        ({"social_worker": 2}, False),
        ({"social_worker": 1, "liaison": 1}, False),
        ({"any": 3}, False),
        ({"social_worker": 1}, False),
    ],
)
def test_staff_by_role(scenario: Scenario, plan: Plan, staff: dict[str, int], ok: bool) -> None:
    """Rule 2: the team matches need.staff exactly by role, with `any` slots taking any role."""
    changed = scenario.model_copy(deep=True)
    _need(changed, "n001").staff = staff  # type: ignore[assignment]
    codes = _codes(check_plan(changed, plan))
    assert codes == (set() if ok else {"staff_mismatch"})


def test_staff_mismatch_when_role_differs(scenario: Scenario, plan: Plan) -> None:
    """Rule 2: a liaison in a volunteer's slot is reported."""
    changed = scenario.model_copy(deep=True)
    changed.workers[1].role = "liaison"
    assert _codes(check_plan(changed, plan)) == {"staff_mismatch"}


@pytest.mark.parametrize(
    ("skills", "ok"),
    [
        (["psychological_support", "first_aid"], True),  # held between the two workers
        ([], True),
        (["sign_language"], False),
    ],
)
def test_skills_held_between_workers(
    scenario: Scenario, plan: Plan, skills: list[str], ok: bool
) -> None:
    """Rule 2: every need skill is held by at least one worker of the visit."""
    changed = scenario.model_copy(deep=True)
    _need(changed, "n001").skills = skills
    assert _codes(check_plan(changed, plan)) == (set() if ok else {"skill_missing"})


@pytest.mark.parametrize(
    ("languages", "ok"),
    [
        (["changshu"], True),
        (["mandarin"], True),  # vol01 speaks the default language
        ([], True),
        (["cantonese", "wu"], False),
    ],
)
def test_language_spoken(scenario: Scenario, plan: Plan, languages: list[str], ok: bool) -> None:
    """Rule 2: at least one worker speaks one of the need's languages, if it lists any."""
    changed = scenario.model_copy(deep=True)
    _need(changed, "n001").languages = languages
    assert _codes(check_plan(changed, plan)) == (set() if ok else {"language_missing"})


@pytest.mark.parametrize(("excluded", "ok"), [(["li01"], True), (["vol01"], False)])
def test_excluded_worker(scenario: Scenario, plan: Plan, excluded: list[str], ok: bool) -> None:
    """Rule 2: no worker of the visit is in the need's excluded_workers."""
    changed = scenario.model_copy(deep=True)
    _need(changed, "n001").excluded_workers = excluded
    found = check_plan(changed, plan)
    assert _codes(found) == (set() if ok else {"excluded_worker"})
    assert all(v.rule == 2 for v in found)


# Rule 3 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("window", "ok"),
    [
        ({"days": ["tue"], "from": "09:30", "to": "10:15"}, True),  # exactly the window
        ({"days": ["mon", "tue"], "from": "09:00", "to": "12:00"}, True),
        ({"days": ["wed"], "from": "09:00", "to": "12:00"}, False),  # wrong day
        ({"days": ["tue"], "from": "09:31", "to": "12:00"}, False),  # starts too early
        ({"days": ["tue"], "from": "09:00", "to": "10:14"}, False),  # ends too late
    ],
)
def test_inside_window(scenario: Scenario, plan: Plan, window: dict[str, Any], ok: bool) -> None:
    """Rule 3: the visit is on a window day and starts and ends inside the window."""
    changed = scenario.model_copy(deep=True)
    _need(changed, "n002").window = type(_need(changed, "n002").window).model_validate(window)
    assert _codes(check_plan(changed, plan)) == (set() if ok else {"outside_window"})


@pytest.mark.parametrize(("duration", "ok"), [(45, True), (44, False), (46, False)])
def test_duration(scenario: Scenario, plan: Plan, duration: int, ok: bool) -> None:
    """Rule 3: the visit lasts exactly duration_minutes."""
    changed = scenario.model_copy(deep=True)
    _need(changed, "n002").duration_minutes = duration
    assert _codes(check_plan(changed, plan)) == (set() if ok else {"wrong_duration"})
