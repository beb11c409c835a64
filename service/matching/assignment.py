"""The generic capacitated assignment problem over numpy arrays (the lower layer).

Items are given to agents through candidate pairs. Each pair costs something and uses some of
its agent's capacity in one or more dimensions. An assigned item takes ``item_slots`` pairs
(one agent each, 1 for the classical GAP; a team for a visit). Mandatory items must be
assigned; optional ones are served tier by tier, most urgent priority first, and the cost is
minimised last. Side constraints are plain linear rows over pairs, items and auxiliary
booleans, so callers never touch the solver. The classical Generalized Assignment Problem is
the special case with every item mandatory, one slot, one capacity dimension and no side rows.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from service.matching.problem import BoolArray, IntArray
from service.matching.solution import SolveStatus


@dataclass(frozen=True)
class Row:
    """One side constraint: ``lo <= a·x[pairs] + b·y[items] + c·z[aux] <= hi``."""

    pairs: IntArray
    pair_coefs: IntArray
    items: IntArray
    item_coefs: IntArray
    aux: IntArray
    aux_coefs: IntArray
    lo: int
    hi: int


class LinearRows:
    """Side constraints over pair variables ``x``, item variables ``y``, auxiliary booleans ``z``.

    Rows are stored flat (compressed), so a million small rows cost little memory. Auxiliary
    booleans are created with :meth:`new_aux` and mean whatever the caller's rows make them mean
    (for example "this visit starts at this time").
    """

    _KINDS = ("pairs", "items", "aux")

    def __init__(self) -> None:
        self._index = {kind: array("q") for kind in self._KINDS}
        self._coef = {kind: array("q") for kind in self._KINDS}
        self._start = {kind: array("q", [0]) for kind in self._KINDS}
        self._lo = array("q")
        self._hi = array("q")
        self.n_aux = 0

    def new_aux(self, count: int) -> range:
        """Create ``count`` auxiliary booleans; returns their indices."""
        first = self.n_aux
        self.n_aux += count
        return range(first, self.n_aux)

    def add(
        self,
        pairs: npt.ArrayLike,
        pair_coefs: npt.ArrayLike,
        items: npt.ArrayLike = (),
        item_coefs: npt.ArrayLike = (),
        *,
        aux: npt.ArrayLike = (),
        aux_coefs: npt.ArrayLike = (),
        lo: int = -(2**40),
        hi: int = 2**40,
    ) -> None:
        """Append one row; coefficient arrays are aligned with their index arrays."""
        for kind, index, coef in (
            ("pairs", pairs, pair_coefs),
            ("items", items, item_coefs),
            ("aux", aux, aux_coefs),
        ):
            indices = np.asarray(index, dtype=np.int64).ravel()
            coefs = np.asarray(coef, dtype=np.int64).ravel()
            if len(indices) != len(coefs):
                raise ValueError(f"{kind} and their coefficients differ in length.")
            self._index[kind].extend(indices.tolist())
            self._coef[kind].extend(coefs.tolist())
            self._start[kind].append(len(self._index[kind]))
        self._lo.append(int(lo))
        self._hi.append(int(hi))

    def __len__(self) -> int:
        return len(self._lo)

    def row(self, r: int) -> Row:
        """Row ``r`` as arrays."""
        parts = {}
        for kind in self._KINDS:
            a, b = self._start[kind][r], self._start[kind][r + 1]
            parts[kind] = (
                np.array(self._index[kind][a:b], dtype=np.int64),
                np.array(self._coef[kind][a:b], dtype=np.int64),
            )
        return Row(*parts["pairs"], *parts["items"], *parts["aux"], lo=self._lo[r], hi=self._hi[r])


@dataclass(frozen=True)
class AssignmentProblem:
    """A capacitated assignment problem.

    Attributes
    ----------
    pair_item, pair_agent
        ``(pairs,)`` the item and agent of each candidate pair.
    pair_cost
        ``(pairs,)`` cost of the pair when used (minimised after the tiers).
    pair_use
        ``(pairs, dims)`` capacity the pair uses on its agent.
    agent_capacity
        ``(agents, dims)`` capacity of each agent.
    item_slots
        ``(items,)`` pairs an assigned item takes.
    item_mandatory
        ``(items,)`` whether the item must be assigned.
    item_priority
        ``(items,)`` 1 (most urgent) to 5; optional items are maximised tier by tier.
    rows
        Side constraints.
    """

    pair_item: IntArray
    pair_agent: IntArray
    pair_cost: IntArray
    pair_use: IntArray
    agent_capacity: IntArray
    item_slots: IntArray
    item_mandatory: BoolArray
    item_priority: IntArray
    rows: LinearRows = field(default_factory=LinearRows)

    def __post_init__(self) -> None:
        n_pairs = len(self.pair_item)
        for name in ("pair_agent", "pair_cost"):
            if len(getattr(self, name)) != n_pairs:
                raise ValueError(f"{name} has {len(getattr(self, name))} entries, not {n_pairs}.")
        for name in ("item_mandatory", "item_priority"):
            if len(getattr(self, name)) != self.n_items:
                count = len(getattr(self, name))
                raise ValueError(f"{name} has {count} entries, not {self.n_items}.")
        if self.pair_use.shape != (n_pairs, self.agent_capacity.shape[1]):
            raise ValueError("pair_use must be (pairs, dims) with dims as agent_capacity.")
        if n_pairs and (self.pair_item.max() >= self.n_items or self.pair_item.min() < 0):
            raise ValueError("pair_item refers to an item that does not exist.")
        if n_pairs and (self.pair_agent.max() >= self.n_agents or self.pair_agent.min() < 0):
            raise ValueError("pair_agent refers to an agent that does not exist.")

    @property
    def n_items(self) -> int:
        """Number of items."""
        return len(self.item_slots)

    @property
    def n_agents(self) -> int:
        """Number of agents."""
        return len(self.agent_capacity)


@dataclass(frozen=True)
class SolveParams:
    """How long and how to search.

    Parameters
    ----------
    time_limit
        Seconds for the whole solve, every phase included: wall seconds, or, when
        ``repeatable``, seconds of counted work (see :mod:`service.matching.budget`).
    seed
        Random seed of the search.
    workers
        Search workers (threads).
    hints
        Start CP-SAT from known solutions (the greedy plan, the current plan). Off, CP-SAT
        starts from nothing: only to measure what the hints bring.
    repeatable
        Count work instead of wall seconds (CP-SAT's deterministic time, the search's route
        positions examined), so that with one worker and a fixed seed a run repeats exactly
        whatever the machine's load; the wall time then differs from the limit.
    """

    time_limit: float = 10.0
    seed: int = 0
    workers: int = 2
    hints: bool = True
    repeatable: bool = False

    def __post_init__(self) -> None:
        if not self.time_limit > 0:
            raise ValueError(f"time_limit = {self.time_limit} not understood; it must be > 0.")
        if self.seed < 0:
            raise ValueError(f"seed = {self.seed} not understood; it must be >= 0.")
        if self.workers < 1:
            raise ValueError(f"workers = {self.workers} not understood; it must be >= 1.")
        if self.repeatable and self.workers != 1:
            raise ValueError(
                f"repeatable with workers = {self.workers} not understood; it needs workers = 1."
            )


@dataclass(frozen=True)
class AssignmentResult:
    """The outcome of solving an assignment problem.

    Attributes
    ----------
    status
        OPTIMAL when every phase was proven; FEASIBLE when a solution exists but some phase was
        not proven; INFEASIBLE when mandatory items cannot all be assigned; UNKNOWN when no
        solution was found in time.
    objective, bound
        Cost of the solution and the proven lower bound on it (cost phase).
    wall_seconds, first_solution_seconds
        Total time, and time until the first solution of the first phase.
    assigned
        ``(pairs,)`` which pairs are used.
    item_served
        ``(items,)`` which items are assigned.
    tier_served, tier_bound
        Per priority: items served and the proven upper bound of that phase.
    """

    status: SolveStatus
    objective: int | None
    bound: int | None
    wall_seconds: float
    first_solution_seconds: float | None
    assigned: BoolArray
    item_served: BoolArray
    tier_served: dict[int, int]
    tier_bound: dict[int, int]
