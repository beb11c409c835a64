"""The GAP benchmark: file parser, solver against brute force, heuristic, best-known table, CLI."""

from __future__ import annotations

import itertools
import json
import time
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from benchmarks.smoke import SHARED_GAP, WORKPLACE_SHARED, gap_bars
from service.bench_cli import bench_app, find_best_known
from service.best_known import read_best_known
from service.gap import GapInstance, read_gap_file, solve_gap, to_assignment_problem
from service.matching.assignment import SolveParams
from service.matching.gap_heuristic import (
    assignment_cost,
    is_feasible,
    lagrangian_bound,
    local_search,
    regret_greedy,
    solve_heuristic,
    tabu_search,
)
from service.matching.solution import SolveStatus

SHARED = SHARED_GAP
PARAMS = SolveParams(time_limit=3.0, seed=0, workers=1)

# Two instances (P = 2): 2 agents x 3 jobs, then 2 agents x 2 jobs.
MULTI = """2
2 3
1 5 3
4 2 6
2 3 2
3 2 3
5 5
2 2
1 1
1 1
1 1
1 1
1 2
"""
# One instance, rows wrapped anywhere (line breaks carry no meaning).
SINGLE = "2 2 4 1\n 2 3 5 5 5\n5 6 6\n"
BEST_KNOWN = """# Best known

| instance | m | n | BKS (min) | proven |
|---|---|---|---|---|
| tiny-1 | 2 | 3 | 6 | yes |
| tiny-2 | 2 | 2 | 3 | open |
"""


def write(folder: Path, name: str, text: str) -> Path:
    """Write a file and return its path."""
    path = folder / name
    path.write_text(text, encoding="ascii")
    return path


def random_instance(seed: int, agents: int = 3, jobs: int = 6, tight: float = 0.6) -> GapInstance:
    """A small random instance; ``tight`` scales the capacities (lower is harder)."""
    rng = np.random.default_rng(seed)
    weight = rng.integers(1, 10, size=(agents, jobs)).astype(np.int64)
    cost = rng.integers(1, 20, size=(agents, jobs)).astype(np.int64)
    capacity = np.maximum(weight.max(axis=1), (tight * weight.sum(axis=1) / agents * 1.5))
    return GapInstance(f"random-{seed}", cost, weight, capacity.astype(np.int64))


def brute_force(instance: GapInstance) -> int | None:
    """The least cost over every assignment, or ``None`` when none fits."""
    best = None
    jobs = np.arange(instance.jobs)
    for agents in itertools.product(range(instance.agents), repeat=instance.jobs):
        assignment = np.array(agents, dtype=np.int64)
        if is_feasible(instance.weight, instance.capacity, assignment):
            cost = int(instance.cost[assignment, jobs].sum())
            best = cost if best is None else min(best, cost)
    return best


def test_multi_instance_file_is_read_in_order(tmp_path: Path) -> None:
    """A file starting with P holds P instances, named ``<stem>-k``, with agent-major costs."""
    instances = read_gap_file(write(tmp_path, "tiny.txt", MULTI))
    assert [inst.name for inst in instances] == ["tiny-1", "tiny-2"]
    first = instances[0]
    assert (first.agents, first.jobs) == (2, 3)
    assert first.cost.tolist() == [[1, 5, 3], [4, 2, 6]]
    assert first.weight.tolist() == [[2, 3, 2], [3, 2, 3]]
    assert first.capacity.tolist() == [5, 5]
    assert instances[1].capacity.tolist() == [1, 2]


def test_single_instance_file_ignores_line_breaks(tmp_path: Path) -> None:
    """A file of exactly 2 + 2mn + m integers is one instance named after the file."""
    (instance,) = read_gap_file(write(tmp_path, "c0202", SINGLE))
    assert instance.name == "c0202"
    assert instance.cost.tolist() == [[4, 1], [2, 3]]
    assert instance.weight.tolist() == [[5, 5], [5, 5]]
    assert instance.capacity.tolist() == [6, 6]


