"""Caps on input: names, extra, problems listed, spreadsheet size; clear 413/422 answers."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.api_kit import STATION_A, Tokens, make_settings, scenario_for
from benchmarks.trust_probe import million_rows
from service.api.settings import Settings
from service.loading import MAX_PROBLEMS
from service.wire.common import MAX_EXTRA_BYTES, MAX_NAME_CHARS

BASE = f"/api/v1/stations/{STATION_A}"
BODY_BYTES = 10 * 1024 * 1024
SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.fixture
def settings(database_url: str) -> Settings:
    """The service's default body limit (10 MB), so that the caps below are what refuses."""
    return make_settings(database_url, max_body_bytes=BODY_BYTES)


def _paths(answer: object) -> list[str]:
    return [p["path"] for p in answer.json()["detail"]]  # type: ignore[attr-defined]


def test_a_name_over_200_characters_is_422(stations: TestClient, tokens: Tokens) -> None:
    """A station, village or worker name over 200 characters is refused at its path."""
    scenario = scenario_for(STATION_A)
    scenario["station"]["name"] = "镇" * (MAX_NAME_CHARS + 1)
    scenario["workers"][0]["name"] = "x" * 1_000_000
    answer = stations.put(f"{BASE}/scenario", json=scenario, headers=tokens.header("admin"))
    assert answer.status_code == 422
    assert _paths(answer) == ["station.name", "workers[0].name"]
    assert len(answer.content) < 2000
    scenario["station"]["name"] = "镇" * MAX_NAME_CHARS
    scenario["workers"][0]["name"] = "陈静"
    ok = stations.put(f"{BASE}/scenario", json=scenario, headers=tokens.header("admin"))
    assert ok.status_code == 200, ok.text


def test_extra_over_16_kb_is_422(stations: TestClient, tokens: Tokens) -> None:
    """A record's extra over 16 KB of JSON is refused at its path; 16 KB passes."""
    scenario = scenario_for(STATION_A)
    scenario["needs"][0]["extra"] = {"note": "a" * MAX_EXTRA_BYTES}
    answer = stations.put(f"{BASE}/scenario", json=scenario, headers=tokens.header("admin"))
    assert answer.status_code == 422
    assert _paths(answer) == ["needs[0].extra"]
    scenario["needs"][0]["extra"] = {"note": "a" * (MAX_EXTRA_BYTES - 20)}
    ok = stations.put(f"{BASE}/scenario", json=scenario, headers=tokens.header("admin"))
    assert ok.status_code == 200, ok.text


def test_at_most_1000_problems_are_listed(stations: TestClient, tokens: Tokens) -> None:
    """A scenario with 3,000 bad fields gets the first 1,000 problems and a count of the rest."""
    scenario = scenario_for(STATION_A)
    need = scenario["needs"][0]
    scenario["needs"] = [need | {"id": f"n{i}", "priority": 9} for i in range(3000)]
    answer = stations.put(f"{BASE}/scenario", json=scenario, headers=tokens.header("admin"))
    assert answer.status_code == 422
    detail = answer.json()["detail"]
    assert len(detail) == MAX_PROBLEMS + 1
    assert detail[-1]["type"] == "too_many_problems" and "2000 more" in detail[-1]["msg"]


def test_an_import_of_many_bad_rows_gets_a_bounded_answer(
    stations: TestClient, tokens: Tokens
) -> None:
    """A CSV of 20,000 bad rows answers 422 with 1,000 problems, a count, and under 1 MB."""
    lines = (SCENARIOS / "demo-needs.csv").read_text(encoding="utf-8-sig").splitlines()
    bad = lines[1].replace(",v01,", ",v99,").replace(",elderly_care,1,", ",elderly_care,9,")
    rows = [bad.replace("n001,h001", f"n{i},h{i}") for i in range(20_000)]
    data = ("\n".join([lines[0], *rows]) + "\n").encode()
    answer = stations.post(
        f"{BASE}/needs/import",
        files={"file": ("bad.csv", data)},
        headers=tokens.header("admin"),
    )
    assert answer.status_code == 422
    detail = answer.json()["detail"]
    assert len(detail) == MAX_PROBLEMS + 1
    assert detail[-1]["row"] is None and "另有 " in detail[-1]["message"]
    assert len(answer.content) < 1_000_000


def test_a_million_row_sheet_is_refused_in_under_a_second(
    stations: TestClient, tokens: Tokens
) -> None:
    """An xlsx of a million empty rows is refused by its size, before its rows are read."""
    sheet = million_rows()
    started = time.process_time()
    answer = stations.post(
        f"{BASE}/needs/import",
        files={"file": ("million.xlsx", sheet)},
        params={"language": "en"},
        headers=tokens.header("admin"),
    )
    assert time.process_time() - started < 1.0
    assert answer.status_code == 422
    assert "the sheet spans" in answer.json()["detail"][0]["message"]
