"""The ``mulin`` command line: replay, check, generate, schema."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from service.api.cli import serve_command, token_app
from service.api.ledger_cli import ledger_command
from service.bench_cli import bench_app
from service.checker import check_plan
from service.export_cli import export_command
from service.generator import generate_town
from service.loading import InvalidDocument, load_plan, load_replan_request, load_scenario
from service.messages import LANGUAGES, Language, say
from service.planning import PlanOptions, plan_week
from service.queue.cli import plan_all_command, worker_command
from service.replan import replan_week
from service.wire.plan import Plan
from service.wire.scenario import Scenario

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Mulin (睦邻): weekly dispatch for social work stations.",
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
EXIT_INVALID_INPUT = 2
EXIT_PLAN_INVALID = 1


def _language() -> Language:
    value = os.environ.get("MULIN_LANG", "zh")
    return value if value in LANGUAGES else "zh"


LangOption = Annotated[
    str, typer.Option("--lang", help="Language of messages: zh (default) or en.")
]


def _pick_language(lang: str | None) -> Language:
    if lang is None:
        return _language()
    if lang not in LANGUAGES:
        err.print(f"--lang: {lang!r} is not one of zh, en")
        raise typer.Exit(EXIT_INVALID_INPUT)
    return lang


def _fail_invalid(title: str, error: InvalidDocument) -> None:
    err.print(f"[bold red]{title}[/] ({len(error.problems)}):")
    for problem in error.problems[:50]:
        err.print(f"  {problem}", markup=False, highlight=False)
    if len(error.problems) > 50:
        err.print(f"  … {len(error.problems) - 50} more")
    raise typer.Exit(EXIT_INVALID_INPUT)


def _load_scenario(path: Path, language: Language) -> Scenario:
    try:
        return load_scenario(path)
    except InvalidDocument as error:
        _fail_invalid(say(language, "invalid.scenario"), error)
        raise  # unreachable: _fail_invalid exits


def meaningful_bounds(planned: dict[str, int], bounds: dict[str, int]) -> dict[str, str]:
    """The bounds worth showing: tier by tier, up to the first tier the plan falls short of.

    Bounds are lexicographic: the bound of a tier holds for plans that match the bounds of
    every more urgent tier. After the first tier where the plan is short, they say nothing.
    """
    shown = {}
    for priority in sorted(bounds, key=int):
        shown[priority] = str(bounds[priority])
        if planned.get(priority, 0) < bounds[priority]:
            break
    return shown


def _summary(plan: Plan, language: Language) -> None:
    """Print the plan's figures, its unmet needs, warnings and shortages."""
    m = plan.metrics
    table = Table(title=f"{say(language, 'summary.title')}: {plan.scenario}")
    for key in ("priority", "requested", "planned", "bound", "coverage"):
        table.add_column(say(language, f"summary.{key}"), justify="right")
    bounds = meaningful_bounds(m.planned_by_priority, m.bound_by_priority)
    for p, requested in m.requested_by_priority.items():
        table.add_row(
            p,
            str(requested),
            str(m.planned_by_priority.get(p, 0)),
            bounds.get(p, "–"),
            f"{m.coverage_by_priority.get(p, 0.0):.1%}",
        )
    table.add_row(
        say(language, "summary.total"),
        str(m.visits_requested),
        str(m.visits_planned),
        "",
        f"{m.visits_planned / max(m.visits_requested, 1):.1%}",
    )
    out.print(table)
    gap = plan.solver.gap_percent
    out.print(
        f"{say(language, 'summary.status')}: {say(language, f'status.{plan.status}')}  "
        f"{say(language, 'summary.travel')}: {m.travel_minutes}  "
        f"{say(language, 'summary.service')}: {m.service_minutes}  "
        f"{say(language, 'summary.gap')}: {'–' if gap is None else f'{gap:.4f}%'}  "
        f"{say(language, 'summary.time')}: {plan.solver.wall_seconds:.1f}"
    )
    if plan.unmet:
        out.print(f"[bold]{say(language, 'summary.unmet')}[/] ({len(plan.unmet)}):")
        for entry in plan.unmet[:8]:
            reason = entry.reasons[0]
            out.print(
                escape(f"  {entry.need_id} [{reason.code}] {reason.message}"), highlight=False
            )
        if len(plan.unmet) > 8:
            out.print(f"  … {len(plan.unmet) - 8}")
    if plan.warnings:
        out.print(f"[bold]{say(language, 'summary.warnings')}[/] ({len(plan.warnings)}):")
        for warning in plan.warnings[:8]:
            out.print(
                escape(f"  {warning.path} [{warning.code}] {warning.message}"), highlight=False
            )
        if len(plan.warnings) > 8:
            out.print(f"  … {len(plan.warnings) - 8}")
    if m.shortages:
        out.print(f"[bold]{say(language, 'summary.shortages')}[/]:")
        for shortage in m.shortages:
            out.print(f"  {shortage.message}", highlight=False)


