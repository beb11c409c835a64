"""Travel minutes between all points at once (the spec's one formula, vectorised)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

EARTH_RADIUS_KM = 6371.0088
CHUNK_ROWS = 256
"""Rows of the distance matrix computed at a time, to bound temporary memory."""

FloatArray = npt.NDArray[np.float64]


def haversine_km(lat: FloatArray, lon: FloatArray, rows: slice = slice(None)) -> FloatArray:
    """Great-circle distances from the points ``rows`` to every point.

    Parameters
    ----------
    lat, lon
        Coordinates in degrees, shape ``(points,)``.
    rows
        Which points to measure from (all by default).

    Returns
    -------
    numpy.ndarray
        ``(len(rows), points)`` distances in km.
    """
    phi = np.radians(lat)
    lam = np.radians(lon)
    dphi = phi[rows, None] - phi[None, :]
    dlam = lam[rows, None] - lam[None, :]
    h = (
        np.sin(dphi / 2) ** 2
        + np.cos(phi[rows])[:, None] * np.cos(phi)[None, :] * np.sin(dlam / 2) ** 2
    )
    distance: FloatArray = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return distance


def travel_minutes(
    lat: FloatArray, lon: FloatArray, detour_factor: float, speeds_kmh: FloatArray
) -> npt.NDArray[np.int32]:
    """Travel minutes per transport mode between every pair of points.

    ``ceil(haversine_km × detour_factor ÷ speed_kmh × 60)``, zero between identical points.
    Computed a block of rows at a time, so a town of thousands of points needs little memory
    beyond the result.

    Parameters
    ----------
    lat, lon
        Coordinates in degrees, shape ``(points,)``.
    detour_factor
        Road distance over straight-line distance.
    speeds_kmh
        Speed of each transport mode, shape ``(modes,)``.

    Returns
    -------
    numpy.ndarray
        ``(modes, points, points)`` integer minutes.
    """
    speeds = np.asarray(speeds_kmh, dtype=np.float64)
    points = len(lat)
    minutes = np.empty((len(speeds), points, points), dtype=np.int32)
    for first in range(0, points, CHUNK_ROWS):
        block = slice(first, min(first + CHUNK_ROWS, points))
        road_km = haversine_km(lat, lon, block) * detour_factor
        for mode, speed in enumerate(speeds):
            minutes[mode, block] = np.ceil(road_km / speed * 60.0)
    return minutes
