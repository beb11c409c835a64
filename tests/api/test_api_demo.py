"""``mulin serve --demo``: the demo station loaded once, a working token and curl line; refusals."""

from __future__ import annotations

import json
import shlex
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, func, select
from typer.testing import CliRunner, Result

from api.api_kit import ROOT
from service.api import Settings, create_app
from service.api.cli import DemoStart, base_url, demo_lines, prepare_demo
from service.cli import app as mulin
from service.storage.db import make_engine
from service.storage.models import AuditEntry, Need

TOWN = ROOT / "scenarios" / "town-25.json"


def town() -> dict[str, Any]:
    """The demo scenario as JSON data."""
    data: dict[str, Any] = json.loads(TOWN.read_text(encoding="utf-8"))
    return data


def stored_needs(settings: Settings, station_id: str) -> int:
    """How many needs the station's archive holds."""
    engine = make_engine(settings)
    try:
        with Session(engine) as session:
            query = select(func.count()).select_from(Need)
            return session.exec(query.where(col(Need.station_id) == station_id)).one()
    finally:
        engine.dispose()


def free_port() -> int:
    """A loopback port nothing listens on (at the time of asking)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def no_server(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """uvicorn.run replaced by a recorder: what it would have served, nothing started."""
    seen: dict[str, Any] = {}

    def fake_run(app: FastAPI, host: str, port: int) -> None:
        seen.update(app=app, host=host, port=port)

    monkeypatch.setattr(uvicorn, "run", fake_run)
    return seen


def serve(database_url: str, *args: str) -> Result:
    """``mulin serve ARGS`` on this database, MULIN_LANG unset."""
    env = {"MULIN_DATABASE_URL": database_url, "MULIN_LANG": None}
    return CliRunner().invoke(mulin, ["serve", *args], env=env)


@pytest.fixture
def started(settings: Settings) -> Iterator[DemoStart]:
    """The demo set up once on the test's database."""
    yield prepare_demo(settings, TOWN)


def test_the_demo_station_is_loaded_once(settings: Settings, started: DemoStart) -> None:
    """The first start loads the station of town-25.json; the second finds it and adds nothing."""
    data = town()
    assert started.loaded
    assert started.station_id == data["station"]["id"]
    assert (started.villages, started.workers, started.needs) == (
        len(data["villages"]),
        len(data["workers"]),
        len(data["needs"]),
    )
    again = prepare_demo(settings, TOWN)
    assert not again.loaded
    assert again.token != started.token
    assert stored_needs(settings, started.station_id) == len(data["needs"])


def test_the_loaded_needs_are_audited_by_id(settings: Settings, started: DemoStart) -> None:
    """Loading the demo records one ``create`` audit entry per need, by id, from the command."""
    engine = make_engine(settings)
    with Session(engine) as session:
        entries = session.exec(select(AuditEntry)).all()
    engine.dispose()
    assert {entry.entity_id for entry in entries} == {need["id"] for need in town()["needs"]}
    assert {(entry.action, entry.token_id) for entry in entries} == {("create", "cli:serve-demo")}


def test_a_second_start_keeps_the_stations_own_edits(
    settings: Settings, started: DemoStart
) -> None:
    """A need deleted and one renamed after the first start stay so after the second."""
    header = {"Authorization": f"Bearer {started.token}"}
    needs = f"/api/v1/stations/{started.station_id}/needs"
    first, second = (need["id"] for need in town()["needs"][:2])
    with TestClient(create_app(settings)) as client:
        assert client.delete(f"{needs}/{first}", headers=header).status_code == 204
        version = client.get(f"{needs}/{second}", headers=header).json()["version"]
        changed = client.patch(
            f"{needs}/{second}",
            json={"household": "h-edited"},
            headers={**header, "If-Match": str(version)},
        )
        assert changed.status_code == 200, changed.text
    assert not prepare_demo(settings, TOWN).loaded
    with TestClient(create_app(settings)) as client:
        assert client.get(f"{needs}/{first}", headers=header).status_code == 404
        assert client.get(f"{needs}/{second}", headers=header).json()["household"] == "h-edited"
    assert stored_needs(settings, started.station_id) == len(town()["needs"]) - 1


