"""The synthetic town generator and the committed scenario files."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from pathlib import Path

import pytest

from service.generator import MAX_VILLAGES, generate_town
from service.loading import load_scenario, parse_scenario
from service.wire.common import Location, time_to_minutes
from service.wire.scenario import Scenario

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
KM_PER_DEGREE_LAT = 110.574
TOWN_25_NAME = "演示镇 第48周 (demo town, week 48)"


def _json(scenario: Scenario) -> str:
    return scenario.model_dump_json(by_alias=True, exclude_none=True, indent=2) + "\n"


def _km(a: Location, b: Location) -> float:
    east = (a.lon - b.lon) * 111.320 * math.cos(math.radians(b.lat))
    return math.hypot(east, (a.lat - b.lat) * KM_PER_DEGREE_LAT)


@pytest.fixture(scope="module")
def town() -> Scenario:
    """A mid-sized generated town shared by the rule tests."""
    return generate_town(villages=12, needs=300, seed=11)


# --- determinism and size ----------------------------------------------------------------------


def test_same_seed_gives_identical_json() -> None:
    """The same arguments give byte-identical scenarios."""
    assert _json(generate_town(6, 80, seed=3)) == _json(generate_town(6, 80, seed=3))


def test_other_seed_gives_other_town() -> None:
    """A different seed gives a different scenario."""
    assert _json(generate_town(6, 80, seed=3)) != _json(generate_town(6, 80, seed=4))


@pytest.mark.parametrize(("villages", "needs"), [(1, 0), (1, 1), (2, 7), (5, 64), (25, 600)])
def test_visit_total_equals_needs(villages: int, needs: int) -> None:
    """The requested visits add up exactly to the ``needs`` argument."""
    scenario = generate_town(villages, needs, seed=1)
    assert sum(need.visits for need in scenario.needs) == needs


@pytest.mark.parametrize(("villages", "needs", "seed"), [(1, 5, 0), (3, 40, 1), (25, 600, 2)])
def test_generated_town_parses(villages: int, needs: int, seed: int) -> None:
    """A generated town passes shape and cross-reference validation."""
    text = generate_town(villages, needs, seed).model_dump_json(by_alias=True, exclude_none=True)
    assert parse_scenario(text).needs
    assert '"extra"' not in text


def test_week_start_and_name_are_used() -> None:
    """The week start and name arguments end up in the scenario."""
    scenario = generate_town(2, 5, seed=0, week_start=dt.date(2027, 1, 4), name="周")
    assert (scenario.week_start, scenario.name) == (dt.date(2027, 1, 4), "周")


# --- municipal rules ---------------------------------------------------------------------------


def test_at_least_four_social_workers_at_the_station(town: Scenario) -> None:
    """At least four resident social workers work from the station (no base of their own)."""
    station = [w for w in town.workers if w.role == "social_worker" and w.base is None]
    assert len(station) >= 4


@pytest.mark.parametrize("villages", [1, 5, 12])
def test_a_social_worker_per_two_villages(villages: int) -> None:
    """At least one professional social worker per two villages is based in a village room."""
    scenario = generate_town(villages, 0, seed=5)
    rooms = {(v.location.lat, v.location.lon) for v in scenario.villages}
    in_rooms = [
        w
        for w in scenario.workers
        if w.role == "social_worker" and w.base and (w.base.lat, w.base.lon) in rooms
    ]
    assert len(in_rooms) >= math.ceil(villages / 2)


def test_one_liaison_per_village(town: Scenario) -> None:
    """Every village has exactly one liaison, based in it, on foot or by e-bike."""
    liaisons = [w for w in town.workers if w.role == "liaison"]
    homes = Counter((w.base.lat, w.base.lon) for w in liaisons if w.base)
    assert len(liaisons) == len(town.villages)
    assert all(homes[(v.location.lat, v.location.lon)] == 1 for v in town.villages)
    assert {w.transport for w in liaisons} <= {"walk", "ebike"}


def test_two_to_four_volunteers_per_village(town: Scenario) -> None:
    """Every village has two to four volunteers with two or three short shifts."""
    volunteers = [w for w in town.workers if w.role == "volunteer"]
    homes = Counter((w.base.lat, w.base.lon) for w in volunteers if w.base)
    assert all(2 <= homes[(v.location.lat, v.location.lon)] <= 4 for v in town.villages)
    for worker in volunteers:
        assert 2 <= len(worker.availability) <= 3
        for shifts in worker.availability.values():
            assert all(120 <= time_to_minutes(b) - time_to_minutes(a) <= 180 for a, b in shifts)


def test_social_workers_work_weekdays(town: Scenario) -> None:
    """Social workers work Monday to Friday within the weekly minute cap's range."""
    for worker in (w for w in town.workers if w.role == "social_worker"):
        assert set(worker.availability) == {"mon", "tue", "wed", "thu", "fri"}
        assert worker.max_minutes_per_week is not None
        assert 1800 <= worker.max_minutes_per_week <= 2100


