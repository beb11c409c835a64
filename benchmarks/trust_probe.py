"""Issue 10's probe, rerun: inconsistent archives planned everywhere, exports, caps, orphans.

For generated towns with 10, 25 and 40 % of their needs spoilt (one fault each, see
``service.inconsistent``) it plans the week through the CLI (``mulin replay``), the HTTP API
(``PUT /stations/{id}/scenario`` then a plan) and the spreadsheet import (the needs as CSV,
then a plan), and checks each plan with the checker: valid, one warning per fault, reasons
true. Then it counts live formulas in every workbook the service writes, measures the largest
error answer of an import, the CPU a million-row sheet costs before it is refused, and the
solver processes left 5 s after ``kill -9`` of a real ``mulin serve``.

Run: ``python -m benchmarks.trust_probe [--villages 10 --needs 150 --time-limit 5]``.
A measured run, not a test; it prints a markdown report.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook
from sqlmodel import Session

from service.api import create_app
from service.api.auth import create_token
from service.api.settings import Settings
from service.checker import check_plan
from service.generator import generate_town
from service.inconsistent import Fault, make_inconsistent
from service.loading import parse_scenario
from service.tabular.layout import NEEDS
from service.tabular.writing import csv_bytes
from service.wire.plan import Plan
from service.wire.scenario import Scenario

ROOT = Path(__file__).resolve().parents[1]
WEEK = "2026-11-23"


def _verdict(scenario: Scenario, plan: Plan, faults: list[Fault]) -> dict[str, Any]:
    violations = check_plan(scenario, plan)
    warned = sorted((w.code, w.path.split(".")[0]) for w in plan.warnings)
    expected = sorted((f.code, f"needs[{f.index}]") for f in faults)
    return {
        "status": plan.status,
        "planned": f"{plan.metrics.visits_planned}/{plan.metrics.visits_requested}",
        "violations": len(violations),
        "reason_violations": sum(v.code.startswith("reason") for v in violations),
        "warnings": len(plan.warnings),
        "faults": len(faults),
        "warning_per_fault": warned == expected,
    }


def cli_run(scenario: Scenario, faults: list[Fault], time_limit: float) -> dict[str, Any]:
    """``mulin replay`` in a process of its own, then the checker on what it wrote."""
    with tempfile.TemporaryDirectory() as folder:
        source, out = Path(folder) / "town.json", Path(folder) / "plan.json"
        source.write_text(scenario.model_dump_json(by_alias=True, exclude_none=True))
        command = [sys.executable, "-m", "service", "replay", str(source), "--out", str(out)]
        command += ["--time-limit", str(time_limit), "--workers", "1"]
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
        if done.returncode != 0:
            return {"exit": done.returncode, "error": done.stderr[-300:]}
        plan = Plan.model_validate_json(out.read_text())
    return {"exit": 0, **_verdict(scenario, plan, faults)}


class Service:
    """The app in-process on a throw-away SQLite database, with a city admin's token."""

    def __init__(self, folder: Path) -> None:
        settings = Settings(
            database_url=f"sqlite:///{folder / 'probe.db'}",
            max_body_bytes=10 * 1024 * 1024,
            plan_pool_size=1,
            max_queued_plans=20,
            default_time_limit=2.0,
            max_time_limit=60.0,
            max_plan_workers=2,
            migrate_on_start=True,
            migrations_dir=None,
        )
        self.client = TestClient(create_app(settings))
        self.client.__enter__()
        with Session(self.client.app.state.engine) as session:  # type: ignore[attr-defined]
            _, secret = create_token(session, "city_admin", None)
        self.header = {"Authorization": f"Bearer {secret}"}

    def close(self) -> None:
        """Stop the app and its plan pool."""
        self.client.__exit__(None, None, None)

    def put(self, scenario: Scenario) -> dict[str, Any]:
        """``PUT`` the scenario as its station's archive."""
        url = f"/api/v1/stations/{scenario.station.id}/scenario"
        body = json.loads(scenario.model_dump_json(by_alias=True, exclude_none=True))
        answer = self.client.put(url, json=body, headers=self.header)
        assert answer.status_code == 200, answer.text
        found: dict[str, Any] = answer.json()
        return found

    def plan(self, station: str, time_limit: float) -> tuple[Scenario, Plan]:
        """Plan the station's week; the scenario it was made for and the plan."""
        url = f"/api/v1/stations/{station}/plans"
        body = {"week_start": WEEK, "time_limit": time_limit, "options": {"workers": 1}}
        answer = self.client.post(url, json=body, headers=self.header)
        assert answer.status_code == 202, answer.text
        job_id = answer.json()["id"]
        while True:
            job = self.client.get(f"/api/v1/plans/{job_id}", headers=self.header).json()
            if job["status"] in ("done", "failed", "cancelled"):
                break
            time.sleep(0.2)
        assert job["status"] == "done", job
        exported = self.client.get(
            f"/api/v1/stations/{station}/scenario", params={"week_start": WEEK}, headers=self.header
        )
        self.last_plan_id = job_id
        return parse_scenario(exported.text), Plan.model_validate(job["plan"])

    def import_needs(self, station: str, data: bytes, name: str) -> Any:
        """``POST …/needs/import`` (replace); the answer."""
        return self.client.post(
            f"/api/v1/stations/{station}/needs/import",
            params={"mode": "replace"},
            files={"file": (name, data)},
            headers=self.header,
        )


