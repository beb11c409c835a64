"""CP-SAT model of the generic capacitated assignment problem, solved phase by phase."""

from __future__ import annotations

import time
from dataclasses import dataclass

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
    peaks: list[cp_model.IntVar | int]


class _AssignmentModel:
    """Variables, constraints and phased objectives of one assignment problem."""

    def __init__(self, problem: AssignmentProblem) -> None:
        self.problem = problem
        self.model = cp_model.CpModel()
        model = self.model
        self.vars = _Variables(
            [model.new_bool_var(f"x{p}") for p in range(len(problem.pair_item))],
            [model.new_bool_var(f"y{i}") for i in range(problem.n_items)],
            [0] * problem.n_agents,
        )
        self._agent_peaks()
        self._items_take_their_slots()
        self._agents_within_capacity()
        self._side_rows()

    def _agent_peaks(self) -> None:
        """Each agent's peak is at least the ``pair_peak`` of every pair it takes."""
        p, x = self.problem, self.vars.pairs
        if p.pair_peak is None:
            return
        for agent, pairs in _by_key(p.pair_agent, p.n_agents):
            highest = int(p.pair_peak[pairs].max(initial=0))
            if highest <= 0:
                continue
            peak = self.model.new_int_var(0, highest, f"peak{agent}")
            self.vars.peaks[agent] = peak
            for k in pairs:
                if p.pair_peak[k] > 0:
                    self.model.add(peak >= int(p.pair_peak[k]) * x[k])

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
        p, x, peaks = self.problem, self.vars.pairs, self.vars.peaks
        for agent, members in _by_key(p.pair_agent, p.n_agents):
            for dim in range(p.agent_capacity.shape[1]):
                use = p.pair_use[members, dim]
                peak = peaks[agent] if dim == 0 else 0
                highest = (
                    int(p.pair_peak[members].max(initial=0))
                    if dim == 0 and p.pair_peak is not None
                    else 0
                )
                if use.sum() + highest <= p.agent_capacity[agent, dim]:
                    continue
                self.model.add(
                    cp_model.LinearExpr.weighted_sum([x[k] for k in members], use.tolist()) + peak
                    <= int(p.agent_capacity[agent, dim])
                )

    def _side_rows(self) -> None:
        """The caller's linear side constraints."""
        rows, x, y, peaks = self.problem.rows, self.vars.pairs, self.vars.items, self.vars.peaks
        for r in range(len(rows)):
            terms = [x[k] for k in rows.pairs[r]] + [y[i] for i in rows.items[r]]
            terms += [peaks[a] for a in rows.agents[r]]
            coefs = rows.pair_coefs[r].tolist() + rows.item_coefs[r].tolist()
            coefs += rows.agent_coefs[r].tolist()
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


def solve_assignment(
    problem: AssignmentProblem,
    params: SolveParams,
    *,
    hint: BoolArray | None = None,
    relative_gap: float = 0.0,
    tiers_only: bool = False,
) -> AssignmentResult:
    """Solve an assignment problem with CP-SAT: tiers of optional items first, then cost.

    Parameters
    ----------
    problem
        The problem.
    params
        Time limit (for all phases together), seed and worker count.
    hint
        ``(pairs,)`` a known assignment to start from, e.g. a greedy plan's.
    relative_gap
        Stop the cost phase once within this relative gap of its bound.
    tiers_only
        Skip the cost phase (when only the tier bounds are wanted).

    Returns
    -------
    AssignmentResult
        Never raises for infeasible or timed-out searches: the status says so.
    """
    started = time.perf_counter()
    built = _AssignmentModel(problem)
    model, x, y = built.model, built.vars.pairs, built.vars.items
    optional = ~problem.item_mandatory
    tiers = sorted({int(t) for t in problem.item_priority[optional]})
    phases: list[int | None] = [*tiers] if tiers_only else [*tiers, None]
    assigned = hint.copy() if hint is not None else None
    first_seconds: float | None = None
    tier_served: dict[int, int] = {}
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
        if tier is None:
            model.minimize(cp_model.LinearExpr.weighted_sum(x, problem.pair_cost.tolist()))
        else:
            members = np.flatnonzero(optional & (problem.item_priority == tier))
            model.maximize(sum(y[i] for i in members))
        if assigned is not None:
            built.hint(assigned)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = left / (len(phases) - index)
        solver.parameters.num_workers = params.workers
        solver.parameters.random_seed = params.seed
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
        else:
            tier_served[tier], tier_bound[tier] = value, best
            members = np.flatnonzero(optional & (problem.item_priority == tier))
            model.add(sum(y[i] for i in members) >= value)
    if not solved_once or assigned is None:
        assigned = np.zeros(len(problem.pair_item), dtype=bool)
    elif proven and len(tier_bound) == len(tiers) and (tiers_only or objective is not None):
        status = SolveStatus.OPTIMAL
    item_served = np.zeros(problem.n_items, dtype=bool)
    item_served[problem.pair_item[assigned]] = True
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
