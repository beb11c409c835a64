"""Accept and report: well-formed but inconsistent records are planned as far as they can be."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.checker import check_plan
from service.generator import generate_town
from service.inconsistent import FAULTS, make_inconsistent
from service.loading import inconsistencies, load_scenario, parse_scenario
from service.planning import PlanOptions, plan_week
from service.wire.plan import Plan
from service.wire.scenario import Scenario

ROOT = Path(__file__).resolve().parents[1]
TINY = load_scenario(ROOT / "scenarios" / "tiny.json")
QUICK = PlanOptions(time_limit=2, workers=1, seed=3)


def _reasons(plan: Plan, need_id: str) -> set[str]:
    return {r.code for u in plan.unmet if u.need_id == need_id for r in u.reasons}


def _tiny_with(index: int, **changes: object) -> Scenario:
    """tiny.json with one need changed, validated again as a loaded file would be."""
    data = TINY.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["needs"][index].update(changes)
    return parse_scenario(json.dumps(data))


Spoilt = tuple[Scenario, Plan, list[tuple[str, str]]]


@pytest.fixture(scope="module")
def spoilt() -> Spoilt:
    """A generated town with 40 % of its needs given one fault each, and its plan."""
    town = generate_town(5, 50, 4)
    bad, faults = make_inconsistent(town, 0.4, 2)
    scenario = parse_scenario(bad.model_dump_json(by_alias=True, exclude_none=True))
    return scenario, plan_week(scenario, QUICK), [(f.code, f.need_id) for f in faults]


def test_generated_towns_are_consistent() -> None:
    """A generated town has nothing to warn about, so every warning of a spoilt one is a fault."""
    assert inconsistencies(generate_town(5, 50, 4)) == []


def test_loading_keeps_inconsistent_records(spoilt: Spoilt) -> None:
    """Loading accepts the spoilt town and finds exactly the faults put in, each fault once."""
    scenario, _, faults = spoilt
    assert {code for code, _ in faults} == set(FAULTS)
    assert [(i.code, i.need) for i in inconsistencies(scenario)] == faults


def test_plan_warns_once_per_faulty_record(spoilt: Spoilt) -> None:
    """The plan is valid by the checker and carries one warning per fault, with its path."""
    scenario, plan, faults = spoilt
    assert check_plan(scenario, plan) == []
    ids = [n.id for n in scenario.needs]
    found = [(w.code, ids[int(w.path.split("[")[1].split("]")[0])]) for w in plan.warnings]
    assert found == faults
    assert all(w.message for w in plan.warnings)


def test_faults_are_unmet_with_their_reason(spoilt: Spoilt) -> None:
    """Each fault that is a reason code shows in its need's unmet reasons."""
    _, plan, faults = spoilt
    for code, need_id in faults:
        if code != "preferred_and_excluded":
            assert code in _reasons(plan, need_id), (code, need_id)


def test_ineligible_resource_is_never_given() -> None:
    """A resource requested outside its eligible groups is not handed over: not_eligible."""
    scenario = _tiny_with(2, groups=["migrant"])
    plan = plan_week(scenario, QUICK)
    assert check_plan(scenario, plan) == []
    assert [v for v in plan.visits if v.need_id == "n003" and v.resources] == []
    entry = next(u for u in plan.unmet if u.need_id == "n003")
    assert [(a.id, a.quantity) for a in entry.missing_resources] == [("rice-5kg", 1)]
    assert "not_eligible" in {r.code for r in entry.reasons}
    assert [w.path for w in plan.warnings] == ["needs[2].resources[0].id"]


def test_more_visits_than_window_days_plans_at_most_the_days() -> None:
    """A need asking 4 visits in a 2-day window gets at most 2, the rest unmet: too_few_days."""
    scenario = _tiny_with(3, visits=4)
    plan = plan_week(scenario, QUICK)
    assert check_plan(scenario, plan) == []
    days = [v.day for v in plan.visits if v.need_id == "n004"]
    assert len(days) <= 2 and len(set(days)) == len(days)
    entry = next(u for u in plan.unmet if u.need_id == "n004")
    assert entry.missing_visits == 4 - len(days)
    assert "too_few_days" in {r.code for r in entry.reasons}


def test_window_shorter_than_a_visit_plans_nothing() -> None:
    """A 120-minute window for a 180-minute visit plans no visit: window_too_short."""
    scenario = _tiny_with(1, duration_minutes=180)
    plan = plan_week(scenario, QUICK)
    assert check_plan(scenario, plan) == []
    assert [v for v in plan.visits if v.need_id == "n002"] == []
    assert _reasons(plan, "n002") == {"window_too_short"}


def test_preferred_and_excluded_worker_stays_excluded() -> None:
    """A worker both preferred and excluded is never sent; the plan warns of it."""
    scenario = _tiny_with(0, preferred_workers=["sw01"], excluded_workers=["sw01"])
    plan = plan_week(scenario, QUICK)
    assert check_plan(scenario, plan) == []
    assert not [v for v in plan.visits if v.need_id == "n001" and "sw01" in v.worker_ids]
    assert [(w.code, w.path) for w in plan.warnings] == [
        ("preferred_and_excluded", "needs[0].preferred_workers[0]")
    ]


def test_warnings_speak_english_too() -> None:
    """Warnings follow the plan's language."""
    scenario = _tiny_with(3, visits=4)
    plan = plan_week(scenario, PlanOptions(time_limit=1, workers=1, language="en"))
    assert plan.warnings[0].message.startswith("Need n004 asks for 4 visits")


def test_share_out_of_range_is_refused() -> None:
    """make_inconsistent refuses a share outside 0..1."""
    with pytest.raises(ValueError, match="between 0 and 1"):
        make_inconsistent(TINY, 1.5, 0)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_diagnosis_and_checker_agree_on_generated_towns(seed: int) -> None:
    """Every reason the planner gives for a partly spoilt generated town holds by the checker."""
    bad, _ = make_inconsistent(generate_town(6, 70, seed), 0.2, seed)
    scenario = parse_scenario(bad.model_dump_json(by_alias=True, exclude_none=True))
    plan = plan_week(scenario, PlanOptions(time_limit=1, workers=1, seed=seed))
    assert plan.unmet
    assert [v.message for v in check_plan(scenario, plan)] == []


def test_a_short_window_with_too_few_days_gives_both_reasons() -> None:
    """Both facts are reported when a need's window is too short and has too few days (fuzz)."""
    scenario = _tiny_with(1, duration_minutes=180, visits=3)
    plan = plan_week(scenario, QUICK)
    assert check_plan(scenario, plan) == []
    assert _reasons(plan, "n002") == {"window_too_short", "too_few_days"}
