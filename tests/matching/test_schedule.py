"""Schedules keep every rule on insertion, and their cap counters agree with their routes."""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import pytest
from matching_kit import (
    EBIKE_TO_V01,
    need,
    parse,
    plan_violations,
    problem_of,
    recomputed_week_minutes,
    schedule_problems,
    tiny_data,
    town,
    worker,
)

from service.generator import generate_town
from service.matching.candidates import find_candidates
from service.matching.greedy import plan_greedy, priority_order
from service.matching.schedule import Schedule, Slot
from service.matching.solution import from_schedule, to_schedule
from service.to_solver import Indexed, to_solver
from service.wire.scenario import Scenario

TOWNS = ["tiny", "town-3-30-0", "town-3-30-1", "town-3-30-2"]
MON = 0


@cache
def scenario_named(name: str) -> Scenario:
    """tiny.json, or ``town-V-N-S``: a generated town of V villages, N visits, seed S."""
    if name == "tiny":
        return parse(tiny_data())
    villages, visits, seed = (int(x) for x in name.split("-")[1:])
    return generate_town(villages, visits, seed)


def greedy(name: str) -> tuple[Indexed, Schedule]:
    """The greedy schedule of a named town (a fresh one each call: tests change it)."""
    indexed = to_solver(scenario_named(name))
    return indexed, plan_greedy(indexed.problem, find_candidates(indexed.problem))


def counters(schedule: Schedule) -> tuple[list[int], list[list[int]], dict[tuple[int, int], Any]]:
    """Week minutes, visits per day and the visits of a schedule, as plain values."""
    return (
        schedule.week_minutes.tolist(),
        schedule.day_visits.tolist(),
        dict(schedule.visits),
    )


@pytest.mark.parametrize("name", TOWNS)
def test_greedy_schedule_keeps_every_rule(name: str) -> None:
    """The greedy schedule breaks none of rules 1-5, by the test's checks and by the checker."""
    indexed, schedule = greedy(name)
    assert schedule.visits, "the town should get some visits"
    assert schedule_problems(schedule) == []
    solution = from_schedule(schedule, "greedy")
    assert plan_violations(scenario_named(name), indexed, solution) == []


@pytest.mark.parametrize("name", TOWNS)
def test_cap_counters_match_the_routes(name: str) -> None:
    """week_minutes and day_visits equal what the routes add up to, per worker and day."""
    indexed, schedule = greedy(name)
    for w in range(indexed.problem.n_workers):
        assert schedule.week_minutes[w] == recomputed_week_minutes(schedule, w)
        for d in range(7):
            stops = sum(len(s) for (ww, dd, _), s in schedule.routes.items() if (ww, dd) == (w, d))
            assert schedule.day_visits[w, d] == stops


@pytest.mark.parametrize("name", TOWNS)
def test_clear_day_then_reload_restores_the_schedule(name: str) -> None:
    """Clearing a day gives its minutes back; loading its routes again restores every counter."""
    _, schedule = greedy(name)
    before = counters(schedule)
    day = max(range(7), key=lambda d: sum(v.day == d for v in schedule.visits.values()))
    routes = {key: list(stops) for key, stops in schedule.routes.items() if key[1] == day}
    visits = [v for v in schedule.visits.values() if v.day == day]
    assert visits

    schedule.clear_day(day)
    assert not any(v.day == day for v in schedule.visits.values())
    assert not schedule.day_visits[:, day].any()
    for w in range(schedule.problem.n_workers):
        assert schedule.week_minutes[w] == recomputed_week_minutes(schedule, w)
    assert schedule_problems(schedule) == []

    for (w, d, k), stops in routes.items():
        schedule.add_route(w, d, k, stops)
    for visit in visits:
        schedule.add_visit(visit)
    assert counters(schedule) == before
    assert schedule_problems(schedule) == []


