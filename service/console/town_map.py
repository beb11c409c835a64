"""The console's town map: station, villages, households by priority, routes, scale (SVG).

No tiles: points are projected equirectangularly (longitude scaled by the cosine of the mean
latitude) and fitted to the drawing, north up, aspect kept.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from service.checker.travel import EARTH_RADIUS_KM, need_location, worker_base
from service.console.svg import (
    FONT_SIZE,
    INK,
    Attribute,
    LegendItem,
    Symbol,
    day_name,
    document,
    label,
    legend,
    plan_workers,
    priority_colour,
    summary,
    tag,
    text,
    text_width,
    title,
    worker_colour,
)
from service.messages import Language
from service.wire.common import Location
from service.wire.plan import Plan, Route, Unmet
from service.wire.scenario import Need, Scenario

MAP_WIDTH = 800.0
MARGIN = 36.0
MIN_MAP_HEIGHT = 320.0
MAX_MAP_HEIGHT = 860.0
MIN_SPAN_DEGREES = 0.005
KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180
HOUSEHOLD_RADIUS = 5.0
UNMET_RADIUS = 8.5
VILLAGE_SIZE = 10.0
BACKGROUND = "#f6f8f9"
HALO: dict[str, Attribute] = {"stroke": "#ffffff", "stroke_width": 3, "paint_order": "stroke"}


@dataclass(frozen=True)
class Projection:
    """Degrees to drawing units: equirectangular around the mean latitude, north up.

    Parameters
    ----------
    west, north
        Longitude and latitude drawn at ``(left, top)``.
    shrink
        Cosine of the mean latitude: how much a degree of longitude is shorter.
    scale
        Drawing units per degree of latitude.
    left, top
        Where the north-west corner of the points goes.
    """

    west: float
    north: float
    shrink: float
    scale: float
    left: float
    top: float

    def xy(self, location: Location) -> tuple[float, float]:
        """Drawing coordinates of a point."""
        x = self.left + (location.lon - self.west) * self.shrink * self.scale
        y = self.top + (self.north - location.lat) * self.scale
        return x, y

    @property
    def units_per_km(self) -> float:
        """Drawing units per kilometre."""
        return self.scale / KM_PER_DEGREE


def fit(points: Sequence[Location]) -> tuple[Projection, float]:
    """The projection that fits ``points`` into the map's width, with margins.

    Parameters
    ----------
    points
        Every point drawn (at least one).

    Returns
    -------
    tuple of (Projection, float)
        The projection and the height of the map area (the width is ``MAP_WIDTH``).
    """
    lats = [point.lat for point in points]
    lons = [point.lon for point in points]
    south, north, west, east = min(lats), max(lats), min(lons), max(lons)
    shrink = math.cos(math.radians((south + north) / 2))
    span_x = max((east - west) * shrink, MIN_SPAN_DEGREES)
    span_y = max(north - south, MIN_SPAN_DEGREES)
    inner_width = MAP_WIDTH - 2 * MARGIN
    inner_height = min(max(inner_width * span_y / span_x, MIN_MAP_HEIGHT), MAX_MAP_HEIGHT)
    scale = min(inner_width / span_x, inner_height / span_y)
    left = MARGIN + (inner_width - (east - west) * shrink * scale) / 2
    top = MARGIN + (inner_height - (north - south) * scale) / 2
    return Projection(west, north, shrink, scale, left, top), inner_height + 2 * MARGIN


def _points(scenario: Scenario, plan: Plan) -> list[Location]:
    """Every point the map shows: station, villages, households, bases of the routes."""
    workers = {worker.id: worker for worker in scenario.workers}
    points = [scenario.station.location]
    points += [village.location for village in scenario.villages]
    points += [need_location(scenario, need) for need in scenario.needs]
    points += [
        worker_base(scenario, workers[route.worker_id])
        for route in plan.routes
        if route.worker_id in workers
    ]
    return points


def _route(
    scenario: Scenario, route: Route, needs: dict[str, Need], at: Projection, language: Language
) -> str:
    """One route, base → stops → base, in its worker's colour."""
    index = next(i for i, worker in enumerate(scenario.workers) if worker.id == route.worker_id)
    worker = scenario.workers[index]
    base = worker_base(scenario, worker)
    stops = [need_location(scenario, needs[s.need_id]) for s in route.stops if s.need_id in needs]
    points = " ".join(
        f"{x:.1f},{y:.1f}" for x, y in (at.xy(point) for point in [base, *stops, base])
    )
    what = label(
        language,
        "route",
        worker=worker.name,
        day=day_name(language, route.day),
        stops=len(route.stops),
        travel=route.travel_minutes,
    )
    attributes: dict[str, Attribute] = {
        "class": "route",
        "points": points,
        "fill": "none",
        "stroke": worker_colour(index),
        "stroke-width": 1.6,
        "stroke-opacity": 0.6,
        "stroke-linejoin": "round",
        "data-worker-id": route.worker_id,
        "data-day": route.day,
        "data-shift": route.shift,
    }
    return tag("polyline", attributes, title(what))


