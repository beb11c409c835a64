"""Load on the HTTP service: concurrent clients reading a plan, pages of needs, the overview.

A measured run, not a test. It starts ``mulin serve --demo [--workers N]`` (real uvicorn
processes, access log on, as a station would run it) on a free loopback port with a throw-away
SQLite database, or the database of ``--database-url``; makes a coordinator token with
``mulin token create``; asks for one plan of the demo week (``--plan-time-limit`` seconds) and
waits until it is done; then, for each count of ``--clients``, runs that many client threads
for ``--seconds`` (after a short warm-up), each on its own keep-alive connection
(``http.client``), each request picking at random, a third each, between
``GET /api/v1/plans/{id}`` (the done plan, about 140 kB of JSON),
``GET /api/v1/stations/{id}/needs?limit=50&offset=k`` (a random page) and
``GET /stations/{id}``, the console's station overview (needs by priority, group and village,
staff and stock: the whole archive read). Clients run closed-loop (the next request as soon as
the answer is in) unless ``--think`` gives a mean pause between a client's requests. It reports
per endpoint the requests, requests per second, p50/p90/p99/max latency and errors, the CPU the
server used, and the machine, and writes ``benchmarks/results/<date>-load[-<database>]
[-w<N>].md`` and ``.json``.

Run: ``python -m benchmarks.load --clients 8 50 --seconds 20`` (``make bench-load``); on
PostgreSQL: ``python -m benchmarks.load --database-url postgresql://postgres@127.0.0.1:5432/DB``
with a database made for the run (``make bench-load-postgres`` makes and drops one).
Nothing of any resident is printed or written: ids, counts and timings only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from benchmarks.machine import describe_machine

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "scenarios" / "town-25.json"
PLAN = "GET /api/v1/plans/{id}"
NEEDS = "GET /api/v1/stations/{id}/needs?limit=50&offset=k"
OVERVIEW = "GET /stations/{id} (console overview)"
ENDPOINTS = (PLAN, NEEDS, OVERVIEW)
PAGE = 50
TOKEN_ARGS = ("--role", "station_coordinator", "--station")


@dataclass
class Sample:
    """One request: which endpoint, how long, whether it failed, how many bytes came back."""

    endpoint: str
    seconds: float
    ok: bool
    size: int


@dataclass
class Service:
    """The running server process and how to reach it."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path
    env: dict[str, str] = field(repr=False)


def free_port() -> int:
    """A loopback port nothing listens on (at the time of asking)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _log_tail(log: Path, lines: int = 15) -> str:
    return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def _request(
    port: int, method: str, path: str, token: str | None = None, body: Any = None
) -> tuple[int, Any]:
    """One request on a fresh connection; the status and the JSON answer (None if not JSON)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    try:
        connection.request(method, path, body=payload, headers=headers)
        answer = connection.getresponse()
        text = answer.read()
    finally:
        connection.close()
    try:
        return answer.status, json.loads(text)
    except ValueError:
        return answer.status, None


def start_service(database_url: str, folder: Path, workers: int = 1) -> Service:
    """Start ``mulin serve --demo`` on a free port and wait until it answers its health check.

    Parameters
    ----------
    database_url
        The service's database (``MULIN_DATABASE_URL``).
    folder
        Where the server's log goes.
    workers
        Server processes (``mulin serve --workers``).

    Returns
    -------
    Service
        The running process (the caller stops it with :func:`stop_service`).
    """
    port = free_port()
    env = {**os.environ, "MULIN_DATABASE_URL": database_url, "MULIN_LANG": "en"}
    log = folder / "serve.log"
    command = [sys.executable, "-m", "service", "serve", "--demo", "--port", str(port)]
    if workers > 1:
        command += ["--workers", str(workers)]
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT
        )
    service = Service(process=process, port=port, log=log, env=env)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"mulin serve exited ({process.returncode}):\n{_log_tail(log)}")
        try:
            if _request(port, "GET", "/api/v1/health")[0] == 200:
                return service
        except OSError:
            pass
        time.sleep(0.2)
    stop_service(service)
    raise RuntimeError(f"mulin serve did not answer within 180 s:\n{_log_tail(log)}")


def stop_service(service: Service) -> None:
    """Stop the server process (SIGTERM, then SIGKILL after 20 s)."""
    if service.process.poll() is None:
        service.process.terminate()
        try:
            service.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            service.process.kill()
            service.process.wait()


