"""The console's town map: station, villages, households by priority, routes, scale (SVG).

Households that would overlap are packed into a small disk around their place, with their
count; a day and a worker can be picked: their routes are drawn, the other households faded.

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
from service.messages import Language, in_language
from service.wire.common import Day, Location
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
FADED_OPACITY = 0.25
CLUSTER_REACH = 3.5 * HOUSEHOLD_RADIUS
"""Households this close (drawing units) to a place's first one are packed with it."""
COUNTED_CLUSTER = 4
"""Places of at least this many households show their count."""
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
MUTED_LINE = "#8c979e"
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
    """Every route of the plan (already filtered) whose worker the scenario has."""
    needs = {need.id: need for need in scenario.needs}
    known = {worker.id for worker in scenario.workers}
    parts = [
        _route(scenario, route, needs, at, language)
        for route in plan.routes
        if route.worker_id in known
    ]
    return tag("g", {"class": "routes"}, "".join(parts))


def _household(
    scenario: Scenario,
    need: Need,
    unmet: Unmet | None,
    xy: tuple[float, float],
    faded: bool,
    language: Language,
) -> str:
    """One need's household at ``xy``: a dot by priority, ringed when not fully served."""
    x, y = xy
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
        reason = unmet.reasons[0]
        what += " · " + label(
            language, "unmet", reason=in_language(language, reason.message, reason.messages)
        )
    classes = "household" if unmet is None else "household unmet"
    dot = tag(
        "circle",
        {
            "class": classes + (" faded" if faded else ""),
            "cx": x,
            "cy": y,
            "r": HOUSEHOLD_RADIUS,
            "fill": priority_colour(need.priority),
            "stroke": INK,
            "stroke-width": 0.6,
            "opacity": FADED_OPACITY if faded else None,
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


def _places(needs: Sequence[Need], scenario: Scenario, at: Projection) -> list[list[Need]]:
    """Needs whose households would overlap on the drawing, grouped (most urgent first).

    Greedy: each household joins the first place whose first household is within
    :data:`CLUSTER_REACH` drawing units, else starts a place of its own.
    """
    places: list[tuple[float, float, list[Need]]] = []
    for need in sorted(needs, key=lambda n: (n.priority, n.id)):
        x, y = at.xy(need_location(scenario, need))
        for px, py, group in places:
            if math.hypot(x - px, y - py) <= CLUSTER_REACH:
                group.append(need)
                break
        else:
            places.append((x, y, [need]))
    return [group for _, _, group in places]


def _spread(centre: tuple[float, float], count: int) -> list[tuple[float, float]]:
    """``count`` positions packed in a disk around ``centre`` (a sunflower spiral), no overlap."""
    x, y = centre
    step = HOUSEHOLD_RADIUS * 1.15
    return [
        (
            x + step * math.sqrt(k) * math.cos(k * GOLDEN_ANGLE),
            y + step * math.sqrt(k) * math.sin(k * GOLDEN_ANGLE),
        )
        for k in range(count)
    ]


def _cluster(
    scenario: Scenario,
    group: list[Need],
    unmet: dict[str, Unmet],
    focus: set[str] | None,
    at: Projection,
    language: Language,
) -> str:
    """One place: a lone household, or a disk of households with their count."""
    points = [at.xy(need_location(scenario, need)) for need in group]
    centre = (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))
    spots = [points[0]] if len(group) == 1 else _spread(centre, len(group))
    dots = [
        _household(
            scenario,
            need,
            unmet.get(need.id),
            spot,
            focus is not None and need.id not in focus,
            language,
        )
        for need, spot in zip(group, spots, strict=True)
    ]
    if len(group) == 1:
        return dots[0]
    reach = max(math.hypot(sx - centre[0], sy - centre[1]) for sx, sy in spots)
    disk = tag(
        "circle",
        {
            "cx": centre[0],
            "cy": centre[1],
            "r": reach + HOUSEHOLD_RADIUS + 3,
            "fill": "#ffffff",
            "fill-opacity": 0.75,
            "stroke": MUTED_LINE,
            "stroke-dasharray": "3 2",
        },
        title(label(language, "cluster", count=len(group))),
    )
    count = text(
        centre[0] + reach + HOUSEHOLD_RADIUS + 5,
        centre[1] - reach - 2,
        str(len(group)),
        size=FONT_SIZE - 1,
        font_weight="bold",
        **HALO,
    )
    content = disk + "".join(dots) + (count if len(group) >= COUNTED_CLUSTER else "")
    return tag("g", {"class": "cluster", "data-count": len(group)}, content)


def _households(
    scenario: Scenario, plan: Plan, at: Projection, focus: set[str] | None, language: Language
) -> str:
    """Every need's household, overlapping ones packed together, the most urgent on top."""
    unmet = {entry.need_id: entry for entry in plan.unmet}
    places = _places(scenario.needs, scenario, at)
    parts = [_cluster(scenario, group, unmet, focus, at, language) for group in places]
    return tag("g", {"class": "households"}, "".join(reversed(parts)))


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


def _filtered(plan: Plan, day: Day | None, worker: str | None) -> Plan:
    """The plan's visits and routes on ``day`` and by ``worker`` (None: every one)."""
    if day is None and worker is None:
        return plan
    visits = [
        v
        for v in plan.visits
        if (day is None or v.day == day) and (worker is None or worker in v.worker_ids)
    ]
    routes = [
        r
        for r in plan.routes
        if (day is None or r.day == day) and (worker is None or r.worker_id == worker)
    ]
    return plan.model_copy(update={"visits": visits, "routes": routes})


def town_map_svg(
    scenario: Scenario,
    plan: Plan,
    language: Language = "zh",
    day: Day | None = None,
    worker: str | None = None,
) -> str:
    """A map of the town: station, villages, households by priority, routes and a scale bar.

    Parameters
    ----------
    scenario
        The scenario the plan was made for (locations, names, priorities).
    plan
        The plan; routes of workers the scenario lacks, and stops of unknown needs, are left out.
    language
        ``zh`` or ``en``, for every label.
    day, worker
        Show only the routes of this day and of this worker; the households they do not visit
        are drawn faded (unmet ones keep their ring). None: every day, every worker.

    Returns
    -------
    str
        An inline SVG with one ``circle.household`` per need (``household unmet`` plus a ring
        when the plan does not fully serve it, the first reason as its tooltip; households that
        would overlap are packed in a disk, ``g.cluster``, with their count), one
        ``polyline.route`` per route shown (base → stops → base), the ``.station``, the
        ``.village`` squares, a legend and a scale bar in km.
    """
    at, height = fit(_points(scenario, plan))
    shown = _filtered(plan, day, worker)
    focus = None if shown is plan else {visit.need_id for visit in shown.visits}
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
        _routes(scenario, shown, at, language),
        _households(scenario, plan, at, focus, language),
        _villages(scenario, at),
        _station(scenario, at),
        _scale_bar(at, height, language),
    ]
    key, key_height = legend(_legend_items(language), 8, height + 10, MAP_WIDTH - 16)
    body.append(key)
    heading = label(language, "map.title", scenario=scenario.name)
    description = summary(
        language, len(shown.visits), len(plan_workers(shown)), len(plan.unmet), day
    )
    return document(
        "town-map",
        "town-map",
        (MAP_WIDTH, height + 10 + key_height + 4),
        (heading, description),
        body,
    )
