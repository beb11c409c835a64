"""The import page: check a spreadsheet of needs or resources (a dry run), then save it.

Nothing is saved before the coordinator confirms: the check runs the API's import with
``dry_run=True``; the confirm form carries the very same file back (base64) and imports it.
"""

from __future__ import annotations

import base64
import binascii
import logging
from dataclasses import dataclass

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from service.api import imports
from service.api.deps import writable_station
from service.console.auth import language_of
from service.console.context import (
    api_errors,
    read_form,
    require_same_origin,
    session_of,
    settings_of,
    signed_in,
    text_field,
)
from service.console.pages import ConsolePageError, render
from service.storage.models import Station

log = logging.getLogger("mulin.console")

router = APIRouter(include_in_schema=False)
TARGETS = {"needs": imports.NEED_TARGET, "resources": imports.RESOURCE_TARGET}
MAX_FILENAME = 200


@dataclass(frozen=True)
class ErrorRow:
    """One problem (or warning) of the file, as the errors (or warnings) table shows it."""

    row: int | None
    column: str | None
    message: str


@dataclass(frozen=True)
class Upload:
    """A file to import: its kind (``needs`` or ``resources``), bytes and name."""

    kind: str
    data: bytes
    filename: str

    @property
    def encoded(self) -> str:
        """The bytes as base64 text, for the confirm form's hidden field."""
        return base64.b64encode(self.data).decode("ascii")


def _kind(text: str) -> str:
    if text not in TARGETS:
        raise ConsolePageError(422, "import.bad_kind")
    return text


def _page(request: Request, station: Station, *, status: int = 200, **context: object) -> Response:
    values: dict[str, object] = {
        "kind": "needs",
        "errors": None,
        "counts": None,
        "warnings": [],
        "upload": None,
        "done": False,
        **context,
    }
    caller = request.state.caller
    return render(request, "import.html", caller=caller, station=station, status=status, **values)


def _show(request: Request, station_id: str) -> Response:
    with session_of(request) as session:
        caller = signed_in(request, session)
        with api_errors():
            station = writable_station(station_id, caller, session)
        return _page(request, station)


@router.get("/stations/{station_id}/import")
def import_form(request: Request, station_id: str) -> Response:
    """The form to check a spreadsheet of needs or resources (writers only)."""
    return _show(request, station_id)


def _run(request: Request, station_id: str, upload: Upload, *, dry_run: bool) -> Response:
    language = language_of(request)
    with session_of(request) as session:
        caller = signed_in(request, session)
        with api_errors():
            station = writable_station(station_id, caller, session)
        if not upload.data:
            return _page(request, station, status=422, kind=upload.kind, missing=True)
        try:
            with api_errors():
                counts = imports.import_table(
                    session,
                    caller,
                    station,
                    TARGETS[upload.kind],
                    (upload.data, upload.filename),
                    mode="upsert",
                    dry_run=dry_run,
                )
        except imports.ImportRejected as rejected:
            rows = [ErrorRow(e.row, e.column, e.message(language)) for e in rejected.errors]
            log.info(
                "console: %s import into station %s refused (%d problems)",
                upload.kind,
                station.id,
                len(rows),
            )
            return _page(request, station, status=422, kind=upload.kind, errors=rows)
        session.refresh(station)
        warnings = [ErrorRow(w.row, w.column, w.message(language)) for w in counts.warnings]
        return _page(
            request,
            station,
            kind=upload.kind,
            counts=counts,
            warnings=warnings,
            upload=upload,
            done=not dry_run,
        )


async def _file(request: Request, station_id: str) -> Upload:
    form = await read_form(request, max_part_size=settings_of(request).max_body_bytes)
    kind = _kind(text_field(form, "kind"))
    sent = form.get("file")
    if isinstance(sent, UploadFile):
        data = await sent.read()
        return Upload(kind, data, (sent.filename or "upload.xlsx")[:MAX_FILENAME])
    try:
        data = base64.b64decode(text_field(form, "data"), validate=True)
    except (binascii.Error, ValueError):
        raise ConsolePageError(422, "import.bad_file") from None
    return Upload(kind, data, text_field(form, "filename")[:MAX_FILENAME] or "upload.xlsx")


@router.post("/stations/{station_id}/import")
async def check_import(request: Request, station_id: str) -> Response:
    """Check a file (nothing saved): its problems row by row, or what it would change."""
    require_same_origin(request)
    upload = await _file(request, station_id)
    return await run_in_threadpool(_run, request, station_id, upload, dry_run=True)


@router.post("/stations/{station_id}/import/confirm")
async def save_import(request: Request, station_id: str) -> Response:
    """Import the checked file for good (all or nothing)."""
    require_same_origin(request)
    upload = await _file(request, station_id)
    return await run_in_threadpool(_run, request, station_id, upload, dry_run=False)
