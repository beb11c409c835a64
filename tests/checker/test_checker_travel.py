"""The checker's own travel formula, pinned on points worked out by hand."""

from __future__ import annotations

import pytest

from service.checker.travel import haversine_km, need_location, travel_minutes, worker_base
from service.wire.common import Location
from service.wire.scenario import Scenario, Travel

A = Location(lat=31.70, lon=120.87)
B = Location(lat=31.71, lon=120.87)  # 0.01° of latitude north of A


def test_haversine_one_hundredth_degree_of_latitude() -> None:
    """Travel: 0.01° of latitude is 6371.0088 × π / 18000 ≈ 1.112 km."""
    assert haversine_km(A, B) == pytest.approx(1.1119508, abs=1e-6)


@pytest.mark.parametrize(
    ("transport", "minutes"),
    [
        ("ebike", 6),  # 1.112 × 1.3 / 15 × 60 = 5.78
        ("car", 3),  # 1.112 × 1.3 / 30 × 60 = 2.89
        ("walk", 20),  # 1.112 × 1.3 / 4.5 × 60 = 19.27
    ],
)
def test_travel_minutes_rounds_up(transport: str, minutes: int) -> None:
    """Travel: minutes = ceil(km × detour ÷ speed × 60) for each default speed."""
    assert travel_minutes(A, B, transport, Travel()) == minutes  # type: ignore[arg-type]
    assert travel_minutes(B, A, transport, Travel()) == minutes  # type: ignore[arg-type]


def test_travel_minutes_uses_scenario_speeds_and_detour() -> None:
    """Travel: the scenario's detour factor and speeds replace the defaults."""
    travel = Travel.model_validate({"detour_factor": 2.0, "speed_kmh": {"ebike": 20}})
    # 1.112 × 2 / 20 × 60 = 6.67
    assert travel_minutes(A, B, "ebike", travel) == 7


def test_travel_minutes_zero_between_identical_points() -> None:
    """Travel: zero minutes between identical points."""
    assert travel_minutes(A, Location(lat=A.lat, lon=A.lon), "walk", Travel()) == 0


def test_defaults_for_base_and_need_location(scenario: Scenario) -> None:
    """Travel: base defaults to the station, a need's location to its village's."""
    sw01, _, li01 = scenario.workers
    assert worker_base(scenario, sw01) == scenario.station.location
    assert worker_base(scenario, li01) == li01.base
    n001, _, n003, _ = scenario.needs
    assert need_location(scenario, n001) == scenario.villages[0].location
    assert need_location(scenario, n003) == n003.location
