"""The console's SVG drawings: the timeline and the town map, parsed back as XML."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest

from service.console.drawing import PRIORITY_COLOURS, timeline_svg, town_map_svg
from service.console.town_map import KM_PER_DEGREE, fit, nice_km
from service.generator import generate_town
from service.loading import load_scenario
from service.planning import PlanOptions, plan_week
from service.wire.common import DAYS, Location
from service.wire.plan import Plan
from service.wire.scenario import Scenario

ROOT = Path(__file__).resolve().parents[2]
NS = "{http://www.w3.org/2000/svg}"
Week = tuple[Scenario, Plan]


@cache
def tiny() -> Week:
    """scenarios/tiny.json and its plan."""
    scenario = load_scenario(ROOT / "scenarios" / "tiny.json")
    return scenario, plan_week(scenario, PlanOptions(time_limit=2, workers=1))


@cache
def town() -> Week:
    """A small generated town and its plan."""
    scenario = generate_town(5, 60, 1)
    return scenario, plan_week(scenario, PlanOptions(time_limit=2, workers=1))


WEEKS: dict[str, Callable[[], Week]] = {"tiny": tiny, "town": town}


def elements(root: ET.Element, name: str, css_class: str) -> list[ET.Element]:
    """The elements ``name`` whose class list holds ``css_class``, in document order."""
    return [e for e in root.iter(NS + name) if css_class in e.get("class", "").split()]


def tooltip(element: ET.Element) -> str:
    """The text of an element's ``<title>`` child."""
    found = element.find(NS + "title")
    assert found is not None and found.text is not None
    return found.text


def plural(count: int) -> str:
    """The English plural ending for ``count``."""
    return "" if count == 1 else "s"


def texts(root: ET.Element) -> list[str]:
    """Every ``<text>`` shown."""
    return ["".join(e.itertext()) for e in root.iter(NS + "text")]


@pytest.mark.parametrize("name", WEEKS)
def test_timeline_has_one_visit_rect_per_visit_and_team_worker(name: str) -> None:
    """Each visit is drawn once in the row of every worker of its team, coloured by priority."""
    scenario, plan = WEEKS[name]()
    root = ET.fromstring(timeline_svg(scenario, plan))
    priority = {need.id: need.priority for need in scenario.needs}
    drawn = Counter(
        (e.get("data-need-id"), e.get("data-visit"), e.get("data-day"))
        for e in elements(root, "rect", "visit")
    )
    expected = Counter({(v.need_id, str(v.visit), v.day): len(v.worker_ids) for v in plan.visits})
    assert plan.visits
    assert drawn == expected
    for rect in elements(root, "rect", "visit"):
        need_id = rect.get("data-need-id")
        assert need_id is not None
        assert rect.get("data-priority") == str(priority[need_id])
        assert rect.get("fill") == PRIORITY_COLOURS[priority[need_id]]
        assert need_id in tooltip(rect)


@pytest.mark.parametrize("name", WEEKS)
def test_timeline_rows_are_the_workers_with_visits(name: str) -> None:
    """One row per worker with visits, in scenario order, each with its shift bands."""
    scenario, plan = WEEKS[name]()
    root = ET.fromstring(timeline_svg(scenario, plan))
    busy = {w for visit in plan.visits for w in visit.worker_ids}
    rows = [g.get("data-worker-id") for g in elements(root, "g", "worker")]
    assert rows == [worker.id for worker in scenario.workers if worker.id in busy]
    workers = {worker.id: worker for worker in scenario.workers}
    for row in elements(root, "g", "worker"):
        worker = workers[str(row.get("data-worker-id"))]
        shifts = sum(len(s) for s in worker.availability.values())
        assert len(elements(row, "rect", "shift")) == shifts


@pytest.mark.parametrize("name", WEEKS)
def test_timeline_travel_matches_the_routes(name: str) -> None:
    """Travel legs per worker and day add up to the routes' travel minutes (spec formula)."""
    scenario, plan = WEEKS[name]()
    root = ET.fromstring(timeline_svg(scenario, plan))
    drawn: dict[tuple[str, str], int] = defaultdict(int)
    for row in elements(root, "g", "worker"):
        for leg in elements(row, "rect", "travel"):
            key = (str(row.get("data-worker-id")), str(leg.get("data-day")))
            drawn[key] += int(str(leg.get("data-minutes")))
    planned: dict[tuple[str, str], int] = defaultdict(int)
    for route in plan.routes:
        planned[(route.worker_id, route.day)] += route.travel_minutes
    assert dict(drawn) == {key: minutes for key, minutes in planned.items() if minutes}


