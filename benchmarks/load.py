"""Load on the HTTP service: concurrent clients reading a plan and pages of the needs archive.

A measured run, not a test. It starts ``mulin serve --demo`` (a real uvicorn process, access
log on, as a station would run it) on a free loopback port with a throw-away SQLite database, or
the database of ``--database-url``; makes a coordinator token with ``mulin token create``; asks
for one plan of the demo week (``--plan-time-limit`` seconds) and waits until it is done; then
runs ``--clients`` threads for ``--seconds`` (after a short warm-up), each on its own keep-alive
connection (``http.client``), each request picking at random between
``GET /api/v1/plans/{id}`` (the done plan, about 160 kB of JSON) and
``GET /api/v1/stations/{id}/needs?limit=50&offset=k`` (a random page). It reports per endpoint
the requests, requests per second, p50/p90/p99 latency and errors, the CPU the server used, and
the machine, and writes ``benchmarks/results/<date>-load[-<database>].md`` and ``.json``.

Run: ``python -m benchmarks.load --clients 8 --seconds 20`` (``make bench-load``); on
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


def start_service(database_url: str, folder: Path) -> Service:
    """Start ``mulin serve --demo`` on a free port and wait until it answers its health check.

    Parameters
    ----------
    database_url
        The service's database (``MULIN_DATABASE_URL``).
    folder
        Where the server's log goes.

    Returns
    -------
    Service
        The running process (the caller stops it with :func:`stop_service`).
    """
    port = free_port()
    env = {**os.environ, "MULIN_DATABASE_URL": database_url, "MULIN_LANG": "en"}
    log = folder / "serve.log"
    command = [sys.executable, "-m", "service", "serve", "--demo", "--port", str(port)]
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


def _client(
    port: int,
    token: str,
    paths: tuple[str, str],
    needs_total: int,
    seed: int,
    measure_from: float,
    until: float,
    samples: list[Sample],
) -> None:
    """One client thread: requests on one keep-alive connection until ``until``."""
    rng = random.Random(seed)
    headers = {"Authorization": f"Bearer {token}"}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    mine: list[Sample] = []
    while True:
        started = time.perf_counter()
        if started >= until:
            break
        if rng.random() < 0.5:
            endpoint, path = PLAN, paths[0]
        else:
            offset = rng.randrange(max(needs_total - PAGE, 1))
            endpoint, path = NEEDS, f"{paths[1]}?limit={PAGE}&offset={offset}"
        ok, size = False, 0
        try:
            connection.request("GET", path, headers=headers)
            answer = connection.getresponse()
            size = len(answer.read())
            ok = answer.status == 200
            if answer.will_close:
                connection.close()
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        if started >= measure_from:
            mine.append(Sample(endpoint, time.perf_counter() - started, ok, size))
    connection.close()
    samples.extend(mine)  # list.extend is atomic under the GIL


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a process so far (Linux), or None."""
    stat = Path(f"/proc/{pid}/stat")
    if not stat.exists():
        return None
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(ordered: list[float], fraction: float) -> float:
    """The nearest-rank percentile of sorted values (``fraction`` 0.5 → median)."""
    if not ordered:
        return float("nan")
    rank = max(1, round(fraction * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def summarize(samples: list[Sample], seconds: float) -> list[dict[str, Any]]:
    """Per endpoint and in all: requests, requests per second, latency percentiles, errors."""
    rows = []
    for endpoint in (PLAN, NEEDS, "all"):
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
    service: Service,
    token: str,
    station_id: str,
    plan_id: str,
    needs_total: int,
    clients: int,
    seconds: float,
    warmup: float,
) -> dict[str, Any]:
    """Run the client threads and measure; the summary rows and the CPU used.

    Parameters
    ----------
    service
        The running server.
    token
        A coordinator token of the station.
    station_id, plan_id
        What the clients read.
    needs_total
        How many needs the station has (the range of page offsets).
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
    paths = (f"/api/v1/plans/{plan_id}", f"/api/v1/stations/{station_id}/needs")
    now = time.perf_counter()
    measure_from, until = now + warmup, now + warmup + seconds
    threads = [
        threading.Thread(
            target=_client,
            args=(service.port, token, paths, needs_total, i, measure_from, until, samples),
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
        "rows": summarize(samples, seconds),
        "server_cpu_seconds": server_cpu,
        "client_cpu_seconds": round(client_after - client_before, 2),
        "measured_seconds": seconds,
    }


def markdown(result: dict[str, Any]) -> str:
    """The results as a Markdown section: the table, the set-up, the machine."""
    setup = result["setup"]
    machine = result["machine"]
    lines = [
        f"# Load: {setup['clients']} client(s) for {setup['seconds']:g} s "
        f"({setup['database']}), {result['date']}",
        "",
        f"Command: `{setup['command']}`",
        "",
        "| endpoint | requests | req/s | p50 ms | p90 ms | p99 ms | max ms | errors "
        "| bytes/answer |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in result["rows"]:
        lines.append(
            f"| {row['endpoint']} | {row['requests']} | {row['per_second']} | {row['p50_ms']} "
            f"| {row['p90_ms']} | {row['p99_ms']} | {row['max_ms']} | {row['errors']} "
            f"| {row['bytes_per_answer']} |"
        )
    lines += [
        "",
        f"- Service: one `mulin serve --demo` process (uvicorn, one worker, access log on), "
        f"station `{setup['station_id']}` with {setup['needs']} needs; one done plan of "
        f"{setup['plan_visits']} visits ({setup['plan_time_limit']:g} s time limit).",
        f"- Clients: {setup['clients']} thread(s) in one Python process, each on one keep-alive "
        f"connection, half the requests for the plan, half for a random page of 50 needs; "
        f"{setup['warmup']:g} s warm-up not counted.",
        f"- CPU during the measured {result['measured_seconds']:g} s: server "
        f"{result['server_cpu_seconds']} s, clients {result['client_cpu_seconds']} s; "
        f"load average before/after {result['load_before']} / {result['load_after']}.",
        f"- Machine: {machine['cores']} cores ({machine['cpu_model']}), "
        f"{machine['memory_gb']} GB, Python {machine['python']}, {machine['platform']}; "
        "shared with other jobs, so the figures are noisy.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the load benchmark and write its results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8, help="Client threads.")
    parser.add_argument("--seconds", type=float, default=20.0, help="Measured seconds.")
    parser.add_argument("--warmup", type=float, default=2.0, help="Seconds not counted.")
    parser.add_argument(
        "--database-url",
        help="The service's database; default a throw-away SQLite file. Its data is kept.",
    )
    parser.add_argument("--plan-time-limit", type=float, default=5.0, help="Solver seconds.")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.seconds <= 0 or args.warmup < 0:
        parser.error("--clients must be ≥ 1, --seconds > 0 and --warmup ≥ 0")

    demo = json.loads(DEMO.read_text(encoding="utf-8"))
    station_id, week_start = demo["station"]["id"], demo["week_start"]
    with tempfile.TemporaryDirectory(prefix="mulin-load-") as folder:
        database_url = args.database_url or f"sqlite:///{Path(folder) / 'mulin.db'}"
        shown_url = make_url(database_url).render_as_string(hide_password=True)
        backend = make_url(database_url).get_backend_name()
        print(f"starting mulin serve --demo on {shown_url}", flush=True)
        service = start_service(database_url, Path(folder))
        try:
            token = coordinator_token(service, station_id)
            needs_path = f"/api/v1/stations/{station_id}/needs?limit=1"
            needs_total = int(_request(service.port, "GET", needs_path, token)[1]["count"])
            print(f"planning the demo week ({args.plan_time_limit:g} s)", flush=True)
            plan_id, job = done_plan(service, token, station_id, week_start, args.plan_time_limit)
            print(f"{args.clients} clients for {args.seconds:g} s", flush=True)
            load_before = [round(x, 2) for x in os.getloadavg()]
            measured = run_load(
                service,
                token,
                station_id,
                plan_id,
                needs_total,
                args.clients,
                args.seconds,
                args.warmup,
            )
            load_after = [round(x, 2) for x in os.getloadavg()]
        finally:
            stop_service(service)
    command = f"python -m benchmarks.load --clients {args.clients} --seconds {args.seconds:g}"
    if args.database_url:
        command += f" --database-url {shown_url}"
    today = dt.date.today().isoformat()
    result = {
        "date": today,
        "setup": {
            "command": command,
            "database": backend if args.database_url else "sqlite, throw-away file",
            "database_url": shown_url if args.database_url else "sqlite:///<tmp>/mulin.db",
            "clients": args.clients,
            "seconds": args.seconds,
            "warmup": args.warmup,
            "station_id": station_id,
            "needs": needs_total,
            "plan_id": plan_id,
            "plan_time_limit": args.plan_time_limit,
            "plan_visits": job["plan"]["metrics"]["visits_planned"],
        },
        **measured,
        "load_before": load_before,
        "load_after": load_after,
        "machine": describe_machine(),
    }
    text = markdown(result)
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    stem = f"{today}-load" + ("" if backend == "sqlite" else f"-{backend}")
    (args.out / f"{stem}.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    (args.out / f"{stem}.md").write_text(text, encoding="utf-8")
    print(f"written: {args.out / stem}.md and .json")
    errors = result["rows"][-1]["errors"]
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
