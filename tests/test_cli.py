"""The ``mulin`` command line: replay, check, generate, schema, language and module entry."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from service.cli import app
from service.generator import generate_town
from service.inconsistent import make_inconsistent
from service.loading import load_plan, load_scenario
from service.wire.common import minutes_to_time, time_to_minutes

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "scenarios" / "tiny.json"
EXIT_PLAN_INVALID = 1
EXIT_INVALID_INPUT = 2


def mulin(*args: str) -> Result:
    """Invoke the CLI in-process."""
    return CliRunner().invoke(app, list(args))


def flat(text: str) -> str:
    """Collapse whitespace: the console wraps long lines when it is not a terminal."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def tiny_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A plan for tiny.json written by ``mulin replay``."""
    out = tmp_path_factory.mktemp("replay") / "plan.json"
    result = mulin(
        "replay",
        str(TINY),
        "--out",
        str(out),
        "--time-limit",
        "5",
        "--workers",
        "1",
        "--lang",
        "en",
    )
    assert result.exit_code == 0, result.output
    return out


def test_replay_writes_a_plan(tiny_plan: Path) -> None:
    """``replay`` exits 0 and writes a mulin.plan/1 plan of the scenario."""
    plan = load_plan(tiny_plan)
    assert plan.format == "mulin.plan/1"
    assert plan.scenario == load_scenario(TINY).name
    assert plan.metrics.visits_requested == 7
    assert len(plan.visits) == plan.metrics.visits_planned


def test_replay_prints_the_summary_in_english(tmp_path: Path) -> None:
    """``replay --lang en`` prints the summary table and where the plan went."""
    out = tmp_path / "plan.json"
    result = mulin("replay", str(TINY), "--out", str(out), "--time-limit", "5", "--lang", "en")
    assert result.exit_code == 0
    assert "Weekly plan" in result.stdout
    assert "Plan written to" in flat(result.stdout)
    # Long paths may be folded over lines, so compare without any whitespace.
    assert str(out) in "".join(result.stdout.split())