def test_timeline_travel_ends_where_the_visit_starts() -> None:
    """A leg towards a visit ends at the left edge of that visit's rectangle."""
    scenario, plan = tiny()
    root = ET.fromstring(timeline_svg(scenario, plan))
    checked = 0
    for row in elements(root, "g", "worker"):
        starts = {float(str(r.get("x"))) for r in elements(row, "rect", "visit")}
        for leg in elements(row, "rect", "travel"):
            end = float(str(leg.get("x"))) + float(str(leg.get("width")))
            if leg.get("data-leg") == "to":
                assert any(abs(end - start) < 0.2 for start in starts)
                checked += 1
    assert checked > 0


def test_timeline_day_filter_shows_one_day() -> None:
    """With ``day=`` only that day's visits and the workers who make them are drawn."""
    scenario, plan = town()
    day = next(d for d in DAYS if any(v.day == d for v in plan.visits))
    root = ET.fromstring(timeline_svg(scenario, plan, day=day))
    that_day = [v for v in plan.visits if v.day == day]
    visits = elements(root, "rect", "visit")
    assert {e.get("data-day") for e in visits} == {day}
    assert len(visits) == sum(len(v.worker_ids) for v in that_day)
    rows = {g.get("data-worker-id") for g in elements(root, "g", "worker")}
    assert rows == {w for v in that_day for w in v.worker_ids}
    assert {e.get("data-day") for e in elements(root, "rect", "shift")} == {day}
    desc = root.find(NS + "desc")
    assert desc is not None and desc.text is not None
    assert desc.text.startswith("周") and f"{len(that_day)} 次探访" in desc.text


@pytest.mark.parametrize("name", WEEKS)
def test_map_draws_every_household_with_its_priority(name: str) -> None:
    """One household circle per need, with the need's priority and its colour."""
    scenario, plan = WEEKS[name]()
    root = ET.fromstring(town_map_svg(scenario, plan))
    circles = {e.get("data-need-id"): e for e in elements(root, "circle", "household")}
    assert len(elements(root, "circle", "household")) == len(scenario.needs)
    for need in scenario.needs:
        circle = circles[need.id]
        assert circle.get("data-priority") == str(need.priority)
        assert circle.get("fill") == PRIORITY_COLOURS[need.priority]


@pytest.mark.parametrize("name", WEEKS)
def test_map_marks_unmet_households_with_the_first_reason(name: str) -> None:
    """Exactly the unmet needs carry the unmet class, a ring and the first reason as tooltip."""
    scenario, plan = WEEKS[name]()
    root = ET.fromstring(town_map_svg(scenario, plan))
    unmet = elements(root, "circle", "unmet")
    assert plan.unmet
    assert {e.get("data-need-id") for e in unmet} == {u.need_id for u in plan.unmet}
    assert all("household" in str(e.get("class")).split() for e in unmet)
    assert len(elements(root, "circle", "unmet-mark")) == len(plan.unmet) + 1  # + the legend's
    reasons = {u.need_id: u.reasons[0].message for u in plan.unmet}
    for circle in unmet:
        assert reasons[str(circle.get("data-need-id"))] in tooltip(circle)


@pytest.mark.parametrize("name", WEEKS)
def test_map_draws_one_polyline_per_route(name: str) -> None:
    """Each route is a polyline base → stops → base, tagged with its worker and day."""
    scenario, plan = WEEKS[name]()
    root = ET.fromstring(town_map_svg(scenario, plan))
    lines = elements(root, "polyline", "route")
    assert len(lines) == len(plan.routes) > 0
    for line, route in zip(lines, plan.routes, strict=True):
        assert (line.get("data-worker-id"), line.get("data-day")) == (route.worker_id, route.day)
        points = str(line.get("points")).split()
        assert len(points) == len(route.stops) + 2
        assert points[0] == points[-1]


def test_map_has_station_villages_legend_and_scale() -> None:
    """The station, every village with its name, a legend and a scale bar in km are drawn."""
    scenario, plan = town()
    root = ET.fromstring(town_map_svg(scenario, plan))
    assert len(elements(root, "g", "station")) == 1
    villages = elements(root, "g", "village")
    assert [g.get("data-village-id") for g in villages] == [v.id for v in scenario.villages]
    shown = texts(root)
    assert all(village.name in shown for village in scenario.villages)
    assert any(re.fullmatch(r"[\d.]+ 公里", t) for t in shown)
    assert {"优先级 1", "优先级 5", "未完全满足"} <= set(shown)


