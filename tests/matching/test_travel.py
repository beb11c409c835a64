"""The solver's vectorised travel matrix against the spec's formula."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.matching.travel import EARTH_RADIUS_KM, haversine_km, travel_minutes

SPEEDS = np.array([4.5, 15.0, 30.0])
"""walk, ebike, car (the scenario defaults), in the order of ``to_solver.MODES``."""


def spec_minutes(a: tuple[float, float], b: tuple[float, float], speed: float) -> float:
    """The spec's formula before rounding up, written out with the math module."""
    lat_a, lat_b = math.radians(a[0]), math.radians(b[0])
    dlat, dlon = lat_b - lat_a, math.radians(b[1] - a[1])
    h = math.sin(dlat / 2) ** 2 + math.cos(lat_a) * math.cos(lat_b) * math.sin(dlon / 2) ** 2
    km = 2 * 6371.0088 * math.asin(math.sqrt(h))
    return km * 1.3 / speed * 60


def test_earth_radius_is_the_spec_value() -> None:
    """The travel formula uses the spec's Earth radius, 6371.0088 km."""
    assert EARTH_RADIUS_KM == 6371.0088


def test_one_hundredth_degree_of_latitude_is_1112_metres() -> None:
    """0.01° of latitude is about 1.112 km on the spec's sphere."""
    km = haversine_km(np.array([31.70, 31.71]), np.array([120.87, 120.87]))
    assert km[0, 1] == pytest.approx(1.1119, abs=1e-3)


def test_known_trip_by_each_mode() -> None:
    """0.01° north with detour 1.3: walk 20, ebike 6, car 3 minutes (rounded up)."""
    minutes = travel_minutes(np.array([31.70, 31.71]), np.array([120.87, 120.87]), 1.3, SPEEDS)
    assert minutes[:, 0, 1].tolist() == [20, 6, 3]
    assert minutes[:, 1, 0].tolist() == [20, 6, 3]


def test_detour_factor_scales_the_trip() -> None:
    """Detour 1.0 instead of 1.3 shortens the ebike trip from 6 to 5 minutes."""
    lat, lon = np.array([31.70, 31.71]), np.array([120.87, 120.87])
    assert travel_minutes(lat, lon, 1.0, SPEEDS)[1, 0, 1] == 5
    assert travel_minutes(lat, lon, 1.3, SPEEDS)[1, 0, 1] == 6


def test_identical_points_are_zero_minutes_apart() -> None:
    """Two points at the same place are 0 minutes apart for every mode, as is a point to itself."""
    lat = np.array([31.70, 31.70, 31.71])
    lon = np.array([120.87, 120.87, 120.87])
    minutes = travel_minutes(lat, lon, 1.3, SPEEDS)
    assert (minutes[:, 0, 1] == 0).all()
    assert (np.diagonal(minutes, axis1=1, axis2=2) == 0).all()
    assert (minutes[:, 0, 2] > 0).all()


def test_shape_is_modes_points_points_of_integers() -> None:
    """The matrix is ``(modes, points, points)`` integer minutes."""
    lat = np.linspace(31.6, 31.8, 5)
    lon = np.linspace(120.8, 120.9, 5)
    minutes = travel_minutes(lat, lon, 1.3, SPEEDS)
    assert minutes.shape == (3, 5, 5)
    assert np.issubdtype(minutes.dtype, np.integer)
    assert travel_minutes(lat, lon, 1.3, SPEEDS[:2]).shape == (2, 5, 5)


coordinate = st.tuples(
    st.floats(min_value=31.5, max_value=32.0, allow_nan=False),
    st.floats(min_value=120.6, max_value=121.1, allow_nan=False),
)


@settings(max_examples=100, deadline=None)
@given(st.lists(coordinate, min_size=2, max_size=6))
def test_matrix_is_symmetric_and_matches_the_formula(points: list[tuple[float, float]]) -> None:
    """Every entry is the spec's ceil(...) of that pair, and a → b equals b → a."""
    lat = np.array([p[0] for p in points])
    lon = np.array([p[1] for p in points])
    minutes = travel_minutes(lat, lon, 1.3, SPEEDS)
    assert (minutes == minutes.transpose(0, 2, 1)).all()
    for mode, speed in enumerate(SPEEDS.tolist()):
        for i, a in enumerate(points):
            for j, b in enumerate(points):
                exact = spec_minutes(a, b, speed)
                if abs(exact - round(exact)) < 1e-9:
                    continue  # on an integer the two float paths may round either way
                assert minutes[mode, i, j] == math.ceil(exact)