def test_type_files_name_instances_by_type_agents_and_jobs(tmp_path: Path) -> None:
    """In ``gapa`` ... ``gapd`` names are type, two-digit agents, jobs: ``d023`` in gapd.txt."""
    instances = read_gap_file(write(tmp_path, "gapd.txt", MULTI))
    assert [inst.name for inst in instances] == ["d023", "d022"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1\n2 2 1 2 x 4 1 1 1 1 3 3\n", "value 6 ('x') is not an integer"),
        ("2\n" + SINGLE, "instance bad-2 is missing"),
        ("1\n2 2 1 2 3 4 1 1 1 1 3\n", "needs 12 integers, the file has 11 left"),
        ("1\n" + SINGLE + " 7 7\n", "2 integers left after the 1 instances"),
        ("", "0 integers"),
        ("1\n0 3\n", "0 agents and 3 jobs"),
        ("1 1 5 -2 5\n", "negative resource use or capacity"),
    ],
)
def test_bad_files_raise_a_value_error_naming_the_file(
    tmp_path: Path, text: str, message: str
) -> None:
    """Non-integers, wrong counts, empty files and negative weights give a clear ValueError."""
    path = write(tmp_path, "bad.txt", text)
    with pytest.raises(ValueError, match=r"bad\.txt") as caught:
        read_gap_file(path)
    assert message in str(caught.value)


def test_missing_file_raises_a_value_error(tmp_path: Path) -> None:
    """A file that does not exist is a ValueError naming it, not an OSError."""
    with pytest.raises(ValueError, match=r"nothere\.txt: cannot read"):
        read_gap_file(tmp_path / "nothere.txt")


def test_conversion_keeps_only_pairs_that_fit(tmp_path: Path) -> None:
    """The assignment problem has one mandatory one-slot item per job, pairs that fit only."""
    instance = read_gap_file(write(tmp_path, "tiny.txt", MULTI))[1]
    problem = to_assignment_problem(instance)
    assert problem.item_mandatory.all() and (problem.item_slots == 1).all()
    # Agent 0 has capacity 1: both jobs (weight 1) fit; agent 1 (capacity 2) too.
    assert len(problem.pair_item) == 4
    tight = GapInstance("t", instance.cost, instance.weight, np.array([0, 2]))
    assert to_assignment_problem(tight).pair_agent.tolist() == [1, 1]


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("heuristic", [True, False])
def test_solve_gap_matches_brute_force(seed: int, heuristic: bool) -> None:
    """On small random instances the proven optimum is the brute-force one (or infeasible)."""
    instance = random_instance(seed, tight=0.45 + 0.05 * seed)
    best = brute_force(instance)
    result = solve_gap(instance, PARAMS, heuristic=heuristic)
    if best is None:
        assert result.status == SolveStatus.INFEASIBLE
        assert result.assignment is None
        return
    assert result.status == SolveStatus.OPTIMAL
    assert result.objective == best == result.bound
    assert result.assignment is not None
    assert is_feasible(instance.weight, instance.capacity, result.assignment)
    assert assignment_cost(instance.cost, result.assignment) == best
    assert result.first_solution_seconds is not None


def test_job_that_fits_no_agent_is_infeasible() -> None:
    """A job heavier than every capacity makes the instance infeasible, quickly."""
    instance = GapInstance(
        "heavy", np.ones((2, 2), np.int64), np.array([[1, 9], [1, 9]]), np.array([5, 5])
    )
    started = time.perf_counter()
    result = solve_gap(instance, PARAMS)
    assert result.status == SolveStatus.INFEASIBLE
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize("seed", range(8))
def test_lagrangian_bound_is_below_the_optimum_and_keeps_it(seed: int) -> None:
    """The Lagrangian bound never exceeds the optimum, and its fixing keeps an optimal solution."""
    instance = random_instance(seed + 100, tight=0.7)
    best = brute_force(instance)
    if best is None:
        pytest.skip("infeasible draw")
    bound = lagrangian_bound(instance.cost, instance.weight, instance.capacity, upper=best)
    assert bound.value <= best + 1e-6
    allowed = bound.allows(best)
    jobs = np.arange(instance.jobs)
    optimal = [
        np.array(agents)
        for agents in itertools.product(range(instance.agents), repeat=instance.jobs)
        if is_feasible(instance.weight, instance.capacity, np.array(agents))
        and int(instance.cost[np.array(agents), jobs].sum()) == best
    ]
    assert all(allowed[agents, jobs].all() for agents in optimal)


