"""The generic capacitated assignment layer against brute-force enumeration.

Instances are small (2-3 agents, 3-6 items, one slot per item) so that every assignment can be
listed: each item takes one of its candidate pairs, or none if it is optional.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.matching.assignment import (
    AssignmentProblem,
    AssignmentResult,
    LinearRows,
    SolveParams,
)
from service.matching.cpsat.assignment_solver import Strategy, _decode_bound, solve_assignment
from service.matching.solution import SolveStatus

PARAMS = SolveParams(time_limit=2.0, seed=0, workers=1)
TIERS = (1, 2, 3)


@dataclass(frozen=True)
class Pair:
    """A candidate pair of the instance: item, agent, cost and capacity used."""

    item: int
    agent: int
    cost: int
    use: int


@dataclass(frozen=True)
class Instance:
    """A small capacitated assignment instance in plain Python."""

    pairs: tuple[Pair, ...]
    capacity: tuple[int, ...]
    mandatory: tuple[bool, ...]
    priority: tuple[int, ...]

    def problem(self) -> AssignmentProblem:
        """The instance as the solver's array problem, one slot per item."""
        return AssignmentProblem(
            pair_item=np.array([p.item for p in self.pairs], dtype=np.int64),
            pair_agent=np.array([p.agent for p in self.pairs], dtype=np.int64),
            pair_cost=np.array([p.cost for p in self.pairs], dtype=np.int64),
            pair_use=np.array([[p.use] for p in self.pairs], dtype=np.int64).reshape(-1, 1),
            agent_capacity=np.array([[c] for c in self.capacity], dtype=np.int64),
            item_slots=np.ones(len(self.mandatory), dtype=np.int64),
            item_mandatory=np.array(self.mandatory, dtype=bool),
            item_priority=np.array(self.priority, dtype=np.int64),
        )

    def tiers(self) -> list[int]:
        """Priorities that have optional items."""
        return sorted({t for t, m in zip(self.priority, self.mandatory, strict=True) if not m})


@dataclass(frozen=True)
class Best:
    """The brute-force optimum: tier counts (lexicographically largest), then least cost."""

    tier_counts: dict[int, int]
    cost: int


def brute_force(instance: Instance) -> Best | None:
    """Enumerate every assignment; ``None`` when the mandatory items cannot all be assigned."""
    options: list[list[int | None]] = []
    for item, mandatory in enumerate(instance.mandatory):
        mine: list[int | None] = [k for k, p in enumerate(instance.pairs) if p.item == item]
        options.append(mine if mandatory else [None, *mine])
    tiers = instance.tiers()
    best: tuple[tuple[int, ...], int] | None = None
    for choice in itertools.product(*options):
        used = [0] * len(instance.capacity)
        for k in choice:
            if k is not None:
                used[instance.pairs[k].agent] += instance.pairs[k].use
        if any(u > c for u, c in zip(used, instance.capacity, strict=True)):
            continue
        counts = tuple(
            sum(
                1
                for item, k in enumerate(choice)
                if k is not None
                and not instance.mandatory[item]
                and instance.priority[item] == tier
            )
            for tier in tiers
        )
        cost = sum(instance.pairs[k].cost for k in choice if k is not None)
        if best is None or (counts, -cost) > (best[0], -best[1]):
            best = (counts, cost)
    if best is None:
        return None
    return Best(dict(zip(tiers, best[0], strict=True)), best[1])


@st.composite
def instances(draw: st.DrawFn, all_mandatory: bool) -> Instance:
    """Random instances; every item has at least one candidate pair."""
    n_agents = draw(st.integers(2, 3))
    n_items = draw(st.integers(3, 6))
    pairs = []
    for item in range(n_items):
        agents = draw(
            st.lists(st.integers(0, n_agents - 1), min_size=1, max_size=n_agents, unique=True)
        )
        for agent in sorted(agents):
            pairs.append(Pair(item, agent, draw(st.integers(0, 9)), draw(st.integers(1, 5))))
    capacity = tuple(draw(st.integers(0, 10)) for _ in range(n_agents))
    if all_mandatory:
        mandatory = (True,) * n_items
    else:
        mandatory = tuple(draw(st.lists(st.booleans(), min_size=n_items, max_size=n_items)))
    priority = tuple(draw(st.lists(st.sampled_from(TIERS), min_size=n_items, max_size=n_items)))
    return Instance(tuple(pairs), capacity, mandatory, priority)