RepeatableOption = Annotated[
    bool,
    typer.Option(
        help="Count solver work, not wall seconds: the same scenario and seed give the same "
        "plan on any load (one CP-SAT worker; the wall time then differs from the limit)."
    ),
]


def _plan_options(
    time_limit: float, seed: int, workers: int, repeatable: bool, language: Language
) -> PlanOptions:
    """The planning options of the command line (repeatable runs use one CP-SAT worker)."""
    return PlanOptions(
        time_limit=time_limit,
        seed=seed,
        workers=1 if repeatable else workers,
        language=language,
        repeatable=repeatable,
    )


@app.command()
def replay(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (mulin.scenario/1).")],
    out_path: Annotated[
        Path | None, typer.Option("--out", help="Write the plan (mulin.plan/1) here.")
    ] = None,
    time_limit: Annotated[
        float, typer.Option(help="Wall seconds for the whole plan.", min=0.1)
    ] = 30.0,
    seed: Annotated[int, typer.Option(help="Random seed.", min=0)] = 0,
    workers: Annotated[int, typer.Option(help="CP-SAT search workers.", min=1, max=64)] = 2,
    repeatable: RepeatableOption = False,
    lang: LangOption = None,  # type: ignore[assignment]
) -> None:
    """Plan a scenario's week, check the plan, write it and print its summary."""
    language = _pick_language(lang)
    loaded = _load_scenario(scenario, language)
    options = _plan_options(time_limit, seed, workers, repeatable, language)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task(say(language, "progress"), total=1.0)

        def progress(phase: str, fraction: float) -> None:
            bar.update(
                task, completed=fraction, description=f"{say(language, 'progress')}: {phase}"
            )

        plan = plan_week(loaded, options, progress)
    violations = check_plan(loaded, plan)
    if out_path is not None:
        out_path.write_text(
            plan.model_dump_json(by_alias=True, exclude_none=True, indent=2), encoding="utf-8"
        )
    _summary(plan, language)
    if out_path is not None:
        out.print(f"{say(language, 'summary.written')} {out_path}")
    if violations:
        err.print(f"[bold red]{say(language, 'check.invalid', count=len(violations))}[/]")
        for violation in violations[:20]:
            err.print(f"  rule {violation.rule} {violation.code}: {violation.message}")
        raise typer.Exit(EXIT_PLAN_INVALID)


@app.command()
def replan(
    scenario: Annotated[Path, typer.Argument(help="Scenario of the plan in force.")],
    plan: Annotated[Path, typer.Argument(help="The plan in force (mulin.plan/1).")],
    request: Annotated[
        Path, typer.Argument(help="What changed: absent, done, locked, urgent_needs (JSON).")
    ],
    out_path: Annotated[
        Path | None, typer.Option("--out", help="Write the new plan (mulin.plan/1) here.")
    ] = None,
    changes_path: Annotated[
        Path | None, typer.Option("--changes", help="Write the list of changes (JSON) here.")
    ] = None,
    time_limit: Annotated[
        float, typer.Option(help="Wall seconds for the whole plan.", min=0.1)
    ] = 30.0,
    seed: Annotated[int, typer.Option(help="Random seed.", min=0)] = 0,
    workers: Annotated[int, typer.Option(help="CP-SAT search workers.", min=1, max=64)] = 2,
    repeatable: RepeatableOption = False,
    from_scratch: Annotated[
        bool, typer.Option(help="Ignore the plan in force beyond done and locked visits.")
    ] = False,
    lang: LangOption = None,  # type: ignore[assignment]
) -> None:
    """Re-plan the rest of a week: keep done and locked visits, change as few others as it can."""
    language = _pick_language(lang)
    loaded = _load_scenario(scenario, language)
    try:
        in_force = load_plan(plan)
        asked = load_replan_request(request)
        options = _plan_options(time_limit, seed, workers, repeatable, language)
        replanned = replan_week(loaded, in_force, asked, options, keep_plan=not from_scratch)
    except InvalidDocument as error:
        _fail_invalid(say(language, "invalid.replan"), error)
        return
    violations = check_plan(replanned.week, replanned.plan, replan=True)
    if out_path is not None:
        out_path.write_text(
            replanned.plan.model_dump_json(by_alias=True, exclude_none=True, indent=2),
            encoding="utf-8",
        )
    if changes_path is not None:
        changes_path.write_text(
            replanned.changes.model_dump_json(by_alias=True, exclude_none=True, indent=2),
            encoding="utf-8",
        )
    _summary(replanned.plan, language)
    summary = replanned.changes
    out.print(
        say(
            language,
            "replan.summary",
            kept=summary.kept,
            changed=summary.changed,
            moved=summary.moved,
            dropped=summary.dropped,
            added=summary.added,
        )
    )
    for change in summary.changes[:20]:
        out.print(f"  {change.kind} {change.need_id}: {change.message}", highlight=False)
    if violations:
        err.print(f"[bold red]{say(language, 'check.invalid', count=len(violations))}[/]")
        for violation in violations[:20]:
            err.print(f"  rule {violation.rule} {violation.code}: {violation.message}")
        raise typer.Exit(EXIT_PLAN_INVALID)


