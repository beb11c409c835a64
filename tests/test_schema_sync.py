"""The committed JSON Schemas under scenarios/schema/ match the wire models."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.cli import json_schema

SCHEMAS = Path(__file__).resolve().parents[1] / "scenarios" / "schema"


@pytest.mark.parametrize("which", ["scenario", "plan"])
def test_committed_schema_matches_the_models(which: str) -> None:
    """scenarios/schema/<which>.schema.json equals ``json_schema(which)`` plus a newline."""
    path = SCHEMAS / f"{which}.schema.json"
    regenerate = f"regenerate with: mulin schema {which} > scenarios/schema/{which}.schema.json"
    assert path.exists(), f"{path} is missing; {regenerate}"
    committed = path.read_text(encoding="utf-8")
    assert committed == json_schema(which) + "\n", f"{path} is out of date; {regenerate}"


@pytest.mark.parametrize(
    ("which", "tag"), [("scenario", "mulin.scenario/1"), ("plan", "mulin.plan/1")]
)
def test_committed_schema_pins_the_format_tag(which: str, tag: str) -> None:
    """The committed schema only accepts its own format tag."""
    schema = json.loads((SCHEMAS / f"{which}.schema.json").read_text(encoding="utf-8"))
    assert schema["properties"]["format"]["const"] == tag
    assert "format" in schema["required"]
