"""CP-SAT model of the generic capacitated assignment problem, solved phase by phase."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

import numpy as np
from ortools.sat.python import cp_model

from service.matching.assignment import AssignmentProblem, AssignmentResult, SolveParams
from service.matching.budget import Budget
from service.matching.cpsat.limits import set_limit
from service.matching.problem import BoolArray, IntArray
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
    """Proto indices of the solver's booleans: per candidate pair, per item, per auxiliary."""

    pairs: IntArray
    items: IntArray
    aux: IntArray


class _AssignmentModel:
    """Variables, constraints and phased objectives of one assignment problem.

    The model is written straight into the CP-SAT proto from numpy index arrays: variable
    ``k`` is pair ``k`` and variable ``pairs + i`` is item ``i``, auxiliaries follow. Building
    it through one Python object per variable took seconds for the 128,000 pairs of the largest
    GAP instances.
    """

    def __init__(self, problem: AssignmentProblem) -> None:
        self.problem = problem
        self.model = cp_model.CpModel()
        self.proto = self.model.proto
        n_pairs, n_items = len(problem.pair_item), problem.n_items
        total = n_pairs + n_items + problem.rows.n_aux
        self.vars = _Variables(
            np.arange(n_pairs, dtype=np.int64),
            np.arange(n_pairs, n_pairs + n_items, dtype=np.int64),
            np.arange(n_pairs + n_items, total, dtype=np.int64),
        )
        # One text block for all booleans: the proto parser is the fastest way to add many.
        self.proto.parse_text_format("variables { domain: [0, 1] }\n" * total)
        self._items_take_their_slots()
        self._agents_within_capacity()
        self._side_rows()

    def _linear(self, variables: IntArray, coefs: IntArray, lo: int, hi: int) -> None:
        """Add ``lo <= coefs · variables <= hi``."""
        constraint = self.proto.constraints.add()
        constraint.linear.vars.extend(variables.tolist())
        constraint.linear.coeffs.extend(coefs.tolist())
        constraint.linear.domain.extend((max(lo, cp_model.INT_MIN), min(hi, cp_model.INT_MAX)))

    def _items_take_their_slots(self) -> None:
        """An assigned item uses exactly ``item_slots`` pairs; a mandatory item is assigned.

        A one-slot item's pairs are an exactly-one with the item's negation (or without it, when
        mandatory); for larger teams each pair also implies its item, which the LP needs.
        """
        p, x, y = self.problem, self.vars.pairs, self.vars.items
        nobody = np.ones(p.n_items, dtype=bool)
        nobody[p.pair_item] = False
        for item in np.flatnonzero(nobody).tolist():
            # No agent can take it: never assigned, so a mandatory one makes the model infeasible.
            domain = self.proto.variables[int(y[item])].domain
            domain.clear()
            domain.extend((1, 1) if p.item_mandatory[item] else (0, 0))
            if p.item_mandatory[item]:
                self._linear(np.array([], dtype=np.int64), np.array([], dtype=np.int64), 1, 1)
        for item, members in _by_key(p.pair_item, p.n_items):
            slots = int(p.item_slots[item])
            if p.item_mandatory[item]:
                domain = self.proto.variables[int(y[item])].domain
                domain.clear()
                domain.extend((1, 1))
            if slots == 1 and p.item_mandatory[item]:
                self.proto.constraints.add().exactly_one.literals.extend(x[members].tolist())
            elif slots == 1:
                literals = [*x[members].tolist(), -int(y[item]) - 1]
                self.proto.constraints.add().exactly_one.literals.extend(literals)
            else:
                self._linear(
                    np.append(x[members], y[item]),
                    np.append(np.ones(len(members), dtype=np.int64), -slots),
                    0,
                    0,
                )
                for k in x[members].tolist():
                    implication = self.proto.constraints.add()
                    implication.enforcement_literal.append(k)
                    implication.bool_and.literals.append(int(y[item]))

    def _agents_within_capacity(self) -> None:
        """Each agent's pairs use no more than its capacity, in every dimension."""
        p, x = self.problem, self.vars.pairs
        for agent, members in _by_key(p.pair_agent, p.n_agents):
            for dim in range(p.agent_capacity.shape[1]):
                use = p.pair_use[members, dim]
                if use.sum() <= p.agent_capacity[agent, dim]:
                    continue
                self._linear(
                    x[members], use, int(use[use < 0].sum()), int(p.agent_capacity[agent, dim])
                )

    def _side_rows(self) -> None:
        """The caller's linear side constraints, over pairs, items and auxiliary booleans."""
        rows, x, y, z = self.problem.rows, self.vars.pairs, self.vars.items, self.vars.aux
        for r in range(len(rows)):
            row = rows.row(r)
            self._linear(
                np.concatenate([x[row.pairs], y[row.items], z[row.aux]]),
                np.concatenate([row.pair_coefs, row.item_coefs, row.aux_coefs]),
                row.lo,
                row.hi,
            )

    def objective(self, variables: IntArray, coefs: IntArray, *, maximize: bool) -> None:
        """Set the objective ``coefs · variables``, minimised or maximised."""
        objective = self.proto.objective
        objective.clear_scaling_factor()
        objective.vars.clear()
        objective.coeffs.clear()
        objective.vars.extend(variables.tolist())
        objective.coeffs.extend((-coefs if maximize else coefs).tolist())
        if maximize:
            objective.scaling_factor = -1.0

    def at_least(self, variables: IntArray, coefs: IntArray, value: int) -> None:
        """Keep a phase's result: ``coefs · variables >= value``."""
        self._linear(variables, coefs, value, cp_model.INT_MAX)

    def hint(self, assigned: BoolArray) -> None:
        """Start the search from a known assignment."""
        served = np.zeros(self.problem.n_items, dtype=bool)
        served[self.problem.pair_item[assigned]] = True
        hint = self.proto.solution_hint
        hint.vars.clear()
        hint.values.clear()
        hint.vars.extend(np.concatenate([self.vars.pairs, self.vars.items]).tolist())
        hint.values.extend(np.concatenate([assigned, served]).astype(np.int64).tolist())


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
    tier_floors: dict[int, int] | None = None,
) -> AssignmentResult:
    """Solve an assignment problem with CP-SAT: optional items by priority first, then cost.

    Parameters
    ----------
    problem
        The problem.
    params
        Time limit (for all phases together), seed and worker count.
    hint
        ``(pairs,)`` a known assignment to start from, e.g. a greedy plan's. (CP-SAT's
        ``repair_hint`` is not used: in OR-Tools 9.15 it aborts the process on these models with
        "Check failed: heuristics.fixed_search != nullptr".)
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
    tier_floors
        Tiers held at least at these counts from the start; their phases are skipped.

    Returns
    -------
    AssignmentResult
        Never raises for infeasible or timed-out searches: the status says so.
    """
    started = time.perf_counter()
    built = _AssignmentModel(problem)
    x, y = built.vars.pairs, built.vars.items
    optional = ~problem.item_mandatory
    weights = _tier_weights(problem)
    floors = tier_floors or {}
    phases = [t for t in _phases(problem, strategy, with_cost) if t is None or t not in floors]
    for held, floor in floors.items():
        kept = np.flatnonzero(optional & (problem.item_priority == held))
        built.at_least(y[kept], np.ones(len(kept), dtype=np.int64), floor)
    assigned = hint.copy() if hint is not None else None
    first_seconds: float | None = None
    tier_bound: dict[int, int] = {}
    proven = True
    solved_once = False
    status = SolveStatus.UNKNOWN
    objective = bound = None
    budget = Budget(params.time_limit, params.repeatable)
    for index, tier in enumerate(phases):
        left = budget.left()
        if left <= 0.01:
            proven = False
            break
        if tier is None:
            variables, coefs = x, problem.pair_cost.astype(np.int64)
        elif tier == 0:
            chosen = np.flatnonzero(optional)
            variables, coefs = y[chosen], weights[chosen]
        else:
            chosen = np.flatnonzero(optional & (problem.item_priority == tier))
            variables, coefs = y[chosen], np.ones(len(chosen), dtype=np.int64)
        built.objective(variables, coefs, maximize=tier is not None)
        if assigned is not None:
            built.hint(assigned)
        solver = cp_model.CpSolver()
        share = left / (len(phases) - index)
        set_limit(solver.parameters, share, params)
        budget.charge(share)
        if tier is None and relative_gap > 0:
            solver.parameters.relative_gap_limit = relative_gap
        callback = _FirstSolution()
        phase_status = _STATUS[solver.solve(built.model, callback)]
        if first_seconds is None and callback.seconds is not None:
            first_seconds = (time.perf_counter() - started) - solver.wall_time + callback.seconds
        if phase_status in (SolveStatus.INFEASIBLE, SolveStatus.UNKNOWN):
            status = SolveStatus.FEASIBLE if solved_once else phase_status
            proven = False
            break
        solved_once = True
        proven &= phase_status == SolveStatus.OPTIMAL
        solution = np.array(solver.response_proto.solution, dtype=np.int64)
        assigned = solution[x].astype(bool)
        value, best = round(solver.objective_value), round(solver.best_objective_bound)
        status = SolveStatus.FEASIBLE
        if tier is None:
            objective, bound = value, best
            continue
        if tier > 0:
            tier_bound[tier] = best
        if tier == 0:
            tier_bound = _decode_bound(problem, best, tier_caps or {})
        built.at_least(variables, coefs, value)
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
