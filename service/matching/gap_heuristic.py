"""Numpy heuristics for the Generalized Assignment Problem, and its Lagrangian bound.

Four steps, each usable alone (:func:`solve_heuristic` chains the first three):

1. :func:`lagrangian_bound`: relax the capacities with multipliers ``λ ≥ 0``; every job then
   takes its cheapest agent under the *Lagrangian costs* ``c + λ a``. Subgradient ascent on
   ``λ`` gives a lower bound (at best the LP bound) and reduced costs that rule pairs out.
2. :func:`regret_greedy`: Martello and Toth's construction: repeatedly give the job with the
   largest regret (second-best minus best desirability over agents it still fits) to its best
   agent. With the Lagrangian costs as desirability it mostly picks what the LP picks.
3. :func:`local_search`: shift a job to another agent, or swap two jobs between agents, while
   it lowers the cost and keeps every capacity; batches of moves on distinct agents per step.
   A repair phase first removes overload when the greedy left some.
4. :func:`tabu_search`: shifts, swaps and ejections with adaptive penalties for overload,
   restarts after stagnation; the workhorse on the hard (type D) instances.

Everything works on dense ``(agents, jobs)`` arrays; a pair whose weight exceeds its agent's
capacity is never used.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from service.matching.problem import BoolArray, IntArray

FloatArray = npt.NDArray[np.float64]

TARGET_GAP = 0.05
"""Subgradient steps first aim this far (relatively) above the best Lagrangian bound so far;
the aim halves with the step length when the bound stalls."""


@dataclass(frozen=True)
class LagrangianBound:
    """The best Lagrangian relaxation found.

    Attributes
    ----------
    value
        Lower bound on the optimum (valid for any multipliers; not rounded).
    multipliers
        ``(agents,)`` the multipliers ``λ`` of the capacities that gave ``value``.
    reduced_cost
        ``(agents, jobs)`` how much more than the job's cheapest Lagrangian cost each pair
        costs; ``inf`` for pairs that never fit.
    """

    value: float
    multipliers: FloatArray
    reduced_cost: FloatArray

    def allows(self, upper: float) -> BoolArray:
        """Pairs that may be in a solution costing at most ``upper``.

        A solution using pair ``(i, j)`` costs at least ``value + reduced_cost[i, j]``.
        """
        slack = 1e-7 * max(1.0, abs(upper))
        allowed: BoolArray = self.value + self.reduced_cost <= upper + slack
        return allowed


@dataclass(frozen=True)
class HeuristicResult:
    """What the heuristic found.

    Attributes
    ----------
    assignment
        ``(jobs,)`` agent of each job, capacity-feasible; ``None`` when none was found.
    objective
        Its cost (0 when there is none).
    bound
        The Lagrangian lower bound (not rounded).
    first_solution_seconds, seconds
        Time until the first feasible assignment, and in total.
    lagrangian
        The relaxation, for reduced-cost fixing.
    start
        ``(jobs,)`` the greedy assignment on Lagrangian costs before local search; it may
        overload agents (a start for :func:`tabu_search` when nothing feasible was found).
    """

    assignment: IntArray | None
    objective: int
    bound: float
    first_solution_seconds: float | None
    seconds: float
    lagrangian: LagrangianBound
    start: IntArray


def assignment_cost(cost: IntArray, assignment: IntArray) -> int:
    """Total cost of an assignment (agent per job)."""
    return int(cost[assignment, np.arange(len(assignment))].sum())


def agent_loads(weight: IntArray, assignment: IntArray) -> IntArray:
    """``(agents,)`` resource each agent uses under an assignment."""
    jobs = np.arange(len(assignment))
    loads: IntArray = np.bincount(
        assignment, weights=weight[assignment, jobs], minlength=weight.shape[0]
    ).astype(np.int64)
    return loads


def is_feasible(weight: IntArray, capacity: IntArray, assignment: IntArray) -> bool:
    """Whether every job has an agent and every agent stays within its capacity."""
    if len(assignment) != weight.shape[1]:
        return False
    if (assignment < 0).any() or (assignment >= weight.shape[0]).any():
        return False
    return bool((agent_loads(weight, assignment) <= capacity).all())


def lagrangian_bound(
    cost: IntArray,
    weight: IntArray,
    capacity: IntArray,
    *,
    upper: float | None = None,
    iterations: int = 400,
    deadline: float | None = None,
) -> LagrangianBound:
    """Subgradient ascent on the relaxation of the capacity constraints.

    Parameters
    ----------
    cost, weight, capacity
        The instance.
    upper
        A known (or estimated) solution cost, the target of Polyak's step size.
    iterations
        At most this many subgradient steps.
    deadline
        ``time.perf_counter()`` value to stop at.

    Returns
    -------
    LagrangianBound
        The best multipliers seen, their bound and reduced costs.
    """
    c = np.where(weight <= capacity[:, None], cost.astype(np.float64), np.inf)
    a = weight.astype(np.float64)
    b = capacity.astype(np.float64)
    jobs = np.arange(cost.shape[1])
    lam = np.zeros(cost.shape[0])
    best_value, best_lam = -np.inf, lam
    scale, aim = 2.0, TARGET_GAP
    stale = 0
    for step in range(iterations):
        if deadline is not None and step % 8 == 0 and time.perf_counter() > deadline:
            break
        lagrangian = c + lam[:, None] * a
        chosen = lagrangian.argmin(axis=0)
        value = float(lagrangian[chosen, jobs].sum() - lam @ b)
        if value > best_value + 1e-9 * max(1.0, abs(value)):
            best_value, best_lam, stale = value, lam, 0
        else:
            stale += 1
            if stale >= 15:
                scale, stale, aim = scale / 2, 0, max(aim / 2, TARGET_GAP / 16)
                if scale < 1e-4:
                    break
        gradient = np.bincount(chosen, weights=a[chosen, jobs], minlength=len(b)) - b
        gradient[(lam <= 0) & (gradient < 0)] = 0.0
        norm = float(gradient @ gradient)
        # Polyak's step towards a target a little above the best bound: a far upper bound
        # (or none) would make the steps too long.
        target = best_value + max(1.0, aim * abs(best_value))
        if upper is not None:
            target = min(target, upper)
        if norm == 0.0 or target - value <= 0:
            break
        lam = np.maximum(0.0, lam + scale * (target - value) / norm * gradient)
    lagrangian = c + best_lam[:, None] * a
    reduced: FloatArray = lagrangian - lagrangian.min(axis=0)
    return LagrangianBound(best_value, best_lam, reduced)


def regret_greedy(
    desirability: FloatArray, weight: IntArray, capacity: IntArray
) -> tuple[IntArray, IntArray]:
    """Martello-Toth regret construction on a desirability matrix (lower is better).

    Parameters
    ----------
    desirability
        ``(agents, jobs)`` how bad each pair is.
    weight, capacity
        Resource use and capacities.

    Returns
    -------
    assignment, residual
        Agent per job and each agent's capacity left. A job that fits no agent any more goes to
        the agent it overloads least, so ``residual`` can be negative (then repair is needed).
    """
    n = desirability.shape[1]
    residual = capacity.astype(np.int64).copy()
    score = np.where(weight <= residual[:, None], desirability, np.inf)
    assignment = np.full(n, -1, dtype=np.int64)
    open_jobs = np.ones(n, dtype=bool)
    first, second = _two_smallest(score)
    for _ in range(n):
        with np.errstate(invalid="ignore"):
            regret = np.where(np.isinf(second), np.inf, second - first)
        regret = np.where(np.isinf(first), np.inf, regret)
        regret[~open_jobs] = -np.inf
        job = int(np.argmax(regret))
        if np.isinf(first[job]):
            agent = int(np.argmin(weight[:, job] - residual))
        else:
            agent = int(np.argmin(score[:, job]))
        assignment[job] = agent
        residual[agent] -= weight[agent, job]
        open_jobs[job] = False
        first[job] = second[job] = np.inf
        row = score[agent]
        dropped = open_jobs & np.isfinite(row) & (weight[agent] > residual[agent])
        if dropped.any():
            touched = dropped & (row <= second)
            row[dropped] = np.inf
            if touched.any():
                cols = np.flatnonzero(touched)
                first[cols], second[cols] = _two_smallest(score[:, cols])
    return assignment, residual


def _two_smallest(matrix: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Smallest and second smallest value of each column (``inf`` when missing)."""
    if matrix.shape[0] == 1:
        return matrix[0].copy(), np.full(matrix.shape[1], np.inf)
    part = np.partition(matrix, 1, axis=0)
    return part[0].copy(), part[1].copy()


