"""CP-SAT model of the generic capacitated assignment problem, solved phase by phase."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

import numpy as np
from ortools.sat.python import cp_model

from service.matching.assignment import AssignmentProblem, AssignmentResult, SolveParams
from service.matching.problem import BoolArray
from service.matching.solution import SolveStatus

_STATUS = {
    cp_model.OPTIMAL: SolveStatus.OPTIMAL,
    cp_model.FEASIBLE: SolveStatus.FEASIBLE,
    cp_model.INFEASIBLE: SolveStatus.INFEASIBLE,
    cp_model.MODEL_INVALID: SolveStatus.UNKNOWN,
    cp_model.UNKNOWN: SolveStatus.UNKNOWN,
}


class _FirstSolution(cp_model.CpSolverSolutionCallback):
    """Records when the first solution appears."""

    def __init__(self) -> None:
        super().__init__()
        self.seconds: float | None = None

    def on_solution_callback(self) -> None:
        if self.seconds is None:
            self.seconds = self.wall_time


@dataclass
class _Variables:
    """Solver variables: one boolean per candidate pair and per item."""

    pairs: list[cp_model.IntVar]
    items: list[cp_model.IntVar]


class _AssignmentModel:
    """Variables, constraints and phased objectives of one assignment problem."""

    def __init__(self, problem: AssignmentProblem) -> None:
        self.problem = problem
        self.model = cp_model.CpModel()
        model = self.model
        self.vars = _Variables(
            [model.new_bool_var(f"x{p}") for p in range(len(problem.pair_item))],
            [model.new_bool_var(f"y{i}") for i in range(problem.n_items)],
        )
        self._items_take_their_slots()
        self._agents_within_capacity()
        self._side_rows()

    def _items_take_their_slots(self) -> None:
        """An assigned item uses exactly ``item_slots`` pairs; a mandatory item is assigned."""
        p, x, y = self.problem, self.vars.pairs, self.vars.items
        for item, members in _by_key(p.pair_item, p.n_items):
            self.model.add(sum(x[k] for k in members) == int(p.item_slots[item]) * y[item])
            if p.item_mandatory[item]:
                self.model.add(y[item] == 1)
            for k in members:
                self.model.add_implication(x[k], y[item])

    def _agents_within_capacity(self) -> None:
        """Each agent's pairs use no more than its capacity, in every dimension."""
        p, x = self.problem, self.vars.pairs
        for agent, members in _by_key(p.pair_agent, p.n_agents):
            for dim in range(p.agent_capacity.shape[1]):
                use = p.pair_use[members, dim]
                if use.sum() <= p.agent_capacity[agent, dim]:
                    continue
                self.model.add(
                    cp_model.LinearExpr.weighted_sum([x[k] for k in members], use.tolist())
                    <= int(p.agent_capacity[agent, dim])
                )

    def _side_rows(self) -> None:
        """The caller's linear side constraints."""
        rows, x, y = self.problem.rows, self.vars.pairs, self.vars.items
        for r in range(len(rows)):
            terms = [x[k] for k in rows.pairs[r]] + [y[i] for i in rows.items[r]]
            coefs = rows.pair_coefs[r].tolist() + rows.item_coefs[r].tolist()
            self.model.add_linear_constraint(
                cp_model.LinearExpr.weighted_sum(terms, coefs), rows.lo[r], rows.hi[r]
            )

    def hint(self, assigned: BoolArray) -> None:
        """Start the search from a known assignment."""
        self.model.clear_hints()  # type: ignore[no-untyped-call]
        served = np.zeros(self.problem.n_items, dtype=bool)
        served[self.problem.pair_item[assigned]] = True
        for var, value in zip(self.vars.pairs, assigned.tolist(), strict=True):
            self.model.add_hint(var, value)
        for var, value in zip(self.vars.items, served.tolist(), strict=True):
            self.model.add_hint(var, value)


def _by_key(keys: np.ndarray, count: int) -> list[tuple[int, np.ndarray]]:
    """``(key, indices)`` for every key from 0 to ``count - 1`` that occurs in ``keys``."""
    order = np.argsort(keys, kind="stable")
    starts = np.searchsorted(keys[order], np.arange(count + 1))
    return [
        (k, order[starts[k] : starts[k + 1]]) for k in range(count) if starts[k + 1] > starts[k]
    ]


Strategy = Literal["tiers", "weighted"]


def _phases(problem: AssignmentProblem, strategy: Strategy, with_cost: bool) -> list[int | None]:
    """Objective phases: a tier number, 0 for all tiers weighted at once, None for the cost."""
    optional = ~problem.item_mandatory
    tiers = sorted({int(t) for t in problem.item_priority[optional]})
    phases: list[int | None] = []
    if tiers:
        phases = [*tiers] if strategy == "tiers" else [0]
    return [*phases, None] if with_cost else phases


def _tier_weights(problem: AssignmentProblem) -> np.ndarray:
    """Per item, a weight making one more item of a tier worth more than all items below it."""
    base = int((~problem.item_mandatory).sum()) + 1
    return np.array([base ** (5 - int(t)) for t in problem.item_priority], dtype=np.int64)


