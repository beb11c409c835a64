"""Spreadsheet import and export of a station's needs and resources.

``POST /api/v1/stations/{station_id}/needs/import`` (and ``…/resources/import``) takes a
multipart upload ``file`` (.xlsx or .csv, Chinese or English headers); ``mode=upsert`` creates
or updates by id, ``mode=replace`` makes the station's records exactly the file's rows;
``dry_run=true`` checks and counts without saving. Any bad row: 422 listing every row error,
and nothing changes. ``GET …/needs/export.xlsx`` (and ``…/resources/export.xlsx``) returns the
current records in the same layout, to edit in Excel and import back.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, HTTPException, Query, Response, UploadFile
from pydantic import BaseModel, Field
from sqlmodel import Session

from service.api import imports
from service.api.auth import Caller
from service.api.deps import CallerDep, ReadableStation, SessionDep, WritableStation
from service.api.errors import ERROR_RESPONSES, WRITE_RESPONSES
from service.messages import Language
from service.storage.models import Station
from service.tabular.merge import Mode

router = APIRouter(prefix="/stations/{station_id}", tags=["import"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Upload = Annotated[UploadFile, File(description="The .xlsx or .csv file (UTF-8 or GBK).")]
ModeQuery = Annotated[
    Mode,
    Query(
        description=(
            "upsert: create or update by id; replace: the station's records become exactly "
            "the file's rows (the others are deleted)."
        )
    ),
]
DryRun = Annotated[bool, Query(description="Check and count only; save nothing.")]
LanguageQuery = Annotated[
    Language, Query(description="Language of the messages (import) or headers (export).")
]


class RowProblem(BaseModel):
    """One problem of an imported file."""

    loc: list[str | int]
    msg: str
    type: str
    path: str
    row: int | None = Field(
        default=None, description="Spreadsheet row (the header is row 1); null: the file."
    )
    column: str | None = Field(
        default=None, description="The column's header as written in the file."
    )
    record: str | None = Field(
        default=None, description="A stored need the problem is about, when it is no row."
    )
    message: str | None = Field(
        default=None, description="The whole sentence (as msg); absent on FastAPI's own 422s."
    )


class ImportResult(BaseModel):
    """What an import did, or for a dry run would do."""

    rows: int = Field(ge=0, description="Data rows in the file.")
    created: int = Field(ge=0)
    updated: int = Field(ge=0)
    unchanged: int = Field(ge=0, description="Rows equal to the stored records.")
    deleted: int = Field(ge=0, description="Stored records not in the file (replace only).")
    mode: Mode
    dry_run: bool
    warnings: list[RowProblem] = Field(
        default_factory=list,
        description=(
            "Rows stored (or, for a dry run, that would be) that cannot be served as written: "
            "type is the spec's code (not_eligible, too_few_days, window_too_short, "
            "preferred_and_excluded)."
        ),
    )


class RowProblems(BaseModel):
    """The body of a 422 answer to an import: every problem, nothing was saved."""

    detail: list[RowProblem]


IMPORT_RESPONSES: dict[int | str, dict[str, object]] = {
    **WRITE_RESPONSES,
    422: {"model": RowProblems, "description": "The file has problems; nothing was saved."},
}


def _download(what: str) -> dict[int | str, dict[str, object]]:
    return {
        200: {
            "description": what,
            "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
        },
        **ERROR_RESPONSES,
    }


def _import(
    session: Session,
    caller: Caller,
    station: Station,
    target: imports.Target,
    file: UploadFile,
    mode: Mode,
    dry_run: bool,
    language: Language,
) -> ImportResult:
    data = file.file.read()
    try:
        counts = imports.import_table(
            session, caller, station, target, (data, file.filename), mode=mode, dry_run=dry_run
        )
    except imports.ImportRejected as rejected:
        raise HTTPException(
            status_code=422, detail=imports.problems_body(rejected.errors, language)
        ) from None
    return ImportResult(
        rows=counts.rows,
        created=counts.created,
        updated=counts.updated,
        unchanged=counts.unchanged,
        deleted=counts.deleted,
        mode=mode,
        dry_run=dry_run,
        warnings=[
            RowProblem(**entry) for entry in imports.problems_body(counts.warnings, language)
        ],
    )


def _export(
    session: Session,
    caller: Caller,
    station: Station,
    target: imports.Target,
    language: Language,
) -> Response:
    body = imports.export_table(session, caller, station, target, language)
    name = f"{station.id}-{target.layout.name}.xlsx"
    return Response(
        content=body,
        media_type=XLSX,
        headers={
            "Content-Disposition": (
                f'attachment; filename="{target.layout.name}.xlsx"; '
                f"filename*=UTF-8''{quote(name, safe='')}"
            ),
            "Cache-Control": "private, no-store",
        },
    )


def _upload_example(sample: str) -> dict[str, Any]:
    """The request-body example of an import: which sample file to upload."""
    return {
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "examples": {
                        "sample": {
                            "summary": f"scenarios/{sample} (curl -F file=@scenarios/{sample})",
                            "value": {"file": f"(the bytes of scenarios/{sample})"},
                        }
                    }
                }
            }
        }
    }


@router.post(
    "/needs/import",
    responses=IMPORT_RESPONSES,
    openapi_extra=_upload_example("demo-needs.xlsx"),
)
def import_needs(
    session: SessionDep,
    caller: CallerDep,
    station: WritableStation,
    file: Upload,
    mode: ModeQuery = "upsert",
    dry_run: DryRun = False,
    language: LanguageQuery = "zh",
) -> ImportResult:
    """Import households' needs from .xlsx or .csv; 422 lists every bad row, nothing saved."""
    return _import(session, caller, station, imports.NEED_TARGET, file, mode, dry_run, language)


@router.post(
    "/resources/import",
    responses=IMPORT_RESPONSES,
    openapi_extra=_upload_example("demo-resources.xlsx"),
)
def import_resources(
    session: SessionDep,
    caller: CallerDep,
    station: WritableStation,
    file: Upload,
    mode: ModeQuery = "upsert",
    dry_run: DryRun = False,
    language: LanguageQuery = "zh",
) -> ImportResult:
    """Import goods and funds from .xlsx or .csv; 422 lists every bad row, nothing saved."""
    return _import(session, caller, station, imports.RESOURCE_TARGET, file, mode, dry_run, language)


@router.get(
    "/needs/export.xlsx",
    response_class=Response,
    responses=_download("The station's needs in the import layout."),
)
def export_needs(
    session: SessionDep,
    caller: CallerDep,
    station: ReadableStation,
    language: LanguageQuery = "zh",
) -> Response:
    """The station's needs as .xlsx, ready to edit and import back (the read is audited)."""
    return _export(session, caller, station, imports.NEED_TARGET, language)


@router.get(
    "/resources/export.xlsx",
    response_class=Response,
    responses=_download("The station's resources in the import layout."),
)
def export_resources(
    session: SessionDep,
    caller: CallerDep,
    station: ReadableStation,
    language: LanguageQuery = "zh",
) -> Response:
    """The station's resources as .xlsx, ready to edit and import back."""
    return _export(session, caller, station, imports.RESOURCE_TARGET, language)
