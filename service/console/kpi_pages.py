"""The station's assessment page (考核): the figures of a span of months, a chart, printable.

``/stations/{id}/kpis?from=YYYY-MM-DD&to=YYYY-MM-DD`` (default: this year to date) shows
what ``GET /api/v1/stations/{id}/kpis`` answers: the town's figures month by month, per
village for the whole span, the archive's groups and the households due for reassessment, and
the hours by service category as a bar chart drawn in the console's SVG style. The page prints
on A4 (the console's print styles hide navigation and forms).
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request, Response

from service.api.deps import readable_station
from service.api.errors import InvalidInput
from service.api.kpis import Figures
from service.api.routes.kpis import check_range, station_kpis
from service.api.routes.ledger import ledger_xlsx
from service.console import svg
from service.console.auth import language_of
from service.console.context import api_errors, problem_lines, session_of, signed_in
from service.console.pages import ConsolePageError, render
from service.messages import Language
from service.vocabulary import CATEGORY_NAMES

router = APIRouter(include_in_schema=False)
BAR_HEIGHT = 22
LABEL_WIDTH = 170
CHART_WIDTH = 720


def hours_chart(figures: Figures, language: Language) -> str | None:
    """Hours by service category as a horizontal bar chart (SVG); None without hours."""
    hours = {k: v for k, v in figures.hours_by_category.items() if v > 0}
    if not hours:
        return None
    names = CATEGORY_NAMES[language]
    top = max(hours.values())
    rows = sorted(hours.items(), key=lambda item: -item[1])
    body = []
    span = CHART_WIDTH - LABEL_WIDTH - 60
    for index, (code, value) in enumerate(rows):
        y = 10 + index * (BAR_HEIGHT + 6)
        name = names.get(code, code)
        width = max(2.0, span * value / top)
        body.append(svg.text(LABEL_WIDTH - 8, y + 15, name, text_anchor="end"))
        body.append(
            svg.tag(
                "rect",
                {"x": LABEL_WIDTH, "y": y, "width": width, "height": BAR_HEIGHT, "fill": "#2f6f9f"},
                svg.title(f"{name}: {value:g} h"),
            )
        )
        body.append(svg.text(LABEL_WIDTH + width + 6, y + 15, f"{value:g} h"))
    height = 20 + len(rows) * (BAR_HEIGHT + 6)
    heading = (
        ("各类服务的服务时长", "按服务类别统计的已完成探访时长（小时）。")
        if language == "zh"
        else ("Hours by service category", "Hours of visits done, by service category.")
    )
    return svg.document("kpi-hours", "kpi-chart", (CHART_WIDTH, height), heading, body)


def _range(request: Request) -> tuple[dt.date, dt.date]:
    today = dt.date.today()
    try:
        first = dt.date.fromisoformat(request.query_params.get("from") or f"{today.year}-01-01")
        last = dt.date.fromisoformat(request.query_params.get("to") or today.isoformat())
    except ValueError:
        raise ConsolePageError(422, "error.invalid", ["from/to: YYYY-MM-DD"]) from None
    return first, last


@router.get("/stations/{station_id}/ledger.xlsx")
def download_ledger(request: Request, station_id: str) -> Response:
    """The month's ledger workbook for a signed-in reader of the station (as the API's)."""
    with session_of(request) as session:
        caller = signed_in(request, session)
        with api_errors():
            station = readable_station(station_id, caller, session)
            month = request.query_params.get("month") or dt.date.today().strftime("%Y-%m")
            return ledger_xlsx(session, caller, station, month[:20], language_of(request))


@router.get("/stations/{station_id}/kpis")
def show_kpis(request: Request, station_id: str) -> Response:
    """The station's assessment figures over a span of dates (this year by default)."""
    language = language_of(request)
    first, last = _range(request)
    with session_of(request) as session:
        caller = signed_in(request, session)
        with api_errors():
            station = readable_station(station_id, caller, session)
        try:
            check_range(first, last)
        except InvalidInput as error:
            raise ConsolePageError(422, "error.invalid", problem_lines(error)) from None
        kpis = station_kpis(session, station, first, last)
        return render(
            request,
            "kpis.html",
            caller=caller,
            station=station,
            kpis=kpis,
            chart=hours_chart(kpis.total.town, language),
            categories=CATEGORY_NAMES[language],
        )