@pytest.mark.parametrize("villages", [4, 12, 25])
def test_each_village_covers_50_to_150_km2(villages: int) -> None:
    """The town's disc, shared among its villages, gives each 50–150 km²."""
    scenario = generate_town(villages, 0, seed=9)
    radius = max(_km(v.location, scenario.station.location) for v in scenario.villages)
    assert 50 <= math.pi * radius**2 / villages <= 150


def test_communities_are_a_quarter_and_central(town: Scenario) -> None:
    """About a quarter of the villages are communities, all close to the station."""
    communities = [v for v in town.villages if v.kind == "community"]
    assert len(communities) == len(town.villages) // 4
    assert all(_km(v.location, town.station.location) <= 4.5 for v in communities)


def test_names_are_unique(town: Scenario) -> None:
    """Villages and workers have distinct Chinese names."""
    assert len({v.name for v in town.villages}) == len(town.villages)
    assert len({w.name for w in town.workers}) == len(town.workers)


def test_households_are_near_their_village(town: Scenario) -> None:
    """Every household lies within 1.5 km of its village."""
    villages = {v.id: v for v in town.villages}
    for need in town.needs:
        assert need.location is not None
        assert _km(need.location, villages[need.village].location) <= 1.51


def test_windows_fit_the_visit(town: Scenario) -> None:
    """Each window is long enough for its visit, whose duration is whole quarter hours."""
    for need in town.needs:
        span = time_to_minutes(need.window.to) - time_to_minutes(need.window.from_)
        assert need.duration_minutes <= span
        assert need.duration_minutes % 15 == 0
        assert 30 <= need.duration_minutes <= 120


def test_priorities_are_skewed_and_mandatory_is_urgent(town: Scenario) -> None:
    """Priority 1 is rarer than 3 and 4; mandatory needs are priority 1 and about 5%."""
    counts = Counter(need.priority for need in town.needs)
    assert counts[1] < counts[3] and counts[1] < counts[4]
    mandatory = [need for need in town.needs if need.mandatory]
    assert all(need.priority == 1 for need in mandatory)
    assert 0.01 <= len(mandatory) / len(town.needs) <= 0.1


def test_worker_pairs_are_common(town: Scenario) -> None:
    """Social worker + volunteer pairs (双工联动) are a sizeable share of the needs."""
    pairs = [n for n in town.needs if n.staff == {"social_worker": 1, "volunteer": 1}]
    assert 0.15 <= len(pairs) / len(town.needs) <= 0.4


def test_some_resources_run_short(town: Scenario) -> None:
    """Requests go to eligible households and exceed the stock of some resource."""
    resources = {r.id: r for r in town.resources}
    asked: Counter[str] = Counter()
    for need in town.needs:
        for amount in need.resources:
            eligible = resources[amount.id].eligible_groups
            assert eligible is None or set(eligible) & set(need.groups)
            asked[amount.id] += amount.quantity
    assert 5 <= len(resources) <= 8
    assert any(asked[r.id] > r.available for r in town.resources)


