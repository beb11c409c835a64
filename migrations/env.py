"""Alembic environment: migrations run on the connection the service hands over, or on the URL."""

from __future__ import annotations

import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel

import service.storage.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from service.storage.db import make_engine, normalize_url

config = context.config
target_metadata = SQLModel.metadata


class _UrlSettings:
    """Just enough settings for :func:`make_engine`."""

    def __init__(self, url: str) -> None:
        self.database_url = url
        self.migrations_dir = None


def _url() -> str:
    url = os.environ.get("MULIN_DATABASE_URL") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database URL: set MULIN_DATABASE_URL")
    return normalize_url(url)


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    """Write the SQL of the migrations instead of running them (``--sql``)."""
    context.configure(
        url=_url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=True
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Run the migrations on the service's connection, or on a new one to the URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    if config.config_file_name is not None:
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    engine = make_engine(_UrlSettings(_url()))
    with engine.begin() as new_connection:
        _configure(new_connection)
    engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