@pytest.mark.parametrize("seed", range(10))
def test_heuristics_report_only_capacity_feasible_assignments(seed: int) -> None:
    """Greedy + local search, the full heuristic and the tabu search never return overload."""
    instance = random_instance(seed + 200, agents=4, jobs=12, tight=0.5 + 0.03 * seed)
    cost, weight, capacity = instance.cost, instance.weight, instance.capacity
    start, _ = regret_greedy(cost.astype(np.float64), weight, capacity)
    repaired = local_search(cost, weight, capacity, start)
    found = solve_heuristic(cost, weight, capacity, time_limit=0.2)
    searched = tabu_search(
        cost, weight, capacity, found.start, deadline=time.perf_counter() + 0.2, seed=seed
    )
    for candidate in (repaired, found.assignment, searched):
        if candidate is not None:
            assert is_feasible(weight, capacity, candidate)
    if found.assignment is not None:
        assert found.objective == assignment_cost(cost, found.assignment)


def test_tabu_search_improves_a_poor_start_on_gap1() -> None:
    """From a feasible but poor start, the tabu search finds a cheaper feasible assignment."""
    assert SHARED.is_dir(), f"the shared GAP instances are missing: {SHARED}"
    instance = read_gap_file(SHARED / "orlib" / "gap1.txt")[0]
    cost, weight, capacity = instance.cost, instance.weight, instance.capacity
    worst, _ = regret_greedy(-cost.astype(np.float64), weight, capacity)
    start = local_search(np.zeros_like(cost), weight, capacity, worst)
    assert start is not None
    found = tabu_search(cost, weight, capacity, start, deadline=time.perf_counter() + 0.5)
    assert found is not None
    assert assignment_cost(cost, found) < assignment_cost(cost, start)


def test_gap1_1_is_solved_to_its_known_optimum() -> None:
    """gap1-1 (5 agents, 15 jobs) is proven optimal at 261, its known minimum."""
    assert SHARED.is_dir(), f"the shared GAP instances are missing: {SHARED}"
    instance = read_gap_file(SHARED / "orlib" / "gap1.txt")[0]
    assert instance.name == "gap1-1"
    result = solve_gap(instance, SolveParams(time_limit=10.0, seed=0, workers=2))
    assert result.status == SolveStatus.OPTIMAL
    assert result.objective == 261 == result.bound


def test_best_known_table_is_parsed(tmp_path: Path) -> None:
    """Values and the proven flag come from the 'BKS (min)' and 'proven' columns."""
    known = read_best_known(write(tmp_path, "BEST_KNOWN.md", BEST_KNOWN))
    assert known["tiny-1"].value == 6 and known["tiny-1"].proven
    assert known["tiny-2"].value == 3 and not known["tiny-2"].proven
    assert set(known) == {"tiny-1", "tiny-2"}


def test_best_known_without_a_table_or_with_a_bad_value_is_rejected(tmp_path: Path) -> None:
    """A file without a BKS table, or with a non-integer value, is a ValueError."""
    with pytest.raises(ValueError, match="no table"):
        read_best_known(write(tmp_path, "none.md", "# nothing\n"))
    bad = BEST_KNOWN.replace("| 6 |", "| six |")
    with pytest.raises(ValueError, match="line 5"):
        read_best_known(write(tmp_path, "bad.md", bad))


