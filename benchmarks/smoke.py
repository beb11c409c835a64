"""The CI smoke subset of the benchmarks: fails when a bar is broken (ratios and gaps only).

Bars:
- every instance of gap1–gap12 (OR-Library) is solved, proven optimal, to the optimum
  published in ``BEST_KNOWN.md``; missing instances or values break the bar;
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
from service.best_known import read_best_known
from service.gap import read_gap_file, solve_gap
from service.matching.assignment import SolveParams
from service.matching.solution import SolveStatus

WORKPLACE_SHARED = Path("/work/shared")
"""The workplace's shared folder on the development and CI machines."""


def shared_gap_folder() -> Path:
    """Where the shared GAP instances are.

    ``../shared`` beside the repository, else the workplace's shared folder (for a clean
    clone elsewhere, as in CI). The first candidate that exists wins; if none does, the
    first is returned, and whoever reads it fails (a missing instance folder is never a pass).
    """
    candidates = [Path(__file__).resolve().parents[2] / "shared", WORKPLACE_SHARED]
    folders = [c / "benchmarks" / "gap" for c in candidates]
    return next((f for f in folders if f.is_dir()), folders[0])


SHARED_GAP = shared_gap_folder()
"""The shared GAP instances (see :func:`shared_gap_folder`)."""
GAP_FOLDER = SHARED_GAP / "orlib"
GAP_FILES = [f"gap{k}.txt" for k in range(1, 13)]
GAP_SECONDS = 10.0
"""Time limit per instance; each is expected to be proven optimal well within it."""
PEER_SECONDS = 5.0
"""Time limit per solver on the peer town."""


def gap_bars(
    folder: Path = GAP_FOLDER,
    files: list[str] = GAP_FILES,
    best_known: Path = SHARED_GAP / "BEST_KNOWN.md",
    seconds: float = GAP_SECONDS,
) -> list[str]:
    """Solve gap1–12; a bar is broken for every instance not proven at its published optimum.

    Parameters
    ----------
    folder
        The OR-Library folder.
    files
        The instance files in it.
    best_known
        The table of published optima.
    seconds
        Time limit per instance.

    Returns
    -------
    list of str
        Messages of broken bars; a missing folder, file, table or value is one too.
    """
    try:
        known = read_best_known(best_known)
    except (OSError, ValueError) as error:
        return [f"gap1-12: no published optima ({error})"]
    broken = []
    started = time.perf_counter()
    count = 0
    for name in files:
        if not (folder / name).is_file():
            broken.append(f"gap1-12: instance file {folder / name} is missing")
            continue
        for instance in read_gap_file(folder / name):
            result = solve_gap(instance, SolveParams(time_limit=seconds, workers=2))
            count += 1
            best = known.get(instance.name)
            if best is None or not best.proven:
                broken.append(f"{instance.name}: no proven optimum in {best_known}")
            elif result.status != SolveStatus.OPTIMAL:
                broken.append(f"{instance.name}: {result.status.value}, not proven optimal")
            elif result.objective != best.value:
                broken.append(
                    f"{instance.name}: 'optimal' at {result.objective}, the published optimum "
                    f"is {best.value}"
                )
    elapsed = time.perf_counter() - started
    print(f"gap1-12: {count} instances, {elapsed:.1f} s, {len(broken)} broken")
    return broken


def main() -> int:
    """Run the smoke subset and report broken bars."""
    broken = gap_bars()
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