def _routes(scenario: Scenario, plan: Plan, at: Projection, language: Language) -> str:
    """Every route of the plan whose worker the scenario has."""
    needs = {need.id: need for need in scenario.needs}
    known = {worker.id for worker in scenario.workers}
    parts = [
        _route(scenario, route, needs, at, language)
        for route in plan.routes
        if route.worker_id in known
    ]
    return tag("g", {"class": "routes"}, "".join(parts))


def _household(
    scenario: Scenario, need: Need, unmet: Unmet | None, at: Projection, language: Language
) -> str:
    """One need's household: a dot by priority, ringed when the need is not fully served."""
    x, y = at.xy(need_location(scenario, need))
    village = next((v.name for v in scenario.villages if v.id == need.village), need.village)
    what = label(
        language,
        "household",
        need=need.id,
        household=need.household,
        village=village,
        priority=need.priority,
    )
    if unmet is not None:
        what += " · " + label(language, "unmet", reason=unmet.reasons[0].message)
    dot = tag(
        "circle",
        {
            "class": "household" if unmet is None else "household unmet",
            "cx": x,
            "cy": y,
            "r": HOUSEHOLD_RADIUS,
            "fill": priority_colour(need.priority),
            "stroke": INK,
            "stroke-width": 0.6,
            "data-need-id": need.id,
            "data-priority": need.priority,
        },
        title(what),
    )
    return dot if unmet is None else dot + _ring(x, y)


def _ring(x: float, y: float) -> str:
    """The mark of a need not fully served: a dark ring with a white halo."""
    halo: dict[str, Attribute] = {
        "cx": x,
        "cy": y,
        "r": UNMET_RADIUS,
        "fill": "none",
        "pointer-events": "none",
    }
    return tag("circle", {**halo, "stroke": "#ffffff", "stroke-width": 4}) + tag(
        "circle", {**halo, "class": "unmet-mark", "stroke": INK, "stroke-width": 2}
    )


def _households(scenario: Scenario, plan: Plan, at: Projection, language: Language) -> str:
    """Every need's household, the least urgent drawn first so priority 1 stays on top."""
    unmet = {entry.need_id: entry for entry in plan.unmet}
    ordered = sorted(scenario.needs, key=lambda need: -need.priority)
    parts = [_household(scenario, n, unmet.get(n.id), at, language) for n in ordered]
    return tag("g", {"class": "households"}, "".join(parts))


def _villages(scenario: Scenario, at: Projection) -> str:
    """Villages and communities: hollow squares with their names."""
    parts: list[str] = []
    for village in scenario.villages:
        x, y = at.xy(village.location)
        half = VILLAGE_SIZE / 2
        square = tag(
            "rect",
            {
                "x": x - half,
                "y": y - half,
                "width": VILLAGE_SIZE,
                "height": VILLAGE_SIZE,
                "fill": "none",
                "stroke": INK,
                "stroke-width": 1.2,
            },
        )
        name = _place_label(x, y, half + 3, village.name, FONT_SIZE, bold=False)
        content = title(village.name) + square + name
        parts.append(tag("g", {"class": "village", "data-village-id": village.id}, content))
    return tag("g", {"class": "villages"}, "".join(parts))


def _place_label(x: float, y: float, gap: float, name: str, size: int, *, bold: bool) -> str:
    """A name beside a point, on its right unless that runs off the map."""
    right = x + gap + text_width(name, size) <= MAP_WIDTH - 4
    return text(
        x + gap if right else x - gap,
        y + size / 3,
        name,
        size=size,
        text_anchor="start" if right else "end",
        font_weight="bold" if bold else None,
        **HALO,
    )


def _station(scenario: Scenario, at: Projection) -> str:
    """The station: a large diamond with its name."""
    x, y = at.xy(scenario.station.location)
    diamond = _diamond(x, y, 9)
    name = _place_label(x, y, 12, scenario.station.name, 13, bold=True)
    content = title(scenario.station.name) + diamond + name
    return tag("g", {"class": "station"}, content)