def assignment_problems(result: AssignmentResult, instance: Instance) -> list[str]:
    """What is wrong with a returned assignment, checked against the instance."""
    found = []
    used = [0] * len(instance.capacity)
    per_item = [0] * len(instance.mandatory)
    for k in np.flatnonzero(result.assigned).tolist():
        used[instance.pairs[k].agent] += instance.pairs[k].use
        per_item[instance.pairs[k].item] += 1
    if any(u > c for u, c in zip(used, instance.capacity, strict=True)):
        found.append(f"capacity exceeded: {used} > {instance.capacity}")
    if any(n > 1 for n in per_item):
        found.append(f"an item takes more than its one slot: {per_item}")
    if [n == 1 for n in per_item] != result.item_served.tolist():
        found.append("item_served does not match the assigned pairs")
    if any(m and n == 0 for m, n in zip(instance.mandatory, per_item, strict=True)):
        found.append("a mandatory item is unassigned")
    return found


def assigned_cost(result: AssignmentResult, instance: Instance) -> int:
    """Cost of the returned assignment, recomputed from the instance."""
    return sum(instance.pairs[k].cost for k in np.flatnonzero(result.assigned).tolist())


@settings(max_examples=60, deadline=None)
@given(instances(all_mandatory=True))
def test_mandatory_items_get_the_brute_force_least_cost(instance: Instance) -> None:
    """All items mandatory: the objective is the least cost, or the status INFEASIBLE."""
    result = solve_assignment(instance.problem(), PARAMS)
    best = brute_force(instance)
    if best is None:
        assert result.status == SolveStatus.INFEASIBLE
        assert not result.assigned.any()
        return
    assert result.status == SolveStatus.OPTIMAL
    assert result.objective == best.cost
    assert result.bound == best.cost
    assert assignment_problems(result, instance) == []
    assert assigned_cost(result, instance) == best.cost


@pytest.mark.parametrize("strategy", ["tiers", "weighted"])
@settings(max_examples=40, deadline=None)
@given(instance=instances(all_mandatory=False))
def test_optional_items_are_served_tier_by_tier(instance: Instance, strategy: Strategy) -> None:
    """Served items per tier are the brute-force lexicographic maximum, then the least cost."""
    result = solve_assignment(instance.problem(), PARAMS, strategy=strategy)
    best = brute_force(instance)
    if best is None:
        assert result.status == SolveStatus.INFEASIBLE
        return
    assert result.status == SolveStatus.OPTIMAL
    assert result.tier_served == best.tier_counts
    assert result.objective == best.cost
    assert assignment_problems(result, instance) == []


@pytest.mark.parametrize("strategy", ["tiers", "weighted"])
@settings(max_examples=40, deadline=None)
@given(instance=instances(all_mandatory=False))
def test_tier_bounds_are_never_below_the_optimum(instance: Instance, strategy: Strategy) -> None:
    """The per-tier bounds (decoded for ``weighted``) are at least the brute-force tier counts."""
    result = solve_assignment(instance.problem(), PARAMS, strategy=strategy, with_cost=False)
    best = brute_force(instance)
    if best is None:
        return
    assert set(result.tier_bound) == set(best.tier_counts)
    for tier, count in best.tier_counts.items():
        assert result.tier_bound[tier] >= count
    assert result.objective is None


def weighted_value(instance: Instance, counts: dict[int, int]) -> int:
    """The weighted sum of served optional items, one weight per tier as the solver uses."""
    base = sum(not m for m in instance.mandatory) + 1
    return sum(base ** (5 - tier) * count for tier, count in counts.items())


@settings(max_examples=60, deadline=None)
@given(instance=instances(all_mandatory=False), slack=st.integers(0, 400))
def test_decoded_bound_is_lexicographically_valid(instance: Instance, slack: int) -> None:
    """Any bound at or above the optimum's weighted value decodes to tiers lex. >= the optimum."""
    best = brute_force(instance)
    if best is None or not best.tier_counts:
        return
    exact = _decode_bound(instance.problem(), weighted_value(instance, best.tier_counts), {})
    assert exact == best.tier_counts
    loose = _decode_bound(
        instance.problem(), weighted_value(instance, best.tier_counts) + slack, {}
    )
    tiers = sorted(best.tier_counts)
    assert [loose[t] for t in tiers] >= [best.tier_counts[t] for t in tiers]


