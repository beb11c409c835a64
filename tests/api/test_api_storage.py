"""Settings, engine, migrations and the wire ↔ storage conversion."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

from api.api_kit import ROOT, make_settings, tiny
from service.api import Settings
from service.loading import InvalidDocument, parse_scenario
from service.storage import convert
from service.storage.db import make_engine, migrate, normalize_url
from service.wire.scenario import Scenario

WEEK = dt.date(2026, 11, 23)


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """MULIN_* variables set the settings; the defaults are a local SQLite file."""
    monkeypatch.delenv("MULIN_DATABASE_URL", raising=False)
    assert Settings().database_url == "sqlite:///./mulin.db"
    monkeypatch.setenv("MULIN_DATABASE_URL", "sqlite:////tmp/elsewhere.db")
    monkeypatch.setenv("MULIN_PLAN_POOL_SIZE", "3")
    settings = Settings()
    assert (settings.database_url, settings.plan_pool_size) == ("sqlite:////tmp/elsewhere.db", 3)


def test_postgresql_urls_get_the_psycopg_driver() -> None:
    """A plain postgresql:// URL uses psycopg 3; other URLs are kept."""
    assert normalize_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_url("sqlite:///./x.db") == "sqlite:///./x.db"


def test_sqlite_has_foreign_keys_and_wal(tmp_path: object) -> None:
    """Every SQLite connection enforces foreign keys and writes ahead."""
    engine = make_engine(make_settings(f"sqlite:///{tmp_path}/x.db"))
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    engine.dispose()


def test_migrations_build_exactly_the_tables(database_url: str) -> None:
    """After migrating, the database matches the SQLModel tables: autogenerate finds nothing."""
    settings = make_settings(database_url)
    engine = make_engine(settings)
    migrate(engine, settings)
    migrate(engine, settings)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []
    engine.dispose()


@pytest.mark.parametrize("name", ["tiny.json", "town-25.json"])
def test_scenario_survives_rows(name: str) -> None:
    """Scenario → rows → scenario gives the same scenario."""
    scenario = parse_scenario((ROOT / "scenarios" / name).read_bytes())
    back = convert.rows_to_scenario(convert.scenario_to_rows(scenario), scenario.week_start)
    assert back.model_dump() == scenario.model_dump()


def test_extras_and_defaults_survive_rows() -> None:
    """Extra members, a worker's base and an absent need location come back as they were."""
    data = tiny()
    data["extra"] = {"source": "test"}
    data["station"]["extra"] = [1, 2]
    data["workers"][0]["base"] = {"lat": 31.7, "lon": 120.9}
    data["needs"][0].pop("location")
    data["needs"][0]["extra"] = {"note": None}
    data["resources"][0]["eligible_groups"] = None
    scenario = Scenario.model_validate(data)
    rows = convert.scenario_to_rows(scenario)
    assert rows.needs[0].lat is None
    back = convert.rows_to_scenario(rows, WEEK)
    assert back.model_dump() == scenario.model_dump()
    assert json.loads(back.model_dump_json())["extra"] == {"source": "test"}


def test_an_archive_without_villages_is_no_scenario() -> None:
    """An archive without villages makes no scenario: InvalidDocument naming villages."""
    rows = convert.scenario_to_rows(Scenario.model_validate(tiny()))
    rows.villages, rows.needs = [], []
    with pytest.raises(InvalidDocument) as raised:
        convert.rows_to_scenario(rows, WEEK)
    assert raised.value.problems[0].startswith("villages:")
    assert convert.archive_scenario(rows).villages == []
