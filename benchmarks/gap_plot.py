"""Quality against time on the GAP sets: gap to the best-known value by solve time (PNG).

Run: ``python -m benchmarks.gap_plot RESULTS.jsonl [--out benchmarks/results/gap-quality.png]``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

LARGE_JOBS = 400


def family(row: dict[str, Any]) -> str:
    """The family of an instance: gap1-12, A, B, or C/D/E split at 400 jobs."""
    name = str(row["instance"])
    if name.startswith("gap") and name[3].isdigit():
        return "gap1-12"
    letter = name[3].upper() if name.startswith("gap") else name[0].upper()
    if letter in "AB":
        return letter
    return f"{letter} {'≥' if row['jobs'] >= LARGE_JOBS else '<'}400"


def plot(rows: list[dict[str, Any]], path: Path) -> None:
    """Scatter gap % against seconds, one colour per family; first solutions as crosses."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for name in sorted({family(r) for r in rows}):
        mine = [r for r in rows if family(r) == name and r.get("gap_percent") is not None]
        ax.scatter([r["seconds"] for r in mine], [r["gap_percent"] for r in mine], label=name, s=18)
    ax.set_xscale("log")
    ax.set_xlabel("seconds to the final solution (time limit 10 s below 400 jobs, 30 s above)")
    ax.set_ylabel("gap to best known (%)")
    ax.set_title("GAP benchmark: quality against time (2 CP-SAT workers)")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main() -> int:
    """Read the JSON lines (the last run of each instance counts) and draw the plot."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("results", type=Path)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/gap-quality.png"))
    args = parser.parse_args()
    latest: dict[str, dict[str, Any]] = {}
    for line in args.results.read_text().splitlines():
        if line.strip():
            row = json.loads(line)
            if row.get("solver", "mulin") == "mulin":
                latest[row["instance"]] = row
    plot(list(latest.values()), args.out)
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
