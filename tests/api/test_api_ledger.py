"""The ledger over HTTP and from ``mulin ledger``: counts from the records, access, no notes."""

from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from api.api_kit import STATION_A, WEEK, Tokens, tiny, wait_for_plan
from service.cli import app as cli_app
from service.exports.labels import LABELS
from service.storage.models import AuditEntry

NOTE = "SECRET-NOTE-h002-不要外传"
LEDGER = f"/api/v1/stations/{STATION_A}/ledger"
OUTCOMES: list[dict[str, Any] | None] = [
    {"status": "done", "note": NOTE},
    {"status": "missed", "missed_reason": "refused", "note": NOTE},
    {"status": "partly_done", "actual_minutes": 15},
    None,
]


def zh(key: str) -> str:
    """A Chinese ledger label."""
    return LABELS["zh"][key]


@pytest.fixture
def recorded(stations: TestClient, tokens: Tokens) -> dict[str, Any]:
    """Station A's planned week with visits recorded done (a 双工 one), missed, partly, not."""
    header = tokens.header("coordinator_a")
    answer = stations.post(
        f"/api/v1/stations/{STATION_A}/plans",
        json={"week_start": WEEK, "time_limit": 0.5},
        headers=header,
    )
    assert answer.status_code == 202, answer.text
    job = wait_for_plan(stations, answer.json()["id"], header)
    assert job["status"] == "done", job["error"]
    roles = {w["id"]: w["role"] for w in tiny()["workers"]}

    def paired(visit: dict[str, Any]) -> bool:
        team = {roles[w] for w in visit["worker_ids"]}
        return {"social_worker", "volunteer"} <= team

    visits = sorted(job["plan"]["visits"], key=lambda v: not paired(v))
    assert len(visits) >= len(OUTCOMES) and paired(visits[0])
    statuses: Counter[str] = Counter()
    for index, visit in enumerate(visits):
        body = OUTCOMES[min(index, len(OUTCOMES) - 1)]
        if body is None:
            statuses["not_recorded"] += 1
            continue
        put = stations.put(
            f"/api/v1/plans/{job['id']}/records/{visit['need_id']}/{visit['visit']}",
            json=body,
            headers=header,
        )
        assert put.status_code == 201, put.text
        statuses[body["status"]] += 1
    return {"job": job, "statuses": statuses, "paired": 1}


