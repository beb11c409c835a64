"""The classical Generalized Assignment Problem (GAP): benchmark files and their solution.

A GAP instance has ``m`` agents and ``n`` jobs; giving job ``j`` to agent ``i`` costs
``cost[i, j]`` and uses ``weight[i, j]`` of the agent's ``capacity[i]``. Every job goes to
exactly one agent, no agent exceeds its capacity, and the total cost is minimised. It is the
special case of :class:`~service.matching.assignment.AssignmentProblem` with every item
mandatory, one slot, one capacity dimension and no side rows.

Files are the OR-Library / Yagiura format (one stream of whitespace-separated integers): either
one instance ``m n c[m][n] a[m][n] b[m]`` or a count ``P`` followed by ``P`` instances.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from service.matching.assignment import AssignmentProblem, SolveParams
from service.matching.cpsat.assignment_solver import solve_assignment
from service.matching.gap_heuristic import (
    LagrangianBound,
    assignment_cost,
    is_feasible,
    lagrangian_bound,
    solve_heuristic,
    tabu_search,
)
from service.matching.problem import BoolArray, IntArray
from service.matching.solution import SolveStatus

_TYPE_FILE = re.compile(r"gap([a-z])")
"""OR-Library's ``gapa`` ... ``gapd``: instances are named by type, agents and jobs."""

HEURISTIC_SHARE = 0.15
"""Share of the time limit the constructive heuristic and local search may use (at most)."""

HEURISTIC_MAX_SECONDS = 1.5
"""Cap on the heuristic's time, so the first solution comes early on long runs too."""

QUICK_SHARE = 0.15
"""Share of the time limit for a first, short CP-SAT attempt (small models: most of the
OR-Library instances are proven within it)."""

WARMUP_SHARE = 0.1
"""Share of the time limit for a tabu search before the first CP-SAT attempt (small models)."""

PROBE_SHARE = 0.3
"""Share of the time limit for the first CP-SAT attempt at a proof (small models)."""

CLOSED_SHARE = 0.5
"""CP-SAT keeps the rest of the time when its probe closed this share of the gap between the
incumbent and the bound it started from (or improved the incumbent)."""

FINAL_SHARE = 0.25
"""Share of the time limit kept for the last CP-SAT round (when its model is small)."""

CPSAT_MAX_PAIRS = 20_000
"""CP-SAT is only used on models with at most this many pairs: on larger ones (the 80 x 1600
instances have 128,000) its presolve alone takes seconds and its search does not improve on the
tabu search with two workers."""


@dataclass(frozen=True)
class GapInstance:
    """One GAP instance.

    Attributes
    ----------
    name
        ``gap1-1`` for the first instance of ``gap1.txt``, ``d10200`` for the
        instance of ``gapd.txt`` with 10 agents and 200 jobs, the file name for a file with one
        instance.
    cost, weight
        ``(agents, jobs)`` cost and resource use of giving each job to each agent.
    capacity
        ``(agents,)`` capacity of each agent.
    """

    name: str
    cost: IntArray
    weight: IntArray
    capacity: IntArray

    @property
    def agents(self) -> int:
        """Number of agents ``m``."""
        return int(self.cost.shape[0])

    @property
    def jobs(self) -> int:
        """Number of jobs ``n``."""
        return int(self.cost.shape[1])


@dataclass(frozen=True)
class GapResult:
    """The outcome of solving one GAP instance.

    Attributes
    ----------
    name
        The instance's name.
    status
        OPTIMAL when proven, FEASIBLE when a solution exists but is not proven, INFEASIBLE when
        no assignment fits, UNKNOWN when none was found in time.
    objective, bound
        Cost of the solution found and the proven lower bound on the optimum.
    seconds, first_solution_seconds
        Wall time of the whole solve, and until the first feasible solution.
    assignment
        ``(jobs,)`` agent of each job, or ``None`` when no solution was found.
    """

    name: str
    status: SolveStatus
    objective: int | None
    bound: int | None
    seconds: float
    first_solution_seconds: float | None
    assignment: IntArray | None


