"""Run the GAP benchmark and append one JSON line per instance to a results file.

Run: ``python -m benchmarks.gap_benchmark --out benchmarks/results/gap-DATE.jsonl
[--small-seconds 10] [--large-seconds 30] [--workers 2] [--plain] [FILE ...]``.

Instances with fewer than 400 jobs get ``--small-seconds``, the others ``--large-seconds`` (the
targets of issue 3). Without files, every file of the shared benchmark folder is run. With
``--plain`` the solver is plain CP-SAT on the whole model (the baseline). Lines are flushed as
they come, so a long run can be followed; ``--resume`` continues an interrupted one.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from service.bench_cli import find_best_known, result_record
from service.best_known import read_best_known
from service.gap import read_gap_file, solve_gap
from service.matching.assignment import SolveParams

SHARED = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "gap"
LARGE_JOBS = 400


def default_files(folder: Path = SHARED) -> list[Path]:
    """gap1-12 and gapa-d from OR-Library, then Yagiura's files, smallest first."""
    orlib = [folder / "orlib" / f"gap{k}.txt" for k in range(1, 13)]
    orlib += [folder / "orlib" / f"gap{t}.txt" for t in "abcd"]
    yagiura = sorted((folder / "yagiura").glob("*"), key=lambda p: (len(p.name), p.name))
    return [path for path in [*orlib, *yagiura] if path.is_file()]


def main() -> int:
    """Solve every instance and write the JSON lines."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", type=Path, nargs="*")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--small-seconds", type=float, default=10.0)
    parser.add_argument("--large-seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--plain", action="store_true", help="plain CP-SAT (the baseline)")
    parser.add_argument(
        "--resume", action="store_true", help="skip instances the output file already has"
    )
    args = parser.parse_args()
    files = args.files or default_files()
    table = find_best_known(files)
    known = read_best_known(table) if table is not None else {}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    done = set()
    if args.resume and args.out.is_file():
        lines = args.out.read_text(encoding="utf-8").splitlines()
        done = {json.loads(line)["instance"] for line in lines if line.strip()}
    with args.out.open("a", encoding="utf-8") as out:
        for path in files:
            for instance in read_gap_file(path):
                if instance.name in done:
                    continue
                large = instance.jobs >= LARGE_JOBS
                seconds = args.large_seconds if large else args.small_seconds
                params = SolveParams(
                    time_limit=seconds,
                    seed=args.seed,
                    workers=args.workers,
                    repeatable=args.workers == 1,
                )
                result = solve_gap(instance, params, heuristic=not args.plain)
                record = result_record(instance, result, known.get(instance.name))
                record.update(
                    file=f"{path.parent.name}/{path.name}",
                    time_limit=seconds,
                    workers=args.workers,
                    solver="plain-cpsat" if args.plain else "mulin",
                )
                out.write(json.dumps(record) + "\n")
                out.flush()
                print(json.dumps(record), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