@pytest.mark.parametrize("name", TOWNS)
def test_solution_round_trip_keeps_the_counters(name: str) -> None:
    """from_schedule then to_schedule gives the same visits, minutes and visits per day."""
    indexed, schedule = greedy(name)
    again = to_schedule(indexed.problem, schedule.candidates, from_schedule(schedule, "greedy"))
    assert counters(again) == counters(schedule)


@pytest.mark.parametrize("name", TOWNS)
def test_fill_leaves_nothing_that_still_fits(name: str) -> None:
    """A second fill over the greedy schedule adds nothing: greedy inserted all that fits."""
    indexed, schedule = greedy(name)
    problem = indexed.problem
    assert schedule.fill(priority_order(problem, schedule.candidates)) == 0


def two_needs_schedule(**worker_fields: Any) -> Schedule:
    """One station worker and two 60-minute Monday-morning needs in v01, priorities 1 and 2."""
    problem = problem_of(town([worker("sw1", **worker_fields)], [need("n1", 1), need("n2", 2)]))
    return Schedule(problem, find_candidates(problem))


def test_slots_are_the_gaps_left_by_a_stop() -> None:
    """After n1 at 09:06-10:06, n2 fits only after it: starts 10:06 to 10:54, no extra travel."""
    schedule = two_needs_schedule()
    found = schedule.best_insertion(0, MON)
    assert found is not None
    start, slots = found
    assert start == 9 * 60 + EBIKE_TO_V01
    schedule.insert(0, MON, start, slots)
    assert schedule.slots(0, 1, MON) == [Slot(0, 0, 1, 10 * 60 + 6, 10 * 60 + 54, 0)]


@pytest.mark.parametrize(("end", "both"), [("11:12", True), ("11:11", False)])
def test_shift_end_decides_the_second_visit(end: str, both: bool) -> None:
    """A shift to 11:12 holds 6 + 60 + 60 + 6 minutes; to 11:11 it holds one visit only."""
    schedule = two_needs_schedule(availability={"mon": [["09:00", end]]})
    assert schedule.fill([0, 1]) == (2 if both else 1)
    assert schedule.visit_days(0) == {MON}
    assert schedule_problems(schedule) == []


@pytest.mark.parametrize(("cap", "visits"), [(2, 2), (1, 1)])
def test_day_cap_limits_insertions(cap: int, visits: int) -> None:
    """max_visits_per_day 1 stops the second insertion; 2 lets it in."""
    schedule = two_needs_schedule(max_visits_per_day=cap)
    assert schedule.fill([0, 1]) == visits
    assert schedule.day_visits[0, MON] == visits


@pytest.mark.parametrize(
    ("cap", "visits"), [(2 * EBIKE_TO_V01 + 60, 1), (2 * EBIKE_TO_V01 + 59, 0)]
)
def test_week_cap_counts_service_and_travel(cap: int, visits: int) -> None:
    """A weekly cap of 72 minutes holds one visit with its 6 + 6 travel; 71 holds none."""
    schedule = two_needs_schedule(max_minutes_per_week=cap)
    assert schedule.fill([0]) == visits
    assert schedule.week_minutes[0] == (cap if visits else 0)


def team_schedule(**need_fields: Any) -> Schedule:
    """Two social workers and a volunteer, all free Monday morning, and one need ``n1``."""
    workers = [worker("sw1"), worker("sw2"), worker("vol3", "volunteer")]
    problem = problem_of(town(workers, [need("n1", **need_fields)]))
    return Schedule(problem, find_candidates(problem))


def test_team_visit_puts_every_member_on_the_same_start() -> None:
    """A social worker + volunteer visit gets one of each, both with a stop at the visit's start."""
    schedule = team_schedule(staff={"social_worker": 1, "volunteer": 1})
    assert schedule.fill([0]) == 1
    visit = schedule.visits[(0, MON)]
    assert visit.team in {(0, 2), (1, 2)}
    assert schedule_problems(schedule) == []


