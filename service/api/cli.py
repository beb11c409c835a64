"""Commands of the HTTP service: ``mulin serve`` and ``mulin token create|revoke``.

``service/cli.py`` registers them: ``app.command("serve")(serve_command)`` and
``app.add_typer(token_app, name="token")``. Both read their settings from ``MULIN_*``
environment variables (``MULIN_DATABASE_URL`` …) when they run.
"""

from __future__ import annotations

from typing import Annotated

import typer
from sqlmodel import Session

from service.api.auth import create_token
from service.api.settings import Settings
from service.storage import repository
from service.storage.db import make_engine, migrate
from service.storage.models import ROLES

EXIT_INVALID_INPUT = 2

token_app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="Bearer tokens of the HTTP service (stored hashed).",
)


def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
) -> None:
    """Run the HTTP service (settings from MULIN_* environment variables)."""
    import uvicorn

    from service.api.app import create_app

    settings = Settings()
    typer.echo(f"Mulin service on http://{host}:{port}/docs (database {_safe_url(settings)})")
    uvicorn.run(create_app(settings), host=host, port=port)


def _safe_url(settings: Settings) -> str:
    """The database URL without its password."""
    from sqlalchemy.engine import make_url

    return make_url(settings.database_url).render_as_string(hide_password=True)


def _migrated_session(settings: Settings) -> Session:
    engine = make_engine(settings)
    migrate(engine, settings)
    return Session(engine)


@token_app.command("create")
def create(
    role: Annotated[str, typer.Option(help="city_admin, station_coordinator or viewer.")],
    station: Annotated[
        str | None, typer.Option(help="The station of a coordinator or viewer.")
    ] = None,
) -> None:
    """Make a token and print it as the last line (it is shown only once)."""
    if role not in ROLES:
        typer.echo(f"--role: {role!r} is not one of {', '.join(ROLES)}", err=True)
        raise typer.Exit(EXIT_INVALID_INPUT)
    with _migrated_session(Settings()) as session:
        try:
            row, secret = create_token(session, role, station)
        except ValueError as error:
            typer.echo(str(error), err=True)
            raise typer.Exit(EXIT_INVALID_INPUT) from None
    typer.echo(f"id: {row.id}")
    typer.echo(f"role: {row.role}" + (f", station: {row.station_id}" if row.station_id else ""))
    typer.echo(secret)


@token_app.command("revoke")
def revoke(token_id: Annotated[str, typer.Argument(help="The token's id (tok_…).")]) -> None:
    """Revoke a token: it gets 401 from then on."""
    with _migrated_session(Settings()) as session:
        found = repository.revoke_token(session, token_id)
    if not found:
        typer.echo(f"no token {token_id!r}", err=True)
        raise typer.Exit(EXIT_INVALID_INPUT)
    typer.echo(f"revoked {token_id}")
