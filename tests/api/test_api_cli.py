"""The service's commands: ``mulin token create|revoke`` and ``mulin serve``."""

from __future__ import annotations

from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.api_kit import make_settings
from service.api import create_app
from service.api.cli import serve_command, token_app


@pytest.fixture
def env(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The commands' database: the test's."""
    monkeypatch.setenv("MULIN_DATABASE_URL", database_url)
    return database_url


def test_token_create_prints_the_token_last(env: str) -> None:
    """The token is the last line printed, and it works against the service until revoked."""
    made = CliRunner().invoke(token_app, ["create", "--role", "viewer", "--station", "demo"])
    assert made.exit_code == 0, made.output
    lines = made.output.strip().splitlines()
    token, token_id = lines[-1], lines[0].removeprefix("id: ")
    assert token.startswith("mulin_")
    with TestClient(create_app(make_settings(env))) as client:
        header = {"Authorization": f"Bearer {token}"}
        assert client.get("/api/v1/stations", headers=header).json() == {"data": [], "count": 0}
        revoked = CliRunner().invoke(token_app, ["revoke", token_id])
        assert revoked.exit_code == 0, revoked.output
        assert client.get("/api/v1/stations", headers=header).status_code == 401


@pytest.mark.parametrize(
    "args",
    [
        ["create", "--role", "king"],
        ["create", "--role", "viewer"],
        ["create", "--role", "city_admin", "--station", "demo"],
        ["revoke", "tok_nobody"],
    ],
    ids=["unknown-role", "viewer-without-station", "admin-with-station", "unknown-token"],
)
def test_bad_token_commands_exit_2(env: str, args: list[str]) -> None:
    """Unknown roles, missing or extra stations and unknown ids exit with 2."""
    assert CliRunner().invoke(token_app, args).exit_code == 2


def test_serve_runs_uvicorn_on_the_app(env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Mulin serve hands uvicorn an app built from the environment's settings."""
    seen: dict[str, Any] = {}

    def fake_run(app: FastAPI, host: str, port: int) -> None:
        seen.update(app=app, host=host, port=port)

    monkeypatch.setattr(uvicorn, "run", fake_run)
    serve_command(host="127.0.0.2", port=8123)
    assert (seen["host"], seen["port"]) == ("127.0.0.2", 8123)
    assert seen["app"].state.settings.database_url == env