def local_search(
    cost: IntArray,
    weight: IntArray,
    capacity: IntArray,
    assignment: IntArray,
    *,
    deadline: float | None = None,
) -> IntArray | None:
    """Repair overload, then shift and swap jobs while the cost drops.

    Parameters
    ----------
    cost, weight, capacity
        The instance.
    assignment
        Agent per job (may overload agents).
    deadline
        ``time.perf_counter()`` value to stop at.

    Returns
    -------
    IntArray or None
        A capacity-feasible assignment no worse than the start (if it was feasible), or
        ``None`` when the repair could not remove the overload.
    """
    assignment = assignment.copy()
    residual = capacity - agent_loads(weight, assignment)
    if (residual < 0).any() and not _repair(cost, weight, assignment, residual, deadline):
        return None
    while deadline is None or time.perf_counter() < deadline:
        moved = _best_shifts(cost, weight, assignment, residual)
        if moved:
            continue
        if not _best_swaps(cost, weight, assignment, residual):
            break
    return assignment


def _best_shifts(
    cost: IntArray, weight: IntArray, assignment: IntArray, residual: IntArray
) -> bool:
    """Apply improving shifts, at most one per agent pair involved; whether any was made."""
    jobs = np.arange(len(assignment))
    gain = cost[assignment, jobs][None, :] - cost
    gain = np.where(weight <= residual[:, None], gain, 0)
    gain[assignment, jobs] = 0
    flat = np.flatnonzero(gain > 0)
    if len(flat) == 0:
        return False
    order = flat[np.argsort(-gain.ravel()[flat], kind="stable")]
    busy = np.zeros(len(residual), dtype=bool)
    n = len(assignment)
    made = False
    for index in order[: 4 * len(residual)].tolist():
        to, job = divmod(index, n)
        source = int(assignment[job])
        if busy[to] or busy[source]:
            continue
        busy[to] = busy[source] = True
        assignment[job] = to
        residual[source] += weight[source, job]
        residual[to] -= weight[to, job]
        made = True
    return made


