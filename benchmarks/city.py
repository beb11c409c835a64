"""A city's Monday morning on the task queue: throughput with 1 and 2 workers, and a kill.

A measured run, not a test. It stores ``--stations`` generated stations of about ``--visits``
requested visits each (villages, seeds and sizes vary by station) in a database made for the
run (PostgreSQL by default: ``--database-url`` names another), starts real ``mulin worker``
processes on the local Redis with queues of their own, and asks for one city batch per run:

- **throughput**: the batch with 1 worker process, then with 2 (each ``--concurrency 1``):
  wall seconds from the request to the last plan done, plans per minute, and the ratio;
- **kill**: the batch with 2 workers, one of them killed with SIGKILL once a third of the plans
  are done; a fresh worker is started in its place, as a supervisor would. Every plan must end
  done and be stored once (each job's ``done`` line appears in exactly one worker log);
- **projection**: from the CPU seconds each station's solver used (``plan_job.cpu_seconds``)
  and the wall seconds per plan, the worker slots and 2-core machines a province of 1,250
  stations needs to be planned within 10 minutes.

Run: ``python -m benchmarks.city --stations 40 --visits 100 --time-limit 5`` (``make
bench-city``). Writes ``benchmarks/results/<date>-city.md`` and ``.json``. Ids and counts
only; nothing of any resident is printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlmodel import Session

from benchmarks.machine import describe_machine
from service.api.auth import Caller
from service.api.jobs import lease_of
from service.api.models import BatchPlanRequest
from service.api.routes.batches import batch_public, start_batch
from service.api.settings import Settings
from service.generator import generate_town
from service.queue.dispatch import QueueDispatcher
from service.storage import convert, repository
from service.storage.db import make_engine, migrate

ROOT = Path(__file__).resolve().parents[1]
WEEK = dt.date(2026, 11, 23)
PROVINCE = 1250
PROVINCE_SECONDS = 600.0
LEASE_SECONDS = 10.0
POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"


@dataclass
class Run:
    """One batch: how many workers, how long, what the jobs say."""

    name: str
    workers: int
    seconds: float
    done: int
    failed: int
    stored_twice: int
    retried: int
    cpu_seconds: list[float]

    @property
    def plans_per_minute(self) -> float:
        """Done plans per minute of wall time."""
        return 60.0 * self.done / self.seconds if self.seconds > 0 else 0.0


class Worker:
    """A ``mulin worker`` process with its log."""

    def __init__(self, log: Path, env: dict[str, str]) -> None:
        self.log = log
        self._out = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "service", "worker", "--concurrency=1", "--lang=en"],
            cwd=ROOT,
            env=env,
            stdout=self._out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while " ready." not in self.text():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the worker did not start:\n{self.text()[-2000:]}")
            time.sleep(0.1)

    def text(self) -> str:
        """Its log so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")

    def kill(self) -> None:
        """SIGKILL the worker process alone, as a crash would."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        """End its whole session."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._out.close()


def fresh_database(url: str | None) -> tuple[str, str | None]:
    """The run's database URL, and the PostgreSQL database to drop afterwards (if made)."""
    if url is not None:
        return url, None
    name = f"mulin_bench_city_{os.getpid()}"
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    admin.dispose()
    return str(make_url(POSTGRES).set(database=name)), name


def drop_database(name: str) -> None:
    """Drop the run's PostgreSQL database."""
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.dispose()


def store_city(settings: Settings, stations: int, visits: int) -> list[str]:
    """Generate and store the city's stations (sizes and seeds vary); their ids."""
    engine = make_engine(settings)
    migrate(engine, settings)
    ids = []
    with Session(engine) as session:
        for number in range(1, stations + 1):
            villages = 3 + number % 5
            wanted = max(10, round(visits * (0.8 + 0.4 * ((number * 7) % 10) / 9)))
            scenario = generate_town(villages, wanted, 1000 + number, week_start=WEEK)
            station_id = f"city-{number:02d}"
            station = scenario.station.model_copy(update={"id": station_id})
            scenario = scenario.model_copy(update={"station": station})
            repository.replace_archive(session, convert.scenario_to_rows(scenario))
            session.commit()
            ids.append(station_id)
    engine.dispose()
    return ids


def run_batch(
    name: str,
    settings: Settings,
    env: dict[str, str],
    logs: Path,
    workers: int,
    time_limit: float,
    kill_after: float | None = None,
) -> Run:
    """Start ``workers`` worker processes, plan the city once, and measure it."""
    engine = make_engine(settings)
    assert settings.broker_url is not None
    dispatcher = QueueDispatcher(
        engine, settings.broker_url, settings.queue_prefix, lease_of(settings)
    )
    started = [Worker(logs / f"{name}-{n}.log", env) for n in range(workers)]
    caller = Caller(token_id="bench:city", role="city_admin", station_id=None)
    body = BatchPlanRequest(week_start=WEEK, time_limit=time_limit)
    begin = time.monotonic()
    try:
        with Session(engine) as session:
            batch_id = start_batch(session, dispatcher, settings, caller, body).id
        killed = False
        while True:
            with Session(engine) as session:
                batch = repository.get_batch(session, batch_id)
                assert batch is not None
                shown = batch_public(session, batch)
            done = shown.counts.get("done", 0)
            if kill_after is not None and not killed and done >= kill_after * len(shown.stations):
                running = [row.station_id for row in shown.stations if row.status == "running"]
                print(f"  killing worker 0 with SIGKILL ({done} done, {len(running)} running)")
                started[0].kill()
                started.append(Worker(logs / f"{name}-{len(started)}.log", env))
                killed = True
            if shown.finished:
                break
            time.sleep(0.2)
        seconds = time.monotonic() - begin
        with Session(engine) as session:
            jobs = repository.batch_jobs(session, batch_id)
        text = "".join(worker.text() for worker in started)
        stored_twice = sum(1 for job in jobs if text.count(f"plan job {job.id} done") > 1)
        return Run(
            name=name,
            workers=workers,
            seconds=seconds,
            done=sum(job.status == "done" for job in jobs),
            failed=sum(job.status != "done" for job in jobs),
            stored_twice=stored_twice,
            retried=sum(job.attempts > 1 for job in jobs),
            cpu_seconds=[job.cpu_seconds for job in jobs if job.cpu_seconds is not None],
        )
    finally:
        for worker in started:
            worker.stop()
        dispatcher.shutdown()
        engine.dispose()