def test_names_are_escaped() -> None:
    """Names holding ``<&>"`` come out escaped and read back unchanged."""
    scenario, plan = tiny()
    odd = 'A<&>"B'
    workers = [scenario.workers[0].model_copy(update={"name": odd}), *scenario.workers[1:]]
    villages = [scenario.villages[0].model_copy(update={"name": "V<&>"}), *scenario.villages[1:]]
    changed = scenario.model_copy(update={"workers": workers, "villages": villages, "name": "S<&>"})
    for svg in (timeline_svg(changed, plan), town_map_svg(changed, plan)):
        assert odd not in svg and "V<&>" not in svg and "S<&>" not in svg
        root = ET.fromstring(svg)
        found = root.find(NS + "title")
        assert found is not None and found.text is not None and "S<&>" in found.text
    timeline = ET.fromstring(timeline_svg(changed, plan))
    row = elements(timeline, "g", "worker")[0]
    assert row.get("data-worker-id") == workers[0].id
    assert tooltip(row).startswith(odd)
    town_map = ET.fromstring(town_map_svg(changed, plan))
    assert "V<&>" in texts(town_map)


def test_english_labels() -> None:
    """``language="en"`` gives English labels; Chinese is the default."""
    scenario, plan = tiny()
    for draw in (timeline_svg, town_map_svg):
        english = ET.fromstring(draw(scenario, plan, language="en"))
        chinese = ET.fromstring(draw(scenario, plan))
        assert {"priority 1", "priority 5"} <= set(texts(english))
        assert "优先级 1" in texts(chinese) and "优先级 1" not in texts(english)
        desc = english.find(NS + "desc")
        assert desc is not None and desc.text is not None
        workers = len({w for v in plan.visits for w in v.worker_ids})
        assert desc.text == (
            f"{len(plan.visits)} visit{plural(len(plan.visits))} by "
            f"{workers} worker{plural(workers)}, "
            f"{len(plan.unmet)} need{plural(len(plan.unmet))} not fully served"
        )
    legs = elements(ET.fromstring(timeline_svg(scenario, plan, "en")), "rect", "travel")
    assert legs and all(re.fullmatch(r"(travel|back to base) \d+ min", tooltip(e)) for e in legs)


@pytest.mark.parametrize("name", WEEKS)
def test_drawings_are_deterministic(name: str) -> None:
    """The same scenario and plan give the same strings."""
    scenario, plan = WEEKS[name]()
    again = Plan.model_validate_json(plan.model_dump_json(by_alias=True))
    assert timeline_svg(scenario, plan) == timeline_svg(scenario, again)
    assert town_map_svg(scenario, plan, "en") == town_map_svg(scenario, again, "en")


@pytest.mark.parametrize("draw", [timeline_svg, town_map_svg])
def test_drawings_are_accessible_responsive_and_self_contained(
    draw: Callable[[Scenario, Plan], str],
) -> None:
    """role=img labelled by a title and desc, a viewBox, full width, no link, readable text."""
    scenario, plan = town()
    svg = draw(scenario, plan)
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.get("width") == "100%"
    assert re.fullmatch(r"0 0 [\d.]+ [\d.]+", str(root.get("viewBox")))
    ids = str(root.get("aria-labelledby")).split()
    children = {child.get("id"): child.tag for child in root}
    assert [children[i] for i in ids] == [NS + "title", NS + "desc"]
    assert (
        "href" not in svg
        and "<script" not in svg
        and "http://" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    )
    assert all(float(str(e.get("font-size"))) >= 11 for e in root.iter(NS + "text"))


def test_empty_plan_draws_no_visits() -> None:
    """A plan without visits still draws: a note on the timeline, households on the map."""
    scenario, plan = tiny()
    empty = plan.model_copy(update={"visits": [], "routes": []})
    timeline = ET.fromstring(timeline_svg(scenario, empty, "en"))
    assert not elements(timeline, "rect", "visit") and "No visits planned" in texts(timeline)
    town_map = ET.fromstring(town_map_svg(scenario, empty))
    assert not elements(town_map, "polyline", "route")
    assert len(elements(town_map, "circle", "household")) == len(scenario.needs)


def test_projection_keeps_the_aspect() -> None:
    """A kilometre east and a kilometre north are drawn the same length."""
    degree = 1 / KM_PER_DEGREE
    shrink = math.cos(math.radians(31.7 + degree / 2))
    centre = Location(lat=31.7, lon=120.87)
    east = Location(lat=31.7, lon=120.87 + degree / shrink)
    north = Location(lat=31.7 + degree, lon=120.87)
    at, height = fit([centre, east, north])
    (x0, y0), (xe, ye), (xn, yn) = at.xy(centre), at.xy(east), at.xy(north)
    assert ye == pytest.approx(y0) and xn == pytest.approx(x0)
    assert xe - x0 == pytest.approx(y0 - yn)
    assert y0 - yn == pytest.approx(at.units_per_km)
    assert 0 < height <= 1000


def test_scale_bar_lengths_are_round() -> None:
    """Scale bars are 1, 2 or 5 times a power of ten kilometres, never above the length asked."""
    assert [nice_km(k) for k in (0.7, 1.0, 3.9, 7.2, 19.0, 55.0)] == [0.5, 1, 2, 5, 10, 50]
