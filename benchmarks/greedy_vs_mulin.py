"""Mulin's plan against the priority-order greedy planner on generated towns.

Run: ``python -m benchmarks.greedy_vs_mulin [--seeds 1 2 3 4 5] [--time-limit 30]``.
Prints a markdown table (visits planned per priority, totals, travel per served visit) and
exits 1 if any Mulin plan fails the checker or is lexicographically worse than the greedy plan.
"""

from __future__ import annotations

import argparse
import sys
import time

from service.checker import check_plan
from service.cli import meaningful_bounds
from service.generator import generate_town
from service.matching.candidates import find_candidates
from service.matching.greedy import plan_greedy
from service.matching.problem import PRIORITIES
from service.matching.solution import from_schedule, travel_total, visits_by_priority
from service.planning import PlanOptions, plan_week
from service.to_solver import to_solver
from service.wire.scenario import Scenario


def _greedy(scenario: Scenario) -> tuple[list[int], int]:
    """Visits per priority and travel minutes of the greedy plan."""
    problem = to_solver(scenario).problem
    solution = from_schedule(plan_greedy(problem, find_candidates(problem)), "greedy")
    return visits_by_priority(problem, solution.visits), travel_total(problem, solution)


def main() -> int:
    """Run the comparison and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    parser.add_argument("--villages", type=int, default=25)
    parser.add_argument("--visits", type=int, default=600)
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    print("Bounds are lexicographic: shown up to the first priority the plan falls short of.\n")
    print(
        "| seed | requested | greedy by priority | Mulin by priority | bound by priority "
        "| greedy total | Mulin total | lexicographic ≥ | travel/visit Mulin ÷ greedy | seconds |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    failed = False
    for seed in args.seeds:
        scenario = generate_town(args.villages, args.visits, seed)
        greedy, greedy_travel = _greedy(scenario)
        started = time.perf_counter()
        plan = plan_week(scenario, PlanOptions(time_limit=args.time_limit, workers=args.workers))
        seconds = time.perf_counter() - started
        ours = [plan.metrics.planned_by_priority.get(str(p), 0) for p in PRIORITIES]
        shown = meaningful_bounds(plan.metrics.planned_by_priority, plan.metrics.bound_by_priority)
        bound = "[" + ", ".join(shown.get(str(p), "–") for p in PRIORITIES) + "]"
        requested = plan.metrics.visits_requested
        violations = check_plan(scenario, plan)
        ok = ours >= greedy and not violations
        failed |= not ok
        ratio = (plan.metrics.travel_minutes / max(sum(ours), 1)) / (
            greedy_travel / max(sum(greedy), 1)
        )
        print(
            f"| {seed} | {requested} | {greedy} | {ours} | {bound} | {sum(greedy)} | "
            f"{sum(ours)} | {'yes' if ok else 'NO'}{' (invalid plan)' if violations else ''} "
            f"| {ratio:.2f} | {seconds:.1f} |",
            flush=True,
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
