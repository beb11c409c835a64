"""The station's assessment page (考核): the figures of a span of months, a chart, printable.

``/stations/{id}/kpis?from=YYYY-MM-DD&to=YYYY-MM-DD`` (default: this year to date) shows
what ``GET /api/v1/stations/{id}/kpis`` answers: the town's figures month by month, per
village for the whole span, the archive's groups and the households due for reassessment, and
the hours by service category as a bar chart drawn in the console's SVG style. The page prints
on A4 (the console's print styles hide navigation and forms).

``/city/kpis`` (city administrators) shows every station's figures side by side over the same
span, with the archive's state and charts of hours and of the share of visits done.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request, Response

from service.api.deps import readable_station
from service.api.errors import InvalidInput
from service.api.kpis import Figures
from service.api.routes.kpis import (
    CityKpis,
    check_range,
    city_kpis,
    every_station,
    station_kpis,
)
from service.api.routes.ledger import ledger_xlsx
from service.console.auth import language_of
from service.console.bar_chart import horizontal_bars
from service.console.context import api_errors, problem_lines, session_of, signed_in
from service.console.pages import ConsolePageError, render
from service.messages import Language
from service.vocabulary import CATEGORY_NAMES

router = APIRouter(include_in_schema=False)
MOST_BARS = 40


def hours_chart(figures: Figures, language: Language) -> str | None:
    """Hours by service category as a horizontal bar chart (SVG); None without hours."""
    names = CATEGORY_NAMES[language]
    rows = [(names.get(code, code), value) for code, value in figures.hours_by_category.items()]
    heading = (
        ("各类服务的服务时长", "按服务类别统计的已完成探访时长（小时）。")
        if language == "zh"
        else ("Hours by service category", "Hours of visits done, by service category.")
    )
    return horizontal_bars("kpi-hours", heading, rows, "h")


def done_share(figures: Figures) -> float | None:
    """Share of the planned visits recorded done or partly done (None without a plan)."""
    if not figures.visits_planned:
        return None
    return (figures.visits_done + figures.visits_partly_done) / figures.visits_planned


def city_charts(city: CityKpis, names: dict[str, str], language: Language) -> list[str]:
    """The city page's charts: service hours and the share of visits done, by station.

    Each chart shows at most :data:`MOST_BARS` stations, the largest values (the table has all).
    """
    hours = [(names.get(s, s), f.hours) for s, f in city.stations.items()]
    shares = [
        (names.get(s, s), round(100 * share, 1))
        for s, f in city.stations.items()
        if (share := done_share(f)) is not None
    ]
    cut = len(city.stations) > MOST_BARS
    hours = sorted(hours, key=lambda row: -row[1])[:MOST_BARS]
    shares = sorted(shares, key=lambda row: -row[1])[:MOST_BARS]
    if language == "zh":
        top = f"（前 {MOST_BARS} 个工作站）" if cut else ""
        headings = (
            ("各工作站服务时长" + top, "各工作站已完成探访的时长（小时）。"),
            ("各工作站探访完成率" + top, "已完成或部分完成的探访占计划探访的比例。"),
        )
    else:
        top = f" (top {MOST_BARS} stations)" if cut else ""
        headings = (
            ("Service hours by station" + top, "Hours of visits done at each station."),
            ("Visits done by station" + top, "Share of the planned visits done or partly done."),
        )
    charts = (
        horizontal_bars("city-hours", headings[0], hours, "h"),
        horizontal_bars("city-done", headings[1], shares, "%"),
    )
    return [chart for chart in charts if chart is not None]


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


@router.get("/city/kpis")
def show_city_kpis(request: Request) -> Response:
    """Every station's figures side by side over a span of dates (a city administrator)."""
    language = language_of(request)
    first, last = _range(request)
    with session_of(request) as session:
        caller = signed_in(request, session)
        if caller.role != "city_admin":
            raise ConsolePageError(403, "error.city_only")
        try:
            check_range(first, last)
        except InvalidInput as error:
            raise ConsolePageError(422, "error.invalid", problem_lines(error)) from None
        stations = every_station(session)
        city = city_kpis(session, stations, first, last)
        names = {station.id: station.name for station in stations}
        return render(
            request,
            "city_kpis.html",
            caller=caller,
            city=city,
            names=names,
            shares={s: done_share(f) for s, f in city.stations.items()},
            charts=city_charts(city, names, language),
        )