@pytest.mark.parametrize(("preferred", "team"), [([], (0,)), (["sw2"], (1,))])
def test_preferred_worker_wins_a_tie(preferred: list[str], team: tuple[int, ...]) -> None:
    """Two equally placed workers: the lower index goes, unless the other one is preferred."""
    schedule = team_schedule(staff={"social_worker": 1}, preferred_workers=preferred)
    assert schedule.fill([0]) == 1
    assert schedule.visits[(0, MON)].team == team


@pytest.mark.parametrize(("team", "valid"), [((0, 2), True), ((0, 1), False), ((2,), False)])
def test_team_is_valid_matches_staff_exactly(team: tuple[int, ...], valid: bool) -> None:
    """Social worker + volunteer: (sw, vol) is valid; two social workers or one volunteer not."""
    schedule = team_schedule(staff={"social_worker": 1, "volunteer": 1})
    assert schedule.team_is_valid(0, team) is valid


def test_no_insertion_without_a_candidate() -> None:
    """A need only an excluded worker could serve has no insertion on any day."""
    problem = problem_of(town([worker("sw1")], [need("n1", excluded_workers=["sw1"])]))
    schedule = Schedule(problem, find_candidates(problem))
    assert all(schedule.best_insertion(0, d) is None for d in range(7))
    assert schedule.fill([0]) == 0
    assert not np.any(schedule.week_minutes)


def test_validity_check_catches_a_visit_before_arrival() -> None:
    """The checks used above can fail: a stop moved to the shift's first minute is reported."""
    _, schedule = greedy("tiny")
    (w, d, k), stops = next(iter(schedule.routes.items()))
    shift = schedule.problem.worker_shifts[w][d][k]
    stops[0].start, stops[0].end = shift.start, shift.start + (stops[0].end - stops[0].start)
    problems = schedule_problems(schedule)
    assert any("before the worker arrives" in p for p in problems)


@pytest.mark.parametrize(("workers", "kept"), [({0}, True), ({0, 2}, False)])
def test_clear_day_of_some_workers_keeps_visits_shared_with_others(
    workers: set[int], kept: bool
) -> None:
    """Clearing sw1 alone keeps the sw1 + vol3 visit on record; clearing both removes it."""
    schedule = team_schedule(staff={"social_worker": 1, "volunteer": 1})
    assert schedule.fill([0]) == 1
    team = schedule.visits[(0, MON)].team
    assert team == (0, 2)
    schedule.clear_day(MON, workers)
    assert ((0, MON) in schedule.visits) is kept
    assert (MON in schedule.visit_days(0)) is kept
    for w in team:
        cleared = w in workers
        assert (not any(key[0] == w for key in schedule.routes)) is cleared
        assert bool(schedule.week_minutes[w] == 0) is cleared
        assert schedule.week_minutes[w] == recomputed_week_minutes(schedule, w)


@pytest.mark.parametrize("name", TOWNS)
def test_clear_day_of_half_the_workers_then_reload_restores_the_schedule(name: str) -> None:
    """Clearing the even-numbered workers' routes of a day and loading them back changes nothing."""
    _, schedule = greedy(name)
    before = counters(schedule)
    day = max(range(7), key=lambda d: sum(v.day == d for v in schedule.visits.values()))
    group = set(range(0, schedule.problem.n_workers, 2))
    routes = {
        key: list(stops)
        for key, stops in schedule.routes.items()
        if key[1] == day and key[0] in group
    }
    dropped = [v for v in schedule.visits.values() if v.day == day and set(v.team) <= group]

    schedule.clear_day(day, group)
    assert not any(key[1] == day and key[0] in group for key in schedule.routes)
    for visit in schedule.visits.values():
        if visit.day == day:
            assert not set(visit.team) <= group
    for (w, d, k), stops in routes.items():
        schedule.add_route(w, d, k, stops)
    for visit in dropped:
        schedule.add_visit(visit)
    assert counters(schedule) == before
    assert schedule_problems(schedule) == []
