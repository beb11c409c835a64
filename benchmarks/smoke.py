"""The CI smoke subset of the benchmarks: fails when a bar is broken (ratios and gaps only).

Bars:
- every instance of gap1–gap12 (OR-Library) is solved to its proven optimum;
- on small generated towns, every Mulin plan passes the checker and is never below the greedy
  planner in any priority tier, taken in order;
- on one 150-visit peer-expressible town, the plans of Mulin, its greedy planner, VROOM, PyVRP
  and OR-Tools Routing all pass the checker (who wins is printed, not gated).

Run: ``python -m benchmarks.smoke`` (exit 1 with the broken bars listed).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from benchmarks.peers import runner as peers
from benchmarks.towns import cases_for, gates, markdown, run_cases
from service.gap import read_gap_file, solve_gap
from service.matching.assignment import SolveParams
from service.matching.solution import SolveStatus

GAP_FOLDER = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "gap" / "orlib"
"""Where CI finds the OR-Library files: ``../shared`` beside the clone."""
GAP_FILES = [f"gap{k}.txt" for k in range(1, 13)]
GAP_SECONDS = 10.0
"""Time limit per instance; each is expected to be proven optimal well within it."""
PEER_SECONDS = 5.0
"""Time limit per solver on the peer town."""


def gap_bars(folder: Path = GAP_FOLDER) -> list[str]:
    """Solve gap1–12; a bar is broken for every instance not proven optimal.

    Parameters
    ----------
    folder
        The OR-Library folder.

    Returns
    -------
    list of str
        Messages of broken bars.
    """
    broken = []
    started = time.perf_counter()
    count = 0
    for name in GAP_FILES:
        for instance in read_gap_file(folder / name):
            result = solve_gap(instance, SolveParams(time_limit=GAP_SECONDS, workers=2))
            count += 1
            if result.status != SolveStatus.OPTIMAL:
                broken.append(f"{instance.name}: {result.status.value}, not proven optimal")
    seconds = time.perf_counter() - started
    print(f"gap1-12: {count} instances, {seconds:.1f} s, {len(broken)} not optimal")
    return broken


def main() -> int:
    """Run the smoke subset and report broken bars."""
    broken = []
    if GAP_FOLDER.exists():
        broken += gap_bars()
    else:
        # The instances are shared data laid beside the clone; without them there is nothing
        # to measure, which is not a broken bar.
        print(f"SKIPPED gap1-12: no instances in {GAP_FOLDER}")
    rows = run_cases(cases_for([150, 600], [1], ["greedy", "mulin"], workers=2, scale=0.5))
    print(markdown(rows))
    broken += gates(rows)
    peer_rows = peers.run_cases(
        peers.cases_for([150], [1], [PEER_SECONDS], list(peers.SOLVERS)), log=False
    )
    peers.rank(peer_rows)
    print(peers.markdown(peer_rows))
    broken += peers.invalid(peer_rows)
    for message in broken:
        print(f"BROKEN: {message}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
