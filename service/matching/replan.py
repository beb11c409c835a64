"""Re-plan a week that has started: keep the plan in force, change as little of it as needed.

The week's plan in force comes in as a solution (visits and shift routes). Pinned visits (done
or locked ones) must stay; the others are kept where they still fit. Visits that no longer fit
(their worker is absent) and new needs are inserted into the free time, most urgent first, and
large neighbourhood search then looks for more urgent visits. A re-planned neighbourhood is
kept only when the week gets better under a key that ranks, in this order: pinned visits kept,
visits per priority, resource units per priority, visits of the plan in force left as they
were, then the spec's travel, preference and fairness terms.
"""

from __future__ import annotations

from service.matching.assignment import SolveParams
from service.matching.budget import Budget
from service.matching.candidates import find_candidates
from service.matching.greedy import priority_order
from service.matching.lns import QualityKey, improve
from service.matching.planner import Progress
from service.matching.problem import Problem
from service.matching.schedule import Visit
from service.matching.solution import Solution, from_schedule, quality_key, to_schedule

N_TIERS = 10
"""Entries of ``quality_key`` for visits and resource units (5 priorities each)."""


def _silent(phase: str, fraction: float) -> None:
    """Progress sink that ignores everything."""


def unchanged(before: Visit, after: Visit | None) -> bool:
    """Whether a visit is still on its day at the same time with the same team."""
    return after is not None and after.start == before.start and set(after.team) == set(before.team)


def stability_key(problem: Problem, in_force: list[Visit], pinned: frozenset[int]) -> QualityKey:
    """The key re-planning compares weeks by (larger is better).

    Parameters
    ----------
    problem
        The week in solver shape.
    in_force
        Visits of the plan in force that still fit the week.
    pinned
        Needs whose visits must stay (one pinned visit each).

    Returns
    -------
    callable
        ``(problem, solution)`` → pinned visits kept, visits and resource units per priority,
        minus visits of the plan in force changed, then the rest of :func:`quality_key`.
    """
    reference = {(v.need, v.day): v for v in in_force}

    def key(problem: Problem, solution: Solution) -> tuple[int, ...]:
        planned = {(v.need, v.day): v for v in solution.visits}
        kept_pinned = sum(1 for v in in_force if v.need in pinned and (v.need, v.day) in planned)
        changed = sum(1 for at, v in reference.items() if not unchanged(v, planned.get(at)))
        spec = quality_key(problem, solution)
        return (kept_pinned, *spec[:N_TIERS], -changed, *spec[N_TIERS:])

    return key


def solve_from(
    problem: Problem,
    params: SolveParams,
    in_force: Solution,
    pinned: frozenset[int],
    *,
    progress: Progress = _silent,
    keep_plan: bool = True,
    wanted: frozenset[int] | None = None,
) -> Solution:
    """Re-plan a week starting from the plan in force.

    Parameters
    ----------
    problem
        The week in solver shape (absences applied, new needs added).
    params
        Time limit, seed and CP-SAT workers.
    in_force
        The visits and routes of the plan in force that still fit ``problem`` (a valid
        partial plan of it).
    pinned
        Needs whose single visit must stay as it is in ``in_force``.
    progress
        Receives ``(phase, fraction of time used)``.
    keep_plan
        False plans the week from scratch instead (pinned visits still kept): the baseline
        a re-plan is measured against.
    wanted
        With ``keep_plan``: the needs the search may move other visits for (the displaced
        and urgent ones); other needs only get visits where free time is left.

    Returns
    -------
    Solution
        A valid plan keeping every pinned visit.
    """
    budget = Budget(params.time_limit, params.repeatable)
    progress("baselines", budget.used())
    candidates = find_candidates(problem)
    start_from = in_force if keep_plan else pinned_only(in_force, pinned)
    schedule = to_schedule(problem, candidates, start_from)
    schedule.fill(priority_order(problem, candidates))
    progress("improve", budget.used())
    improve(
        schedule,
        params,
        budget,
        on_step=lambda _: progress("improve", budget.used()),
        key=stability_key(problem, start_from.visits, pinned),
        wanted=wanted if keep_plan else None,
    )
    progress("repair", budget.used())
    schedule.fill(priority_order(problem, candidates))
    return from_schedule(schedule, "cp-sat replan" if keep_plan else "cp-sat")


def pinned_only(in_force: Solution, pinned: frozenset[int]) -> Solution:
    """The pinned visits of a plan and their routes, nothing else."""
    routes = {at: [n for n in needs if n in pinned] for at, needs in in_force.routes.items()}
    return Solution(
        [v for v in in_force.visits if v.need in pinned],
        {at: stops for at, stops in routes.items() if stops},
        in_force.given,
    )
