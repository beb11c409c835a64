"""Inputs that once crashed the API (found by schemathesis and by probing): now 422 naming them."""

from __future__ import annotations

from typing import Annotated

import pytest
from fastapi import FastAPI, File
from fastapi.testclient import TestClient

from api.api_kit import STATION_A, Tokens
from service.api.deps import if_match
from service.api.errors import InvalidInput, install_error_handlers, safe_text, text_problem

BASE = f"/api/v1/stations/{STATION_A}"
JSON = {"Content-Type": "application/json"}


def test_body_that_is_not_utf8_is_422(stations: TestClient, tokens: Tokens) -> None:
    """A body of invalid UTF-8 gets 422 at the root, not FastAPI's undocumented 400."""
    answer = stations.post(
        f"{BASE}/villages", content=b'{"id": "\xff\xfe"}', headers=tokens.header("admin") | JSON
    )
    assert answer.status_code == 422
    problem = answer.json()["detail"][0]
    assert (problem["path"], problem["msg"]) == ("(root)", "the body is not valid UTF-8")


def test_number_too_long_to_read_is_422(stations: TestClient, tokens: Tokens) -> None:
    """An integer of 5000 digits (beyond Python's parsing limit) gets 422, not 400."""
    body = b'{"id": "v9", "name": "n", "location": {"lat": 1, "lon": 1}, "extra": '
    answer = stations.post(
        f"{BASE}/villages", content=body + b"9" * 5000 + b"}", headers=tokens.header("admin") | JSON
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["msg"] == "the body cannot be read as JSON"


def test_broken_multipart_body_is_422() -> None:
    """A multipart upload Starlette cannot parse gets 422 at the root, not an undocumented 400."""
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/upload")
    def upload(file: Annotated[bytes, File()]) -> int:
        return len(file)

    answer = TestClient(app).post(
        "/upload",
        content=b"--b\r\n['', {}]\r\n--b--\r\n",
        headers={"Content-Type": "multipart/form-data; boundary=b"},
    )
    assert answer.status_code == 422
    problem = answer.json()["detail"][0]
    assert problem["path"] == "(root)"
    assert problem["msg"].startswith("the body is not valid multipart/form-data")


def test_unpaired_surrogate_in_text_is_422(stations: TestClient, tokens: Tokens) -> None:
    """A name holding an unpaired surrogate gets 422 naming it (it was stored, then a 500)."""
    body = b'{"id": "v9", "name": "a\\ud800", "location": {"lat": 1, "lon": 1}}'
    answer = stations.post(f"{BASE}/villages", content=body, headers=tokens.header("admin") | JSON)
    assert answer.status_code == 422
    problem = answer.json()["detail"][0]
    assert problem["path"] == "name"
    assert "unpaired surrogate" in problem["msg"]


def test_unpaired_surrogate_in_a_key_leaves_the_archive_intact(
    stations: TestClient, tokens: Tokens
) -> None:
    """A key of free data holding a surrogate gets 422, and the station still exports and plans."""
    header = tokens.header("admin")
    body = b'{"id": "v9", "name": "a", "location": {"lat": 1, "lon": 1}, "extra": {"\\udc00": 1}}'
    answer = stations.post(f"{BASE}/villages", content=body, headers=header | JSON)
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["path"] == "extra"
    assert stations.get(f"{BASE}/villages/v9", headers=header).status_code == 404
    exported = stations.get(f"{BASE}/scenario", params={"week_start": "2026-11-23"}, headers=header)
    assert exported.status_code == 200
    planned = stations.post(f"{BASE}/plans", json={"week_start": "2026-11-23"}, headers=header)
    assert planned.status_code == 202


@pytest.mark.parametrize(
    ("url", "params", "path"),
    [
        ("/api/v1/stations/a%00b", {}, "path.station_id"),
        (f"{BASE}/villages/v%000", {}, "path.village_id"),
        (f"{BASE}/needs", {"village": "v\x0001"}, "query.village"),
        (f"{BASE}/needs", {"household": "h\x00"}, "query.household"),
    ],
)
def test_nul_in_path_or_query_is_422(
    stations: TestClient, tokens: Tokens, url: str, params: dict[str, str], path: str
) -> None:
    """NUL in a path or query parameter gets 422 naming it (PostgreSQL failed the lookup)."""
    answer = stations.get(url, params=params, headers=tokens.header("admin"))
    assert answer.status_code == 422
    problem = answer.json()["detail"][0]
    assert (problem["path"], problem["msg"]) == (path, "text may not contain the NUL character")


@pytest.mark.parametrize("header", ['"²"', 'W/"¹"', "٣"])
def test_if_match_with_digits_that_are_not_ascii_is_422(header: str) -> None:
    """If-Match digits other than 0-9 (which int() refuses) name no version: 422, not 500."""
    with pytest.raises(InvalidInput) as raised:
        if_match(header)
    assert raised.value.problems == [(("header", "If-Match"), f"{header!r} names no version")]


def test_text_problems_are_named() -> None:
    """NUL and unpaired surrogates are told apart; answerable text is left as it is."""
    assert text_problem("赵市村") is None
    assert text_problem("a\x00") == "may not contain the NUL character"
    assert "unpaired surrogate" in (text_problem("a\ud800") or "")
    assert safe_text("a\ud800") == "a\\ud800"
    assert safe_text("梅李镇") == "梅李镇"


@pytest.mark.parametrize("identifier", ["a/b", "..", "50%", "x?y", "h#1"])
def test_ids_that_cannot_be_a_url_segment_are_422(
    stations: TestClient, tokens: Tokens, identifier: str
) -> None:
    """An id with / ? # % or equal to .. is refused (it could never be fetched at its URL)."""
    admin = tokens.header("admin")
    village = {"id": identifier, "name": "村", "location": {"lat": 31.7, "lon": 120.8}}
    answer = stations.post(f"{BASE}/villages", json=village, headers=admin)
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["path"] == "id"
    station = {"id": identifier, "name": "站", "location": {"lat": 31.7, "lon": 120.8}}
    assert stations.post("/api/v1/stations", json=station, headers=admin).status_code == 422
    listed = stations.get(f"{BASE}/villages", headers=admin).json()
    assert identifier not in [v["id"] for v in listed["data"]]


def test_an_id_inside_extra_is_free_text(stations: TestClient, tokens: Tokens) -> None:
    """Only record ids are checked: an "id" key inside extra may hold any text."""
    village = {
        "id": "v09",
        "name": "村",
        "location": {"lat": 31.7, "lon": 120.8},
        "extra": {"id": "a/b"},
    }
    answer = stations.post(f"{BASE}/villages", json=village, headers=tokens.header("admin"))
    assert answer.status_code == 201, answer.text