def api_run(
    service: Service, scenario: Scenario, faults: list[Fault], time_limit: float
) -> dict[str, Any]:
    """``PUT`` the spoilt scenario, then plan it over HTTP."""
    answered = service.put(scenario)
    stored, plan = service.plan(scenario.station.id, time_limit)
    return {"put_warnings": len(answered["warnings"]), **_verdict(stored, plan, faults)}


def import_run(
    service: Service, town: Scenario, spoilt: Scenario, faults: list[Fault], time_limit: float
) -> dict[str, Any]:
    """Store the consistent town, import the spoilt needs as CSV, then plan."""
    service.put(town)
    answer = service.import_needs(town.station.id, csv_bytes(NEEDS, spoilt.needs, "zh"), "n.csv")
    assert answer.status_code == 200, answer.text[:500]
    stored, plan = service.plan(town.station.id, time_limit)
    return {"import_warnings": len(answer.json()["warnings"]), **_verdict(stored, plan, faults)}


def formulas_in(data: bytes) -> int:
    """Cells of a workbook that hold a formula."""
    book = load_workbook(io.BytesIO(data))
    return sum(
        cell.data_type == "f"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
    )


def exports_run(service: Service, town: Scenario, time_limit: float) -> dict[str, int]:
    """Names starting like formulas in every record; live formulas in each workbook written."""
    hostile = town.model_copy(deep=True)
    hostile.station.name = '=HYPERLINK("http://x","y")'
    for i, worker in enumerate(hostile.workers):
        worker.name = ("=1+1", "+SUM(A1)", "-2", "@cmd")[i % 4]
    for village in hostile.villages:
        village.name = "=" + village.name
    for resource in hostile.resources:
        resource.name, resource.unit = "+" + resource.name, "@" + resource.unit
    for need in hostile.needs:
        need.extra = {"note": "=cmd|' /C calc'!A0"}
    service.put(hostile)
    station = hostile.station.id
    service.plan(station, time_limit)
    found = {}
    for name, url in (
        ("plan export.xlsx", f"/api/v1/plans/{service.last_plan_id}/export.xlsx"),
        ("needs export.xlsx", f"/api/v1/stations/{station}/needs/export.xlsx"),
        ("resources export.xlsx", f"/api/v1/stations/{station}/resources/export.xlsx"),
    ):
        answer = service.client.get(url, headers=service.header)
        assert answer.status_code == 200, (url, answer.status_code)
        found[name] = formulas_in(answer.content)
    return found


def bad_csv(rows: int) -> bytes:
    """A needs CSV whose every row is bad in three columns."""
    lines = (ROOT / "scenarios" / "demo-needs.csv").read_text(encoding="utf-8-sig").splitlines()
    bad = lines[1].replace(",v01,", ",v99,").replace(",elderly_care,1,", ",elderly_care,9,")
    bad = bad.replace(",09:00,12:00,", ",25:00,12:00,")
    body = [bad.replace("n001,h001", f"n{i},h{i}") for i in range(rows)]
    return ("\n".join([lines[0], *body]) + "\n").encode()


