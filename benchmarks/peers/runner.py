"""Mulin against VROOM, PyVRP and OR-Tools Routing on peer-expressible towns, side by side.

Every run happens in a fresh child process (its peak RSS is its own) on one thread; every plan
is judged by the project's checker, and an invalid plan is reported loudly and never ranked.
Rank per town, seed and time limit: lexicographic, visits of priority 1, then 2, … 5, then less
travel; equal plans share a rank.

Run: ``python -m benchmarks.peers --sizes 150 600 --seeds 1 2 3 --time-limits 30``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from benchmarks.machine import describe_machine

SOLVERS = ("mulin", "greedy", "vroom", "pyvrp", "ortools")
VISITS_PER_VILLAGE = 24
"""Generated towns get one village per this many requested visits (as ``benchmarks.towns``)."""
CAPACITY = 0.6
"""Social workers per the generator's calibration: scarce, so not everything can be served."""


@dataclass(frozen=True)
class Case:
    """One run: a solver on a generated peer-expressible town."""

    solver: str
    visits: int
    seed: int
    time_limit: float
    capacity: float = CAPACITY


def _run(case: Case) -> dict[str, Any]:
    """Run one case (in the child process): generate, solve, check, report figures."""
    import benchmarks.peers as peers
    from service.checker import check_plan
    from service.generator import generate_town
    from service.loading import parse_scenario

    solve = {
        "mulin": peers.solve_mulin,
        "greedy": peers.solve_greedy,
        "vroom": peers.solve_vroom,
        "pyvrp": peers.solve_pyvrp,
        "ortools": peers.solve_ortools,
    }[case.solver]
    villages = max(1, round(case.visits / VISITS_PER_VILLAGE))
    town = generate_town(
        villages, case.visits, case.seed, peer_expressible=True, capacity=case.capacity
    )
    scenario = parse_scenario(town.model_dump_json(by_alias=True, exclude_none=True))
    row: dict[str, Any] = asdict(case) | {
        "villages": villages,
        "workers": len(scenario.workers),
        "requested_by_priority": [
            sum(n.priority == p for n in scenario.needs) for p in (1, 2, 3, 4, 5)
        ],
    }
    started = time.perf_counter()
    try:
        plan = solve(scenario, peers.Limits(case.time_limit, case.seed))
    except peers.NotExpressible as error:
        return row | {"skipped": str(error), "seconds": round(time.perf_counter() - started, 2)}
    seconds = time.perf_counter() - started
    violations = check_plan(scenario, plan)
    planned = plan.metrics.planned_by_priority
    return row | {
        "planned_by_priority": [planned.get(str(p), 0) for p in (1, 2, 3, 4, 5)],
        "planned": plan.metrics.visits_planned,
        "travel_minutes": plan.metrics.travel_minutes,
        "seconds": round(seconds, 2),
        "solver_name": plan.solver.name,
        "valid": not violations,
        "violations": [f"rule {v.rule} {v.code}: {v.message}" for v in violations[:10]],
        "violation_count": len(violations),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def run_cases(cases: list[Case], log: bool = True) -> list[dict[str, Any]]:
    """Run each case in its own child process, one after the other.

    Parameters
    ----------
    cases
        The runs.
    log
        Print each row as JSON to standard error when it is done.

    Returns
    -------
    list of dict
        One row per case; a child that dies is a row with ``error``.
    """
    context = multiprocessing.get_context("spawn")
    rows = []
    for case in cases:
        try:
            with context.Pool(1, maxtasksperchild=1) as pool:
                row = pool.apply(_run, (case,))
        except Exception as error:  # a native crash must not end the whole benchmark
            row = asdict(case) | {"error": f"{type(error).__name__}: {error}"}
        rows.append(row)
        if log:
            print(json.dumps(row), file=sys.stderr, flush=True)
    return rows


def cases_for(
    sizes: list[int],
    seeds: list[int],
    time_limits: list[float],
    solvers: list[str],
    capacity: float = CAPACITY,
) -> list[Case]:
    """Every (size, seed, time limit, solver) case, solvers innermost."""
    return [
        Case(solver, size, seed, limit, capacity)
        for size in sizes
        for seed in seeds
        for limit in time_limits
        for solver in solvers
    ]


def _key(row: dict[str, Any]) -> tuple[int, ...]:
    """Lexicographic quality: visits of priority 1 … 5, then less travel (larger is better)."""
    return (*row["planned_by_priority"], -row["travel_minutes"])


def rank(rows: list[dict[str, Any]]) -> None:
    """Set ``rank`` on each valid row among the valid rows of its town, seed and time limit."""
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for row in rows:
        if row.get("valid"):
            groups.setdefault((row["visits"], row["seed"], row["time_limit"]), []).append(row)
    for members in groups.values():
        keys = sorted({_key(r) for r in members}, reverse=True)
        for row in members:
            row["rank"] = 1 + keys.index(_key(row))


def invalid(rows: list[dict[str, Any]]) -> list[str]:
    """One message per plan the checker refused or run that failed; skipped runs are not."""
    found = []
    for row in rows:
        at = f"{row['solver']} on {row['visits']} visits, seed {row['seed']}, {row['time_limit']} s"
        if "error" in row:
            found.append(f"{at}: the run failed: {row['error']}")
        elif "skipped" not in row and not row["valid"]:
            shown = "; ".join(row["violations"][:3])
            found.append(f"{at}: INVALID plan, {row['violation_count']} violations: {shown}")
    return found


def markdown(rows: list[dict[str, Any]]) -> str:
    """One table: per town, seed and time limit, solver by solver."""
    lines = [
        "| visits | seed | limit s | solver | p1 | p2 | p3 | p4 | p5 | total | travel min "
        "| wall s | valid | rank |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        head = f"| {r['visits']} | {r['seed']} | {r['time_limit']:g} | {r['solver']} |"
        if "error" in r or "skipped" in r:
            why = r.get("error") or f"skipped: {r['skipped']}"
            lines.append(f"{head} {why} | | | | | | | | | |")
            continue
        p = r["planned_by_priority"]
        valid = "yes" if r["valid"] else f"**NO ({r['violation_count']})**"
        lines.append(
            f"{head} {' | '.join(str(x) for x in p)} | {r['planned']} | {r['travel_minutes']} "
            f"| {r['seconds']:.1f} | {valid} | {r.get('rank', '–')} |"
        )
    towns = {}
    for r in rows:
        if "requested_by_priority" in r:
            towns[(r["visits"], r["seed"])] = (r["requested_by_priority"], r["workers"])
    notes = [
        f"- {visits} visits, seed {seed}: requested by priority {requested}, {workers} workers"
        for (visits, seed), (requested, workers) in sorted(towns.items())
    ]
    return "\n".join(lines) + "\n\n" + "\n".join(notes) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the peer benchmark, write JSON lines and markdown, print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[150, 600, 1500])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--time-limits", type=float, nargs="+", default=[30.0])
    parser.add_argument("--solvers", nargs="+", default=list(SOLVERS), choices=SOLVERS)
    parser.add_argument("--capacity", type=float, default=CAPACITY)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    parser.add_argument("--name", default="peers", help="Results file name after the date.")
    args = parser.parse_args(argv)
    cases = cases_for(args.sizes, args.seeds, args.time_limits, args.solvers, args.capacity)
    rows = run_cases(cases)
    rank(rows)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = f"{time.strftime('%Y-%m-%d')}-{args.name}"
    with (args.out / f"{stamp}.jsonl").open("w", encoding="utf-8") as out:
        out.write(json.dumps({"machine": describe_machine()}) + "\n")
        for row in rows:
            out.write(json.dumps(row) + "\n")
    table = markdown(rows)
    (args.out / f"{stamp}.md").write_text(table, encoding="utf-8")
    print(table)
    broken = invalid(rows)
    for message in broken:
        print(f"BROKEN: {message}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