def _best_swaps(cost: IntArray, weight: IntArray, assignment: IntArray, residual: IntArray) -> bool:
    """Apply improving swaps of two jobs on distinct agents, disjoint agents per batch."""
    jobs = np.arange(len(assignment))
    own_cost = cost[assignment, jobs]
    own_weight = weight[assignment, jobs]
    # cross[j, l]: cost / weight of job l on the agent of job j.
    made = False
    block = max(1, 1_000_000 // max(1, len(jobs)))
    candidates: list[tuple[float, int, int]] = []
    for start in range(0, len(jobs), block):
        rows = jobs[start : start + block]
        agent = assignment[rows]
        cross_cost = cost[agent, :]
        cross_weight = weight[agent, :]
        # Job j (agent p) takes l's place: p loses j, gains l; agent q of l loses l, gains j.
        delta = (
            cross_cost
            + cost[assignment[None, :], rows[:, None]]
            - own_cost[rows][:, None]
            - own_cost[None, :]
        )
        fits_p = residual[agent][:, None] + own_weight[rows][:, None] - cross_weight >= 0
        weight_j_on_q = weight[assignment[None, :], rows[:, None]]
        fits_q = residual[assignment][None, :] + own_weight[None, :] - weight_j_on_q >= 0
        good = (delta < 0) & fits_p & fits_q & (agent[:, None] != assignment[None, :])
        r, l_ = np.nonzero(good)
        if len(r):
            values = delta[r, l_]
            keep = np.argsort(values, kind="stable")[: 4 * len(residual)]
            candidates.extend(
                zip(values[keep].tolist(), rows[r[keep]].tolist(), l_[keep].tolist(), strict=True)
            )
    candidates.sort()
    busy = np.zeros(len(residual), dtype=bool)
    for _, j, other in candidates:
        p, q = int(assignment[j]), int(assignment[other])
        if busy[p] or busy[q]:
            continue
        busy[p] = busy[q] = True
        assignment[j], assignment[other] = q, p
        residual[p] += weight[p, j] - weight[p, other]
        residual[q] += weight[q, other] - weight[q, j]
        made = True
    return made


def _repair(
    cost: IntArray,
    weight: IntArray,
    assignment: IntArray,
    residual: IntArray,
    deadline: float | None,
) -> bool:
    """Shift or swap jobs off overloaded agents until none is; whether it succeeded."""
    n = len(assignment)
    jobs = np.arange(n)
    while (residual < 0).any():
        if deadline is not None and time.perf_counter() > deadline:
            return False
        over = np.maximum(0, -residual)
        # Shift job j from p to k: overload of p drops, of k rises.
        p = assignment
        w_on_p = weight[p, jobs]
        new_over_p = np.maximum(0, -(residual[p] + w_on_p))
        drop_p = over[p] - new_over_p
        new_over_k = np.maximum(0, -(residual[:, None] - weight))
        rise_k = new_over_k - over[:, None]
        change = rise_k - drop_p[None, :]
        change[p, jobs] = 0
        extra = cost - cost[p, jobs][None, :]
        score = change * (1.0 + np.abs(cost).max()) + extra
        score = np.where(change < 0, score, np.inf)
        index = int(np.argmin(score))
        if np.isfinite(score.ravel()[index]):
            to, job = divmod(index, n)
            source = int(assignment[job])
            assignment[job] = to
            residual[source] += weight[source, job]
            residual[to] -= weight[to, job]
            continue
        if not _repair_swap(weight, assignment, residual):
            return False
    return True


def _repair_swap(weight: IntArray, assignment: IntArray, residual: IntArray) -> bool:
    """One swap that lowers the total overload; whether one was found."""
    overloaded = np.flatnonzero(residual < 0)
    jobs = np.arange(len(assignment))
    over = np.maximum(0, -residual)
    for p in overloaded.tolist():
        mine = jobs[assignment == p]
        others = jobs[assignment != p]
        q = assignment[others]
        # Swap j (on p) with l (on q).
        new_p = residual[p] + weight[p, mine][:, None] - weight[p, others][None, :]
        new_q = (
            residual[q][None, :] + weight[q, others][None, :] - weight[q[None, :], mine[:, None]]
        )
        before = over[p] + over[q][None, :]
        after = np.maximum(0, -new_p) + np.maximum(0, -new_q)
        change = after - before
        index = int(np.argmin(change))
        if change.ravel()[index] < 0:
            r, c = divmod(index, len(others))
            j, other = int(mine[r]), int(others[c])
            q_agent = int(assignment[other])
            assignment[j], assignment[other] = q_agent, p
            residual[p] += weight[p, j] - weight[p, other]
            residual[q_agent] += weight[q_agent, other] - weight[q_agent, j]
            return True
    return False


def solve_heuristic(
    cost: IntArray,
    weight: IntArray,
    capacity: IntArray,
    *,
    time_limit: float = 1.0,
) -> HeuristicResult:
    """Lagrangian bound, then regret greedy and local search on a few desirabilities.

    Desirabilities, in order while time lasts: Lagrangian costs ``c + λ a``; the same plus a
    share of the relative weight ``a / b`` (tight type C instances, where ``λ`` is near 0);
    plain costs. The best feasible result is kept.

    Parameters
    ----------
    cost, weight, capacity
        The instance: ``(agents, jobs)``, ``(agents, jobs)``, ``(agents,)``.
    time_limit
        Wall seconds for everything.

    Returns
    -------
    HeuristicResult
        The best feasible assignment found (or none), its cost and the Lagrangian bound.
    """
    started = time.perf_counter()
    deadline = started + time_limit
    first_seconds: float | None = None
    best: IntArray | None = None
    best_cost = 0

    def consider(candidate: IntArray | None) -> None:
        nonlocal best, best_cost, first_seconds
        if candidate is None or not is_feasible(weight, capacity, candidate):
            return
        value = assignment_cost(cost, candidate)
        if first_seconds is None:
            first_seconds = time.perf_counter() - started
        if best is None or value < best_cost:
            best, best_cost = candidate, value

    bound = lagrangian_bound(cost, weight, capacity, deadline=started + time_limit * 0.3)
    lagrangian_cost = cost + bound.multipliers[:, None] * weight
    relative = weight / np.maximum(capacity, 1)[:, None]
    spread = float(np.median(cost)) / max(float(np.median(relative)), 1e-9)
    desirabilities = [
        lagrangian_cost,
        lagrangian_cost + 0.2 * spread * relative,
        cost.astype(np.float64),
    ]
    starts = [regret_greedy(desirability, weight, capacity) for desirability in desirabilities]
    # Feasible starts first (repairing overload can take the whole budget), then cheapest.
    order = sorted(
        range(len(starts)),
        key=lambda k: (
            int(np.maximum(0, -starts[k][1]).sum()),
            assignment_cost(cost, starts[k][0]),
        ),
    )
    for k in order:
        if best is not None and time.perf_counter() > deadline:
            break
        consider(local_search(cost, weight, capacity, starts[k][0], deadline=deadline))
    first_start = starts[0][0]
    return HeuristicResult(
        assignment=best,
        objective=best_cost,
        bound=bound.value,
        first_solution_seconds=first_seconds,
        seconds=time.perf_counter() - started,
        lagrangian=bound,
        start=first_start,
    )


@dataclass(frozen=True)
class TabuParams:
    """Settings of :func:`tabu_search` (tuned on gapd and a few C/E instances).

    Attributes
    ----------
    raise_rate, relax_rate
        Factors applied per step to the penalty weight of an overloaded agent, and to all
        weights when the solution is feasible.
    tenure
        Tabu tenure as a multiple of ``sqrt(jobs)`` (each move draws from 0.5 to 1.5 times it).
    alternatives
        Agents per job (best by Lagrangian cost) whose jobs are swap and ejection partners.
    patience
        Steps without a new best, as a multiple of ``max(100, jobs)``, before a restart.
    kick
        Share of jobs moved at random by a restart from the best solution.
    """

    raise_rate: float = 1.05
    relax_rate: float = 0.97
    tenure: float = 0.5
    alternatives: int = 5
    patience: float = 1.0
    kick: float = 0.05

    def __post_init__(self) -> None:
        if not (self.raise_rate > 1 and 0 < self.relax_rate < 1):
            raise ValueError("raise_rate must be > 1 and relax_rate in (0, 1).")
        if self.tenure <= 0 or self.alternatives < 0 or self.patience <= 0:
            raise ValueError("tenure and patience must be > 0, alternatives >= 0.")
        if not 0 <= self.kick <= 1:
            raise ValueError(f"kick = {self.kick} not understood; it must be in [0, 1].")


def tabu_search(
    cost: IntArray,
    weight: IntArray,
    capacity: IntArray,
    start: IntArray,
    *,
    deadline: float,
    seed: int = 0,
    prices: FloatArray | None = None,
    params: TabuParams | None = None,
) -> IntArray | None:
    """Tabu search over shifts, swaps and ejections with adaptive penalties for overload.

    The search may overload agents; each agent's overload costs ``penalty[i]`` per unit, and
    these weights rise while the agent is overloaded and fall while the search is feasible, so
    the search oscillates around the boundary of feasibility (after Yagiura, Ibaraki and
    Glover, and Díaz and Fernández). A move is a shift (one job to another agent), a swap (two
    jobs trade agents) or an ejection (a job moves to an agent that passes one of its jobs on
    to a third agent). Moving a job back to an agent it just left is tabu for a random tenure
    unless the move gives a new best feasible solution. Each step makes the best move and,
    on agents it leaves untouched, every other improving one. After a long stagnation the
    search restarts from the best solution with a few random moves.

    Parameters
    ----------
    cost, weight, capacity
        The instance.
    start
        Agent per job to start from (may overload agents).
    deadline
        ``time.perf_counter()`` value to stop at.
    seed
        Random seed (tenures and restarts).
    prices
        ``(agents,)`` Lagrangian multipliers: the starting penalty weights and the ranking of
        exchange partners.
    params
        Search settings; :class:`TabuParams` defaults when ``None``.

    Returns
    -------
    IntArray or None
        The best feasible assignment met (the start if it was feasible and never improved), or
        ``None`` when the search never met a feasible one.
    """
    settings = params or TabuParams()
    search = _TabuSearch(cost, weight, capacity, start, seed, prices, settings)
    patience = int(settings.patience * max(100, cost.shape[1]))
    last = 0
    while time.perf_counter() < deadline:
        search.step()
        if search.improved:
            last = search.steps
        elif search.steps - last > patience:
            search.restart(settings.kick)
            last = search.steps
    return search.best


class _TabuSearch:
    """State of :func:`tabu_search`: assignment, loads, penalty weights, tabu tenures.

    A move is ``(job, to, other, other_to)``: ``job`` goes to agent ``to``; for a swap or an
    ejection ``other`` (a job of ``to``) goes to ``other_to`` (``-1`` for a plain shift).
    """

    def __init__(
        self,
        cost: IntArray,
        weight: IntArray,
        capacity: IntArray,
        start: IntArray,
        seed: int,
        prices: FloatArray | None,
        params: TabuParams,
    ) -> None:
        self.params = params
        self.rng = np.random.default_rng(seed)
        m, n = cost.shape
        self.m, self.n = m, n
        self.jobs = np.arange(n)
        self.c = np.where(weight <= capacity[:, None], cost.astype(np.float64), np.inf)
        self.a = weight.astype(np.float64)
        self.b = capacity.astype(np.float64)
        self.sigma = start.copy()
        self.load = np.bincount(self.sigma, weights=self.a[self.sigma, self.jobs], minlength=m)
        scale = float(np.median(cost)) / max(1.0, float(np.median(weight)))
        base = np.full(m, scale) if prices is None else np.maximum(prices, 0.1 * scale)
        self.base = base
        self.penalty = base.copy()
        self.floor = 0.05 * base
        guide = self.c if prices is None else self.c + prices[:, None] * self.a
        k = min(params.alternatives, m - 1)
        self.partners = np.argsort(guide, axis=0)[: k + 1].T if k > 0 else None
        self.tabu = np.zeros((m, n), dtype=np.int64)
        self.tenure = max(3, round(params.tenure * n**0.5))
        self.current = float(self.c[self.sigma, self.jobs].sum())
        self.best: IntArray | None = None
        self.best_cost = np.inf
        if (self.load <= self.b).all():
            self.best, self.best_cost = self.sigma.copy(), self.current
        self.steps = self.moves = self.feasible_steps = 0
        self.improved = False

    def step(self) -> None:
        """Make one batch of moves and adapt the penalty weights."""
        self.steps += 1
        self.improved = False
        over = np.maximum(0.0, self.load - self.b)
        total_over = float(over.sum())
        shift, arrive = self._shifts(over, total_over)
        moves: list[tuple[float, int, int, int, int]] = []
        flat = shift.ravel()
        for index in self._candidates(flat).tolist():
            to, job = divmod(index, self.n)
            moves.append((float(flat[index]), job, to, -1, -1))
        if self.partners is not None:
            value, other, other_to = self._exchanges(over, total_over, arrive)
            flat = value.ravel()
            width = value.shape[1] * value.shape[2]
            for index in self._candidates(flat).tolist():
                job, rest = divmod(index, width)
                to = int(self.partners[job, rest // value.shape[2]])
                second, second_to = int(other.flat[index]), int(other_to.flat[index])
                moves.append((float(flat[index]), job, to, second, second_to))
        if not moves:
            self.tabu[:] = 0
            return
        moves.sort()
        busy = np.zeros(self.m, dtype=bool)
        moved = np.zeros(self.n, dtype=bool)
        for rank, (change, job, to, second, second_to) in enumerate(moves):
            if rank > 0 and change >= 0:
                break
            agents = [int(self.sigma[job]), to]
            touched = [job]
            if second >= 0:
                agents.append(second_to)
                touched.append(second)
            if busy[agents].any() or moved[touched].any():
                continue
            busy[agents] = True
            moved[touched] = True
            self._move(job, to)
            if second >= 0:
                self._move(second, second_to)
        self._adapt()

    def _candidates(self, flat: FloatArray) -> IntArray:
        """The best entry and the most improving ones (at most ``2 m``), finite only."""
        chosen = np.flatnonzero(flat < 0)
        chosen = chosen[np.argsort(flat[chosen])[: 2 * self.m]]
        best = int(np.argmin(flat))
        everything = np.concatenate([[best], chosen]).astype(np.int64)
        return everything[np.isfinite(flat[everything])]

    def _shifts(self, over: FloatArray, total_over: float) -> tuple[FloatArray, FloatArray]:
        """Penalised change of every shift ``(to agent, job)``, and of its arrival part alone.

        The arrival part is the cost change and the target's overload change; tabu moves are
        ``inf`` in both (except, in the first, moves to a new best feasible solution).
        """
        c, a, b, sigma, jobs, load = self.c, self.a, self.b, self.sigma, self.jobs, self.load
        own_cost = c[sigma, jobs]
        rise = np.maximum(0.0, load[:, None] + a - b[:, None]) - over[:, None]
        drop = np.maximum(0.0, load[sigma] - a[sigma, jobs] - b[sigma]) - over[sigma]
        change = c - own_cost
        arrive = change + self.penalty[:, None] * rise
        arrive[sigma, jobs] = np.inf
        value = arrive + (self.penalty[sigma] * drop)[None, :]
        aspire = (total_over + rise + drop[None, :] <= 1e-9) & (
            self.current + change < self.best_cost - 0.5
        )
        is_tabu = self.tabu > self.steps
        return np.where(is_tabu & ~aspire, np.inf, value), np.where(is_tabu, np.inf, arrive)

    def _exchanges(
        self, over: FloatArray, total_over: float, arrive: FloatArray
    ) -> tuple[FloatArray, IntArray, IntArray]:
        """Best swap or ejection for each job ``j``, partner agent ``q`` and job ``l`` of ``q``.

        ``j`` moves to ``q``; ``l`` goes to ``j``'s agent ``p`` (a swap) or to its best other
        agent (an ejection). Returns the penalised change ``(jobs, partners, width)``, the job
        ``l`` and where it goes.
        """
        c, a, b, sigma, load, n = self.c, self.a, self.b, self.sigma, self.load, self.n
        assert self.partners is not None
        order = np.argsort(sigma, kind="stable")
        counts = np.bincount(sigma, minlength=self.m)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        slots = np.full((self.m, int(counts.max())), -1, dtype=np.int64)
        slots[sigma[order], self.jobs - np.repeat(starts, counts)] = order
        q = self.partners[:, :, None]
        other = slots[self.partners]
        valid = (other >= 0) & (q != sigma[:, None, None])
        other = np.where(valid, other, 0)
        p = sigma[:, None, None]
        # Flat indices into (agents, jobs) arrays: np.take on them beats 2-D fancy indexing.
        p_other = p * n + other
        q_j = q * n + self.jobs[:, None, None]
        q_other = q * n + other
        cf, af = c.ravel(), a.ravel()
        own_cost = c[sigma, self.jobs]
        own_weight = a[sigma, self.jobs]
        pen_p = self.penalty[sigma][:, None, None]
        pen_q = self.penalty[q]
        over_here = over[sigma][:, None, None]
        over_there = over[q]
        left_p = (load[sigma] - own_weight - b[sigma])[:, None, None]
        over_q = np.maximum(0.0, (load - b)[q] - af.take(q_other) + af.take(q_j))
        common = cf.take(q_j) - own_cost[:, None, None] + pen_q * (over_q - over_there)
        # Swap: l takes j's place on p.
        over_p = np.maximum(0.0, left_p + af.take(p_other))
        swap_change = cf.take(q_j) + cf.take(p_other) - own_cost[:, None, None] - own_cost[other]
        swap = common + cf.take(p_other) - own_cost[other] + pen_p * (over_p - over_here)
        after = total_over - over_here - over_there + over_p + over_q
        aspire = (after <= 1e-9) & (self.current + swap_change < self.best_cost - 0.5)
        tabu = self.tabu.ravel()
        is_tabu = (tabu.take(q_j) > self.steps) | (tabu.take(p_other) > self.steps)
        swap = np.where(valid & (~is_tabu | aspire), swap, np.inf)
        # Ejection: l goes to its best agent other than p (and its own, q).
        if self.m >= 3:
            two = np.argpartition(arrive, 1, axis=0)[:2]
            first, second = two[0], two[1]
            swap_first = arrive[first, self.jobs] > arrive[second, self.jobs]
            first, second = np.where(swap_first, second, first), np.where(swap_first, first, second)
            dest = np.where(first[other] == p, second[other], first[other])
            eject = (
                common
                + arrive.ravel().take(dest * n + other)
                + pen_p * (np.maximum(0.0, left_p) - over_here)
            )
            eject = np.where(valid & (tabu.take(q_j) <= self.steps), eject, np.inf)
            use_eject = eject < swap
            return (
                np.where(use_eject, eject, swap),
                other,
                np.where(use_eject, dest, np.broadcast_to(p, other.shape)),
            )
        return swap, other, np.broadcast_to(p, other.shape).copy()

    def restart(self, share: float) -> None:
        """Diversify after stagnation: back to the best, random moves, fresh weights.

        A random ``share`` of the jobs go to random agents they fit; penalty weights and tabu
        tenures are reset.
        """
        if self.best is not None:
            self.sigma = self.best.copy()
        picked = self.rng.choice(self.n, size=max(1, int(share * self.n)), replace=False)
        allowed = np.isfinite(self.c[:, picked])
        for column, job in enumerate(picked.tolist()):
            options = np.flatnonzero(allowed[:, column])
            self.sigma[job] = int(self.rng.choice(options))
        self.load = np.bincount(self.sigma, weights=self.a[self.sigma, self.jobs], minlength=self.m)
        self.current = float(self.c[self.sigma, self.jobs].sum())
        self.penalty = self.base.copy()
        self.tabu[:] = 0

    def _move(self, job: int, to: int) -> None:
        """Shift one job, make its return tabu, update loads and cost."""
        source = int(self.sigma[job])
        span = int(self.rng.integers(self.tenure // 2, self.tenure + self.tenure // 2 + 1))
        self.tabu[source, job] = self.steps + span
        self.sigma[job] = to
        self.load[source] -= self.a[source, job]
        self.load[to] += self.a[to, job]
        self.current += self.c[to, job] - self.c[source, job]
        self.moves += 1

    def _adapt(self) -> None:
        """Raise the weights of overloaded agents, or relax all and keep a new best."""
        overloaded = self.load > self.b + 1e-9
        if overloaded.any():
            self.penalty[overloaded] *= self.params.raise_rate
            return
        self.feasible_steps += 1
        self.penalty = np.maximum(self.floor, self.penalty * self.params.relax_rate)
        if self.current < self.best_cost - 0.5:
            self.best, self.best_cost = self.sigma.copy(), self.current
            self.improved = True