def million_rows() -> bytes:
    """An .xlsx of a header and a million empty rows (about 5 MB)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("需求")
    sheet.append(["需求编号"])
    for _ in range(1_000_000):
        sheet.append([""])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def limits_run(service: Service, station: str) -> dict[str, Any]:
    """The largest import error answer and the CPU a million-row sheet costs."""
    data = bad_csv(20_000)
    answer = service.import_needs(station, data, "bad.csv")
    sheet = million_rows()
    started = time.process_time()
    refused = service.import_needs(station, sheet, "million.xlsx")
    cpu = time.process_time() - started
    return {
        "bad csv bytes": len(data),
        "bad csv answer": f"{answer.status_code}, {len(answer.content)} bytes, "
        f"{len(answer.json()['detail'])} entries",
        "million-row xlsx bytes": len(sheet),
        "million-row answer": f"{refused.status_code}, {cpu:.3f} s CPU",
    }


def orphans_run() -> dict[str, Any]:
    """``mulin serve --demo``, a 120 s plan, ``kill -9``: solver processes left after 5 s."""
    with tempfile.TemporaryDirectory() as folder:
        port = 18765
        env = dict(os.environ, MULIN_DATABASE_URL=f"sqlite:///{folder}/orphans.db")
        command = [sys.executable, "-m", "service", "serve", "--demo", "--port", str(port)]
        server = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True, cwd=ROOT
        )
        assert server.stdout is not None
        token = None
        while token is None:
            line = server.stdout.readline()
            if not line:
                raise RuntimeError("mulin serve ended before printing its token")
            found = re.search(r"Bearer ([^ \"']+)", line)
            token = found.group(1) if found else None
        for _ in range(200):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except OSError:
                time.sleep(0.3)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/stations/station/plans",
            method="POST",
            data=json.dumps({"week_start": WEEK, "time_limit": 120}).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        urllib.request.urlopen(request, timeout=30)
        time.sleep(6)
        before = _descendants(server.pid)
        os.kill(server.pid, signal.SIGKILL)
        server.wait()
        time.sleep(5)
        left = [pid for pid in before if _running(pid)]
        for pid in left:
            os.kill(pid, signal.SIGKILL)
    return {"solver processes before kill": len(before), "left 5 s after kill -9": len(left)}


def _descendants(pid: int) -> list[int]:
    table = subprocess.run(["ps", "-eo", "pid,ppid"], capture_output=True, text=True, check=True)
    pairs = [tuple(map(int, line.split())) for line in table.stdout.splitlines()[1:]]
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        for child, of in pairs:
            if of == parent:
                found.append(child)
                frontier.append(child)
    return found


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


def main() -> int:
    """Run the probe and print its report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--villages", type=int, default=10)
    parser.add_argument("--needs", type=int, default=150)
    parser.add_argument("--time-limit", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=10)
    args = parser.parse_args()
    town = generate_town(args.villages, args.needs, args.seed)
    print(f"# Trust probe: {len(town.needs)} needs, {args.villages} villages, seed {args.seed}\n")
    with tempfile.TemporaryDirectory() as folder:
        service = Service(Path(folder))
        try:
            for share in (0.1, 0.25, 0.4):
                spoilt, faults = make_inconsistent(town, share, args.seed)
                spoilt = parse_scenario(spoilt.model_dump_json(by_alias=True, exclude_none=True))
                print(f"## {share:.0%} inconsistent ({len(faults)} needs)\n")
                print("- CLI:", cli_run(spoilt, faults, args.time_limit))
                print("- API:", api_run(service, spoilt, faults, args.time_limit))
                print("- import:", import_run(service, town, spoilt, faults, args.time_limit))
                print()
            print("## Exports (live formula cells)\n")
            print(exports_run(service, town, args.time_limit), "\n")
            print("## Limits\n")
            print(limits_run(service, town.station.id), "\n")
        finally:
            service.close()
    print("## Orphans\n")
    print(orphans_run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
