"""Fixtures of the API tests: a fresh database per test, a running app, tokens of every role.

The database is a new SQLite file per test, or, when ``MULIN_TEST_DATABASE_URL`` is set (CI
sets it to a PostgreSQL database made for the run), that database with its schema emptied
before each test. Tests never touch whatever ``MULIN_DATABASE_URL`` names.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url
from sqlmodel import Session

from api.api_kit import (
    STATION_A,
    STATION_B,
    TEST_DATABASE_ENV,
    Tokens,
    empty_database,
    make_settings,
    scenario_for,
)
from service.api import Settings, create_app
from service.api.auth import create_token
from service.storage.db import normalize_url


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """A database for one test: a fresh SQLite file, or the emptied PostgreSQL test database."""
    url = os.environ.get(TEST_DATABASE_ENV)
    if not url:
        return f"sqlite:///{tmp_path / 'mulin.db'}"
    if make_url(normalize_url(url)).get_backend_name() != "sqlite":
        empty_database(url)
    return url


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Settings of the test's app."""
    return make_settings(database_url)


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    """The app, not started."""
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """A client of the started app (schema migrated, plan pool running)."""
    with TestClient(app) as started:
        yield started


@pytest.fixture
def tokens(client: TestClient) -> Tokens:
    """Tokens of every role: a city admin, and a coordinator and a viewer of each station."""
    engine = client.app.state.engine  # type: ignore[attr-defined]
    made = {}
    with Session(engine) as session:
        for name, role, station in (
            ("admin", "city_admin", None),
            ("coordinator_a", "station_coordinator", STATION_A),
            ("viewer_a", "viewer", STATION_A),
            ("coordinator_b", "station_coordinator", STATION_B),
            ("viewer_b", "viewer", STATION_B),
        ):
            row, secret = create_token(session, role, station)  # type: ignore[arg-type]
            made[name] = (row.id, secret)
    return Tokens(made)


@pytest.fixture
def stations(client: TestClient, tokens: Tokens) -> TestClient:
    """Both stations loaded with the tiny scenario (under their own station ids)."""
    for station in (STATION_A, STATION_B):
        answer = client.put(
            f"/api/v1/stations/{station}/scenario",
            json=scenario_for(station),
            headers=tokens.header("admin"),
        )
        assert answer.status_code == 200, answer.text
    return client
