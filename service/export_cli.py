"""``mulin export``: a plan file as an Excel workbook and workers' calendars, without the server.

``service/cli.py`` registers it: ``app.command("export")(export_command)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from service.exports import (
    ExportError,
    plan_workbook,
    safe_filename_part,
    worker_calendar,
)
from service.loading import InvalidDocument, load_plan, load_scenario
from service.messages import LANGUAGES, Language
from service.wire.plan import Plan
from service.wire.scenario import Scenario

EXIT_INVALID_INPUT = 2
MAX_PROBLEMS = 20


def _fail(path: Path, problems: list[str]) -> None:
    """Print one line per problem, each naming the file, and exit 2."""
    for problem in problems[:MAX_PROBLEMS]:
        typer.echo(f"{path}: {problem}", err=True)
    if len(problems) > MAX_PROBLEMS:
        typer.echo(f"{path}: … {len(problems) - MAX_PROBLEMS} more problems", err=True)
    raise typer.Exit(EXIT_INVALID_INPUT)


def _load(plan_path: Path, scenario_path: Path) -> tuple[Scenario, Plan]:
    """The scenario and plan files, validated and checked to fit; exit 2 otherwise."""
    try:
        scenario = load_scenario(scenario_path)
    except InvalidDocument as error:
        _fail(scenario_path, error.problems)
        raise  # unreachable: _fail exits
    try:
        plan = load_plan(plan_path)
    except InvalidDocument as error:
        _fail(plan_path, error.problems)
        raise  # unreachable: _fail exits
    return scenario, plan


def calendar_file_name(worker_id: str, scenario: Scenario) -> str:
    """The ASCII file name of a worker's calendar: ``mulin-sw01-2026-11-23.ics``.

    Parameters
    ----------
    worker_id
        The worker's id.
    scenario
        The scenario (its week).

    Returns
    -------
    str
        The file name.
    """
    return f"mulin-{safe_filename_part(worker_id)}-{scenario.week_start.isoformat()}.ics"


def export_command(
    plan: Annotated[Path, typer.Argument(metavar="PLAN_JSON", help="Plan file (mulin.plan/1).")],
    scenario: Annotated[
        Path, typer.Option("--scenario", help="The scenario file the plan was made for.")
    ],
    xlsx: Annotated[
        Path | None, typer.Option("--xlsx", help="Write the Excel workbook here.")
    ] = None,
    ics_dir: Annotated[
        Path | None,
        typer.Option("--ics-dir", help="Write one .ics calendar per worker with visits here."),
    ] = None,
    language: Annotated[
        str, typer.Option("--language", "--lang", help="Language of the labels: zh or en.")
    ] = "zh",
) -> None:
    """Export a plan as an Excel workbook and/or one iCalendar file per worker.

    Bad files give one line per problem naming the file, exit code 2, and nothing is written.
    """
    chosen: Language | None = next((known for known in LANGUAGES if known == language), None)
    if chosen is None:
        typer.echo(f"--language: {language!r} is not one of zh, en", err=True)
        raise typer.Exit(EXIT_INVALID_INPUT)
    if xlsx is None and ics_dir is None:
        typer.echo("nothing to export: give --xlsx and/or --ics-dir", err=True)
        raise typer.Exit(EXIT_INVALID_INPUT)
    if ics_dir is not None and ics_dir.exists() and not ics_dir.is_dir():
        typer.echo(f"{ics_dir}: not a directory", err=True)
        raise typer.Exit(EXIT_INVALID_INPUT)
    loaded, loaded_plan = _load(plan, scenario)
    files: dict[Path, bytes] = {}
    try:
        if xlsx is not None:
            files[xlsx] = plan_workbook(loaded, loaded_plan, chosen)
        if ics_dir is not None:
            worker_ids = {w for visit in loaded_plan.visits for w in visit.worker_ids}
            for worker in loaded.workers:
                if worker.id in worker_ids:
                    name = calendar_file_name(worker.id, loaded)
                    files[ics_dir / name] = worker_calendar(loaded, loaded_plan, worker.id, chosen)
    except ExportError as error:
        _fail(plan, [f"{p} (in scenario {scenario})" for p in error.problems])
    try:
        if ics_dir is not None:
            ics_dir.mkdir(parents=True, exist_ok=True)
        for path, body in files.items():
            path.write_bytes(body)
    except OSError as error:
        typer.echo(f"{error.filename}: cannot write: {error.strerror}", err=True)
        raise typer.Exit(EXIT_INVALID_INPUT) from None
    for path in files:
        typer.echo(f"wrote {path}")