def test_check_accepts_the_replayed_plan(tiny_plan: Path) -> None:
    """``check`` exits 0 on the plan that ``replay`` wrote."""
    result = mulin("check", str(TINY), str(tiny_plan), "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "The plan is valid" in result.stdout


def _tampered(tiny_plan: Path, tmp_path: Path, change: Any) -> Path:
    data = json.loads(tiny_plan.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_check_rejects_a_visit_moved_before_its_window(tiny_plan: Path, tmp_path: Path) -> None:
    """Moving a visit's start before its window exits 1 and lists the rule 3 violation."""

    def move(data: dict[str, Any]) -> None:
        data["visits"][0]["start"] = "08:00"

    result = mulin("check", str(TINY), str(_tampered(tiny_plan, tmp_path, move)), "--lang", "en")
    assert result.exit_code == EXIT_PLAN_INVALID
    need = json.loads(tiny_plan.read_text(encoding="utf-8"))["visits"][0]["need_id"]
    output = flat(result.stdout)
    assert "rule 3 outside_window" in output
    assert f"Need {need} visit 1" in output


def test_check_rejects_a_worker_who_arrives_late(tiny_plan: Path, tmp_path: Path) -> None:
    """A visit starting when the shift starts, with travel from base before it, breaks rule 4."""

    def start_at_shift_start(data: dict[str, Any]) -> None:
        # sw01 starts at the station, and every household of tiny.json is away from it.
        route = next(r for r in data["routes"] if r["worker_id"] == "sw01")
        stop = route["stops"][0]
        visit = next(
            v
            for v in data["visits"]
            if (v["need_id"], v["visit"]) == (stop["need_id"], stop["visit"])
        )
        shift = next(
            s for s in load_scenario(TINY).workers if s.id == route["worker_id"]
        ).availability[route["day"]][route["shift"]]
        start = time_to_minutes(shift[0])
        length = time_to_minutes(visit["end"]) - time_to_minutes(visit["start"])
        visit["start"], visit["end"] = minutes_to_time(start), minutes_to_time(start + length)

    changed = _tampered(tiny_plan, tmp_path, start_at_shift_start)
    result = mulin("check", str(TINY), str(changed), "--lang", "en")
    assert result.exit_code == EXIT_PLAN_INVALID
    assert "rule 4 route_time" in flat(result.stdout)


def test_check_refuses_a_plan_that_is_not_json(tmp_path: Path) -> None:
    """``check`` exits 2 when the plan file is not JSON."""
    plan = tmp_path / "plan.json"
    plan.write_text("this is not a plan", encoding="utf-8")
    result = mulin("check", str(TINY), str(plan), "--lang", "en")
    assert result.exit_code == EXIT_INVALID_INPUT
    assert "(root): not JSON" in flat(result.stderr)


def test_generate_writes_a_scenario_that_parses(tmp_path: Path) -> None:
    """``generate --villages 3 --needs 20 --seed 4`` writes a valid scenario of that size."""
    out = tmp_path / "town.json"
    result = mulin("generate", "--villages", "3", "--needs", "20", "--seed", "4", "--out", str(out))
    assert result.exit_code == 0, result.output
    scenario = load_scenario(out)
    assert len(scenario.villages) == 3
    assert sum(need.visits for need in scenario.needs) == 20


def test_generate_peer_expressible(tmp_path: Path) -> None:
    """``generate --peer-expressible`` writes a town of one-worker, one-visit needs."""
    out = tmp_path / "town.json"
    result = mulin(
        "generate", "--villages", "3", "--needs", "20", "--peer-expressible", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    scenario = load_scenario(out)
    assert len(scenario.needs) == 20
    assert all(need.visits == 1 and sum(need.staff.values()) == 1 for need in scenario.needs)


@pytest.mark.parametrize(
    ("which", "tag"), [("scenario", "mulin.scenario/1"), ("plan", "mulin.plan/1")]
)
def test_schema_prints_json_schema(which: str, tag: str) -> None:
    """``schema scenario|plan`` prints a JSON Schema naming the format tag."""
    result = mulin("schema", which)
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["type"] == "object"
    assert tag in result.stdout
    assert "format" in schema["properties"]


def test_schema_refuses_an_unknown_format() -> None:
    """``schema`` of something else exits 2."""
    result = mulin("schema", "household")
    assert result.exit_code == EXIT_INVALID_INPUT


def test_bad_language_exits_2(tmp_path: Path) -> None:
    """``--lang xx`` exits 2 before any planning, writing nothing."""
    out = tmp_path / "plan.json"
    result = mulin("replay", str(TINY), "--out", str(out), "--lang", "xx")
    assert result.exit_code == EXIT_INVALID_INPUT
    assert "--lang: 'xx' is not one of zh, en" in flat(result.stderr)
    assert not out.exists()


def test_python_dash_m_service_help() -> None:
    """``python -m service --help`` runs and lists the four commands."""
    done = subprocess.run(
        [sys.executable, "-m", "service", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for command in ("replay", "check", "generate", "schema"):
        assert command in done.stdout


def test_replay_plans_an_inconsistent_town(tmp_path: Path) -> None:
    """``replay`` plans a town with 30 % faulty records (exit 0), warns of each, plan valid."""
    bad, faults = make_inconsistent(generate_town(4, 40, 9), 0.3, 5)
    scenario_file = tmp_path / "town.json"
    scenario_file.write_text(bad.model_dump_json(by_alias=True, exclude_none=True))
    out = tmp_path / "plan.json"
    result = mulin(
        "replay", str(scenario_file), "--out", str(out), "--time-limit", "2", "--workers", "1"
    )
    assert result.exit_code == 0, result.output
    plan = load_plan(out)
    assert len(plan.warnings) == len(faults) > 0
    assert "档案记录提示" in result.output
