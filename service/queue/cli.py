"""``mulin worker`` (a task-queue worker) and ``mulin plan-all`` (a city's week in one go)."""

from __future__ import annotations

import datetime as dt
import time
from typing import Annotated

import typer
from pydantic import ValidationError
from sqlmodel import Session

from service.api.app import make_dispatcher
from service.api.auth import Caller
from service.api.cli import EXIT_INVALID_INPUT
from service.api.models import BatchPlanRequest, BatchStationPublic, PlanRequestOptions
from service.api.routes.batches import batch_public, start_batch
from service.api.settings import Settings
from service.messages import Language, say
from service.queue.worker import WorkerOptions, run_worker
from service.storage import repository
from service.storage.db import make_engine, migrate

CLI_TOKEN = "cli:plan-all"
"""Who the job rows and audit entries of ``mulin plan-all`` name as having asked."""
POLL_SECONDS = 1.0


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        typer.echo(f"MULIN_*: {where}: {first['msg']}", err=True)
        raise typer.Exit(EXIT_INVALID_INPUT) from None


def _language(lang: str) -> Language:
    if lang not in ("zh", "en"):
        typer.echo(f"--lang: {lang!r} is not zh or en", err=True)
        raise typer.Exit(EXIT_INVALID_INPUT)
    return "en" if lang == "en" else "zh"


def worker_command(
    concurrency: Annotated[
        int, typer.Option(min=1, max=64, help="Plans solved at once (each in its own process).")
    ] = 1,
    queues: Annotated[
        str | None,
        typer.Option(help="Queues to take jobs from, comma-separated; default both."),
    ] = None,
    hard_time_limit: Annotated[
        float | None,
        typer.Option(
            min=1.0,
            help="Wall seconds after which a solve is killed and its job failed; default "
            "three times the job's time limit and a minute.",
        ),
    ] = None,
    name: Annotated[str | None, typer.Option(help="The Celery node name.")] = None,
    lang: Annotated[str, typer.Option("--lang", help="zh (default) or en.")] = "zh",
) -> None:
    """Run a task-queue worker that solves plan jobs (MULIN_BROKER_URL, MULIN_DATABASE_URL)."""
    language = _language(lang)
    settings = _settings()
    if settings.broker_url is None:
        typer.echo(say(language, "queue.no_broker"), err=True)
        raise typer.Exit(EXIT_INVALID_INPUT)
    chosen = tuple(q.strip() for q in queues.split(",") if q.strip()) if queues else ()
    options = WorkerOptions(concurrency, chosen, hard_time_limit, name)
    typer.echo(
        say(
            language,
            "queue.worker",
            name=name or "mulin",
            concurrency=concurrency,
            queues=",".join(chosen)
            or f"{settings.queue_prefix}.plans,{settings.queue_prefix}.batch",
        )
    )
    run_worker(settings, options)


def plan_all_command(
    week: Annotated[str, typer.Option(help="The Monday of the week, YYYY-MM-DD.")],
    station: Annotated[
        list[str] | None, typer.Option(help="A station to plan (repeat it); default every one.")
    ] = None,
    time_limit: Annotated[
        float | None, typer.Option(min=0.1, help="Seconds per station; default the service's.")
    ] = None,
    seed: Annotated[int, typer.Option(min=0)] = 0,
    wait: Annotated[
        bool, typer.Option(help="Wait until every station's plan has ended and list them.")
    ] = True,
    lang: Annotated[str, typer.Option("--lang", help="zh (default) or en.")] = "zh",
) -> None:
    """Plan a week of every station as one batch (on the task queue if MULIN_BROKER_URL is set)."""
    language = _language(lang)
    settings = _settings()
    try:
        body = BatchPlanRequest(
            week_start=dt.date.fromisoformat(week),
            station_ids=station or None,
            time_limit=time_limit,
            options=PlanRequestOptions(seed=seed, language=language),
        )
    except (ValueError, ValidationError) as error:
        typer.echo(f"--week/--station: {str(error).splitlines()[0]}", err=True)
        raise typer.Exit(EXIT_INVALID_INPUT) from None
    engine = make_engine(settings)
    migrate(engine, settings)
    dispatcher = make_dispatcher(engine, settings)
    if settings.broker_url is None:
        typer.echo(say(language, "batch.embedded", pool=settings.plan_pool_size))
    caller = Caller(token_id=CLI_TOKEN, role="city_admin", station_id=None)
    try:
        with Session(engine) as session:
            batch = start_batch(session, dispatcher, settings, caller, body)
            shown = batch_public(session, batch)
        queued = sum(1 for row in shown.stations if row.plan_id is not None)
        typer.echo(
            say(
                language,
                "batch.started",
                batch=batch.id,
                jobs=queued,
                refused=len(shown.stations) - queued,
                week=week,
            )
        )
        for row in shown.stations:
            if row.status == "refused":
                typer.echo(say(language, "batch.refused", station=row.station_id, reason=row.error))
        must_wait = wait or settings.broker_url is None
        while must_wait:
            with Session(engine) as session:
                found = repository.get_batch(session, batch.id)
                assert found is not None
                shown = batch_public(session, found)
            if shown.finished:
                break
            time.sleep(POLL_SECONDS)
        if must_wait:
            _print_rows(language, shown.stations)
    finally:
        dispatcher.shutdown()
        engine.dispose()


def _print_rows(language: Language, rows: list[BatchStationPublic]) -> None:
    ended = [row for row in rows if row.status != "refused"]
    for row in ended:
        coverage = "-" if row.urgent_coverage is None else f"{row.urgent_coverage:.0%}"
        typer.echo(
            say(
                language,
                "batch.row",
                station=row.station_id,
                status=row.status,
                coverage=coverage,
                unmet="-" if row.unmet is None else row.unmet,
                plan=row.plan_id,
            )
        )
    typer.echo(
        say(
            language,
            "batch.progress",
            ended=len(ended),
            total=len(ended),
            done=sum(row.status == "done" for row in ended),
            failed=sum(row.status == "failed" for row in ended),
        )
    )
