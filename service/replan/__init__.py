"""Re-planning a week that has started: absences, done and locked visits, urgent needs.

``replan_week(scenario, plan, request, options)`` keeps every done and locked visit, changes
as few other visits as it can, and lists what changed and why.
"""

from __future__ import annotations

from dataclasses import dataclass

from service.matching.assignment import SolveParams
from service.matching.planner import Progress
from service.matching.problem import Problem
from service.matching.replan import solve_from
from service.matching.schedule import Visit
from service.matching.solution import Solution
from service.planning import PlanOptions, plan_with
from service.replan.changes import compare
from service.replan.merge import merge
from service.replan.pinning import Prepared, prepare
from service.to_solver import Indexed
from service.wire.common import DAYS, time_to_minutes
from service.wire.plan import Plan
from service.wire.replan import ChangeSummary, ReplanRequest
from service.wire.scenario import Scenario

__all__ = ["ReplanRequest", "Replanned", "replan_week"]


@dataclass(frozen=True)
class Replanned:
    """The outcome of a re-plan.

    Attributes
    ----------
    week
        The week as it now stands (absences applied, urgent needs added); ``plan`` is valid
        for it.
    plan
        The new plan.
    changes
        What changed against the plan in force, and why.
    """

    week: Scenario
    plan: Plan
    changes: ChangeSummary


def _silent(phase: str, fraction: float) -> None:
    """Ignore progress."""


def _in_force(prepared: Prepared, indexed: Indexed) -> tuple[Solution, frozenset[int]]:
    """The still-fitting visits of the plan in force in solver shape, and the pinned needs."""
    need = {need_id: i for i, need_id in enumerate(indexed.need_ids)}
    worker = {worker_id: i for i, worker_id in enumerate(indexed.worker_ids)}
    visits = [
        Visit(
            need[v.need_id],
            DAYS.index(v.day),
            time_to_minutes(v.start),
            tuple(worker[w] for w in v.worker_ids),
        )
        for v in prepared.in_force
    ]
    routes = {
        (worker[r.worker_id], DAYS.index(r.day), r.shift): [need[s.need_id] for s in r.stops]
        for r in prepared.routes
    }
    problem: Problem = indexed.problem
    solution = Solution(visits, routes, problem.need_request * 0)
    return solution, frozenset(need[pin_id] for pin_id in prepared.pinned)


def replan_week(
    scenario: Scenario,
    plan: Plan,
    request: ReplanRequest,
    options: PlanOptions,
    progress: Progress = _silent,
    *,
    keep_plan: bool = True,
) -> Replanned:
    """Re-plan the rest of a week.

    Parameters
    ----------
    scenario
        The scenario the plan in force was made for.
    plan
        The plan in force.
    request
        From which day, absences, done and locked visits, urgent needs.
    options
        Time limit, seed, workers, language.
    progress
        Receives ``(phase, fraction of the time budget used)``.
    keep_plan
        False re-plans the rest of the week from scratch (done and locked visits still kept):
        the baseline to measure how much a re-plan disturbs.

    Returns
    -------
    Replanned
        The week as it now stands, its new plan and the changes.

    Raises
    ------
    service.loading.InvalidDocument
        When the request does not fit the plan (paths into the request).
    """
    prepared = prepare(scenario, plan, request)

    def solve_week(indexed: Indexed, params: SolveParams) -> Solution:
        in_force, pinned = _in_force(prepared, indexed)
        index = {need_id: i for i, need_id in enumerate(indexed.need_ids)}
        wanted = frozenset(index[n] for n in prepared.displaced if n in index)
        solved = solve_from(
            indexed.problem,
            params,
            in_force,
            pinned,
            progress=progress,
            keep_plan=keep_plan,
            wanted=wanted,
        )
        planned = {v.need for v in solved.visits}
        if not pinned <= planned:
            raise RuntimeError("a done or locked visit was lost while re-planning")
        return solved

    solved = plan_with(prepared.to_solve, options, solve_week)
    new_plan = merge(prepared, solved, options.language)
    return Replanned(prepared.week, new_plan, compare(plan, new_plan, prepared, options.language))
