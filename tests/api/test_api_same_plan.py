"""The plan asked for over HTTP is the plan the CLI replays: same scenario, seed, one worker."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.api_kit import ROOT, Tokens, wait_for_plan
from service.checker import check_plan
from service.cli import app
from service.wire.plan import Plan
from service.wire.scenario import Scenario

DEMO = ROOT / "scenarios" / "town-25.json"


def without_timings(plan: Plan) -> dict[str, object]:
    """A plan's content apart from how long each phase took."""
    return plan.model_dump(by_alias=True, exclude={"solver"})


def test_http_plan_of_the_demo_town_equals_the_cli_replay(
    client: TestClient, tokens: Tokens, tmp_path: Path
) -> None:
    """The demo town planned over HTTP passes the checker and equals `mulin replay` of it."""
    demo = json.loads(DEMO.read_text(encoding="utf-8"))
    station, week = demo["station"]["id"], demo["week_start"]
    admin = tokens.header("admin")
    stored = client.put(f"/api/v1/stations/{station}/scenario", json=demo, headers=admin)
    assert stored.status_code == 200, stored.text
    body = {
        "week_start": week,
        "time_limit": 3.0,
        "options": {"seed": 11, "workers": 1, "repeatable": True},
    }
    asked = client.post(f"/api/v1/stations/{station}/plans", json=body, headers=admin)
    assert asked.status_code == 202, asked.text
    job = wait_for_plan(client, asked.json()["id"], admin, timeout=120)
    assert job["status"] == "done", job
    over_http = Plan.model_validate(job["plan"])
    exported = client.get(
        f"/api/v1/stations/{station}/scenario", params={"week_start": week}, headers=admin
    )
    scenario_path, plan_path = tmp_path / "week.json", tmp_path / "plan.json"
    scenario_path.write_text(exported.text, encoding="utf-8")
    scenario = Scenario.model_validate_json(exported.text)
    assert check_plan(scenario, over_http) == []
    args = ["replay", str(scenario_path), "--time-limit", "3", "--seed", "11", "--repeatable"]
    replayed = CliRunner().invoke(app, [*args, "--out", str(plan_path), "--lang", "zh"])
    assert replayed.exit_code == 0, replayed.output
    from_cli = Plan.model_validate_json(plan_path.read_text(encoding="utf-8"))
    assert over_http.visits
    assert without_timings(from_cli) == without_timings(over_http)