def coordinator_token(service: Service, station_id: str) -> str:
    """A coordinator token of the station, made with ``mulin token create`` (its last line)."""
    made = subprocess.run(
        [sys.executable, "-m", "service", "token", "create", *TOKEN_ARGS, station_id],
        cwd=ROOT,
        env=service.env,
        capture_output=True,
        text=True,
        check=True,
    )
    return made.stdout.strip().splitlines()[-1]


def done_plan(
    service: Service, token: str, station_id: str, week_start: str, time_limit: float
) -> tuple[str, dict[str, Any]]:
    """Ask for a plan of the station's week and wait for it; its id and last answer."""
    status, accepted = _request(
        service.port,
        "POST",
        f"/api/v1/stations/{station_id}/plans",
        token,
        {"week_start": week_start, "time_limit": time_limit},
    )
    if status != 202:
        raise RuntimeError(f"plan request answered {status}: {accepted}")
    plan_id = str(accepted["id"])
    deadline = time.monotonic() + time_limit + 300
    while time.monotonic() < deadline:
        status, job = _request(service.port, "GET", f"/api/v1/plans/{plan_id}", token)
        if status == 200 and job["status"] in ("done", "failed", "cancelled"):
            if job["status"] != "done":
                raise RuntimeError(f"plan {plan_id} {job['status']}: {job.get('error')}")
            return plan_id, job
        time.sleep(0.5)
    raise RuntimeError(f"plan {plan_id} not done in time")


@dataclass(frozen=True)
class Mix:
    """What the clients ask for: the three paths, the range of page offsets, the pause."""

    plan: str
    needs: str
    overview: str
    needs_total: int
    think: float = 0.0


def _client(
    port: int,
    token: str,
    mix: Mix,
    seed: int,
    measure_from: float,
    until: float,
    samples: list[Sample],
) -> None:
    """One client thread: requests on one keep-alive connection until ``until``."""
    rng = random.Random(seed)
    bearer = {"Authorization": f"Bearer {token}"}
    cookie = {"Cookie": f"mulin_token={token}"}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    mine: list[Sample] = []
    while True:
        if mix.think > 0:
            time.sleep(rng.expovariate(1 / mix.think))
        started = time.perf_counter()
        if started >= until:
            break
        pick = rng.randrange(3)
        headers = bearer
        if pick == 0:
            endpoint, path = PLAN, mix.plan
        elif pick == 1:
            offset = rng.randrange(max(mix.needs_total - PAGE, 1))
            endpoint, path = NEEDS, f"{mix.needs}?limit={PAGE}&offset={offset}"
        else:
            endpoint, path, headers = OVERVIEW, mix.overview, cookie
        ok, size = False, 0
        for attempt in range(2):
            try:
                connection.request("GET", path, headers=headers)
                answer = connection.getresponse()
                size = len(answer.read())
                ok = answer.status == 200
                if answer.will_close:
                    connection.close()
                break
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                # after a pause the server may have closed the idle keep-alive connection
                # (uvicorn: 5 s): one retry on a new connection, timed from the retry
                started = time.perf_counter()
                if attempt == 0 and mix.think == 0:
                    break
        if started >= measure_from:
            mine.append(Sample(endpoint, time.perf_counter() - started, ok, size))
    connection.close()
    samples.extend(mine)  # list.extend is atomic under the GIL


