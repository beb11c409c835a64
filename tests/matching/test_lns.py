"""Large neighbourhood search: never worse than where it started, and always valid."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from matching_kit import (
    STATION,
    need,
    plan_violations,
    problem_of,
    rice,
    schedule_problems,
    town,
    worker,
)

from service.generator import generate_town
from service.matching.assignment import SolveParams
from service.matching.budget import Budget
from service.matching.candidates import find_candidates
from service.matching.greedy import plan_greedy
from service.matching.lns import POOL_PER_ROLE, improve, worker_pool
from service.matching.problem import Problem
from service.matching.schedule import Schedule
from service.matching.solution import from_schedule, quality_key
from service.to_solver import Indexed, to_solver
from service.wire.scenario import Scenario

SEEDS = [0, 1]
PARAMS = SolveParams(time_limit=3.0, seed=0, workers=1)
DEADLINE_SECONDS = 2.5


@cache
def generated(seed: int) -> Scenario:
    """A generated town of 4 villages and 60 requested visits."""
    return generate_town(4, 60, seed)


def greedy(seed: int) -> tuple[Indexed, Schedule]:
    """A fresh greedy schedule of the town (improve changes it in place)."""
    indexed = to_solver(generated(seed))
    return indexed, plan_greedy(indexed.problem, find_candidates(indexed.problem))


@cache
def improved(seed: int) -> tuple[tuple[int, ...], Indexed, Schedule, int]:
    """The greedy quality key, and the schedule after a short improve run with its count."""
    indexed, schedule = greedy(seed)
    before = quality_key(indexed.problem, from_schedule(schedule, "greedy"))
    replaced = improve(schedule, PARAMS, Budget(DEADLINE_SECONDS, PARAMS.repeatable))
    return before, indexed, schedule, replaced


@pytest.mark.parametrize("seed", SEEDS)
def test_improve_never_makes_the_plan_worse(seed: int) -> None:
    """The lexicographic quality after improve() is at least that of the greedy start."""
    before, indexed, schedule, replaced = improved(seed)
    after = quality_key(indexed.problem, from_schedule(schedule, "lns"))
    assert after >= before
    assert replaced >= 0


@pytest.mark.parametrize("seed", SEEDS)
def test_improved_schedule_stays_valid(seed: int) -> None:
    """After improve() the schedule breaks no rule, by the test's checks and by the checker."""
    _, indexed, schedule, _ = improved(seed)
    assert schedule_problems(schedule) == []
    assert plan_violations(generated(seed), indexed, from_schedule(schedule, "lns")) == []


def test_improve_does_nothing_after_the_deadline() -> None:
    """With no time left, improve() changes nothing and reports no replaced neighbourhood."""
    indexed, schedule = greedy(0)
    before = from_schedule(schedule, "greedy")
    assert improve(schedule, PARAMS, Budget(0.0, PARAMS.repeatable)) == 0
    after = from_schedule(schedule, "greedy")
    assert after.visits == before.visits
    assert after.routes == before.routes
    assert quality_key(indexed.problem, after) == quality_key(indexed.problem, before)


def test_worker_pool_keeps_the_team_and_only_able_workers() -> None:
    """The pool holds the kept team and otherwise only workers who could serve the visit alone."""
    indexed, schedule = greedy(0)
    problem, candidates = indexed.problem, schedule.candidates
    checked = 0
    for (n, day), visit in schedule.visits.items():
        pool = worker_pool(problem, candidates, n, day, visit.team)
        assert set(visit.team) <= set(pool)
        assert list(pool) == sorted(pool)
        able = set(candidates.workers_for(n, day).tolist())
        assert set(pool) - set(visit.team) <= able
        checked += 1
    assert checked > 0


def test_worker_pool_prefers_the_nearest() -> None:
    """For an any-role need with no skill or language, the pool takes the nearest able workers."""
    indexed, schedule = greedy(0)
    problem, candidates = indexed.problem, schedule.candidates
    plain = (
        (problem.need_staff[:, :3].sum(axis=1) == 0)
        & ~problem.need_skills.any(axis=1)
        & ~problem.need_languages.any(axis=1)
    )
    for n, day in np.argwhere(candidates.day_ok.sum(axis=0).T > POOL_PER_ROLE + 1).tolist():
        if not plain[n]:
            continue
        pool = worker_pool(problem, candidates, n, day)
        assert len(pool) == POOL_PER_ROLE + 1
        farthest = max(int(candidates.oneway[w, n]) for w in pool)
        left_out = set(candidates.workers_for(n, day).tolist()) - set(pool)
        assert all(int(candidates.oneway[w, n]) >= farthest for w in left_out)
        return
    pytest.skip("no any-role need with enough able workers in this town")


def swap_scenario() -> Problem:
    """One short Monday shift for two priority-1 needs: n1 asks for rice, n2 is next door.

    The shift holds one visit. Greedy serves n1 (listed first) and hands over the rice; serving
    n2 instead saves 12 minutes of travel but hands over nothing, which the spec ranks lower
    (resource units come before travel).
    """
    shift = {"mon": [["09:00", "10:30"]]}
    return problem_of(
        town(
            [worker("sw1", availability=shift)],
            [
                need("n1", 1, resources=[{"id": "rice", "quantity": 1}]),
                need("n2", 1, location=STATION),
            ],
            [rice(5)],
        )
    )


def test_improve_keeps_resource_units_before_travel() -> None:
    """Improve does not trade the visit that hands over rice for a shorter trip."""
    problem = swap_scenario()
    schedule = plan_greedy(problem, find_candidates(problem))
    before = quality_key(problem, from_schedule(schedule, "greedy"))
    assert before[5] == 1, "greedy hands the rice to n1"
    improve(schedule, PARAMS, Budget(DEADLINE_SECONDS, PARAMS.repeatable))
    assert quality_key(problem, from_schedule(schedule, "lns")) >= before