def projection(runs: list[Run], time_limit: float) -> dict[str, Any]:
    """Worker slots and 2-core machines for a province of 1,250 stations in 10 minutes."""
    one = runs[0]
    cpu = [c for run in runs for c in run.cpu_seconds]
    wall_per_plan = one.seconds / max(one.done, 1)
    slots = math.ceil(PROVINCE * wall_per_plan / PROVINCE_SECONDS)
    return {
        "cpu_seconds_mean": round(statistics.mean(cpu), 2),
        "cpu_seconds_max": round(max(cpu), 2),
        "wall_seconds_per_plan_one_worker": round(wall_per_plan, 2),
        "time_limit": time_limit,
        "province_stations": PROVINCE,
        "province_seconds": PROVINCE_SECONDS,
        "worker_slots": slots,
        "machines_2_cores": math.ceil(slots / 2),
        "cpu_seconds_province": round(PROVINCE * statistics.mean(cpu)),
    }


def markdown(
    runs: list[Run], projected: dict[str, Any], args: argparse.Namespace, database: str
) -> str:
    """The results as a Markdown section."""
    lines = [
        f"# City batch on the task queue ({dt.date.today().isoformat()})",
        "",
        f"{args.stations} stations of about {args.visits} requested visits, time limit "
        f"{args.time_limit:g} s per station, Redis broker, {database}, workers `mulin worker "
        "--concurrency 1`.",
        "",
        "| run | worker processes | wall s | done | failed | stored twice | retried | plans/min |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        lines.append(
            f"| {run.name} | {run.workers} | {run.seconds:.1f} | {run.done} | {run.failed} "
            f"| {run.stored_twice} | {run.retried} | {run.plans_per_minute:.2f} |"
        )
    if len(runs) >= 2:
        ratio = runs[1].plans_per_minute / runs[0].plans_per_minute
        lines += ["", f"Throughput ratio, 2 workers / 1 worker: **{ratio:.2f}×**."]
    p = projected
    lines += [
        "",
        f"CPU seconds per station's solve: mean {p['cpu_seconds_mean']}, max "
        f"{p['cpu_seconds_max']}; wall seconds per plan with one worker "
        f"{p['wall_seconds_per_plan_one_worker']}.",
        f"Projection: {p['province_stations']} stations in {p['province_seconds']:.0f} s need "
        f"{p['worker_slots']} worker slots at this time limit, "
        f"{p['machines_2_cores']} machines of 2 cores.",
        "",
        f"Machine: {json.dumps(describe_machine(), ensure_ascii=False)}",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    """Run the city benchmark and write its results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stations", type=int, default=40)
    parser.add_argument("--visits", type=int, default=100)
    parser.add_argument("--time-limit", type=float, default=5.0)
    parser.add_argument("--broker-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--runs", nargs="+", default=["one", "two", "kill"])
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args()
    url, made = fresh_database(args.database_url)
    prefix = f"mulinbench{uuid.uuid4().hex[:8]}"
    settings = Settings(
        database_url=url,
        broker_url=args.broker_url,
        queue_prefix=prefix,
        job_lease_seconds=LEASE_SECONDS,
        max_time_limit=max(600.0, args.time_limit),
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith("MULIN_")}
    env.update(
        MULIN_DATABASE_URL=url,
        MULIN_BROKER_URL=args.broker_url,
        MULIN_QUEUE_PREFIX=prefix,
        MULIN_JOB_LEASE_SECONDS=str(LEASE_SECONDS),
    )
    runs: list[Run] = []
    try:
        stations = store_city(settings, args.stations, args.visits)
        print(f"stored {len(stations)} stations")
        with tempfile.TemporaryDirectory() as folder:
            logs = Path(folder)
            plan = {"one": (1, None), "two": (2, None), "kill": (2, 1 / 3)}
            for name in args.runs:
                workers, kill_after = plan[name]
                run = run_batch(name, settings, env, logs, workers, args.time_limit, kill_after)
                print(
                    f"{name}: {run.workers} workers, {run.seconds:.1f} s, {run.done} done, "
                    f"{run.failed} failed, stored twice {run.stored_twice}, retried "
                    f"{run.retried}, {run.plans_per_minute:.2f} plans/min"
                )
                runs.append(run)
    finally:
        if made is not None:
            drop_database(made)
    projected = projection(runs, args.time_limit)
    database = make_url(url).get_backend_name()
    text = markdown(runs, projected, args, database)
    print(text)
    stem = f"{dt.date.today().isoformat()}-city"
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{stem}.md").write_text(text, encoding="utf-8")
    document = {
        "runs": [run.__dict__ | {"plans_per_minute": run.plans_per_minute} for run in runs],
        "projection": projected,
        "args": {k: str(v) for k, v in vars(args).items()},
        "machine": describe_machine(),
    }
    (args.out / f"{stem}.json").write_text(json.dumps(document, indent=1), encoding="utf-8")
    print(f"written: {args.out / stem}.md and .json")


if __name__ == "__main__":
    main()
