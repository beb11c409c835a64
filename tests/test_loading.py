"""Bad scenario files: the CLI refuses them (exit 2, nothing written) naming path and problem."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from service.cli import app
from service.loading import InvalidDocument, parse_scenario

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
EXIT_INVALID_INPUT = 2

Json = dict[str, Any]


def tiny() -> Json:
    """The tiny scenario as JSON data, to be broken by a test."""
    data: Json = json.loads((SCENARIOS / "tiny.json").read_text(encoding="utf-8"))
    return data


def flat(text: str) -> str:
    """Collapse whitespace: the console wraps long lines when it is not a terminal."""
    return " ".join(text.split())


def _set(path: str, value: Any) -> Callable[[Json], None]:
    """A mutation that sets ``value`` at a dotted path such as ``needs.0.window.from``."""

    def mutate(data: Json) -> None:
        *parents, last = path.split(".")
        target: Any = data
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        target[int(last) if last.isdigit() else last] = value

    return mutate


def _duplicate_worker(data: Json) -> None:
    data["workers"].append(copy.deepcopy(data["workers"][0]))


def _overlapping_shifts(data: Json) -> None:
    data["workers"][0]["availability"]["mon"] = [["09:00", "12:00"], ["11:00", "13:00"]]


MUTATIONS: dict[str, tuple[Callable[[Json], None], str]] = {
    "wrong-format-tag": (
        _set("format", "mulin.scenario/2"),
        "format: 'mulin.scenario/2' is not one of 'mulin.scenario/1'",
    ),
    "unknown-field": (_set("needs.0.colour", "red"), "needs[0].colour: unknown field"),
    "bad-time": (
        _set("needs.0.window.from", "25:00"),
        "needs[0].window.from: '25:00' is not a time HH:MM",
    ),
    "unknown-village": (_set("needs.0.village", "v99"), "needs[0].village: unknown village 'v99'"),
    "negative-duration": (
        _set("needs.0.duration_minutes", -30),
        "needs[0].duration_minutes: Input should be greater than 0",
    ),
    "duplicate-ids": (_duplicate_worker, "workers: id 'sw01' is used 2 times"),
    "week-start-not-monday": (
        _set("week_start", "2026-11-24"),
        "week_start: 2026-11-24 is not a Monday",
    ),
    "overlapping-shifts": (_overlapping_shifts, "workers[0].availability: mon shifts overlap"),
    "crawling-speed": (
        _set("travel", {"speed_kmh": {"walk": 1e-300}}),
        "travel.speed_kmh.walk: Input should be greater than or equal to 1",
    ),
}

RAW_FILES: dict[str, tuple[str, str]] = {
    "not-json": ('{"format": "mulin.scenario/1", name: }', "(root): not JSON"),
    "empty-file": ("", "(root): the file is empty"),
    "blank-file": ("  \n\t\n", "(root): the file is empty"),
    "array-at-root": ("[{}]", "(root): expected a JSON object, got list"),
}


def replay(scenario: Path, out: Path) -> tuple[int, str]:
    """Run ``mulin replay SCENARIO --out OUT --time-limit 1``; exit code and its stderr."""
    result = CliRunner().invoke(
        app, ["replay", str(scenario), "--out", str(out), "--time-limit", "1"]
    )
    return result.exit_code, flat(result.stderr)


@pytest.mark.parametrize("case", list(MUTATIONS))
def test_replay_refuses_a_broken_scenario(case: str, tmp_path: Path) -> None:
    """Each class of bad scenario file exits 2, names JSON path and problem, writes no plan."""
    mutate, expected = MUTATIONS[case]
    data = tiny()
    mutate(data)
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "plan.json"
    code, stderr = replay(scenario, out)
    assert code == EXIT_INVALID_INPUT
    assert expected in stderr
    assert not out.exists()


@pytest.mark.parametrize("case", list(RAW_FILES))
def test_replay_refuses_a_file_that_is_no_scenario_object(case: str, tmp_path: Path) -> None:
    """Non-JSON, empty and non-object files exit 2 with a (root) message and write no plan."""
    text, expected = RAW_FILES[case]
    scenario = tmp_path / "scenario.json"
    scenario.write_text(text, encoding="utf-8")
    out = tmp_path / "plan.json"
    code, stderr = replay(scenario, out)
    assert code == EXIT_INVALID_INPUT
    assert expected in stderr
    assert not out.exists()


def test_replay_refuses_a_missing_file(tmp_path: Path) -> None:
    """A scenario path that does not exist exits 2, says it cannot be read, writes no plan."""
    missing = tmp_path / "nowhere.json"
    out = tmp_path / "plan.json"
    code, stderr = replay(missing, out)
    assert code == EXIT_INVALID_INPUT
    assert "(root): cannot read" in stderr
    assert "nowhere.json" in stderr
    assert not out.exists()


def test_replay_reports_the_number_of_problems(tmp_path: Path) -> None:
    """The CLI lists every problem of a scenario with several, each with its path."""
    data = tiny()
    data["needs"][0]["colour"] = "red"
    data["needs"][1]["window"]["from"] = "25:00"
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "plan.json"
    code, stderr = replay(scenario, out)
    assert code == EXIT_INVALID_INPUT
    assert "(2)" in stderr
    assert "needs[0].colour: unknown field" in stderr
    assert "needs[1].window.from: '25:00' is not a time HH:MM" in stderr
    assert not out.exists()


# --- parse_scenario directly ------------------------------------------------------------------


def problems_of(data: Json) -> list[str]:
    """The problems parse_scenario reports for a document (it must report some)."""
    with pytest.raises(InvalidDocument) as raised:
        parse_scenario(json.dumps(data))
    return raised.value.problems


def test_tiny_scenario_parses() -> None:
    """The unbroken tiny scenario is accepted, so the failures below are the mutations'."""
    scenario = parse_scenario(json.dumps(tiny()))
    assert [n.id for n in scenario.needs] == ["n001", "n002", "n003", "n004", "n005"]


