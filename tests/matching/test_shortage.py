"""The shortage summary: which one more worker would have served the most unmet visits."""

from __future__ import annotations

from matching_kit import WORKER_NAMES, Json, need, parse, problem_of, town, worker

from service.matching.candidates import find_candidates
from service.matching.diagnosis import diagnose
from service.matching.greedy import plan_greedy
from service.matching.shortage import shortages
from service.matching.solution import from_schedule
from service.planning import PlanOptions, plan_week
from service.wire.plan import Plan

OPTIONS = PlanOptions(time_limit=2.0, seed=0, workers=1, language="en")
WEEKDAYS = ["mon", "tue", "wed"]


def signing_town(signer_range: int) -> Json:
    """Three sign-language needs; the only signer is based at the station with a given range."""
    window = {"days": WEEKDAYS, "from": "09:00", "to": "12:00"}
    shifts = {day: [["09:00", "12:00"]] for day in WEEKDAYS}
    workers = [
        worker("sw1", skills=["elderly_care"], availability=shifts),
        worker(
            "sw2", skills=["sign_language"], availability=shifts, max_travel_minutes=signer_range
        ),
    ]
    needs = [need(f"n{i}", 2, skills=["sign_language"], window=window) for i in range(1, 4)]
    return town(workers, needs)


def planned(data: Json) -> Plan:
    """The English plan of scenario data."""
    return plan_week(parse(data), OPTIONS)


def test_missing_skill_nearby_is_reported_as_a_skill_shortage() -> None:
    """The signer is out of range: a sign_language shortage of at least one visit, in v01."""
    plan = planned(signing_town(signer_range=3))
    assert plan.metrics.visits_planned == 0
    found = [s for s in plan.metrics.shortages if (s.kind, s.code) == ("skill", "sign_language")]
    assert len(found) == 1
    assert found[0].visits >= 1
    assert found[0].villages == ["v01"]
    assert set(found[0].days) <= set(WEEKDAYS) and found[0].days
    assert "sign language" in found[0].message
    assert not any(name in found[0].message for name in WORKER_NAMES)


def test_signer_in_range_leaves_no_shortage() -> None:
    """With the signer in range every visit is served and no shortage is reported."""
    plan = planned(signing_town(signer_range=30))
    assert plan.metrics.visits_planned == 3
    assert plan.unmet == []
    assert plan.metrics.shortages == []


def test_missing_role_is_reported_as_a_role_shortage() -> None:
    """A volunteer need in a town without volunteers: a volunteer shortage of one visit."""
    plan = planned(town([worker("sw1")], [need("n1", staff={"volunteer": 1})]))
    found = [(s.kind, s.code, s.visits, s.days) for s in plan.metrics.shortages]
    assert ("role", "volunteer", 1, ["mon"]) in found


def test_shortages_are_sorted_and_limited() -> None:
    """Most visits gained first, and never more entries than the limit."""
    data = signing_town(signer_range=3)
    data["needs"].append(need("n9", 1, staff={"volunteer": 1}))
    problem = problem_of(data)
    candidates = find_candidates(problem)
    solution = from_schedule(plan_greedy(problem, candidates), "greedy")
    unserved = diagnose(problem, candidates, solution)
    found = shortages(problem, candidates, solution, unserved)
    assert len(found) >= 2
    assert [s.visits for s in found] == sorted((s.visits for s in found), reverse=True)
    assert len(shortages(problem, candidates, solution, unserved, limit=1)) == 1
    assert shortages(problem, candidates, solution, []) == []