def test_the_printed_curl_line_works_against_the_service(
    settings: Settings, started: DemoStart
) -> None:
    """The token is a line of its own, and the curl line's header and URL answer 5 needs."""
    lines = demo_lines(started, "127.0.0.1", 8000, "en")
    assert started.token in lines
    assert "API docs: http://127.0.0.1:8000/docs" in lines
    words = shlex.split(lines[-1])
    assert words[:2] == ["curl", "-H"]
    assert words[2] == f"Authorization: Bearer {started.token}"
    url = words[3]
    assert url == f"http://127.0.0.1:8000/api/v1/stations/{started.station_id}/needs?limit=5"
    name, value = words[2].split(": ", 1)
    parts = urlsplit(url)
    with TestClient(create_app(settings)) as client:
        answer = client.get(f"{parts.path}?{parts.query}", headers={name: value})
    assert answer.status_code == 200, answer.text
    assert len(answer.json()["data"]) == 5
    assert answer.json()["count"] == len(town()["needs"])


def test_messages_are_chinese_by_default_and_english_on_request(started: DemoStart) -> None:
    """The same lines in both languages; a kept station is said to be kept."""
    chinese = demo_lines(started, "0.0.0.0", 8000, "zh")
    assert chinese[0].startswith("已载入演示工作站")
    assert "接口文档：http://127.0.0.1:8000/docs" in chinese
    kept = DemoStart(**{**started.__dict__, "loaded": False})
    assert demo_lines(kept, "127.0.0.1", 8000, "en")[0] == (
        f'The demo station "{started.station_id}" exists already; its data is left as it is.'
    )


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("0.0.0.0", "http://127.0.0.1:8000"),
        ("::", "http://127.0.0.1:8000"),
        ("::1", "http://[::1]:8000"),
        ("10.1.2.3", "http://10.1.2.3:8000"),
    ],
)
def test_printed_urls_name_a_reachable_host(host: str, url: str) -> None:
    """A wildcard listening address is shown as the loopback; IPv6 goes in brackets."""
    assert base_url(host, 8000) == url


def test_serve_demo_prints_then_serves(database_url: str, no_server: dict[str, Any]) -> None:
    """The command sets up the demo, prints token, docs URL and curl line, then runs uvicorn."""
    port = free_port()
    result = serve(database_url, "--demo", "--port", str(port))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    token = next(line for line in lines if line.startswith("mulin_"))
    assert f"接口文档：http://127.0.0.1:{port}/docs" in lines
    assert lines[-1].startswith(f'curl -H "Authorization: Bearer {token}" "http://127.0.0.1:{port}')
    assert (no_server["host"], no_server["port"]) == ("127.0.0.1", port)
    assert no_server["app"].state.settings.database_url == database_url


@pytest.mark.parametrize(
    "url",
    [
        "not a url",
        "nosuchdatabase://somewhere/x",
        "sqlite:////nonexistent-directory/mulin/mulin.db",
        "postgresql://postgres:secret@127.0.0.1:1/mulin",
    ],
    ids=["unparseable", "unknown-dialect", "sqlite-bad-path", "postgres-refused"],
)
@pytest.mark.parametrize("demo", [True, False], ids=["demo", "plain"])
def test_a_bad_database_url_is_refused_in_one_line(
    url: str, demo: bool, no_server: dict[str, Any]
) -> None:
    """Exit 2 and one line naming the database (password hidden), no traceback, no server."""
    args = ["--port", str(free_port()), "--lang", "en", *(["--demo"] if demo else [])]
    result = serve(url, *args)
    assert result.exit_code == 2, result.output
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("The database is not usable (")
    assert "secret" not in result.stderr
    assert "Traceback" not in result.output
    assert no_server == {}


def test_a_port_in_use_is_refused_in_one_line(database_url: str, no_server: dict[str, Any]) -> None:
    """A port something listens on gets exit 2 and one line saying so, before any set-up."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = serve(database_url, "--demo", "--port", str(port), "--lang", "en")
    assert result.exit_code == 2, result.output
    assert result.stderr == f"Cannot serve on 127.0.0.1:{port}: the port is in use.\n"
    assert no_server == {}
    assert "mulin_" not in result.stdout


def test_an_invalid_demo_scenario_is_refused_in_one_line(
    database_url: str, tmp_path: Path, no_server: dict[str, Any]
) -> None:
    """A demo scenario that does not validate gets exit 2 and its first problem, on one line."""
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "mulin.scenario/1"}', encoding="utf-8")
    args = ["--demo", "--demo-scenario", str(broken), "--port", str(free_port()), "--lang", "en"]
    result = serve(database_url, *args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"Invalid demo scenario ({broken}): ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert no_server == {}