def _process_tree(pid: int) -> list[int]:
    """A process and its descendants (Linux ``/proc/<pid>/task/*/children``)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo += [int(child) for child in task.read_text().split()]
            except OSError:
                continue
    return found


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds so far of a process and its living descendants, or None."""
    total = 0.0
    for member in _process_tree(pid):
        try:
            text = Path(f"/proc/{member}/stat").read_text()
        except OSError:
            if member == pid:
                return None
            continue
        fields = text.rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def percentile(ordered: list[float], fraction: float) -> float:
    """The nearest-rank percentile of sorted values (``fraction`` 0.5 → median)."""
    if not ordered:
        return float("nan")
    rank = max(1, round(fraction * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def summarize(samples: list[Sample], seconds: float) -> list[dict[str, Any]]:
    """Per endpoint and in all: requests, requests per second, latency percentiles, errors."""
    rows = []
    for endpoint in (*ENDPOINTS, "all"):
        chosen = [s for s in samples if endpoint in ("all", s.endpoint)]
        times = sorted(s.seconds * 1000 for s in chosen)
        good = [s for s in chosen if s.ok]
        rows.append(
            {
                "endpoint": endpoint,
                "requests": len(chosen),
                "per_second": round(len(chosen) / seconds, 1),
                "p50_ms": round(percentile(times, 0.50), 1),
                "p90_ms": round(percentile(times, 0.90), 1),
                "p99_ms": round(percentile(times, 0.99), 1),
                "max_ms": round(times[-1], 1) if times else None,
                "errors": len(chosen) - len(good),
                "bytes_per_answer": round(sum(s.size for s in good) / len(good)) if good else 0,
            }
        )
    return rows


def run_load(
    service: Service, token: str, mix: Mix, clients: int, seconds: float, warmup: float
) -> dict[str, Any]:
    """Run the client threads and measure; the summary rows and the CPU used.

    Parameters
    ----------
    service
        The running server.
    token
        A coordinator token of the station (bearer header, and the console's cookie).
    mix
        What the clients read.
    clients
        Client threads, each on its own keep-alive connection.
    seconds
        The measured time, after ``warmup`` seconds that are not counted.
    warmup
        Seconds of requests before the measurement.

    Returns
    -------
    dict
        ``rows`` (see :func:`summarize`), ``server_cpu_seconds``, ``client_cpu_seconds``,
        ``measured_seconds``.
    """
    samples: list[Sample] = []
    now = time.perf_counter()
    measure_from, until = now + warmup, now + warmup + seconds
    threads = [
        threading.Thread(
            target=_client,
            args=(service.port, token, mix, i, measure_from, until, samples),
            daemon=True,
        )
        for i in range(clients)
    ]
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, measure_from - time.perf_counter()))
    server_before, client_before = _cpu_seconds(service.process.pid), time.process_time()
    for thread in threads:
        thread.join()
    server_after, client_after = _cpu_seconds(service.process.pid), time.process_time()
    server_cpu = (
        None
        if server_before is None or server_after is None
        else round(server_after - server_before, 1)
    )
    return {
        "clients": clients,
        "rows": summarize(samples, seconds),
        "server_cpu_seconds": server_cpu,
        "client_cpu_seconds": round(client_after - client_before, 2),
        "measured_seconds": seconds,
    }


