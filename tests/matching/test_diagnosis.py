"""Each unmet reason code from one constructed scenario, with its served counterpart.

Workers start at the station, needs are in v01, 6 minutes away by ebike (see matching_kit).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest
from matching_kit import (
    EBIKE_TO_V01,
    WORKER_NAMES,
    Json,
    need,
    parse,
    problem_of,
    rice,
    town,
    worker,
)

from service.checker import check_plan
from service.matching.candidates import find_candidates
from service.matching.diagnosis import diagnose
from service.matching.greedy import plan_greedy
from service.matching.solution import from_schedule
from service.planning import PlanOptions, plan_week
from service.wire.plan import Plan, Unmet

OPTIONS = PlanOptions(time_limit=2.0, seed=0, workers=1, language="en")


def planned(data: Json) -> Plan:
    """The plan of scenario data, in English; the independent checker must accept it."""
    scenario = parse(data)
    plan = plan_week(scenario, OPTIONS)
    assert [v.message for v in check_plan(scenario, plan)] == []
    return plan


def unmet_of(plan: Plan, need_id: str) -> Unmet | None:
    """The unmet entry of a need, or None when it is fully served."""
    entries = [u for u in plan.unmet if u.need_id == need_id]
    assert len(entries) <= 1
    return entries[0] if entries else None


def codes(plan: Plan, need_id: str) -> list[str]:
    """The reason codes of a need's unmet entry ([] when it is fully served)."""
    entry = unmet_of(plan, need_id)
    return [] if entry is None else [r.code for r in entry.reasons]


def single(workers: list[Json], **need_fields: Any) -> Json:
    """A town with the given workers and one Monday-morning need ``n1``."""
    return town(workers, [need("n1", **need_fields)])


def assert_plain_sentences(plan: Plan) -> None:
    """Every reason is one English sentence with its placeholders filled and no worker name."""
    messages = [r.message for u in plan.unmet for r in u.reasons]
    messages += [s.message for s in plan.metrics.shortages]
    assert messages
    for message in messages:
        assert re.fullmatch(r"[A-Z0-9].*[.]", message), message
        assert "{" not in message and "}" not in message, message
        assert "\n" not in message
        assert not any(name in message for name in WORKER_NAMES), message
        assert "h-n" not in message, "household ids are not needed in a reason"


def test_no_qualified_worker_when_nobody_has_the_skill() -> None:
    """A sign-language need nobody can sign for: no_qualified_worker, naming the skill."""
    plan = planned(single([worker("sw1", skills=["elderly_care"])], skills=["sign_language"]))
    assert codes(plan, "n1") == ["no_qualified_worker"]
    entry = unmet_of(plan, "n1")
    assert entry is not None and entry.missing_visits == 1
    assert "sign language" in entry.reasons[0].message
    assert_plain_sentences(plan)


def test_no_qualified_worker_counterpart_is_served() -> None:
    """The same need asking for a skill the worker has is served."""
    plan = planned(single([worker("sw1", skills=["elderly_care"])], skills=["elderly_care"]))
    assert codes(plan, "n1") == []
    assert plan.metrics.visits_planned == 1


def test_no_qualified_worker_when_a_role_is_missing() -> None:
    """A volunteer need in a town of social workers: no_qualified_worker, naming the role."""
    plan = planned(single([worker("sw1")], staff={"volunteer": 1}))
    assert codes(plan, "n1") == ["no_qualified_worker"]
    entry = unmet_of(plan, "n1")
    assert entry is not None and "volunteer" in entry.reasons[0].message


@pytest.mark.parametrize(("excluded", "expected"), [(["sw1"], ["excluded"]), ([], [])])
def test_excluded_when_only_excluded_workers_qualify(
    excluded: list[str], expected: list[str]
) -> None:
    """The only social worker excluded: excluded, naming the worker's id; otherwise served."""
    workers = [worker("sw1"), worker("vol2", "volunteer")]
    plan = planned(single(workers, staff={"social_worker": 1}, excluded_workers=excluded))
    assert codes(plan, "n1") == expected
    if expected:
        entry = unmet_of(plan, "n1")
        assert entry is not None and "sw1" in entry.reasons[0].message
        assert_plain_sentences(plan)


@pytest.mark.parametrize(
    ("limit", "expected"), [(EBIKE_TO_V01 - 1, ["out_of_range"]), (EBIKE_TO_V01, [])]
)
def test_out_of_range_when_the_trip_exceeds_the_limit(limit: int, expected: list[str]) -> None:
    """A 6-minute trip with a 5-minute limit: out_of_range, naming both figures; 6 is served."""
    plan = planned(single([worker("sw1", max_travel_minutes=limit)]))
    assert codes(plan, "n1") == expected
    if expected:
        entry = unmet_of(plan, "n1")
        assert entry is not None
        assert f"{EBIKE_TO_V01} min away" in entry.reasons[0].message
        assert f"{limit}-min limit" in entry.reasons[0].message
        assert_plain_sentences(plan)


