"""The database: engines for SQLite and PostgreSQL, and schema migrations with Alembic.

Nothing here runs at import time: the service builds its engine from its settings with
:func:`make_engine` and brings the schema up to date with :func:`migrate`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, event, text
from sqlalchemy.engine import Connection, make_url
from sqlmodel import create_engine

SQLITE_BUSY_MS = 30_000
"""How long a SQLite connection waits for another writer before giving up."""


class DatabaseSettings(Protocol):
    """What the database needs of the service settings."""

    @property
    def database_url(self) -> str:
        """The SQLAlchemy URL."""

    @property
    def migrations_dir(self) -> Path | None:
        """The Alembic scripts, or None for the default."""


def normalize_url(url: str) -> str:
    """Pick the psycopg (version 3) driver for a plain ``postgresql://`` URL.

    Parameters
    ----------
    url
        A SQLAlchemy database URL.

    Returns
    -------
    str
        The same URL, with ``+psycopg`` when PostgreSQL was named without a driver.
    """
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Foreign keys on, write-ahead log, and a busy timeout, on every new connection.

    pysqlite's own transaction handling is switched off so that :func:`_sqlite_begin` can
    start each transaction as ``BEGIN IMMEDIATE``: a transaction that read and then writes
    would otherwise fail at once ("database is locked") when another connection wrote
    in between, instead of waiting its turn.
    """
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(settings: DatabaseSettings) -> Engine:
    """Build the engine of the configured database.

    Parameters
    ----------
    settings
        The service settings (``database_url``).

    Returns
    -------
    Engine
        For SQLite: foreign keys enforced, WAL journal, connections usable from the plan
        threads, transactions serialized (``BEGIN IMMEDIATE``). For PostgreSQL: the psycopg
        driver and connections checked before use.
    """
    url = normalize_url(settings.database_url)
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_MS / 1000}
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def default_migrations_dir() -> Path:
    """The Alembic scripts: ``migrations/`` of the source tree, else of the working directory."""
    beside_package = Path(__file__).resolve().parents[2] / "migrations"
    return beside_package if beside_package.is_dir() else Path.cwd() / "migrations"


def alembic_config(settings: DatabaseSettings) -> Config:
    """An Alembic configuration for the configured database, built in code (no ini file).

    Parameters
    ----------
    settings
        The service settings (``database_url``, ``migrations_dir``).

    Returns
    -------
    Config
        Script location and URL set.
    """
    config = Config()
    scripts = settings.migrations_dir or default_migrations_dir()
    config.set_main_option("script_location", str(scripts))
    # ConfigParser interpolation: a literal % in a password must be doubled.
    config.set_main_option(
        "sqlalchemy.url", normalize_url(settings.database_url).replace("%", "%%")
    )
    return config


def migrate(engine: Engine, settings: DatabaseSettings) -> None:
    """Bring the database schema up to the newest migration.

    Parameters
    ----------
    engine
        The engine of the configured database (its connection runs the migrations).
    settings
        The service settings (where the migrations are).
    """
    config = alembic_config(settings)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def ping(engine: Engine) -> None:
    """Open a connection and run ``SELECT 1``: raises the driver's error when unusable.

    Parameters
    ----------
    engine
        The database to try.
    """
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
