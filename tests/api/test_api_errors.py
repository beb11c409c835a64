"""Bad input never gets a 500: 413 for large bodies, 422 with paths for everything else."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi.testclient import TestClient

from api.api_kit import STATION_A, Tokens, scenario_for
from service.api.errors import loc_of_path, unstorable_values

BASE = f"/api/v1/stations/{STATION_A}"


def test_declared_oversized_body_is_413(client: TestClient, tokens: Tokens) -> None:
    """A body whose Content-Length is above the limit gets 413 before it is read."""
    big = scenario_for(STATION_A) | {"extra": "x" * (1024 * 1024 + 1)}
    answer = client.put(f"{BASE}/scenario", json=big, headers=tokens.header("admin"))
    assert answer.status_code == 413
    assert "larger than 1048576 bytes" in answer.json()["detail"]


def test_streamed_oversized_body_is_413(client: TestClient, tokens: Tokens) -> None:
    """A chunked body (no Content-Length) that grows past the limit gets 413 too."""

    def chunks() -> Iterator[bytes]:
        yield b'{"extra": "'
        for _ in range(20):
            yield b"x" * 65536
        yield b'"}'

    answer = client.put(
        f"{BASE}/scenario",
        content=chunks(),
        headers=tokens.header("admin") | {"Content-Type": "application/json"},
    )
    assert answer.status_code == 413


def test_body_that_is_not_json_is_422(stations: TestClient, tokens: Tokens) -> None:
    """Broken JSON gets 422 at the root."""
    answer = stations.post(
        f"{BASE}/villages",
        content=b'{"id": ',
        headers=tokens.header("admin") | {"Content-Type": "application/json"},
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["path"] == "(root)"


def test_values_no_database_holds_are_422(stations: TestClient, tokens: Tokens) -> None:
    """Huge integers, NaN and NUL characters get 422 at their path instead of a 500."""
    header = tokens.header("admin")
    resource = {"id": "r", "name": "r", "kind": "goods", "unit": "bag", "available": 10**30}
    huge = stations.post(f"{BASE}/resources", json=resource, headers=header)
    assert huge.status_code == 422
    assert huge.json()["detail"][0]["path"] == "available"
    nan = stations.post(
        f"{BASE}/villages",
        content=b'{"id": "v7", "name": "n", "location": {"lat": 1, "lon": 1}, "extra": NaN}',
        headers=header | {"Content-Type": "application/json"},
    )
    assert nan.status_code == 422
    assert nan.json()["detail"][0]["path"] == "extra"
    nul = {"id": "v8", "name": "a\x00b", "location": {"lat": 1.0, "lon": 1.0}}
    answer = stations.post(f"{BASE}/villages", json=nul, headers=header)
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["path"] == "name"


def test_deeply_nested_free_data_is_422(client: TestClient, tokens: Tokens) -> None:
    """Free data under extra may not nest deeper than can be stored and answered."""
    depth = 500
    body = '{"id": "s", "name": "n", "location": {"lat": 1, "lon": 1}, "extra": '
    body += "[" * depth + "]" * depth + "}"
    answer = client.post(
        "/api/v1/stations",
        content=body.encode(),
        headers=tokens.header("admin") | {"Content-Type": "application/json"},
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["msg"] == "nested too deeply (at most 64 levels)"
    assert client.get("/api/v1/stations/s", headers=tokens.header("admin")).status_code == 404


def test_bad_if_match_is_422(stations: TestClient, tokens: Tokens) -> None:
    """An If-Match header that names no version gets 422."""
    answer = stations.patch(
        f"{BASE}/villages/v01",
        json={"name": "x"},
        headers=tokens.header("admin") | {"If-Match": "yesterday"},
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["header", "If-Match"]


def test_wrong_types_in_query_and_path_are_422(stations: TestClient, tokens: Tokens) -> None:
    """Query parameters of the wrong type get 422 naming them."""
    answer = stations.get(
        f"{BASE}/needs", params={"priority": "high", "offset": -1}, headers=tokens.header("admin")
    )
    assert answer.status_code == 422
    assert {p["path"] for p in answer.json()["detail"]} == {"query.priority", "query.offset"}


def test_paths_parse_back_to_locations() -> None:
    """JSON paths of service.loading turn back into pydantic-style locations."""
    assert loc_of_path("needs[3].village") == ("needs", 3, "village")
    assert loc_of_path("workers[0].availability.mon[1]") == (
        "workers",
        0,
        "availability",
        "mon",
        1,
    )
    assert loc_of_path("(root)") == ()


def test_unstorable_values_are_found_anywhere() -> None:
    """The storability check walks nested lists and objects."""
    value = {"a": [1, {"b": float("inf")}], "c": 2**64, "d": "ok", "e": True}
    assert unstorable_values(value) == [
        (("a", 1, "b"), "inf is not a finite number"),
        (("c",), f"{2**64} is too large (at most {2**63 - 1})"),
    ]
