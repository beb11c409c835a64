"""Commands of the HTTP service: ``mulin serve [--demo]`` and ``mulin token create|revoke``.

``service/cli.py`` registers them: ``app.command("serve")(serve_command)`` and
``app.add_typer(token_app, name="token")``. Both read their settings from ``MULIN_*``
environment variables (``MULIN_DATABASE_URL`` …) when they run.

``mulin serve --demo`` first loads the demo station (``scenarios/town-25.json``) into the
archive unless that station exists already, makes a coordinator token for it and prints the
docs URL and a ready ``curl`` line; :func:`prepare_demo` and :func:`demo_lines` do this without
starting the server. ``mulin serve`` refuses with one line and exit code 2 when the port is taken
or the database cannot be used.
"""

from __future__ import annotations

import errno
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

import typer
from alembic.util.exc import CommandError
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Session

from service.api.auth import create_token
from service.api.settings import Settings
from service.loading import InvalidDocument, load_scenario
from service.messages import LANGUAGES, Language, say
from service.storage import convert, repository
from service.storage.db import make_engine, migrate, ping
from service.storage.models import ROLES
from service.wire.scenario import Scenario

EXIT_INVALID_INPUT = 2
DEMO_SCENARIO = Path("scenarios") / "town-25.json"
"""The demo station's scenario, relative to the source tree (or the working directory)."""
DEMO_AUDIT_ID = "cli:serve-demo"
"""Who the audit log names as having created the demo station's needs."""
DEMO_NEEDS_LIMIT = 5
"""Page size of the needs list in the printed ``curl`` line."""

token_app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="Bearer tokens of the HTTP service (stored hashed).",
)


class ServeError(Exception):
    """Why ``mulin serve`` cannot start: a sentence of :mod:`service.messages` and its values.

    Parameters
    ----------
    key
        The sentence's key (``serve.port_in_use`` …).
    **values
        Its placeholders' values.
    """

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values

    def text(self, language: Language) -> str:
        """The reason as one line in ``language``."""
        return " ".join(say(language, self.key, **self.values).split())


@dataclass(frozen=True)
class DemoStart:
    """What :func:`prepare_demo` did: the station, whether it was loaded now, the new token.

    Attributes
    ----------
    station_id
        The demo station's id (as in the scenario file).
    loaded
        True when the station was loaded now; False when it existed and was left untouched.
    villages, workers, needs
        How many of each the scenario file holds.
    scenario_path
        The scenario file.
    token_id
        The new coordinator token's id (``tok_…``).
    token
        The new coordinator token's secret (shown once).
    """

    station_id: str
    loaded: bool
    villages: int
    workers: int
    needs: int
    scenario_path: Path
    token_id: str
    token: str


def default_demo_scenario() -> Path:
    """The demo scenario: ``scenarios/town-25.json`` of the source tree, else of the cwd.

    An installed package (the Docker image) runs from the project's copy in its working
    directory.
    """
    beside_package = Path(__file__).resolve().parents[2] / DEMO_SCENARIO
    return beside_package if beside_package.is_file() else Path.cwd() / DEMO_SCENARIO


