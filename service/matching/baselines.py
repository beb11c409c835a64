"""Cheap constructive plans: the baselines no plan of Mulin may fall below.

Each is what a simple planner would do, most urgent needs first:

* ``greedy``: the coordinator's greedy (fixed visit times, cheapest team and day,
  :func:`~service.matching.greedy.plan_greedy`);
* ``append``: every visit appended to the end of a worker's day, cheapest such place;
* ``insertion``: cheapest insertion anywhere in a route, visit times kept flexible;
* ``regret``: regret-2 insertion per priority: the need that would lose most by waiting (its
  best day against its second best) goes first.

The planner runs them all, starts its search from the best under the spec's objective and
returns the best of everything, so none of them can ever beat a plan of Mulin.
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
    first; after each insertion only the needs that could use the changed workers' day are
    evaluated again.
    """
    state = WeekRoutes(problem, candidates)
    users: dict[tuple[int, int], set[int]] = {}
    for (need, day), options in state.options.items():
        for worker, _ in options:
            users.setdefault((worker, day), set()).add(need)
    order = priority_order(problem, candidates)
    for priority in PRIORITIES:
        pending = {n for n in order if state.priority[n] == priority and state.missing(n) > 0}
        best: dict[int, tuple[int, int, Insertion]] = {}
        dirty = set(pending)
        while pending:
            for need in dirty & pending:
                ranked = _by_cost(state, need)
                if not ranked:
                    pending.discard(need)
                    best.pop(need, None)
                    continue
                second = ranked[1].cost if len(ranked) > 1 else ranked[0].cost + NO_SECOND
                best[need] = (second - ranked[0].cost, -ranked[0].cost, ranked[0])
            if not pending:
                break
            need = max(pending, key=lambda n: (best[n][0], best[n][1], -n))
            insertion = best[need][2]
            state.insert(insertion)
            if state.missing(need) == 0:
                pending.discard(need)
            dirty = {need}
            for place in insertion.placements:
                dirty |= users.get((place.route[0], insertion.day), set())
    return state


def _by_cost(state: WeekRoutes, need: int) -> list[Insertion]:
    """The best insertion of ``need`` on each free day, cheapest first."""
    found = [state.best_insertion(need, day) for day in state.need_days[need]]
    return sorted((f for f in found if f is not None), key=lambda f: f.cost)


BASELINES: dict[str, Callable[[Problem, Candidates], WeekRoutes | Schedule]] = {
    "greedy": plan_greedy,
    "append": append_to_day_end,
    "insertion": cheapest_insertion,
    "regret": regret_insertion,
}
"""Every baseline by name."""
