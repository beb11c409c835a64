"""The week's routes with flexible times: insertion, removal, undo, caps and teams."""

from __future__ import annotations

import random

from matching_kit import (
    need,
    plan_violations,
    problem_of,
    schedule_problems,
    town,
    worker,
)

from service.generator import generate_town
from service.matching.candidates import find_candidates
from service.matching.solution import from_schedule
from service.matching.week_routes import WeekRoutes
from service.to_solver import to_solver


def _state(data: dict[str, object]) -> WeekRoutes:
    problem = problem_of(data)
    return WeekRoutes(problem, find_candidates(problem))


def _add(state: WeekRoutes, need_index: int, day: int = 0) -> bool:
    found = state.best_insertion(need_index, day)
    if found is None:
        return False
    state.insert(found)
    return True


def test_a_visit_is_inserted_before_a_later_one_when_times_allow() -> None:
    """A 09:00-10:00 need goes before a stop already planned whose window starts later."""
    late = need("n1", window={"days": ["mon"], "from": "10:30", "to": "12:00"})
    early = need("n2", window={"days": ["mon"], "from": "09:00", "to": "10:20"})
    state = _state(town([worker("sw01")], [late, early]))
    assert _add(state, 0)
    assert _add(state, 1)
    assert state.routes[(0, 0, 0)].needs == [1, 0]
    assert schedule_problems(state.to_schedule()) == []


def test_a_visit_that_would_push_the_next_past_its_window_is_refused() -> None:
    """A stop is not inserted where the visit after it could then no longer start in time."""
    tight = need("n1", window={"days": ["mon"], "from": "09:30", "to": "10:30"})
    other = need("n2", window={"days": ["mon"], "from": "09:00", "to": "10:30"})
    state = _state(town([worker("sw01")], [tight, other]))
    assert _add(state, 0)
    assert not _add(state, 1)


def test_solo_visit_goes_only_to_a_worker_with_its_skill_and_language() -> None:
    """A one-person visit asking for a skill and a language goes to the one worker having both."""
    workers = [
        worker("sw01", skills=["sign_language"], languages=["mandarin"]),
        worker("sw02", skills=[], languages=["changshu"]),
        worker("sw03", skills=["sign_language"], languages=["changshu"]),
    ]
    wanted = need("n1", skills=["sign_language"], languages=["changshu"])
    state = _state(town(workers, [wanted]))
    assert _add(state, 0)
    assert [key[0] for key in state.visits[(0, 0)].routes] == [2]


def test_no_worker_with_the_skill_means_no_insertion() -> None:
    """Without anyone holding the skill a one-person visit cannot be inserted."""
    state = _state(town([worker("sw01")], [need("n1", skills=["sign_language"])]))
    assert not _add(state, 0)


def test_team_visit_starts_at_one_time_in_every_members_route() -> None:
    """A social worker + volunteer visit is in both routes at one start, and the plan is valid."""
    workers = [worker("sw01"), worker("vol01", role="volunteer")]
    pair = need("n1", staff={"social_worker": 1, "volunteer": 1})
    data = town(workers, [pair, need("n2")])
    state = _state(data)
    assert _add(state, 0)
    assert _add(state, 1)
    schedule = state.to_schedule()
    visit = schedule.visits[(0, 0)]
    assert visit.team == (0, 1)
    assert schedule_problems(schedule) == []


def test_visits_per_day_cap_holds() -> None:
    """A worker allowed one visit a day takes one; the second need stays unserved."""
    data = town([worker("sw01", max_visits_per_day=1)], [need("n1"), need("n2")])
    state = _state(data)
    assert _add(state, 0)
    assert not _add(state, 1)


def test_week_minutes_cap_holds() -> None:
    """A worker capped at 80 minutes a week takes one 60-minute visit (12 min ride), not two."""
    data = town([worker("sw01", max_minutes_per_week=80)], [need("n1"), need("n2")])
    state = _state(data)
    assert _add(state, 0)
    assert not _add(state, 1)


def test_rollback_restores_the_state_exactly() -> None:
    """Removals and insertions after a checkpoint are undone by rollback, caps included."""
    problem = to_solver(generate_town(4, 80, 3)).problem
    state = WeekRoutes(problem, find_candidates(problem))
    for need_index in range(problem.n_needs):
        for day in state.need_days[need_index]:
            if state.missing(need_index) > 0:
                _add(state, need_index, day)
    before = (state.snapshot(), state.work)
    state.checkpoint()
    for at in list(state.visits)[::3]:
        state.remove(*at)
    for need_index in range(problem.n_needs):
        for day in state.need_days[need_index]:
            _add(state, need_index, day)
    state.rollback()
    after = state.snapshot()
    snapshot = before[0]
    assert after.visits == snapshot.visits
    assert after.week_used == snapshot.week_used
    assert after.day_count == snapshot.day_count
    assert after.served == snapshot.served
    assert after.travel == snapshot.travel
    assert {k: r.needs for k, r in after.routes.items()} == {
        k: r.needs for k, r in snapshot.routes.items()
    }


def test_random_changes_keep_the_week_valid_by_the_checker() -> None:
    """Random insertions and removals on a generated town leave a plan the checker accepts."""
    scenario = generate_town(5, 120, 8)
    indexed = to_solver(scenario)
    problem = indexed.problem
    state = WeekRoutes(problem, find_candidates(problem))
    rng = random.Random(1)
    for _ in range(2000):
        if state.visits and rng.random() < 0.2:
            state.remove(*rng.choice(sorted(state.visits)))
        else:
            need_index = rng.randrange(problem.n_needs)
            days = state.need_days[need_index]
            if days and state.missing(need_index) > 0:
                _add(state, need_index, rng.choice(days))
    assert len(state.visits) > 40
    schedule = state.to_schedule()
    assert schedule_problems(schedule) == []
    loaded = WeekRoutes.from_schedule(schedule)
    assert loaded.travel == state.travel and loaded.served == state.served
    assert plan_violations(scenario, indexed, from_schedule(schedule, "test")) == []