def test_shape_problems_are_collected_together() -> None:
    """Several shape problems in one document are all reported, each with its own path."""
    data = tiny()
    data["needs"][0]["colour"] = "red"
    data["needs"][0]["window"]["from"] = "25:00"
    data["needs"][2]["duration_minutes"] = -30
    data["week_start"] = "2026-11-24"
    assert sorted(problems_of(data)) == sorted(
        [
            "needs[0].colour: unknown field",
            "needs[0].window.from: '25:00' is not a time HH:MM",
            "needs[2].duration_minutes: Input should be greater than 0",
            "week_start: 2026-11-24 is not a Monday",
        ]
    )


def test_reference_problems_are_collected_together() -> None:
    """Unknown village, worker and resource and duplicate ids are reported in one go."""
    data = tiny()
    data["needs"][0]["village"] = "v99"
    data["needs"][1]["excluded_workers"] = ["ghost"]
    data["needs"][2]["resources"] = [{"id": "gold", "quantity": 1}]
    data["needs"][3]["id"] = "n001"
    assert sorted(problems_of(data)) == sorted(
        [
            "needs: id 'n001' is used 2 times",
            "needs[0].village: unknown village 'v99'",
            "needs[1].excluded_workers[0]: unknown worker 'ghost'",
            "needs[2].resources[0].id: unknown resource 'gold'",
        ]
    )


def test_missing_required_field_is_named() -> None:
    """A required field left out is reported at its path."""
    data = tiny()
    del data["needs"][1]["window"]
    assert problems_of(data) == ["needs[1].window: required field is missing"]


def test_unknown_field_under_extra_is_kept() -> None:
    """Free data under ``extra`` is accepted and kept, unlike any other unknown field."""
    data = tiny()
    data["needs"][0]["extra"] = {"colour": "red"}
    scenario = parse_scenario(json.dumps(data))
    assert scenario.needs[0].extra == {"colour": "red"}


def test_every_problem_starts_with_a_json_path() -> None:
    """Every message has the form ``json.path: what is wrong``."""
    data = tiny()
    data["needs"][0]["priority"] = 9
    data["workers"][1]["transport"] = "rocket"
    data["needs"][4]["staff"] = {"any": 0}
    problems = problems_of(data)
    assert len(problems) == 3
    paths = sorted(p.split(": ", 1)[0] for p in problems)
    assert paths == ["needs[0].priority", "needs[4].staff", "workers[1].transport"]