def read_gap_file(path: Path | str) -> list[GapInstance]:
    """Read every instance of an OR-Library or Yagiura GAP file.

    Parameters
    ----------
    path
        The file. Line breaks carry no meaning; the file is one stream of integers.

    Returns
    -------
    list of GapInstance
        In file order.

    Raises
    ------
    ValueError
        When the file cannot be read, holds something other than integers, or its counts do
        not add up; the message names the file and the problem.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"{path}: cannot read the file ({error}).") from error
    numbers = _integers(path, text)
    if len(numbers) < 2:
        raise ValueError(f"{path}: {len(numbers)} integers; a GAP file starts with 'm n'.")
    first, second = int(numbers[0]), int(numbers[1])
    if first > 0 and second > 0 and len(numbers) == 2 + 2 * first * second + first:
        return [_instance(path, path.name, numbers, 0)[0]]
    if first < 1:
        raise ValueError(f"{path}: the first integer ({first}) is neither an agent count nor P.")
    instances = []
    start = 1
    for index in range(1, first + 1):
        instance, start = _instance(path, f"{path.stem}-{index}", numbers, start)
        instances.append(instance)
    if start != len(numbers):
        raise ValueError(
            f"{path}: {len(numbers) - start} integers left after the {first} instances the "
            "file announces."
        )
    type_file = _TYPE_FILE.fullmatch(path.stem)
    if type_file:
        letter = type_file.group(1)
        instances = [
            replace(inst, name=f"{letter}{inst.agents:02d}{inst.jobs}") for inst in instances
        ]
    return instances


def _integers(path: Path, text: str) -> IntArray:
    """The whitespace-separated integers of a file, or a ValueError naming the first bad one."""
    tokens = text.split()
    try:
        return np.array([int(token) for token in tokens], dtype=np.int64)
    except (ValueError, OverflowError):
        for position, token in enumerate(tokens, start=1):
            try:
                int(token)
            except ValueError:
                raise ValueError(
                    f"{path}: value {position} ({token[:20]!r}) is not an integer."
                ) from None
        raise ValueError(f"{path}: a value does not fit in 64 bits.") from None


def _instance(path: Path, name: str, numbers: IntArray, start: int) -> tuple[GapInstance, int]:
    """The instance starting at ``numbers[start]``, and where the next one starts."""
    if start + 2 > len(numbers):
        raise ValueError(f"{path}: instance {name} is missing (the file ends before 'm n').")
    m, n = int(numbers[start]), int(numbers[start + 1])
    if m < 1 or n < 1:
        raise ValueError(f"{path}: instance {name} has {m} agents and {n} jobs; both must be > 0.")
    end = start + 2 + 2 * m * n + m
    if end > len(numbers):
        raise ValueError(
            f"{path}: instance {name} ({m} agents, {n} jobs) needs {end - start} integers, "
            f"the file has {len(numbers) - start} left."
        )
    body = numbers[start + 2 : end]
    cost = body[: m * n].reshape(m, n)
    weight = body[m * n : 2 * m * n].reshape(m, n)
    capacity = body[2 * m * n :]
    if (weight < 0).any() or (capacity < 0).any():
        raise ValueError(f"{path}: instance {name} has a negative resource use or capacity.")
    return GapInstance(name, cost.copy(), weight.copy(), capacity.copy()), end


def to_assignment_problem(
    instance: GapInstance, allowed: BoolArray | None = None
) -> AssignmentProblem:
    """The instance as a capacitated assignment problem, one pair per allowed (agent, job).

    Parameters
    ----------
    instance
        The GAP instance.
    allowed
        ``(agents, jobs)`` which pairs to keep; by default every pair whose resource use fits
        the agent's capacity (the others can never be used).

    Returns
    -------
    AssignmentProblem
        Pairs in agent-major order; every job mandatory with one slot, one dimension.
    """
    keep = instance.weight <= instance.capacity[:, None]
    if allowed is not None:
        keep &= allowed
    agent, job = np.nonzero(keep)
    return AssignmentProblem(
        pair_item=job.astype(np.int64),
        pair_agent=agent.astype(np.int64),
        pair_cost=instance.cost[agent, job].astype(np.int64),
        pair_use=instance.weight[agent, job].astype(np.int64).reshape(-1, 1),
        agent_capacity=instance.capacity.astype(np.int64).reshape(-1, 1),
        item_slots=np.ones(instance.jobs, dtype=np.int64),
        item_mandatory=np.ones(instance.jobs, dtype=bool),
        item_priority=np.ones(instance.jobs, dtype=np.int64),
    )


def solve_gap(instance: GapInstance, params: SolveParams, *, heuristic: bool = True) -> GapResult:
    """Solve a GAP instance within ``params.time_limit`` seconds.

    With ``heuristic`` (the default):

    1. Lagrangian bound, regret greedy and local search (numpy): the first solution, in well
       under a second even with 1,600 jobs.
    2. On small models, CP-SAT on the pairs whose Lagrangian reduced cost leaves room for a
       cheaper solution (any cheaper solution uses only those, so its proofs hold for the
       whole instance), from the incumbent: OR-Library's gap1-12, A and B are proven here.
    3. Tabu search with ejections and adaptive penalties (numpy), where CP-SAT stalls.
    4. A last CP-SAT round on the pairs the improved cost leaves, when few enough.

    Without, plain CP-SAT on every pair (the baseline).

    Parameters
    ----------
    instance
        The instance.
    params
        Time limit (for everything), seed and worker count.
    heuristic
        Use the pipeline above; ``False`` gives plain CP-SAT.

    Returns
    -------
    GapResult
        Never raises for infeasible or timed-out searches: the status says so.
    """
    return _GapSolve(instance, params).run(heuristic)


@dataclass
class _Best:
    """The incumbent of a solve: assignment, cost, bound and when the first one was found."""

    assignment: IntArray | None = None
    objective: int | None = None
    bound: int | None = None
    first_seconds: float | None = None
    proven: bool = False
    infeasible: bool = False


class _GapSolve:
    """One run of :func:`solve_gap`: the phases share a deadline and an incumbent."""

    def __init__(self, instance: GapInstance, params: SolveParams) -> None:
        self.instance = instance
        self.params = params
        self.started = time.perf_counter()
        self.deadline = self.started + params.time_limit
        self.best = _Best()
        self.tabu_runs = 0

    def left(self) -> float:
        """Seconds until the deadline."""
        return self.deadline - time.perf_counter()

    def run(self, heuristic: bool) -> GapResult:
        """Every phase in turn, then the result."""
        instance = self.instance
        if not (instance.weight <= instance.capacity[:, None]).any(axis=0).all():
            self.best.infeasible = True
        elif not heuristic:
            self._cpsat(None, self.left())
        else:
            self._heuristic_phases()
        return self._result()

    def _heuristic_phases(self) -> None:
        """Heuristic, CP-SAT probe (small models), tabu search, last CP-SAT round.

        On small models a short CP-SAT attempt (enough for most OR-Library instances) and a
        short tabu search come before the probe. CP-SAT keeps the time when the probe improved
        the incumbent or closed most of the gap between it and the bound (types B and C, where
        it then often proves the optimum); otherwise (type D) the tabu search gets it.
        """
        inst, limit = self.instance, self.params.time_limit
        found = solve_heuristic(
            inst.cost,
            inst.weight,
            inst.capacity,
            time_limit=min(limit * HEURISTIC_SHARE, HEURISTIC_MAX_SECONDS),
        )
        lagrangian = found.lagrangian
        self._raise_bound(lagrangian.value)
        if found.assignment is not None:
            self._offer(found.assignment, found.first_solution_seconds)
        small = self._cpsat_pairs(lagrangian) <= CPSAT_MAX_PAIRS
        if small and not self.best.proven:
            self._cpsat(lagrangian, min(self.left(), limit * QUICK_SHARE))
        if small and not (self.best.proven or self.best.infeasible):
            self._tabu(found.start, lagrangian, min(self.left(), limit * WARMUP_SHARE))
            lagrangian = self._sharper(lagrangian)
            before, floor = self.best.objective, self.best.bound
            self._cpsat(lagrangian, min(self.left(), limit * PROBE_SHARE))
            after, bound = self.best.objective, self.best.bound
            if before is not None and after is not None and floor is not None:
                closed = (bound or floor) - floor >= CLOSED_SHARE * (after - floor)
                if after < before or closed:
                    self._cpsat(self._sharper(lagrangian), self.left())
        if self.best.proven or self.best.infeasible or self.left() <= 0.05:
            return
        reserve = limit * FINAL_SHARE if small or self.best.objective is None else 0.0
        self._tabu(found.start, lagrangian, self.left() - reserve)
        lagrangian = self._sharper(lagrangian)
        if self.best.objective is not None and self._cpsat_pairs(lagrangian) <= CPSAT_MAX_PAIRS:
            self._cpsat(lagrangian, self.left())
        elif self.best.objective is None:
            self._cpsat(None, self.left())

    def _sharper(self, lagrangian: LagrangianBound) -> LagrangianBound:
        """The Lagrangian bound again, aiming at the incumbent's cost (fixes more pairs)."""
        if self.best.objective is None or self.left() <= 0.05:
            return lagrangian
        inst = self.instance
        sharper = lagrangian_bound(
            inst.cost,
            inst.weight,
            inst.capacity,
            upper=self.best.objective,
            deadline=time.perf_counter() + 0.05 * self.left(),
        )
        self._raise_bound(sharper.value)
        return sharper if sharper.value >= lagrangian.value else lagrangian

    def _tabu(self, start: IntArray, lagrangian: LagrangianBound, seconds: float) -> None:
        """Tabu search from the incumbent (or from ``start``) for ``seconds``."""
        if seconds <= 0.01:
            return
        inst = self.instance
        if self.best.assignment is not None:
            start = self.best.assignment
        self.tabu_runs += 1
        improved = tabu_search(
            inst.cost,
            inst.weight,
            inst.capacity,
            start,
            deadline=time.perf_counter() + seconds,
            seed=self.params.seed + self.tabu_runs,
            prices=lagrangian.multipliers,
        )
        if improved is not None:
            self._offer(improved, None)

    def _offer(self, assignment: IntArray, first_seconds: float | None) -> None:
        """Keep an assignment if it is feasible and better than the incumbent."""
        inst = self.instance
        if not is_feasible(inst.weight, inst.capacity, assignment):
            return
        value = assignment_cost(inst.cost, assignment)
        if self.best.first_seconds is None:
            now = time.perf_counter() - self.started
            self.best.first_seconds = now if first_seconds is None else first_seconds
        if self.best.objective is None or value < self.best.objective:
            self.best.assignment, self.best.objective = assignment.copy(), value
        if self.best.bound is not None and self.best.bound >= value:
            self.best.proven = True

    def _raise_bound(self, value: float | int) -> None:
        """Keep a valid lower bound if it is higher (rounded up: costs are integers)."""
        bound = int(np.ceil(value - 1e-6))
        if self.best.bound is None or bound > self.best.bound:
            self.best.bound = bound
        if self.best.objective is not None and self.best.bound >= self.best.objective:
            self.best.bound, self.best.proven = self.best.objective, True

    def _allowed(self, lagrangian: LagrangianBound | None) -> BoolArray | None:
        """Pairs a solution better than the incumbent may use, plus the incumbent's own."""
        if lagrangian is None or self.best.assignment is None or self.best.objective is None:
            return None
        allowed = lagrangian.allows(self.best.objective - 1)
        allowed[self.best.assignment, np.arange(self.instance.jobs)] = True
        return allowed

    def _cpsat_pairs(self, lagrangian: LagrangianBound) -> int:
        """Size of the CP-SAT model :meth:`_cpsat` would build."""
        allowed = self._allowed(lagrangian)
        fits = self.instance.weight <= self.instance.capacity[:, None]
        return int((fits if allowed is None else fits & allowed).sum())

    def _cpsat(self, lagrangian: LagrangianBound | None, seconds: float) -> None:
        """CP-SAT from the incumbent on the pairs that could improve it (all without one).

        Any solution cheaper than the incumbent uses only pairs the Lagrangian bound allows,
        so the model's bound (and optimality) holds for the whole instance.
        """
        if seconds <= 0.05:
            return
        inst = self.instance
        allowed = self._allowed(lagrangian)
        problem = to_assignment_problem(inst, allowed)
        hint = None
        if self.best.assignment is not None:
            chosen = np.zeros((inst.agents, inst.jobs), dtype=bool)
            chosen[self.best.assignment, np.arange(inst.jobs)] = True
            hint = chosen[problem.pair_agent, problem.pair_item]
        result = solve_assignment(problem, replace(self.params, time_limit=seconds), hint=hint)
        if result.status is SolveStatus.INFEASIBLE and allowed is None:
            self.best.infeasible = True
            return
        if result.objective is None:
            return
        assignment = np.full(inst.jobs, -1, dtype=np.int64)
        assignment[problem.pair_item[result.assigned]] = problem.pair_agent[result.assigned]
        solved_at = time.perf_counter() - self.started - result.wall_seconds
        first = None
        if result.first_solution_seconds is not None:
            first = solved_at + result.first_solution_seconds
        self._offer(assignment, first)
        if result.bound is not None:
            self._raise_bound(result.bound)
        if result.status is SolveStatus.OPTIMAL:
            self.best.proven = True
            self.best.bound = self.best.objective

    def _result(self) -> GapResult:
        """The incumbent as a result."""
        best = self.best
        if best.infeasible:
            status = SolveStatus.INFEASIBLE
        elif best.objective is None:
            status = SolveStatus.UNKNOWN
        else:
            status = SolveStatus.OPTIMAL if best.proven else SolveStatus.FEASIBLE
        return GapResult(
            name=self.instance.name,
            status=status,
            objective=best.objective,
            bound=best.bound if not best.infeasible else None,
            seconds=time.perf_counter() - self.started,
            first_solution_seconds=best.first_seconds,
            assignment=best.assignment,
        )