def _decode_bound(
    problem: AssignmentProblem, weighted_bound: int, tier_caps: dict[int, int]
) -> dict[int, int]:
    """Per-tier bounds, lexicographic, from a bound on the weighted sum of served items.

    Any solution has ``sum(weight_t * served_t) <= bound``; if it serves ``u_1`` items of the
    first tier it has at most ``(bound - u_1 * weight_1) // weight_2`` of the second, and so on.
    """
    optional = ~problem.item_mandatory
    base = int(optional.sum()) + 1
    left = weighted_bound
    bounds = {}
    for tier in sorted({int(t) for t in problem.item_priority[optional]}):
        weight = base ** (5 - tier)
        count = int((optional & (problem.item_priority == tier)).sum())
        count = min(count, tier_caps.get(tier, count))
        bounds[tier] = max(0, min(count, left // weight))
        left -= bounds[tier] * weight
    return bounds


def solve_assignment(
    problem: AssignmentProblem,
    params: SolveParams,
    *,
    hint: BoolArray | None = None,
    relative_gap: float = 0.0,
    strategy: Strategy = "tiers",
    with_cost: bool = True,
    tier_caps: dict[int, int] | None = None,
) -> AssignmentResult:
    """Solve an assignment problem with CP-SAT: optional items by priority first, then cost.

    Parameters
    ----------
    problem
        The problem.
    params
        Time limit (for all phases together), seed and worker count.
    hint
        ``(pairs,)`` a known assignment to start from, e.g. a greedy plan's; CP-SAT repairs it
        when it breaks a constraint.
    relative_gap
        Stop the cost phase once within this relative gap of its bound.
    strategy
        ``tiers``: one phase per priority, each proven or bounded before the next (gives a
        bound per tier); ``weighted``: all tiers in one phase with lexicographic weights
        (better plans when time is short).
    with_cost
        Minimise the cost after the items (skip when only the tier bounds are wanted).
    tier_caps
        Known upper limits on the items served per tier (from side rows), which tighten the
        per-tier bounds read off a weighted phase.

    Returns
    -------
    AssignmentResult
        Never raises for infeasible or timed-out searches: the status says so.
    """
    started = time.perf_counter()
    built = _AssignmentModel(problem)
    model, x, y = built.model, built.vars.pairs, built.vars.items
    optional = ~problem.item_mandatory
    weights = _tier_weights(problem)
    phases = _phases(problem, strategy, with_cost)
    assigned = hint.copy() if hint is not None else None
    first_seconds: float | None = None
    tier_bound: dict[int, int] = {}
    proven = True
    solved_once = False
    status = SolveStatus.UNKNOWN
    objective = bound = None
    for index, tier in enumerate(phases):
        left = params.time_limit - (time.perf_counter() - started)
        if left <= 0.01:
            proven = False
            break
        members = np.flatnonzero(optional & (problem.item_priority == tier))
        expr: cp_model.LinearExprT
        if tier is None:
            expr = cp_model.LinearExpr.weighted_sum(x, problem.pair_cost.tolist())
            model.minimize(expr)
        elif tier == 0:
            chosen = np.flatnonzero(optional)
            expr = cp_model.LinearExpr.weighted_sum(
                [y[i] for i in chosen], weights[chosen].tolist()
            )
            model.maximize(expr)
        else:
            expr = sum(y[i] for i in members)
            model.maximize(expr)
        if assigned is not None:
            built.hint(assigned)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = left / (len(phases) - index)
        solver.parameters.num_workers = params.workers
        solver.parameters.random_seed = params.seed
        solver.parameters.repair_hint = assigned is not None
        if tier is None and relative_gap > 0:
            solver.parameters.relative_gap_limit = relative_gap
        callback = _FirstSolution()
        phase_status = _STATUS[solver.solve(model, callback)]
        if first_seconds is None and callback.seconds is not None:
            first_seconds = (time.perf_counter() - started) - solver.wall_time + callback.seconds
        if phase_status in (SolveStatus.INFEASIBLE, SolveStatus.UNKNOWN):
            status = SolveStatus.FEASIBLE if solved_once else phase_status
            proven = False
            break
        solved_once = True
        proven &= phase_status == SolveStatus.OPTIMAL
        assigned = np.array([solver.boolean_value(v) for v in x], dtype=bool)
        value, best = round(solver.objective_value), round(solver.best_objective_bound)
        status = SolveStatus.FEASIBLE
        if tier is None:
            objective, bound = value, best
            continue
        if tier > 0:
            tier_bound[tier] = best
        if tier == 0:
            tier_bound = _decode_bound(problem, best, tier_caps or {})
        model.add(expr >= value)
    if not solved_once or assigned is None:
        assigned = np.zeros(len(problem.pair_item), dtype=bool)
    elif proven:
        status = SolveStatus.OPTIMAL
    item_served = np.zeros(problem.n_items, dtype=bool)
    item_served[problem.pair_item[assigned]] = True
    tier_served = {
        int(t): int((item_served & optional & (problem.item_priority == t)).sum())
        for t in np.unique(problem.item_priority[optional])
    }
    return AssignmentResult(
        status=status,
        objective=objective,
        bound=bound,
        wall_seconds=time.perf_counter() - started,
        first_solution_seconds=first_seconds,
        assigned=assigned,
        item_served=item_served,
        tier_served=tier_served,
        tier_bound=tier_bound,
    )