def _one_line(error: BaseException) -> str:
    """The first line of an error's message (the driver's own message for database errors)."""
    cause = getattr(error, "orig", None) or error
    lines = [line.strip() for line in str(cause).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__


def _safe_url(settings: Settings) -> str:
    """The database URL without its password (a placeholder when it does not parse)."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(settings.database_url).render_as_string(hide_password=True)
    except SQLAlchemyError:
        return "MULIN_DATABASE_URL"


def _database_error(settings: Settings, error: BaseException) -> ServeError:
    return ServeError("serve.bad_database", url=_safe_url(settings), reason=_one_line(error))


_DATABASE_ERRORS = (SQLAlchemyError, CommandError, ImportError, OSError)
"""What a bad database URL raises: unparseable or unknown dialect, no driver, no connection,
a path that cannot be opened, a schema of an unknown revision."""


def check_database(settings: Settings) -> None:
    """Connect to the configured database once.

    Parameters
    ----------
    settings
        The service settings (``database_url``).

    Raises
    ------
    ServeError
        ``serve.bad_database`` when the URL does not parse, names an unknown database or
        driver, or the database cannot be reached.
    """
    try:
        engine = make_engine(settings)
    except _DATABASE_ERRORS as error:
        raise _database_error(settings, error) from None
    try:
        ping(engine)
    except _DATABASE_ERRORS as error:
        raise _database_error(settings, error) from None
    finally:
        engine.dispose()


def check_address(host: str, port: int) -> None:
    """Bind to the address once, as the server will, to refuse a taken port before starting.

    Parameters
    ----------
    host, port
        Where the service is to listen.

    Raises
    ------
    ServeError
        ``serve.port_in_use`` when something listens there already; ``serve.bad_address``
        when the host does not resolve or cannot be bound.
    """
    address = f"{host}:{port}"
    try:
        family, kind, proto, _, where = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except (OSError, UnicodeError) as error:
        reason = getattr(error, "strerror", None) or _one_line(error)
        raise ServeError("serve.bad_address", address=address, reason=reason) from None
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(where)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise ServeError("serve.port_in_use", address=address) from None
            raise ServeError(
                "serve.bad_address", address=address, reason=error.strerror or str(error)
            ) from None


def _store_station(session: Session, scenario: Scenario) -> bool:
    """Store the scenario's station and archive unless the station exists (committed)."""
    station_id = scenario.station.id
    if repository.get_station(session, station_id) is not None:
        session.rollback()
        return False
    try:
        repository.replace_archive(session, convert.scenario_to_rows(scenario))
        repository.record_access(
            session,
            token_id=DEMO_AUDIT_ID,
            action="create",
            entity="need",
            entity_ids=[need.id for need in scenario.needs],
            station_id=station_id,
        )
        session.commit()
    except IntegrityError:  # another start stored it meanwhile: keep that one
        session.rollback()
        return False
    return True


def prepare_demo(settings: Settings, scenario_path: Path | None = None) -> DemoStart:
    """Set up the demo: migrate, load the demo station if it is new, make a coordinator token.

    An existing station of the same id is never changed: its archive may hold the
    coordinator's own edits.

    Parameters
    ----------
    settings
        The service settings (``database_url``).
    scenario_path
        The demo scenario; default :func:`default_demo_scenario`.

    Returns
    -------
    DemoStart
        The station, whether it was loaded now, and the new token.

    Raises
    ------
    ServeError
        ``serve.bad_demo`` when the scenario file cannot be used; ``serve.bad_database`` when
        the database cannot be reached or migrated.
    """
    path = scenario_path or default_demo_scenario()
    try:
        scenario = load_scenario(path)
    except InvalidDocument as error:
        raise ServeError("serve.bad_demo", path=path, reason=error.problems[0]) from None
    station_id = scenario.station.id
    try:
        engine = make_engine(settings)
    except _DATABASE_ERRORS as error:
        raise _database_error(settings, error) from None
    try:
        migrate(engine, settings)
        with Session(engine) as session:
            loaded = _store_station(session, scenario)
            row, secret = create_token(session, "station_coordinator", station_id)
    except _DATABASE_ERRORS as error:
        raise _database_error(settings, error) from None
    finally:
        engine.dispose()
    return DemoStart(
        station_id=station_id,
        loaded=loaded,
        villages=len(scenario.villages),
        workers=len(scenario.workers),
        needs=len(scenario.needs),
        scenario_path=path,
        token_id=row.id,
        token=secret,
    )


def base_url(host: str, port: int) -> str:
    """The URL to reach the service at (``0.0.0.0`` and ``::`` show as ``127.0.0.1``)."""
    shown = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def curl_line(start: DemoStart, host: str, port: int) -> str:
    """A ``curl`` command listing the first needs of the demo station with its token."""
    url = (
        f"{base_url(host, port)}/api/v1/stations/{quote(start.station_id, safe='')}"
        f"/needs?limit={DEMO_NEEDS_LIMIT}"
    )
    return f'curl -H "Authorization: Bearer {start.token}" "{url}"'


def _shown_path(path: Path) -> Path:
    """The path relative to the working directory when it lies inside it."""
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path


def demo_lines(start: DemoStart, host: str, port: int, language: Language) -> list[str]:
    """What ``mulin serve --demo`` prints before serving.

    Parameters
    ----------
    start
        What :func:`prepare_demo` did.
    host, port
        Where the service listens.
    language
        ``zh`` or ``en``.

    Returns
    -------
    list of str
        The station loaded or kept, the token (a line of its own), the docs URL and a ready
        ``curl`` line. Ids and counts only: nothing of any resident.
    """
    if start.loaded:
        station = say(
            language,
            "serve.demo.loaded",
            station=start.station_id,
            villages=start.villages,
            workers=start.workers,
            needs=start.needs,
            path=_shown_path(start.scenario_path),
        )
    else:
        station = say(language, "serve.demo.kept", station=start.station_id)
    return [
        station,
        say(language, "serve.demo.token", station=start.station_id, token_id=start.token_id),
        start.token,
        say(language, "serve.docs", url=f"{base_url(host, port)}/docs"),
        say(language, "serve.try"),
        curl_line(start, host, port),
    ]


def _pick_language(lang: str | None) -> Language:
    """``--lang``, else ``MULIN_LANG``, else Chinese; exit 2 on an unknown ``--lang``."""
    chosen = lang if lang is not None else os.environ.get("MULIN_LANG", "zh")
    for language in LANGUAGES:
        if chosen == language:
            return language
    if lang is None:
        return "zh"
    typer.echo(f"--lang: {lang!r} is not one of {', '.join(LANGUAGES)}", err=True)
    raise typer.Exit(EXIT_INVALID_INPUT)


def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help="Load the demo station (unless it exists), make a coordinator token, print "
            "a ready curl line.",
        ),
    ] = False,
    demo_scenario: Annotated[
        Path | None,
        typer.Option(help="The scenario of --demo; default scenarios/town-25.json."),
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="Language of messages: zh (default) or en.")
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Server processes (uvicorn workers); each runs its own plan pool of "
            "MULIN_PLAN_POOL_SIZE unless MULIN_BROKER_URL sends plans to the task queue.",
        ),
    ] = 1,
) -> None:
    """Run the HTTP service (settings from MULIN_* environment variables)."""
    import uvicorn

    from service.api.app import create_app

    language = _pick_language(lang)
    try:
        try:
            settings = Settings()
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            raise ServeError("serve.bad_settings", reason=f"{where}: {first['msg']}") from None
        check_address(host, port)
        start = prepare_demo(settings, demo_scenario) if demo else None
        if start is None:
            check_database(settings)
            if workers > 1:
                migrate_once(settings)
    except ServeError as error:
        typer.echo(error.text(language), err=True)
        raise typer.Exit(EXIT_INVALID_INPUT) from None
    typer.echo(say(language, "serve.database", url=_safe_url(settings)))
    if start is None:
        typer.echo(say(language, "serve.docs", url=f"{base_url(host, port)}/docs"))
    else:
        for line in demo_lines(start, host, port, language):
            typer.echo(line)
    if workers == 1:
        uvicorn.run(create_app(settings), host=host, port=port)
        return
    run_workers(host, port, workers)


def migrate_once(settings: Settings) -> None:
    """Bring the schema up to date here, before the server processes start.

    Raises
    ------
    ServeError
        ``serve.bad_database`` when the migrations fail.
    """
    try:
        engine = make_engine(settings)
        try:
            migrate(engine, settings)
        finally:
            engine.dispose()
    except _DATABASE_ERRORS as error:
        raise _database_error(settings, error) from None


def run_workers(host: str, port: int, workers: int) -> None:
    """Run ``workers`` uvicorn processes of :func:`service.api.serving.worker_app`.

    The schema is migrated already, so the workers are told not to migrate; they share a lock
    file (in a folder removed afterwards) that elects the one that recovers plan jobs.

    Parameters
    ----------
    host, port
        Where the service listens.
    workers
        How many server processes.
    """
    import tempfile

    import uvicorn

    from service.api.serving import LOCK_ENV

    with tempfile.TemporaryDirectory(prefix="mulin-serve-") as folder:
        os.environ["MULIN_MIGRATE_ON_START"] = "false"
        os.environ[LOCK_ENV] = str(Path(folder) / "recovery.lock")
        uvicorn.run(
            "service.api.serving:worker_app", factory=True, host=host, port=port, workers=workers
        )


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