def test_decoded_bound_respects_tier_caps() -> None:
    """A cap on the first tier moves the weight it cannot use to the next tier."""
    instance = Instance(
        pairs=tuple(Pair(i, 0, 0, 1) for i in range(4)),
        capacity=(4,),
        mandatory=(False,) * 4,
        priority=(1, 1, 2, 2),
    )
    weight_1, weight_2 = 5**4, 5**3
    bound = 2 * weight_1 + 1 * weight_2
    assert _decode_bound(instance.problem(), bound, {}) == {1: 2, 2: 1}
    assert _decode_bound(instance.problem(), bound, {1: 1}) == {1: 1, 2: 2}


def test_hand_made_gap_has_its_known_optimum() -> None:
    """A GAP whose cheapest choices overload agent 0 has the hand-worked optimum 6, not 4.

    Items 0 and 1 each use 6 of an agent's 10 units, so they cannot share an agent; moving
    item 1 to agent 1 costs 2 more, moving item 0 costs 3 more; item 2 (4 units) fits anywhere
    at cost 2. Optimum: 1 + 3 + 2 = 6.
    """
    instance = Instance(
        pairs=(
            Pair(0, 0, 1, 6),
            Pair(0, 1, 4, 6),
            Pair(1, 0, 1, 6),
            Pair(1, 1, 3, 6),
            Pair(2, 0, 2, 4),
            Pair(2, 1, 2, 4),
        ),
        capacity=(10, 10),
        mandatory=(True,) * 3,
        priority=(1,) * 3,
    )
    assert brute_force(instance) == Best({}, 6)
    result = solve_assignment(instance.problem(), PARAMS)
    assert result.status == SolveStatus.OPTIMAL
    assert result.objective == 6
    assert result.assigned[[0, 3]].all()
    assert not result.assigned[[1, 2]].any()


def team_problem(capacity_of_agent_1: int) -> AssignmentProblem:
    """One optional item taking two slots, with one candidate pair on each of two agents."""
    return AssignmentProblem(
        pair_item=np.array([0, 0]),
        pair_agent=np.array([0, 1]),
        pair_cost=np.array([1, 1]),
        pair_use=np.array([[3], [3]]),
        agent_capacity=np.array([[5], [capacity_of_agent_1]]),
        item_slots=np.array([2]),
        item_mandatory=np.array([False]),
        item_priority=np.array([1]),
    )


@pytest.mark.parametrize(("capacity", "served"), [(3, 1), (2, 0)])
def test_item_with_two_slots_needs_both_pairs(capacity: int, served: int) -> None:
    """A two-slot item is served only when both of its agents have room."""
    result = solve_assignment(team_problem(capacity), PARAMS)
    assert result.status == SolveStatus.OPTIMAL
    assert result.tier_served == {1: served}
    assert int(result.assigned.sum()) == 2 * served


@pytest.mark.parametrize(("hi", "status"), [(2, SolveStatus.OPTIMAL), (1, SolveStatus.INFEASIBLE)])
def test_side_row_limits_pairs_together(hi: int, status: SolveStatus) -> None:
    """A side row ``x0 + x1 <= 1`` makes two mandatory items with one pair each infeasible."""
    rows = LinearRows()
    rows.add([0, 1], [1, 1], hi=hi)
    problem = AssignmentProblem(
        pair_item=np.array([0, 1]),
        pair_agent=np.array([0, 0]),
        pair_cost=np.array([1, 1]),
        pair_use=np.array([[1], [1]]),
        agent_capacity=np.array([[5]]),
        item_slots=np.array([1, 1]),
        item_mandatory=np.array([True, True]),
        item_priority=np.array([1, 1]),
        rows=rows,
    )
    assert solve_assignment(problem, PARAMS).status == status


