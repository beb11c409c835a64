"""Shared helpers of the API tests: the two test stations, tokens, polling a plan."""

from __future__ import annotations

import copy
import json
import time
from functools import cache
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from service.api import Settings
from service.storage.db import normalize_url

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "scenarios" / "tiny.json"
STATION_A = "demo"
STATION_B = "other"
WEEK = "2026-11-23"
TEST_DATABASE_ENV = "MULIN_TEST_DATABASE_URL"


@cache
def _tiny() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(TINY.read_text(encoding="utf-8"))
    return data


def tiny() -> dict[str, Any]:
    """A fresh copy of scenarios/tiny.json as JSON data."""
    return copy.deepcopy(_tiny())


def scenario_for(station_id: str) -> dict[str, Any]:
    """The tiny scenario with its station renamed."""
    data = tiny()
    data["station"]["id"] = station_id
    return data


class Tokens:
    """Tokens made for a test, by name: ``admin``, ``coordinator_a``, ``viewer_b``."""

    def __init__(self, made: dict[str, tuple[str, str]]) -> None:
        self.made = made

    def header(self, name: str) -> dict[str, str]:
        """The Authorization header of a token."""
        return {"Authorization": f"Bearer {self.made[name][1]}"}

    def id(self, name: str) -> str:
        """The id of a token."""
        return self.made[name][0]


def wait_for_plan(
    client: TestClient, plan_id: str, headers: dict[str, str], timeout: float = 30.0
) -> dict[str, Any]:
    """Poll a plan job until it has finished; its last answer."""
    deadline = time.monotonic() + timeout
    while True:
        answer = client.get(f"/api/v1/plans/{plan_id}", headers=headers)
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        if body["status"] in ("done", "failed", "cancelled"):
            return body
        assert time.monotonic() < deadline, f"plan {plan_id} still {body['status']}"
        time.sleep(0.05)


def empty_database(url: str) -> None:
    """Drop every table of a PostgreSQL test database (its name must contain "test")."""
    parsed = make_url(normalize_url(url))
    if "test" not in (parsed.database or ""):
        raise RuntimeError(f"{TEST_DATABASE_ENV} must name a database whose name has 'test'")
    engine = create_engine(parsed)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


def make_settings(database_url: str, **changes: object) -> Settings:
    """Test settings: every field given, so that no MULIN_* variable of the shell applies."""
    values: dict[str, object] = {
        "database_url": database_url,
        "max_body_bytes": 1024 * 1024,
        "plan_pool_size": 1,
        "max_queued_plans": 20,
        "default_time_limit": 2.0,
        "max_time_limit": 60.0,
        "max_plan_workers": 2,
        "migrate_on_start": True,
        "migrations_dir": None,
        "broker_url": None,
        "queue_prefix": "mulin",
        "job_lease_seconds": 30.0,
        "audit_flush_seconds": 0.2,
    }
    values.update(changes)
    return Settings(**values)  # type: ignore[arg-type]
