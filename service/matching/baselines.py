"""Cheap constructive plans: the baselines no plan of Mulin may fall below.

Each is what a simple planner would do, most urgent needs first:

* ``greedy``: the coordinator's greedy (fixed visit times, cheapest team and day,
  :func:`~service.matching.greedy.plan_greedy`);
* ``append``: every visit appended to the end of a worker's day, cheapest such place;
* ``insertion``: cheapest insertion anywhere in a route, visit times kept flexible;
* ``regret``: regret-2 insertion per priority: the need that would lose most by waiting (its
  best day against its second best) goes first.

The planner runs them (on a short wall-clock budget, those that fit in its first quarter),
starts its search from the best under the spec's objective and returns the best of
everything, so none of them can ever beat a plan of Mulin.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from service.matching.candidates import Candidates
from service.matching.greedy import plan_greedy, priority_order
from service.matching.problem import PRIORITIES, Problem
from service.matching.ruin_recreate import recreate
from service.matching.schedule import Schedule
from service.matching.week_routes import Insertion, WeekRoutes

NO_SECOND = 10**6
"""Regret of a need with a single way to be served: it goes before any other."""


def append_to_day_end(problem: Problem, candidates: Candidates) -> WeekRoutes:
    """Most urgent first, each visit appended to the end of a worker's day (cheapest such)."""
    state = WeekRoutes(problem, candidates)
    for need in priority_order(problem, candidates):
        while state.missing(need) > 0:
            found = [
                state.best_insertion(need, day, append_only=True) for day in state.need_days[need]
            ]
            options = [f for f in found if f is not None]
            if not options:
                break
            state.insert(min(options, key=lambda f: f.cost))
    return state


def cheapest_insertion(problem: Problem, candidates: Candidates) -> WeekRoutes:
    """Most urgent first, each visit at its cheapest place in any route (flexible times)."""
    state = WeekRoutes(problem, candidates)
    recreate(state, priority_order(problem, candidates), random.Random(0))
    return state


def regret_insertion(problem: Problem, candidates: Candidates) -> WeekRoutes:
    """Regret-2 insertion, priority by priority.

    Within a priority, the need whose best day is furthest ahead of its second best is served
    first. Evaluations are cached and redone only for needs whose two best days used a worker
    that just got a visit (their time and caps changed); the chosen need is always evaluated
    afresh before it is inserted.
    """
    state = WeekRoutes(problem, candidates)
    order = priority_order(problem, candidates)
    for priority in PRIORITIES:
        _regret_tier(state, [n for n in order if state.priority[n] == priority])
    return state


def _regret_tier(state: WeekRoutes, needs: list[int]) -> None:
    """Regret-2 insertion of the missing visits of ``needs`` (one priority)."""
    cached: dict[int, tuple[int, int, Insertion]] = {}
    using: dict[int, set[int]] = {}

    def evaluate(need: int) -> None:
        ranked = _by_cost(state, need) if state.missing(need) > 0 else []
        if not ranked:
            cached.pop(need, None)
            return
        second = ranked[1].cost if len(ranked) > 1 else ranked[0].cost + NO_SECOND
        cached[need] = (second - ranked[0].cost, -ranked[0].cost, ranked[0])
        for insertion in ranked[:2]:
            for place in insertion.placements:
                using.setdefault(place.route[0], set()).add(need)

    for need in needs:
        evaluate(need)
    while cached:
        need = max(cached, key=lambda n: (cached[n][0], cached[n][1], -n))
        stale = cached[need]
        evaluate(need)
        if need not in cached or cached[need][:2] != stale[:2]:
            continue
        insertion = cached.pop(need)[2]
        state.insert(insertion)
        dirty = {need}
        for place in insertion.placements:
            dirty |= using.pop(place.route[0], set())
        for other in dirty:
            if other in cached or other == need:
                evaluate(other)


def _by_cost(state: WeekRoutes, need: int) -> list[Insertion]:
    """The best insertion of ``need`` on each free day, cheapest first."""
    found = [state.best_insertion(need, day) for day in state.need_days[need]]
    return sorted((f for f in found if f is not None), key=lambda f: f.cost)


BASELINES: dict[str, Callable[[Problem, Candidates], WeekRoutes | Schedule]] = {
    "insertion": cheapest_insertion,
    "append": append_to_day_end,
    "greedy": plan_greedy,
    "regret": regret_insertion,
}
"""Every baseline by name, cheapest and most useful first (the planner's order)."""