def test_mandatory_item_without_pairs_is_infeasible() -> None:
    """A mandatory item nobody can take makes the problem infeasible, not silently unserved."""
    problem = AssignmentProblem(
        pair_item=np.array([0]),
        pair_agent=np.array([0]),
        pair_cost=np.array([3]),
        pair_use=np.array([[1]]),
        agent_capacity=np.array([[5]]),
        item_slots=np.array([1, 1]),
        item_mandatory=np.array([True, True]),
        item_priority=np.array([1, 1]),
    )
    assert solve_assignment(problem, PARAMS).status == SolveStatus.INFEASIBLE


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"time_limit": 0.0}, "time_limit = 0.0 not understood"),
        ({"time_limit": -1.0}, "time_limit = -1.0 not understood"),
        ({"seed": -1}, "seed = -1 not understood"),
        ({"workers": 0}, "workers = 0 not understood"),
    ],
)
def test_solve_params_reject_bad_values(bad: dict[str, Any], message: str) -> None:
    """SolveParams refuses time_limit <= 0, seed < 0 and workers < 1 with a short message."""
    with pytest.raises(ValueError, match=message):
        SolveParams(**bad)


def test_solve_params_accept_the_smallest_good_values() -> None:
    """SolveParams accepts a tiny positive time limit, seed 0 and one worker."""
    params = SolveParams(time_limit=0.01, seed=0, workers=1)
    assert (params.time_limit, params.seed, params.workers) == (0.01, 0, 1)


def arrays(**changes: object) -> dict[str, object]:
    """Keyword arguments of a valid two-item, two-agent problem, with some replaced."""
    fields: dict[str, object] = {
        "pair_item": np.array([0, 1]),
        "pair_agent": np.array([0, 1]),
        "pair_cost": np.array([1, 1]),
        "pair_use": np.array([[1], [1]]),
        "agent_capacity": np.array([[5], [5]]),
        "item_slots": np.array([1, 1]),
        "item_mandatory": np.array([True, False]),
        "item_priority": np.array([1, 2]),
    }
    fields.update(changes)
    return fields


def test_assignment_problem_accepts_matching_arrays() -> None:
    """The reference arrays of the rejection tests below make a valid problem."""
    problem = AssignmentProblem(**arrays())  # type: ignore[arg-type]
    assert (problem.n_items, problem.n_agents) == (2, 2)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"pair_agent": np.array([0])}, "pair_agent has 1 entries, not 2"),
        ({"pair_cost": np.array([1, 1, 1])}, "pair_cost has 3 entries, not 2"),
        ({"pair_use": np.array([[1], [1], [1]])}, "pair_use must be"),
        ({"pair_use": np.array([[1, 1], [1, 1]])}, "pair_use must be"),
        ({"pair_item": np.array([0, 2])}, "pair_item refers to an item"),
        ({"pair_agent": np.array([0, 2])}, "pair_agent refers to an agent"),
    ],
)
def test_assignment_problem_rejects_mismatched_pairs(
    changes: dict[str, object], message: str
) -> None:
    """Pair arrays of different lengths or pointing nowhere fail in the constructor."""
    with pytest.raises(ValueError, match=message):
        AssignmentProblem(**arrays(**changes))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "changes",
    [{"item_mandatory": np.array([True])}, {"item_priority": np.array([1, 2, 3])}],
)
def test_assignment_problem_rejects_mismatched_items(changes: dict[str, object]) -> None:
    """Per-item arrays of different lengths fail in the constructor."""
    with pytest.raises(ValueError):
        AssignmentProblem(**arrays(**changes))  # type: ignore[arg-type]


def test_optional_item_without_pairs_is_never_served() -> None:
    """An optional item no agent can take counts as unserved in its tier, bound included."""
    problem = AssignmentProblem(
        pair_item=np.array([0]),
        pair_agent=np.array([0]),
        pair_cost=np.array([1]),
        pair_use=np.array([[1]]),
        agent_capacity=np.array([[5]]),
        item_slots=np.array([1, 1]),
        item_mandatory=np.array([False, False]),
        item_priority=np.array([1, 1]),
    )
    result = solve_assignment(problem, PARAMS)
    assert result.tier_served == {1: 1}
    assert result.tier_bound == {1: 1}
    assert result.item_served.tolist() == [True, False]
