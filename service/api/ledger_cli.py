"""``mulin ledger``: a station's monthly ledger from the service's database, without the server.

``service/cli.py`` registers it: ``app.command("ledger")(ledger_command)``. The database is the
one of ``MULIN_DATABASE_URL`` (as for ``mulin serve`` and ``mulin token``); the read is audited
as ``cli:ledger``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from service.api.ledger import station_ledger
from service.api.settings import Settings
from service.exports import ExportError
from service.exports.ledger import Month, ledger_csv, ledger_workbook
from service.messages import LANGUAGES, Language
from service.storage import repository
from service.storage.db import make_engine, migrate

EXIT_INVALID_INPUT = 2
AUDIT_ID = "cli:ledger"
"""Who the audit log names as having read the ledger."""


def _fail(message: str) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(EXIT_INVALID_INPUT)


def ledger_command(
    station: Annotated[str, typer.Option("--station", help="The station's id.")],
    month: Annotated[str, typer.Option("--month", help="The month, written YYYY-MM.")],
    out: Annotated[
        Path, typer.Option("--out", help="The file to write: .xlsx (workbook) or .csv.")
    ],
    language: Annotated[
        str, typer.Option("--lang", "--language", help="Language of the headers: zh or en.")
    ] = "zh",
) -> None:
    """Write a station's monthly ledger (台账) as an Excel workbook or CSV.

    Exit code 2, with one line, for a bad month, language or file suffix, an unknown station
    or an unusable database; nothing is written then.
    """
    chosen: Language | None = next((known for known in LANGUAGES if known == language), None)
    if chosen is None:
        _fail(f"--lang: {language!r} is not one of zh, en")
    try:
        wanted = Month.parse(month)
    except ValueError as error:
        _fail(f"--month: {error}")
    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        _fail(f"--out: {out} should end in .xlsx or .csv")
    settings = Settings()
    try:
        engine = make_engine(settings)
        migrate(engine, settings)
        with Session(engine) as session:
            row = repository.get_station(session, station)
            if row is None:
                _fail(f"--station: no station {station!r}")
            ledger = station_ledger(session, row, wanted, read_by=AUDIT_ID)
    except (SQLAlchemyError, OSError) as error:
        _fail(f"the database cannot be read: {str(error).splitlines()[0]}")
    except ExportError as error:
        _fail(f"a stored plan does not fit its scenario: {error.problems[0]}")
    body = ledger_workbook(ledger, chosen) if suffix == ".xlsx" else ledger_csv(ledger, chosen)
    try:
        out.write_bytes(body)
    except OSError as error:
        _fail(f"{out}: cannot write: {error.strerror}")
    typer.echo(f"wrote {out} ({len(ledger.rows)} visits of {wanted})")