@app.command()
def check(
    scenario: Annotated[Path, typer.Argument(help="Scenario file.")],
    plan: Annotated[Path, typer.Argument(help="Plan file to check against it.")],
    lang: LangOption = None,  # type: ignore[assignment]
    replan: Annotated[
        bool,
        typer.Option(
            "--replan",
            help=(
                "The plan re-plans the rest of the week (the scenario is the week as it now "
                "stands): reasons about availability and stock are not judged."
            ),
        ),
    ] = False,
) -> None:
    """Check a plan against the spec's rules: exit 0 if valid, 1 with the violations."""
    language = _pick_language(lang)
    loaded = _load_scenario(scenario, language)
    try:
        loaded_plan = load_plan(plan)
    except InvalidDocument as error:
        _fail_invalid(say(language, "invalid.plan"), error)
        return
    violations = check_plan(loaded, loaded_plan, replan=replan)
    if not violations:
        out.print(say(language, "check.valid"))
        return
    out.print(say(language, "check.invalid", count=len(violations)))
    for violation in violations:
        out.print(f"  rule {violation.rule} {violation.code}: {violation.message}", highlight=False)
    raise typer.Exit(EXIT_PLAN_INVALID)


@app.command()
def generate(
    villages: Annotated[int, typer.Option(help="Villages and communities.", min=1, max=500)],
    needs: Annotated[int, typer.Option(help="Requested visits in the week.", min=0, max=100_000)],
    seed: Annotated[int, typer.Option(help="Random seed.", min=0)] = 0,
    out_path: Annotated[
        Path | None, typer.Option("--out", help="Write here instead of standard output.")
    ] = None,
    peer_expressible: Annotated[
        bool,
        typer.Option(
            "--peer-expressible",
            help="A town public routing solvers express exactly: one worker per visit, one "
            "visit per need, no resources, one shift a day, no weekly cap.",
        ),
    ] = False,
    capacity: Annotated[
        float,
        typer.Option(help="Factor on the number of social workers; below 1 a scarcer town."),
    ] = 1.0,
) -> None:
    """Generate a synthetic town's week shaped by the municipal rules."""
    try:
        town = generate_town(
            villages, needs, seed, peer_expressible=peer_expressible, capacity=capacity
        )
    except ValueError as error:
        err.print(str(error))
        raise typer.Exit(EXIT_INVALID_INPUT) from None
    text = town.model_dump_json(by_alias=True, exclude_none=True, indent=2)
    if out_path is None:
        sys.stdout.write(text + "\n")
    else:
        out_path.write_text(text, encoding="utf-8")


@app.command()
def schema(
    which: Annotated[str, typer.Argument(help="scenario or plan")],
) -> None:
    """Print the JSON Schema of the scenario or plan format."""
    if which not in ("scenario", "plan"):
        err.print(f"which: {which!r} is not one of scenario, plan")
        raise typer.Exit(EXIT_INVALID_INPUT)
    sys.stdout.write(json_schema(which) + "\n")


app.command("serve", help="Run the HTTP service.")(serve_command)
app.command("worker", help="Run a task-queue worker that solves plan jobs.")(worker_command)
app.command("plan-all", help="Plan a week of every station as one batch.")(plan_all_command)
app.command("export", help="Export a plan as an Excel workbook and calendars.")(export_command)
app.command("ledger", help="Write a station's monthly ledger (台账).")(ledger_command)
app.add_typer(token_app, name="token")
app.add_typer(bench_app, name="bench")


def json_schema(which: str) -> str:
    """The JSON Schema of ``scenario`` or ``plan`` as indented JSON text."""
    schema = (Scenario if which == "scenario" else Plan).model_json_schema(by_alias=True)
    return json.dumps(schema, indent=2, ensure_ascii=False)


def main() -> None:
    """Run the ``mulin`` command."""
    app()
