"""Fixtures of the console tests: those of the API tests (a fresh database, an app, tokens)."""

from __future__ import annotations

from api.conftest import app, client, database_url, settings, stations, tokens

__all__ = ["app", "client", "database_url", "settings", "stations", "tokens"]