def markdown(result: dict[str, Any]) -> str:
    """The results as a Markdown section: a table per client count, the set-up, the machine."""
    setup = result["setup"]
    machine = result["machine"]
    workers = setup["workers"]
    pause = "closed-loop" if not setup["think"] else f"mean pause {setup['think']:g} s"
    lines = [
        f"# Load: {', '.join(str(run['clients']) for run in result['runs'])} client(s), "
        f"{pause}, {setup['seconds']:g} s each ({setup['database']}, {workers} server "
        f"process(es)), {result['date']}",
        "",
        f"Command: `{setup['command']}`",
        "",
    ]
    for run in result["runs"]:
        lines += [
            f"## {run['clients']} client(s)",
            "",
            "| endpoint | requests | req/s | p50 ms | p90 ms | p99 ms | max ms | errors "
            "| bytes/answer |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for row in run["rows"]:
            lines.append(
                f"| {row['endpoint']} | {row['requests']} | {row['per_second']} "
                f"| {row['p50_ms']} | {row['p90_ms']} | {row['p99_ms']} | {row['max_ms']} "
                f"| {row['errors']} | {row['bytes_per_answer']} |"
            )
        lines += [
            "",
            f"CPU during the measured {run['measured_seconds']:g} s: server "
            f"{run['server_cpu_seconds']} s, clients {run['client_cpu_seconds']} s; load "
            f"average before/after {run['load_before']} / {run['load_after']}.",
            "",
        ]
    lines += [
        f"- Service: `mulin serve --demo` with {workers} uvicorn process(es) (access log on), "
        f"station `{setup['station_id']}` with {setup['needs']} needs; one done plan of "
        f"{setup['plan_visits']} visits ({setup['plan_time_limit']:g} s time limit).",
        "- Clients: threads in one Python process on the same machine, each on one keep-alive "
        "connection, a third of the requests each for the plan, a random page of 50 needs and "
        f"the console's station overview; {pause}; {setup['warmup']:g} s warm-up not counted.",
        f"- Machine: {machine['cores']} cores ({machine['cpu_model']}), "
        f"{machine['memory_gb']} GB, Python {machine['python']}, {machine['platform']}.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the load benchmark and write its results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--clients", type=int, nargs="+", default=[8, 50], help="Client threads, one run each."
    )
    parser.add_argument("--seconds", type=float, default=20.0, help="Measured seconds per run.")
    parser.add_argument("--warmup", type=float, default=2.0, help="Seconds not counted.")
    parser.add_argument(
        "--think", type=float, default=0.0, help="Mean pause between a client's requests (s)."
    )
    parser.add_argument("--workers", type=int, default=1, help="Server processes.")
    parser.add_argument(
        "--database-url",
        help="The service's database; default a throw-away SQLite file. Its data is kept.",
    )
    parser.add_argument("--plan-time-limit", type=float, default=5.0, help="Solver seconds.")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    parser.add_argument("--tag", default="", help="Added to the result files' names.")
    args = parser.parse_args(argv)
    if min(args.clients) < 1 or args.seconds <= 0 or args.warmup < 0 or args.think < 0:
        parser.error("--clients must be ≥ 1, --seconds > 0, --warmup and --think ≥ 0")
    if args.workers < 1:
        parser.error("--workers must be ≥ 1")

    demo = json.loads(DEMO.read_text(encoding="utf-8"))
    station_id, week_start = demo["station"]["id"], demo["week_start"]
    runs = []
    with tempfile.TemporaryDirectory(prefix="mulin-load-") as folder:
        database_url = args.database_url or f"sqlite:///{Path(folder) / 'mulin.db'}"
        shown_url = make_url(database_url).render_as_string(hide_password=True)
        backend = make_url(database_url).get_backend_name()
        print(f"starting mulin serve --demo on {shown_url}", flush=True)
        service = start_service(database_url, Path(folder), args.workers)
        try:
            token = coordinator_token(service, station_id)
            needs_path = f"/api/v1/stations/{station_id}/needs?limit=1"
            needs_total = int(_request(service.port, "GET", needs_path, token)[1]["count"])
            print(f"planning the demo week ({args.plan_time_limit:g} s)", flush=True)
            plan_id, job = done_plan(service, token, station_id, week_start, args.plan_time_limit)
            mix = Mix(
                plan=f"/api/v1/plans/{plan_id}",
                needs=f"/api/v1/stations/{station_id}/needs",
                overview=f"/stations/{station_id}",
                needs_total=needs_total,
                think=args.think,
            )
            for clients in args.clients:
                print(f"{clients} clients for {args.seconds:g} s", flush=True)
                load_before = [round(x, 2) for x in os.getloadavg()]
                measured = run_load(service, token, mix, clients, args.seconds, args.warmup)
                measured["load_before"] = load_before
                measured["load_after"] = [round(x, 2) for x in os.getloadavg()]
                runs.append(measured)
        finally:
            stop_service(service)
    command = (
        f"python -m benchmarks.load --clients {' '.join(map(str, args.clients))} "
        f"--seconds {args.seconds:g}"
    )
    if args.workers > 1:
        command += f" --workers {args.workers}"
    if args.think:
        command += f" --think {args.think:g}"
    if args.database_url:
        command += f" --database-url {shown_url}"
    today = dt.date.today().isoformat()
    result = {
        "date": today,
        "setup": {
            "command": command,
            "database": backend if args.database_url else "sqlite, throw-away file",
            "database_url": shown_url if args.database_url else "sqlite:///<tmp>/mulin.db",
            "workers": args.workers,
            "think": args.think,
            "seconds": args.seconds,
            "warmup": args.warmup,
            "station_id": station_id,
            "needs": needs_total,
            "plan_id": plan_id,
            "plan_time_limit": args.plan_time_limit,
            "plan_visits": job["plan"]["metrics"]["visits_planned"],
        },
        "runs": runs,
        "machine": describe_machine(),
    }
    text = markdown(result)
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    stem = f"{today}-load" + ("" if backend == "sqlite" else f"-{backend}")
    stem += (f"-w{args.workers}" if args.workers > 1 else "") + (f"-{args.tag}" if args.tag else "")
    (args.out / f"{stem}.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    (args.out / f"{stem}.md").write_text(text, encoding="utf-8")
    print(f"written: {args.out / stem}.md and .json")
    errors = sum(run["rows"][-1]["errors"] for run in runs)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