def _diamond(x: float, y: float, radius: float) -> str:
    """The station's symbol."""
    corners = [(x, y - radius), (x + radius, y), (x, y + radius), (x - radius, y)]
    points = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in corners)
    return tag("polygon", {"points": points, "fill": INK, "stroke": "#ffffff", "stroke-width": 1.5})


def nice_km(km: float) -> float:
    """The largest 1, 2 or 5 × 10ⁿ kilometres not above ``km``."""
    power = 10.0 ** math.floor(math.log10(km))
    return max(step * power for step in (1, 2, 5) if step * power <= km)


def _scale_bar(at: Projection, bottom: float, language: Language) -> str:
    """A scale bar of a round number of kilometres, about a fifth of the map wide."""
    km = nice_km((MAP_WIDTH - 2 * MARGIN) / 5 / at.units_per_km)
    length = km * at.units_per_km
    x, y = MARGIN, bottom - 12
    bar = f"M{x:.1f},{y - 5:.1f} V{y:.1f} H{x + length:.1f} V{y - 5:.1f}"
    caption = label(language, "scale", km=f"{km:g}")
    content = tag("path", {"d": bar, "fill": "none", "stroke": INK, "stroke-width": 2}) + text(
        x, y - 9, caption, size=FONT_SIZE, **HALO
    )
    return tag("g", {"class": "scale"}, content)


def _legend_items(language: Language) -> list[LegendItem]:
    """Priorities, the unmet ring, a route, the station and a village."""

    def dot(colour: str) -> Symbol:
        return lambda x, y: tag(
            "circle",
            {"cx": x + 7, "cy": y + 7, "r": HOUSEHOLD_RADIUS, "fill": colour, "stroke": INK},
        )

    def unmet(x: float, y: float) -> str:
        return dot("#ffffff")(x, y) + _ring(x + 7, y + 7)

    def route(x: float, y: float) -> str:
        d = f"M{x:.1f},{y + 11:.1f} L{x + 7:.1f},{y + 3:.1f} L{x + 14:.1f},{y + 9:.1f}"
        return tag("path", {"d": d, "fill": "none", "stroke": worker_colour(0), "stroke-width": 2})

    def village(x: float, y: float) -> str:
        return tag(
            "rect",
            {"x": x + 2, "y": y + 2, "width": 10, "height": 10, "fill": "none", "stroke": INK},
        )

    items = [
        LegendItem(dot(priority_colour(p)), label(language, "legend.priority", priority=p))
        for p in range(1, 6)
    ]
    items += [
        LegendItem(unmet, label(language, "legend.unmet")),
        LegendItem(route, label(language, "legend.route")),
        LegendItem(lambda x, y: _diamond(x + 7, y + 7, 7), label(language, "legend.station")),
        LegendItem(village, label(language, "legend.village")),
    ]
    return items


def town_map_svg(scenario: Scenario, plan: Plan, language: Language = "zh") -> str:
    """A map of the town: station, villages, households by priority, routes and a scale bar.

    Parameters
    ----------
    scenario
        The scenario the plan was made for (locations, names, priorities).
    plan
        The plan; routes of workers the scenario lacks, and stops of unknown needs, are left out.
    language
        ``zh`` or ``en``, for every label.

    Returns
    -------
    str
        An inline SVG with one ``circle.household`` per need (``household unmet`` plus a ring
        when the plan does not fully serve it, the first reason as its tooltip), one
        ``polyline.route`` per route (base → stops → base), the ``.station``, the
        ``.village`` squares, a legend and a scale bar in km.
    """
    at, height = fit(_points(scenario, plan))
    background = tag(
        "rect",
        {
            "class": "map-background",
            "x": 0,
            "y": 0,
            "width": MAP_WIDTH,
            "height": height,
            "fill": BACKGROUND,
        },
    )
    body = [
        background,
        _routes(scenario, plan, at, language),
        _households(scenario, plan, at, language),
        _villages(scenario, at),
        _station(scenario, at),
        _scale_bar(at, height, language),
    ]
    key, key_height = legend(_legend_items(language), 8, height + 10, MAP_WIDTH - 16)
    body.append(key)
    heading = label(language, "map.title", scenario=scenario.name)
    description = summary(language, len(plan.visits), len(plan_workers(plan)), len(plan.unmet))
    return document(
        "town-map",
        "town-map",
        (MAP_WIDTH, height + 10 + key_height + 4),
        (heading, description),
        body,
    )