@pytest.mark.parametrize(("day", "expected"), [("tue", ["no_shared_availability"]), ("mon", [])])
def test_no_shared_availability_outside_the_window(day: str, expected: list[str]) -> None:
    """A Monday need and a worker free only on Tuesday: no_shared_availability."""
    plan = planned(single([worker("sw1", availability={day: [["09:00", "12:00"]]})]))
    assert codes(plan, "n1") == expected
    if expected:
        assert_plain_sentences(plan)


def test_no_shared_availability_when_a_team_never_meets() -> None:
    """Social worker free Monday, volunteer free Tuesday, a pair needed: no shared availability."""
    window = {"days": ["mon", "tue"], "from": "09:00", "to": "12:00"}
    workers = [
        worker("sw1", availability={"mon": [["09:00", "12:00"]]}),
        worker("vol2", "volunteer", availability={"tue": [["09:00", "12:00"]]}),
    ]
    plan = planned(single(workers, staff={"social_worker": 1, "volunteer": 1}, window=window))
    assert codes(plan, "n1") == ["no_shared_availability"]


@pytest.mark.parametrize(("end", "served"), [("11:00", 1), ("12:00", 2)])
def test_capacity_exhausted_goes_to_the_less_urgent_need(end: str, served: int) -> None:
    """One worker with room for one visit: priority 1 is served, priority 2 capacity_exhausted."""
    shift = {"mon": [["09:00", end]]}
    plan = planned(town([worker("sw1", availability=shift)], [need("n1", 1), need("n2", 2)]))
    assert plan.metrics.visits_planned == served
    assert codes(plan, "n1") == []
    assert codes(plan, "n2") == ([] if served == 2 else ["capacity_exhausted"])
    if served == 1:
        entry = unmet_of(plan, "n2")
        assert entry is not None
        assert "1 visit(s) of priority 1." in entry.reasons[0].message
        assert_plain_sentences(plan)


@pytest.mark.parametrize(("stock", "short"), [(1, True), (2, False)])
def test_resource_out_of_stock_hits_the_less_urgent_need(stock: int, short: bool) -> None:
    """One bag of rice for two needs: the priority-2 need is served but short of its bag."""
    asks = [{"id": "rice", "quantity": 1}]
    needs = [need("n1", 1, resources=asks), need("n2", 2, resources=asks)]
    plan = planned(town([worker("sw1")], needs, [rice(stock)]))
    assert plan.metrics.visits_planned == 2
    assert codes(plan, "n1") == []
    assert codes(plan, "n2") == (["resource_out_of_stock"] if short else [])
    if short:
        entry = unmet_of(plan, "n2")
        assert entry is not None
        assert entry.missing_visits == 0
        assert [(r.id, r.quantity) for r in entry.missing_resources] == [("rice", 1)]
        assert entry.reasons[0].message == "5 kg rice ran out: 1 bag short."
        assert_plain_sentences(plan)


def test_mandatory_need_that_cannot_be_served_makes_the_plan_infeasible() -> None:
    """A mandatory need nobody qualifies for: status infeasible, with its reason."""
    plan = planned(single([worker("sw1")], skills=["sign_language"], mandatory=True))
    assert plan.status == "infeasible"
    assert codes(plan, "n1") == ["no_qualified_worker"]


def test_diagnose_reports_the_nearest_worker_and_limit() -> None:
    """The out_of_range finding carries the nearest trip and that worker's limit, in minutes."""
    workers = [worker("sw1", max_travel_minutes=5), worker("sw2", transport="walk")]
    workers[1]["max_travel_minutes"] = 10
    problem = problem_of(single(workers))
    candidates = find_candidates(problem)
    solution = from_schedule(plan_greedy(problem, candidates), "greedy")
    [entry] = diagnose(problem, candidates, solution)
    [finding] = entry.findings
    assert finding.code == "out_of_range"
    assert (finding.workers, finding.nearest, finding.limit) == (2, EBIKE_TO_V01, 5)


def test_diagnose_explains_nothing_when_all_is_served() -> None:
    """A fully served week has no unserved entries."""
    problem = problem_of(single([worker("sw1")]))
    candidates = find_candidates(problem)
    solution = from_schedule(plan_greedy(problem, candidates), "greedy")
    assert diagnose(problem, candidates, solution) == []
    assert np.array_equal(solution.given, problem.need_request)
