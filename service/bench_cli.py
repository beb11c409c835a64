"""``mulin bench``: benchmarks of the optimiser on published instances.

``mulin bench gap FILE...`` solves every GAP instance in the files (OR-Library / Yagiura
format) and reports, per instance, the cost, bound, status, times and the gap to the best known
value. Best-known values come from a ``BEST_KNOWN.md`` (by default the one next to the files,
or one or two folders up) and are only used to measure: the solver never sees them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.console import Console
from rich.table import Table

from service.best_known import BestKnown, gap_percent, read_best_known
from service.gap import GapInstance, GapResult, read_gap_file, solve_gap
from service.matching.assignment import SolveParams

bench_app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="Benchmarks on published instances."
)

EXIT_INVALID_INPUT = 2


@bench_app.callback()
def bench() -> None:
    """Benchmarks on published instances (a group, so ``gap`` stays a sub-command)."""


BEST_KNOWN_NAME = "BEST_KNOWN.md"
_COLUMNS: tuple[tuple[str, int, Literal["left", "right"]], ...] = (
    ("instance", 10, "left"),
    ("m×n", 8, "right"),
    ("cost", 8, "right"),
    ("bound", 8, "right"),
    ("status", 10, "left"),
    ("best known", 10, "right"),
    ("gap %", 7, "right"),
    ("seconds", 8, "right"),
    ("first s", 8, "right"),
)


def find_best_known(files: list[Path]) -> Path | None:
    """The ``BEST_KNOWN.md`` in the first file's folder or up to two folders above it."""
    if not files:
        return None
    folder = files[0].resolve().parent
    for candidate in (folder, *list(folder.parents)[:2]):
        path = candidate / BEST_KNOWN_NAME
        if path.is_file():
            return path
    return None


def result_record(
    instance: GapInstance, result: GapResult, best: BestKnown | None
) -> dict[str, Any]:
    """One JSON line: the instance, what the solver found, and the gap to the best known."""
    record: dict[str, Any] = {
        "instance": instance.name,
        "agents": instance.agents,
        "jobs": instance.jobs,
        "objective": result.objective,
        "bound": result.bound,
        "status": result.status.value,
        "seconds": round(result.seconds, 3),
        "first_solution_seconds": (
            None
            if result.first_solution_seconds is None
            else round(result.first_solution_seconds, 3)
        ),
    }
    if best is not None:
        record["best_known"] = best.value
        record["best_known_proven"] = best.proven
        if result.objective is not None:
            record["gap_percent"] = round(gap_percent(result.objective, best.value), 4)
    return record


def _row_table(header: bool) -> Table:
    """A table with the benchmark's fixed-width columns (one per row, so rows stream)."""
    table = Table(show_header=header, box=None, pad_edge=False)
    for name, width, justify in _COLUMNS:
        table.add_column(
            name,
            width=max(width, len(name) + 1),
            justify=justify,
            no_wrap=True,
        )
    return table


def _cells(record: dict[str, Any]) -> list[str]:
    """The table cells of one record."""

    def text(value: Any, digits: int | None = None) -> str:
        if value is None:
            return "—"
        return f"{value:.{digits}f}" if digits is not None else str(value)

    return [
        record["instance"],
        f"{record['agents']}×{record['jobs']}",
        text(record["objective"]),
        text(record["bound"]),
        record["status"],
        text(record.get("best_known")),
        text(record.get("gap_percent"), 3),
        text(record["seconds"], 2),
        text(record["first_solution_seconds"], 2),
    ]


@bench_app.command("gap")
def gap(
    files: Annotated[list[Path], typer.Argument(help="GAP instance files.")],
    time_limit: Annotated[float, typer.Option("--time-limit", help="Seconds per instance.")] = 10.0,
    workers: Annotated[int, typer.Option("--workers", help="CP-SAT search workers.")] = 2,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per instance on stdout.")
    ] = False,
    best_known: Annotated[
        Path | None,
        typer.Option("--best-known", help="BEST_KNOWN.md (default: found next to the files)."),
    ] = None,
) -> None:
    """Solve GAP instances and compare with the best known values."""
    err = Console(stderr=True, soft_wrap=True)
    try:
        params = SolveParams(
            time_limit=time_limit, seed=seed, workers=workers, repeatable=workers == 1
        )
        instances = [inst for path in files for inst in read_gap_file(path)]
        table_path = best_known or find_best_known(files)
        known = read_best_known(table_path) if table_path is not None else {}
    except ValueError as error:
        err.print(f"[bold red]error:[/] {error}", highlight=False)
        raise typer.Exit(EXIT_INVALID_INPUT) from None
    # With --json, stdout carries only JSON lines; the table goes to stderr.
    screen = err if as_json else Console(soft_wrap=True)
    screen.print(_row_table(header=True))
    for instance in instances:
        result = solve_gap(instance, params)
        record = result_record(instance, result, known.get(instance.name))
        row = _row_table(header=False)
        row.add_row(*_cells(record))
        screen.print(row)
        if as_json:
            typer.echo(json.dumps(record))