def test_the_ledger_counts_what_was_recorded(
    stations: TestClient, tokens: Tokens, recorded: dict[str, Any]
) -> None:
    """The workbook's rows, statuses and 双工 count match the records made; notes never show."""
    answer = stations.get(
        f"{LEDGER}.xlsx", params={"month": "2026-11"}, headers=tokens.header("viewer_a")
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "ledger-demo-2026-11.xlsx" in answer.headers["content-disposition"]
    book = load_workbook(io.BytesIO(answer.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    header = [str(cell) for cell in rows[0]]
    status = header.index(zh("ledger.col.status"))
    found = Counter(row[status] for row in rows[1:])
    expected = recorded["statuses"]
    assert found == Counter({zh(f"ledger.status.{s}"): n for s, n in expected.items()})
    assert sum(expected.values()) == len(recorded["job"]["plan"]["visits"])
    workers = book[zh("ledger.sheet.workers")]
    last = list(workers.iter_rows(values_only=True))[-1]
    assert last[0] == zh("ledger.paired_total") and last[-1] == recorded["paired"]
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        xml = b"".join(archive.read(name) for name in archive.namelist())
    assert b"SECRET-NOTE" not in xml


def test_the_csv_is_the_first_sheet_in_english(
    stations: TestClient, tokens: Tokens, recorded: dict[str, Any]
) -> None:
    """ledger.csv with language=en: UTF-8 with a BOM, English headers, one line per visit."""
    answer = stations.get(
        f"{LEDGER}.csv",
        params={"month": "2026-11", "language": "en"},
        headers=tokens.header("coordinator_a"),
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.content.startswith("\ufeff".encode())
    text = answer.content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][:4] == ["Date", "Village", "Village id", "Household"]
    assert len(lines) - 1 == len(recorded["job"]["plan"]["visits"])
    assert {line[lines[0].index("Status")] for line in lines[1:]} == {
        "done",
        "missed",
        "partly done",
        "not recorded",
    }
    assert "SECRET-NOTE" not in text


def test_access_and_bad_months(
    stations: TestClient, tokens: Tokens, recorded: dict[str, Any]
) -> None:
    """Another station's coordinator gets 404; a bad month 422; a month without plans no rows."""
    for suffix in ("xlsx", "csv"):
        hidden = stations.get(
            f"{LEDGER}.{suffix}",
            params={"month": "2026-11"},
            headers=tokens.header("coordinator_b"),
        )
        assert hidden.status_code == 404
    own = tokens.header("coordinator_a")
    for bad in ("2026-13", "11-2026", "2026-1"):
        answer = stations.get(f"{LEDGER}.xlsx", params={"month": bad}, headers=own)
        assert answer.status_code == 422, bad
        assert answer.json()["detail"][0]["loc"] == ["query", "month"]
    assert stations.get(f"{LEDGER}.csv", headers=own).status_code == 422
    empty = stations.get(f"{LEDGER}.csv", params={"month": "2026-10"}, headers=own)
    assert empty.status_code == 200
    assert len(empty.content.decode("utf-8-sig").splitlines()) == 1
    nowhere = stations.get(
        "/api/v1/stations/nowhere/ledger.xlsx", params={"month": "2026-11"}, headers=own
    )
    assert nowhere.status_code == 404


def test_a_ledger_read_is_audited(
    stations: TestClient, tokens: Tokens, recorded: dict[str, Any]
) -> None:
    """Reading the ledger leaves an audit entry naming the token, the station and the month."""
    own = tokens.header("coordinator_a")
    assert stations.get(f"{LEDGER}.csv", params={"month": "2026-11"}, headers=own).is_success
    engine = stations.app.state.engine  # type: ignore[attr-defined]
    with Session(engine) as session:
        entries = session.exec(select(AuditEntry).where(col(AuditEntry.entity) == "ledger")).all()
    assert [(e.token_id, e.station_id, e.entity_id) for e in entries] == [
        (tokens.id("coordinator_a"), STATION_A, "2026-11")
    ]


def test_mulin_ledger_writes_the_same_rows(
    stations: TestClient,
    tokens: Tokens,
    recorded: dict[str, Any],
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The ledger command reads MULIN_DATABASE_URL and writes the files the API serves."""
    monkeypatch.setenv("MULIN_DATABASE_URL", database_url)
    runner = CliRunner()
    out = tmp_path / "ledger.csv"
    done = runner.invoke(
        cli_app, ["ledger", "--station", STATION_A, "--month", "2026-11", "--out", str(out)]
    )
    assert done.exit_code == 0, done.output
    served = stations.get(
        f"{LEDGER}.csv", params={"month": "2026-11"}, headers=tokens.header("coordinator_a")
    )
    assert out.read_bytes() == served.content
    xlsx = tmp_path / "ledger.xlsx"
    args = ["ledger", "--station", STATION_A, "--month", "2026-11", "--out", str(xlsx)]
    assert runner.invoke(cli_app, [*args, "--lang", "en"]).exit_code == 0
    assert load_workbook(xlsx).worksheets[0].title == "Ledger"
    for bad in (
        ["--station", "nowhere", "--month", "2026-11", "--out", str(xlsx)],
        ["--station", STATION_A, "--month", "2026-13", "--out", str(xlsx)],
        ["--station", STATION_A, "--month", "2026-11", "--out", str(tmp_path / "x.pdf")],
        ["--station", STATION_A, "--month", "2026-11", "--out", str(xlsx), "--lang", "fr"],
    ):
        assert runner.invoke(cli_app, ["ledger", *bad]).exit_code == 2, bad
