"""Summarise GAP benchmark JSON lines per family, as a markdown table.

Run: ``python -m benchmarks.gap_summary RESULTS.jsonl [--baseline PLAIN.jsonl]``.

Families: gap1-12, A, B, and C, D, E split at 400 jobs. Per family: instances, mean and worst
gap to the best known value, proven optima, total and slowest time, slowest first solution.
With ``--baseline`` a second table gives the same for the baseline run and the instances both
runs share. When a file holds several runs of an instance, the last one counts.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LARGE_JOBS = 400


@dataclass(frozen=True)
class FamilyStats:
    """The numbers of one family."""

    family: str
    count: int
    mean_gap: float | None
    worst_gap: float | None
    optimal: int
    seconds: float
    slowest: float
    slowest_first: float | None
    missing: int


def family(record: dict[str, Any]) -> str:
    """The family of an instance record: ``gap1-12``, ``A``, ``B``, ``C <400``, ..."""
    name = str(record["instance"])
    if name.startswith("gap"):
        return "gap1-12"
    kind = name[0].upper()
    if kind in "AB":
        return kind
    return f"{kind} {'<' if int(record['jobs']) < LARGE_JOBS else '≥'}400"


def read_records(path: Path) -> dict[str, dict[str, Any]]:
    """The records of a JSON-lines file by instance (the last line of an instance wins)."""
    records = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            records[record["instance"]] = record
    return records


def summarise(records: list[dict[str, Any]]) -> list[FamilyStats]:
    """Per-family statistics, families in a fixed order."""
    order = ["gap1-12", "A", "B", "C <400", "D <400", "E <400", "C ≥400", "D ≥400", "E ≥400"]
    stats = []
    for name in order:
        members = [r for r in records if family(r) == name]
        if not members:
            continue
        gaps = [float(r["gap_percent"]) for r in members if r.get("gap_percent") is not None]
        firsts = [
            float(r["first_solution_seconds"])
            for r in members
            if r.get("first_solution_seconds") is not None
        ]
        stats.append(
            FamilyStats(
                family=name,
                count=len(members),
                mean_gap=sum(gaps) / len(gaps) if gaps else None,
                worst_gap=max(gaps) if gaps else None,
                optimal=sum(r["status"] == "optimal" for r in members),
                seconds=sum(float(r["seconds"]) for r in members),
                slowest=max(float(r["seconds"]) for r in members),
                slowest_first=max(firsts) if len(firsts) == len(members) else None,
                missing=len(members) - len(gaps),
            )
        )
    return stats


def markdown(stats: list[FamilyStats]) -> str:
    """The statistics as a markdown table."""

    def number(value: float | None, digits: int) -> str:
        return "—" if value is None else f"{value:.{digits}f}"

    lines = [
        "| family | instances | mean gap % | worst gap % | proven optimal | total s "
        "| slowest s | slowest first solution s | no solution |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for s in stats:
        lines.append(
            f"| {s.family} | {s.count} | {number(s.mean_gap, 3)} | {number(s.worst_gap, 3)} "
            f"| {s.optimal} | {s.seconds:.1f} | {s.slowest:.1f} "
            f"| {number(s.slowest_first, 2)} | {s.missing} |"
        )
    return "\n".join(lines)


def main() -> int:
    """Print the summary (and the baseline's) as markdown."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("results", type=Path)
    parser.add_argument("--baseline", type=Path)
    args = parser.parse_args()
    records = read_records(args.results)
    print(markdown(summarise(list(records.values()))))
    if args.baseline is not None:
        baseline = read_records(args.baseline)
        shared = sorted(set(records) & set(baseline))
        print("\nSame instances, this run then the baseline:\n")
        print(markdown(summarise([records[name] for name in shared])))
        print()
        print(markdown(summarise([baseline[name] for name in shared])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
