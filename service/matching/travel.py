"""Travel minutes between all points at once (the spec's one formula, vectorised)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

EARTH_RADIUS_KM = 6371.0088

FloatArray = npt.NDArray[np.float64]


def haversine_km(lat: FloatArray, lon: FloatArray) -> FloatArray:
    """Great-circle distances between every pair of points.

    Parameters
    ----------
    lat, lon
        Coordinates in degrees, shape ``(points,)``.

    Returns
    -------
    numpy.ndarray
        ``(points, points)`` distances in km.
    """
    phi = np.radians(lat)
    lam = np.radians(lon)
    dphi = phi[:, None] - phi[None, :]
    dlam = lam[:, None] - lam[None, :]
    h = np.sin(dphi / 2) ** 2 + np.cos(phi)[:, None] * np.cos(phi)[None, :] * np.sin(dlam / 2) ** 2
    distance: FloatArray = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return distance


def travel_minutes(
    lat: FloatArray, lon: FloatArray, detour_factor: float, speeds_kmh: FloatArray
) -> npt.NDArray[np.int64]:
    """Travel minutes per transport mode between every pair of points.

    ``ceil(haversine_km × detour_factor ÷ speed_kmh × 60)``, zero between identical points.

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
    road_km = haversine_km(lat, lon) * detour_factor
    hours = road_km[None, :, :] / np.asarray(speeds_kmh, dtype=np.float64)[:, None, None]
    return np.ceil(hours * 60.0).astype(np.int64)