def test_shared_best_known_has_gap1_1_and_yagiura_values() -> None:
    """The shared table gives gap1-1 = 261 (proven) and the Yagiura instances' values."""
    assert SHARED.is_dir(), f"the shared GAP instances are missing: {SHARED}"
    known = read_best_known(SHARED / "BEST_KNOWN.md")
    assert known["gap1-1"].value == 261 and known["gap1-1"].proven
    assert known["e801600"].value == 176820 and known["e801600"].proven
    assert known["c801600"].value == 16285 and not known["c801600"].proven
    assert known["d401600"].proven  # "yes (LB=UB)"
    assert len([name for name in known if name.startswith("gap")]) == 60


def test_bench_gap_json_lines_have_the_expected_keys(tmp_path: Path) -> None:
    """``bench gap --json`` prints one JSON object per instance with the documented keys."""
    path = write(tmp_path, "tiny.txt", MULTI)
    write(tmp_path, "BEST_KNOWN.md", BEST_KNOWN)
    assert find_best_known([path]) == tmp_path / "BEST_KNOWN.md"
    result = CliRunner().invoke(
        bench_app, ["gap", str(path), "--time-limit", "2", "--workers", "1", "--json"]
    )
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["instance"] for r in records] == ["tiny-1", "tiny-2"]
    expected = {
        "instance",
        "agents",
        "jobs",
        "objective",
        "bound",
        "status",
        "seconds",
        "first_solution_seconds",
        "best_known",
        "gap_percent",
    }
    assert expected <= set(records[0])
    assert records[0]["objective"] == 6 and records[0]["gap_percent"] == 0.0
    assert records[1]["objective"] == 2 and records[1]["gap_percent"] == pytest.approx(-33.3333)


def test_bench_gap_rejects_a_bad_file_with_exit_code_2(tmp_path: Path) -> None:
    """A bad instance file stops the benchmark before solving, naming the file."""
    path = write(tmp_path, "bad.txt", "1 2 x")
    result = CliRunner().invoke(bench_app, ["gap", str(path)])
    assert result.exit_code == 2
    assert "bad.txt" in result.stderr and "not an integer" in result.stderr


def test_smoke_gate_breaks_on_a_wrong_published_optimum(tmp_path: Path) -> None:
    """The smoke gate compares with the published optimum: a wrong value breaks the bar."""
    write(tmp_path, "tiny.txt", MULTI)
    right = write(tmp_path, "BEST_KNOWN.md", BEST_KNOWN.replace("| 3 | open |", "| 2 | yes |"))
    assert gap_bars(tmp_path, ["tiny.txt"], right, seconds=2) == []
    wrong = write(tmp_path, "WRONG.md", BEST_KNOWN.replace("| 6 |", "| 5 |"))
    broken = gap_bars(tmp_path, ["tiny.txt"], wrong, seconds=2)
    assert any("tiny-1: 'optimal' at 6, the published optimum is 5" in b for b in broken)
    assert any("tiny-2: no proven optimum" in b for b in broken)


def test_smoke_gate_breaks_without_the_instances(tmp_path: Path) -> None:
    """A missing instance folder or table breaks the gate instead of passing it."""
    assert gap_bars(tmp_path / "absent")[0].startswith("gap1-12: ")
    table = write(tmp_path, "BEST_KNOWN.md", BEST_KNOWN)
    assert gap_bars(tmp_path / "absent", ["gap1.txt"], table) == [
        f"gap1-12: instance file {tmp_path / 'absent' / 'gap1.txt'} is missing"
    ]


def test_shared_instances_are_found_beside_the_repository_or_in_the_workplace() -> None:
    """The shared GAP folder is beside the repository, else in /work/shared; it has gap1."""
    root = Path(__file__).resolve().parents[1]
    beside = root.parent / "shared" / "benchmarks" / "gap"
    expected = beside if beside.is_dir() else WORKPLACE_SHARED / "benchmarks" / "gap"
    assert expected == SHARED_GAP
    assert (SHARED_GAP / "orlib" / "gap1.txt").is_file()