def test_preferred_and_excluded_are_local(town: Scenario) -> None:
    """Preferred and excluded workers are based in the need's village."""
    villages = {v.id: (v.location.lat, v.location.lon) for v in town.villages}
    bases = {w.id: (w.base.lat, w.base.lon) for w in town.workers if w.base}
    for need in town.needs:
        for worker_id in need.preferred_workers + need.excluded_workers:
            assert bases[worker_id] == villages[need.village]


# --- towns the public routing solvers can express --------------------------------------------


@pytest.fixture(scope="module")
def peer_town() -> Scenario:
    """A generated town made for the peer benchmark."""
    return generate_town(villages=12, needs=300, seed=11, peer_expressible=True)


def test_peer_option_off_is_the_default_town() -> None:
    """peer_expressible=False and capacity=1 give the byte-identical default town."""
    plain = generate_town(6, 80, seed=3)
    assert _json(generate_town(6, 80, seed=3, peer_expressible=False, capacity=1.0)) == _json(plain)


def test_peer_town_needs_one_worker_once(peer_town: Scenario) -> None:
    """Every need of a peer town asks one worker of one role (or any) for one visit."""
    assert len(peer_town.needs) == 300
    for need in peer_town.needs:
        assert need.visits == 1
        assert len(need.staff) == 1
        assert next(iter(need.staff.values())) == 1
        assert not need.resources and not need.mandatory and not need.preferred_workers


def test_peer_town_workers_have_one_shift_and_no_weekly_cap(peer_town: Scenario) -> None:
    """Every worker of a peer town has one shift a day and no weekly minute cap."""
    assert not peer_town.resources
    for worker in peer_town.workers:
        assert worker.max_minutes_per_week is None
        assert all(len(shifts) == 1 for shifts in worker.availability.values())


def test_peer_town_keeps_the_hard_rules(peer_town: Scenario) -> None:
    """A peer town still has roles, skills, languages, exclusions, ranges and multi-day windows."""
    needs = peer_town.needs
    assert {key for need in needs for key in need.staff} >= {"any", "social_worker", "liaison"}
    assert any(need.skills for need in needs) and any(need.languages for need in needs)
    assert any(need.excluded_workers for need in needs)
    assert all(len(need.window.days) >= 3 for need in needs)
    assert {need.priority for need in needs} == {1, 2, 3, 4, 5}
    assert all(w.max_travel_minutes and w.max_visits_per_day for w in peer_town.workers)


def test_peer_town_parses(peer_town: Scenario) -> None:
    """A peer town passes shape and cross-reference validation."""
    assert parse_scenario(peer_town.model_dump_json(by_alias=True, exclude_none=True)).needs


def test_lower_capacity_means_fewer_social_workers() -> None:
    """A capacity below 1 draws fewer social workers than the calibration."""

    def social_workers(capacity: float) -> int:
        town = generate_town(25, 600, seed=1, capacity=capacity)
        return sum(worker.role == "social_worker" for worker in town.workers)

    assert social_workers(0.6) < social_workers(1.0)


def test_capacity_must_be_positive() -> None:
    """A capacity of zero is refused with a short message."""
    with pytest.raises(ValueError, match=r"^capacity <= 0 not understood\.$"):
        generate_town(3, 10, seed=0, capacity=0.0)


# --- arguments ---------------------------------------------------------------------------------


MONDAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    ("villages", "needs", "week_start", "message"),
    [
        (0, 10, MONDAY, "villages < 1 not understood."),
        (MAX_VILLAGES + 1, 10, MONDAY, f"villages > {MAX_VILLAGES} not understood."),
        (3, -1, MONDAY, "needs < 0 not understood."),
        (3, 10, dt.date(2026, 11, 24), "week_start 2026-11-24 is not a Monday."),
    ],
)
def test_bad_arguments_are_refused(
    villages: int, needs: int, week_start: dt.date, message: str
) -> None:
    """Out-of-range arguments raise ValueError with a short message."""
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        generate_town(villages, needs, seed=0, week_start=week_start)


# --- committed scenario files ------------------------------------------------------------------


SCENARIO_FILES = sorted(p for p in SCENARIOS.rglob("*.json") if "schema" not in p.parts)


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: str(p.relative_to(SCENARIOS)))
def test_committed_scenario_parses(path: Path) -> None:
    """Every committed scenario file passes parse_scenario."""
    assert load_scenario(path).villages


def test_committed_files_exist() -> None:
    """The demo town, the tiny scenario and the four edge cases are committed."""
    names = {str(p.relative_to(SCENARIOS)) for p in SCENARIO_FILES}
    assert {
        "town-25.json",
        "tiny.json",
        "edge/mandatory-unservable.json",
        "edge/out-of-stock.json",
        "edge/only-excluded.json",
        "edge/no-volunteers.json",
    } <= names


def test_town_25_matches_the_generator() -> None:
    """scenarios/town-25.json is exactly what the generator makes for its arguments."""
    expected = _json(generate_town(villages=25, needs=600, seed=2026, name=TOWN_25_NAME))
    assert (SCENARIOS / "town-25.json").read_text(encoding="utf-8") == expected


def test_tiny_is_small_with_a_pair() -> None:
    """tiny.json: 2 villages, 3 workers, 7 visits over priorities 1–3, one worker pair."""
    tiny = load_scenario(SCENARIOS / "tiny.json")
    assert (len(tiny.villages), len(tiny.workers)) == (2, 3)
    assert sum(need.visits for need in tiny.needs) == 7
    assert {need.priority for need in tiny.needs} == {1, 2, 3}
    assert any(need.staff == {"social_worker": 1, "volunteer": 1} for need in tiny.needs)


def test_edge_mandatory_need_has_an_unheld_skill() -> None:
    """mandatory-unservable.json: a mandatory need asks for a skill no worker holds."""
    scenario = load_scenario(SCENARIOS / "edge" / "mandatory-unservable.json")
    held = {code for worker in scenario.workers for code in worker.skills}
    assert any(need.mandatory and set(need.skills) - held for need in scenario.needs)


def test_edge_resource_requested_beyond_stock() -> None:
    """out-of-stock.json: more households ask for a resource than its stock can serve."""
    scenario = load_scenario(SCENARIOS / "edge" / "out-of-stock.json")
    for resource in scenario.resources:
        asking = [n for n in scenario.needs if any(a.id == resource.id for a in n.resources)]
        asked = sum(a.quantity for n in asking for a in n.resources if a.id == resource.id)
        assert asked > resource.available
        assert len(asking) >= 2


def test_edge_only_qualified_worker_is_excluded() -> None:
    """only-excluded.json: every worker holding the need's skills is excluded from it."""
    scenario = load_scenario(SCENARIOS / "edge" / "only-excluded.json")
    found = False
    for need in scenario.needs:
        qualified = {
            w.id
            for w in scenario.workers
            if set(need.skills) <= set(w.skills) and ("any" in need.staff or w.role in need.staff)
        }
        found |= bool(qualified) and qualified <= set(need.excluded_workers)
    assert found


def test_edge_no_volunteers_but_asked_for() -> None:
    """no-volunteers.json: no volunteer works this week though some needs ask for one."""
    scenario = load_scenario(SCENARIOS / "edge" / "no-volunteers.json")
    assert all(worker.role != "volunteer" for worker in scenario.workers)
    assert any(need.staff.get("volunteer", 0) > 0 for need in scenario.needs)
