"""Property-based tests of the whole HTTP API from its own OpenAPI document (schemathesis).

Every operation of ``app.openapi()`` gets generated requests, sent as a city admin to one
started app (schema migrated, plan pool running) whose station ``demo`` holds
scenarios/tiny.json. Each answer must be no 5xx, carry a documented status code and content
type, and match the schema documented for that status code.

Phases: the document's own examples; schemathesis' coverage phase (boundary values of valid
input: shortest and longest strings, largest numbers, every enum value); then
``MAX_EXAMPLES`` generated cases per operation, valid and invalid, derandomized and never
shrunk. ``MULIN_SCHEMATHESIS_EXAMPLES=200`` generates more; ``MULIN_SCHEMATHESIS_DEEP=1`` also
runs the coverage phase with invalid input and on the scenario-sized bodies (minutes, not
seconds). The database is a fresh SQLite file, or the PostgreSQL database named by
``MULIN_TEST_DATABASE_URL`` (emptied first), as in ``conftest.py``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, settings
from schemathesis import Case
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy.engine import make_url
from sqlmodel import Session
from starlette.types import Receive, Scope, Send

from api.api_kit import (
    STATION_A,
    TEST_DATABASE_ENV,
    empty_database,
    make_settings,
    scenario_for,
    wait_for_plan,
)
from service.api import create_app
from service.api.app import API_PREFIX
from service.api.auth import create_token
from service.storage.db import normalize_url

MAX_EXAMPLES = int(os.environ.get("MULIN_SCHEMATHESIS_EXAMPLES", "15"))
DEEP = os.environ.get("MULIN_SCHEMATHESIS_DEEP") == "1"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
SCENARIO_SIZED = [
    f"PUT {API_PREFIX}/stations/{{station_id}}/scenario",
    f"POST {API_PREFIX}/plans",
    f"POST {API_PREFIX}/plans/{{plan_id}}/replan",
]
"""Operations whose body holds a whole scenario (or needs): their coverage phase alone sends
some 2,700 requests and takes most of a minute, so by default they get the examples and the
generated cases only."""
KNOWN_IDS = {
    "station_id": STATION_A,
    "village_id": "v01",
    "worker_id": "sw01",
    "resource_id": "rice-5kg",
    "need_id": "n001",
}
"""Path parameters of valid cases point at records of the loaded station (and ``plan_id`` at a
done plan of its week), so that reads, updates and deletions reach real rows instead of
answering 404 to random ids."""

schema = schemathesis.openapi.from_dict(
    # The document of an app that is never started: its engine connects lazily.
    create_app(make_settings("sqlite://")).openapi(),
    config=schemathesis.Config.from_dict(
        {
            "phases": {
                "coverage": {
                    "unexpected-methods": [],
                    "generation": {"mode": "all" if DEEP else "positive"},
                }
            },
            "operations": [
                {"include-name": SCENARIO_SIZED, "phases": {"coverage": {"enabled": DEEP}}}
            ],
        }
    ),
)


class _RequestsOnly:
    """The app as schemathesis reaches it: HTTP only, its lifespan is the test client's.

    Schemathesis would otherwise start the app's lifespan a second time (a second plan pool,
    and migrations again) and stop it only when the interpreter exits.
    """

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass HTTP requests on; refuse the lifespan (schemathesis then goes without it)."""
        if scope["type"] == "lifespan":
            raise RuntimeError("the lifespan is run by the test client")
        await self.app(scope, receive, send)


@dataclass(frozen=True)
class Target:
    """The started app under test, a client of it, a city admin's header and the known ids."""

    client: TestClient
    app: _RequestsOnly
    header: dict[str, str]
    known_ids: dict[str, str]

    def restore(self) -> None:
        """Store the tiny scenario as station ``demo`` again (after a deletion)."""
        answer = self.client.put(
            f"{API_PREFIX}/stations/{STATION_A}/scenario",
            json=scenario_for(STATION_A),
            headers=self.header,
        )
        assert answer.status_code == 200, answer.text


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    """One started app for every operation: a fresh database, station demo, an admin token."""
    url = os.environ.get(TEST_DATABASE_ENV)
    if not url:
        url = f"sqlite:///{tmp_path_factory.mktemp('schemathesis') / 'mulin.db'}"
    elif make_url(normalize_url(url)).get_backend_name() != "sqlite":
        empty_database(url)
    # Generated plans may ask for up to 10 s each (more is a documented 422): the pool's one
    # thread then solves little while the cases run.
    app = create_app(make_settings(url, max_time_limit=10.0))
    with TestClient(app) as client:
        with Session(app.state.engine) as session:
            _, secret = create_token(session, "city_admin", None)
        header = {"Authorization": f"Bearer {secret}"}
        found = Target(client, _RequestsOnly(app), header, dict(KNOWN_IDS))
        found.restore()
        # A one-shot plan of the same week: deleting station demo does not take it along.
        asked = client.post(
            f"{API_PREFIX}/plans", json={"scenario": scenario_for(STATION_A)}, headers=header
        )
        assert asked.status_code == 202, asked.text
        assert wait_for_plan(client, asked.json()["id"], header)["status"] == "done"
        found.known_ids["plan_id"] = asked.json()["id"]
        yield found


def _aim_at_known_ids(case: Case[Any], known_ids: dict[str, str]) -> None:
    """Point the path parameters of a valid case at stored records (or its own station)."""
    if case.meta is not None and not case.meta.generation.mode.is_positive:
        return
    parameters = case.path_parameters or {}
    for name in parameters:
        if name in known_ids:
            parameters[name] = known_ids[name]
    station = case.body.get("station") if isinstance(case.body, dict) else None
    named = station.get("id") if isinstance(station, dict) else None
    if "station_id" in parameters and isinstance(named, str) and _addressable(named):
        # A whole scenario names its station: PUT it there, not onto demo (which would be 422).
        parameters["station_id"] = named


def _addressable(station_id: str) -> bool:
    """Whether an id stays one path segment in a URL (no ``/ ? # %``, not ``.`` or ``..``)."""
    return re.fullmatch(r"[^/?#%\\]+", station_id) is not None and station_id not in {".", ".."}


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_openapi(case: Case[Any], target: Target) -> None:
    """Generated requests get no 5xx and documented, schema-conforming answers."""
    _aim_at_known_ids(case, target.known_ids)
    response = case.call(headers=target.header, app=target.app)
    case.validate_response(response, checks=CHECKS, headers=target.header)
    if case.method.upper() == "DELETE" and response.status_code == 204:
        # Deleting the station or one of its records is allowed; later cases need them back.
        target.restore()
