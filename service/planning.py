"""Plan a scenario's week: wire → solver shape, solve, explain, solver → wire."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from importlib.metadata import version

from service.matching.assignment import SolveParams
from service.matching.candidates import find_candidates
from service.matching.diagnosis import diagnose
from service.matching.planner import Progress, solve
from service.matching.shortage import shortages
from service.matching.solution import Solution
from service.messages import Language
from service.to_plan import to_plan
from service.to_solver import Indexed, to_solver
from service.wire.plan import Plan, SolverInfo
from service.wire.scenario import Scenario


@dataclass(frozen=True)
class PlanOptions:
    """How to plan.

    Parameters
    ----------
    time_limit
        Wall seconds for the whole plan: conversion, solving, explanations and shortage
        summary (the plan's check comes after).
    seed
        Random seed; with ``repeatable`` the same scenario gives the same plan.
    workers
        CP-SAT search workers.
    language
        Language of reasons and shortage sentences in the plan.
    hints
        Start CP-SAT from known plans (off only to measure what that brings).
    repeatable
        Count solver work instead of wall seconds (needs ``workers = 1``): the same scenario
        and seed give the same plan on a busy machine as on an idle one, and the time limit
        is then a measure of work, not of wall time (the plan's ``solver.wall_seconds`` says
        how long it took).
    """

    time_limit: float = 30.0
    seed: int = 0
    workers: int = 2
    language: Language = "zh"
    hints: bool = True
    repeatable: bool = False

    def params(self) -> SolveParams:
        """The solver parameters (validated)."""
        return SolveParams(
            time_limit=self.time_limit,
            seed=self.seed,
            workers=self.workers,
            hints=self.hints,
            repeatable=self.repeatable,
        )


EXPLAIN_SHARE = 0.05
"""Most of the time limit kept for explaining unmet needs and the shortage summary."""
EXPLAIN_SECONDS_PER_NEED = 0.001
"""Seconds kept per need for them (measured: 2.2 s for 2,011 needs, 0.2-0.4 s for 400)."""
EXPLAIN_LEAST_SHARE = 0.01
"""Least share of the time limit kept for them."""
MIN_SOLVE_SECONDS = 0.1


def _silent(phase: str, fraction: float) -> None:
    """Ignore progress."""


def plan_week(scenario: Scenario, options: PlanOptions, progress: Progress = _silent) -> Plan:
    """Plan one town's week.

    Parameters
    ----------
    scenario
        A validated scenario.
    options
        Time limit, seed, workers, language.
    progress
        Receives ``(phase, fraction of the time budget used)``.

    Returns
    -------
    Plan
        A ``mulin.plan/1`` plan, unmet needs explained.
    """

    def solve_week(indexed: Indexed, params: SolveParams) -> Solution:
        return solve(indexed.problem, params, progress=progress)

    return plan_with(scenario, options, solve_week)


def plan_with(
    scenario: Scenario, options: PlanOptions, solve_week: Callable[[Indexed, SolveParams], Solution]
) -> Plan:
    """Plan a week with a given solving step; conversion and explanations as always.

    Parameters
    ----------
    scenario
        A validated scenario.
    options
        Time limit, seed, workers, language.
    solve_week
        ``(indexed scenario, parameters with the solving budget)`` → solution.

    Returns
    -------
    Plan
        A ``mulin.plan/1`` plan, unmet needs explained.
    """
    params = options.params()
    started = time.perf_counter()
    deadline = started + options.time_limit
    indexed = to_solver(scenario)
    travel_seconds = time.perf_counter() - started
    wanted = max(
        EXPLAIN_SECONDS_PER_NEED * len(scenario.needs), EXPLAIN_LEAST_SHARE * options.time_limit
    )
    reserve = min(wanted, EXPLAIN_SHARE * options.time_limit)
    if params.repeatable:
        budget = max(options.time_limit - reserve, MIN_SOLVE_SECONDS)
    else:
        budget = max(deadline - time.perf_counter() - reserve, MIN_SOLVE_SECONDS)
    solution = solve_week(indexed, replace(params, time_limit=budget))
    t = time.perf_counter()
    candidates = find_candidates(indexed.problem)
    unserved = diagnose(indexed.problem, candidates, solution)
    short = shortages(
        indexed.problem,
        candidates,
        solution,
        unserved,
        deadline=None if params.repeatable else deadline,
    )
    phases = {"travel": round(travel_seconds, 3), **solution.phases}
    phases["diagnose"] = round(time.perf_counter() - t, 3)
    info = SolverInfo(
        name=f"mulin {solution.source}",
        wall_seconds=round(time.perf_counter() - started, 3),
        seed=options.seed,
        workers=options.workers,
        time_limit_seconds=options.time_limit,
        ortools_version=version("ortools"),
        phases=phases,
    )
    return to_plan(scenario, indexed, solution, unserved, short, info, options.language)
