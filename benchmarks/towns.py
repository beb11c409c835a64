"""Town-scale weeks: Mulin, its greedy baseline, and CP-SAT without hints, by town size.

Each run happens in a fresh child process, so its peak memory (RSS) is its own. For every
generated town it records wall time, peak RSS, visits planned by priority, travel minutes, the
bound per priority and the gap, and the seconds spent in each phase (load, travel matrix,
candidates, greedy, exact, bound, improve, repair, diagnose, check).

Run: ``python -m benchmarks.towns --sizes 150 600 --seeds 1 2 3`` (see ``--help``).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.machine import describe_machine

VISITS_PER_VILLAGE = 24
"""Generated towns get one village per this many requested visits."""
TIME_LIMITS = {150: 10.0, 600: 15.0, 1500: 40.0, 3000: 60.0}
"""Default time limit per town size (the targets of issue 3)."""
VARIANTS = ("greedy", "mulin", "plain")


@dataclass(frozen=True)
class Case:
    """One run: a variant on a generated town."""

    variant: str
    visits: int
    seed: int
    time_limit: float
    workers: int


def _run(case: Case) -> dict[str, Any]:
    """Run one case (in the child process) and report its figures."""
    from service.checker import check_plan
    from service.generator import generate_town
    from service.loading import parse_scenario
    from service.matching.candidates import find_candidates
    from service.matching.greedy import plan_greedy
    from service.matching.problem import PRIORITIES
    from service.matching.solution import from_schedule, travel_total, visits_by_priority
    from service.planning import PlanOptions, plan_week
    from service.to_solver import to_solver

    villages = max(1, round(case.visits / VISITS_PER_VILLAGE))
    text = generate_town(villages, case.visits, case.seed).model_dump_json(
        by_alias=True, exclude_none=True
    )
    started = time.perf_counter()
    scenario = parse_scenario(text)
    load = time.perf_counter() - started
    row: dict[str, Any] = {
        "variant": case.variant,
        "visits_requested": case.visits,
        "villages": villages,
        "seed": case.seed,
        "time_limit": case.time_limit,
        "workers": len(scenario.workers),
        "needs": len(scenario.needs),
    }
    if case.variant == "greedy":
        t = time.perf_counter()
        problem = to_solver(scenario).problem
        solution = from_schedule(plan_greedy(problem, find_candidates(problem)), "greedy")
        row |= {
            "planned_by_priority": visits_by_priority(problem, solution.visits),
            "travel_minutes": travel_total(problem, solution),
            "seconds": load + time.perf_counter() - t,
            "phases": {"load": round(load, 3)},
        }
    else:
        t = time.perf_counter()
        options = PlanOptions(
            time_limit=case.time_limit,
            workers=case.workers,
            language="en",
            hints=case.variant == "mulin",
        )
        plan = plan_week(scenario, options)
        planning = time.perf_counter() - t
        t = time.perf_counter()
        violations = check_plan(scenario, plan)
        check = time.perf_counter() - t
        metrics = plan.metrics
        row |= {
            "planned_by_priority": [metrics.planned_by_priority.get(str(p), 0) for p in PRIORITIES],
            "bound_by_priority": [metrics.bound_by_priority.get(str(p)) for p in PRIORITIES],
            "travel_minutes": metrics.travel_minutes,
            "gap_percent": plan.solver.gap_percent,
            "status": plan.status,
            "violations": len(violations),
            "seconds": load + planning,
            "phases": {"load": round(load, 3), **plan.solver.phases, "check": round(check, 3)},
        }
    row["requested_by_priority"] = [
        sum(n.visits for n in scenario.needs if n.priority == p) for p in PRIORITIES
    ]
    row["planned"] = sum(row["planned_by_priority"])
    row["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return row


def run_cases(cases: list[Case]) -> list[dict[str, Any]]:
    """Run each case in its own child process, one after the other.

    Parameters
    ----------
    cases
        The runs.

    Returns
    -------
    list of dict
        One row of figures per case.
    """
    context = multiprocessing.get_context("spawn")
    rows = []
    for case in cases:
        with context.Pool(1, maxtasksperchild=1) as pool:
            row = pool.apply(_run, (case,))
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
    return rows


def cases_for(
    sizes: list[int], seeds: list[int], variants: list[str], workers: int, scale: float = 1.0
) -> list[Case]:
    """Every (size, seed, variant) case, with the default time limit of its size."""
    return [
        Case(variant, size, seed, TIME_LIMITS.get(size, 30.0) * scale, workers)
        for size in sizes
        for seed in seeds
        for variant in variants
    ]


def gates(rows: list[dict[str, Any]]) -> list[str]:
    """The bars a run must not break: valid plans, never below greedy in any tier in order.

    Parameters
    ----------
    rows
        Rows of :func:`run_cases`.

    Returns
    -------
    list of str
        One message per broken bar; empty when all hold.
    """
    broken = []
    greedy = {
        (r["visits_requested"], r["seed"]): r["planned_by_priority"]
        for r in rows
        if r["variant"] == "greedy"
    }
    for row in rows:
        if row["variant"] == "greedy":
            continue
        key = (row["visits_requested"], row["seed"])
        if row.get("violations"):
            broken.append(f"{row['variant']} {key}: the plan breaks {row['violations']} rules")
        if row["variant"] == "mulin" and key in greedy and row["planned_by_priority"] < greedy[key]:
            broken.append(
                f"mulin {key}: {row['planned_by_priority']} is below greedy {greedy[key]}"
            )
    return broken


def markdown(rows: list[dict[str, Any]]) -> str:
    """A summary table, one line per run."""
    lines = [
        "| visits | seed | variant | planned by priority | bound (lexicographic) | planned | "
        "travel min | travel/visit | seconds | peak RSS MB |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        bound = r.get("bound_by_priority")
        lines.append(
            f"| {r['visits_requested']} | {r['seed']} | {r['variant']} | "
            f"{r['planned_by_priority']} | {bound if bound else '–'} | {r['planned']} | "
            f"{r['travel_minutes']} | {r['travel_minutes'] / max(r['planned'], 1):.1f} | "
            f"{r['seconds']:.1f} | {r['peak_rss_mb']:.0f} |"
        )
    return "\n".join(lines) + "\n"


def plot(rows: list[dict[str, Any]], folder: Path) -> list[Path]:
    """Time and peak memory against town size, one line per variant (PNG files)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written = []
    for field, label, name in (
        ("seconds", "wall seconds", "towns-time.png"),
        ("peak_rss_mb", "peak RSS (MB)", "towns-memory.png"),
    ):
        fig, ax = plt.subplots(figsize=(6, 4))
        for variant in VARIANTS:
            mine = [r for r in rows if r["variant"] == variant]
            if not mine:
                continue
            sizes = sorted({r["visits_requested"] for r in mine})
            means = [
                sum(r[field] for r in mine if r["visits_requested"] == s)
                / len([r for r in mine if r["visits_requested"] == s])
                for s in sizes
            ]
            ax.plot(sizes, means, marker="o", label=variant)
        every = sorted({r["visits_requested"] for r in rows})
        ax.set_xscale("log")
        ax.set_xticks(every, [str(s) for s in every])
        ax.minorticks_off()
        ax.set_xlabel("requested visits in the week")
        ax.set_ylabel(label)
        ax.set_title(f"Town-scale weeks: {label}")
        ax.grid(True, alpha=0.3)
        ax.legend()
        fig.tight_layout()
        path = folder / name
        fig.savefig(path, dpi=100)
        plt.close(fig)
        written.append(path)
    return written


def main() -> int:
    """Run the town benchmark and write JSON, markdown and plots."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[150, 600, 1500, 3000])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=VARIANTS)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scale", type=float, default=1.0, help="Multiply the time limits.")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    parser.add_argument(
        "--from-json", type=Path, help="Redraw the table and plots of an earlier results file."
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.from_json:
        rows = json.loads(args.from_json.read_text())["towns"]
    else:
        rows = run_cases(cases_for(args.sizes, args.seeds, args.variants, args.workers, args.scale))
        stamp = time.strftime("%Y-%m-%d")
        report = {"machine": describe_machine(), "towns": rows}
        (args.out / f"{stamp}-towns.json").write_text(json.dumps(report, indent=1) + "\n")
    stamp = time.strftime("%Y-%m-%d")
    (args.out / f"{stamp}-towns.md").write_text(markdown(rows))
    plot(rows, args.out)
    print(markdown(rows))
    broken = gates(rows)
    for message in broken:
        print(f"BROKEN: {message}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
