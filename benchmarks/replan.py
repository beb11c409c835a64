"""Re-planning against planning the rest of the week from scratch (a benchmark, not a test).

For each town: plan the week, then mark the worker with the most visits from Wednesday on absent
from Wednesday and lock two Thursday visits of other workers, and re-plan twice: keeping the
plan in force (``mulin replan``) and from scratch (``--from-scratch``: only done and locked
visits kept). Reports visits of the plan in force left exactly as they were, visits disturbed
(changed, moved or dropped), visits planned, and wall seconds.

Usage: ``python -m benchmarks.replan [--towns 25:600:2026 10:150:3] [--time-limit 15]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from collections import Counter
from pathlib import Path

from benchmarks.machine import describe_machine
from service.checker import check_plan
from service.generator import generate_town
from service.planning import PlanOptions, plan_week
from service.replan import replan_week
from service.wire.plan import Plan
from service.wire.replan import ReplanRequest

RESULTS = Path(__file__).parent / "results"
LATE = ("wed", "thu", "fri", "sat", "sun")


def absence_request(plan: Plan) -> ReplanRequest:
    """The busiest worker from Wednesday on absent from Wednesday; two Thursday visits locked."""
    late = Counter(w for v in plan.visits if v.day in LATE for w in v.worker_ids)
    worker = late.most_common(1)[0][0]
    locked = [v for v in plan.visits if v.day == "thu" and worker not in v.worker_ids][:2]
    return ReplanRequest.model_validate(
        {
            "absent": [{"worker_id": worker, "from_day": "wed"}],
            "locked": [{"need_id": v.need_id, "visit": v.visit} for v in locked],
        }
    )


def run(villages: int, needs: int, seed: int, time_limit: float) -> list[dict[str, object]]:
    """Plan one generated town and re-plan it both ways; one row per way."""
    scenario = generate_town(villages, needs, seed)
    options = PlanOptions(time_limit=time_limit, seed=0, workers=1)
    base = plan_week(scenario, options)
    request = absence_request(base)
    rows: list[dict[str, object]] = []
    for keep in (True, False):
        started = time.perf_counter()
        result = replan_week(scenario, base, request, options, keep_plan=keep)
        wall = time.perf_counter() - started
        changes = result.changes
        rows.append(
            {
                "town": f"{villages} villages, {needs} visits, seed {seed}",
                "way": "keep plan in force" if keep else "from scratch",
                "in_force": len(base.visits),
                "kept": changes.kept,
                "disturbed": changes.disturbed(),
                "changed": changes.changed,
                "moved": changes.moved,
                "dropped": changes.dropped,
                "added": changes.added,
                "planned": len(result.plan.visits),
                "valid": not check_plan(result.week, result.plan),
                "seconds": round(wall, 1),
            }
        )
    return rows


def main() -> None:
    """Run the towns, print a markdown table, write results/<date>-replan.md and .json."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--towns", nargs="+", default=["10:150:3", "25:600:2026"])
    parser.add_argument("--time-limit", type=float, default=15.0)
    args = parser.parse_args()
    rows = []
    for town in args.towns:
        villages, needs, seed = (int(part) for part in town.split(":"))
        rows += run(villages, needs, seed, args.time_limit)
    header = (
        "| town | way | in force | kept | disturbed (changed/moved/dropped) | added | planned "
        "| valid | s |"
    )
    lines = [header, "|" + "---|" * 9]
    for r in rows:
        lines.append(
            f"| {r['town']} | {r['way']} | {r['in_force']} | {r['kept']} | {r['disturbed']} "
            f"({r['changed']}/{r['moved']}/{r['dropped']}) | {r['added']} | {r['planned']} "
            f"| {r['valid']} | {r['seconds']} |"
        )
    command = (
        f"python -m benchmarks.replan --towns {' '.join(args.towns)} --time-limit {args.time_limit}"
    )
    text = "\n".join([f"Command: `{command}`", "", *lines, ""])
    print(text)
    stem = RESULTS / f"{dt.date.today().isoformat()}-replan"
    stem.with_suffix(".md").write_text(text, encoding="utf-8")
    stem.with_suffix(".json").write_text(
        json.dumps({"machine": describe_machine(), "rows": rows}, ensure_ascii=False, indent=1),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
