"""A station's monthly ledger (台账) as an Excel workbook or CSV.

``GET /api/v1/stations/{id}/ledger.xlsx?month=YYYY-MM&language=zh|en`` and ``…/ledger.csv``
(the ledger sheet alone, UTF-8 with a BOM) are read like the station (same callers, same
404s); a month not written ``YYYY-MM`` gets 422. The rows come from each week's plan in force
and its visit records (``service.api.ledger``); a visit without a record is *not recorded*.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Response

from service.api.deps import CallerDep, ReadableStation, SessionDep
from service.api.errors import ERROR_RESPONSES, InvalidInput
from service.api.ledger import station_ledger
from service.exports import safe_filename_part
from service.exports.ledger import Ledger, Month, ledger_csv, ledger_workbook
from service.messages import Language

router = APIRouter(tags=["ledger"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"
"""Sent as ``text/csv; charset=utf-8``."""

MonthQuery = Annotated[
    str, Query(max_length=20, description="The month, written YYYY-MM.", examples=["2026-11"])
]
LanguageQuery = Annotated[Language, Query(description="Language of the headers: zh or en.")]


def _responses(media_type: str, what: str) -> dict[int | str, dict[str, object]]:
    return {
        200: {
            "description": what,
            "content": {media_type: {"schema": {"type": "string", "format": "binary"}}},
        },
        **ERROR_RESPONSES,
    }


def parse_month(text: str) -> Month:
    """The month of the query; 422 when it is not written ``YYYY-MM``."""
    try:
        return Month.parse(text)
    except ValueError as error:
        raise InvalidInput([(("query", "month"), str(error))]) from None


def _download(
    ledger: Ledger, language: Language, write: Callable[[Ledger, Language], bytes], suffix: str
) -> Response:
    name = f"ledger-{safe_filename_part(ledger.station_id)}-{ledger.month}.{suffix}"
    return Response(
        content=write(ledger, language),
        media_type=XLSX if suffix == "xlsx" else CSV,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"; '
            f"filename*=UTF-8''{quote(name, safe='')}",
            "Cache-Control": "private, no-store",
        },
    )


@router.get(
    "/stations/{station_id}/ledger.xlsx",
    response_class=Response,
    responses=_responses(XLSX, "The month's ledger as an Excel workbook."),
)
def ledger_xlsx(
    session: SessionDep,
    caller: CallerDep,
    station: ReadableStation,
    month: MonthQuery,
    language: LanguageQuery = "zh",
) -> Response:
    """The month's ledger: every visit, a sheet per village, households, worker hours, goods."""
    ledger = station_ledger(session, station, parse_month(month), read_by=caller.token_id)
    return _download(ledger, language, ledger_workbook, "xlsx")


@router.get(
    "/stations/{station_id}/ledger.csv",
    response_class=Response,
    responses=_responses(CSV, "The month's ledger sheet as CSV (UTF-8 with a BOM)."),
)
def ledger_csv_file(
    session: SessionDep,
    caller: CallerDep,
    station: ReadableStation,
    month: MonthQuery,
    language: LanguageQuery = "zh",
) -> Response:
    """The month's ledger sheet alone as CSV: one line per planned visit."""
    ledger = station_ledger(session, station, parse_month(month), read_by=caller.token_id)
    return _download(ledger, language, ledger_csv, "csv")
