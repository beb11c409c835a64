"""Travel minutes between two points, by the spec's one formula (independent of the solver)."""

from __future__ import annotations

import math

from service.wire.common import Location
from service.wire.scenario import Need, Scenario, Transport, Travel, Worker

EARTH_RADIUS_KM = 6371.0088


def haversine_km(a: Location, b: Location) -> float:
    """Great-circle distance between two points.

    Parameters
    ----------
    a, b
        Points in WGS84 degrees.

    Returns
    -------
    float
        Kilometres on a sphere of radius ``EARTH_RADIUS_KM``.
    """
    lat_a, lat_b = math.radians(a.lat), math.radians(b.lat)
    half_dlat = (lat_b - lat_a) / 2
    half_dlon = math.radians(b.lon - a.lon) / 2
    h = math.sin(half_dlat) ** 2 + math.cos(lat_a) * math.cos(lat_b) * math.sin(half_dlon) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, h)))


def travel_minutes(a: Location, b: Location, transport: Transport, travel: Travel) -> int:
    """Whole minutes to go from ``a`` to ``b``.

    Parameters
    ----------
    a, b
        Start and end points.
    transport
        The worker's transport mode.
    travel
        The scenario's detour factor and speeds.

    Returns
    -------
    int
        ``ceil(km × detour_factor ÷ speed_kmh × 60)``; zero between identical points.
    """
    if (a.lat, a.lon) == (b.lat, b.lon):
        return 0
    speed: float = getattr(travel.speed_kmh, transport)
    km = haversine_km(a, b)
    return math.ceil(km * travel.detour_factor / speed * 60)


def worker_base(scenario: Scenario, worker: Worker) -> Location:
    """Where the worker's shifts start and end.

    Parameters
    ----------
    scenario
        The scenario the worker belongs to.
    worker
        The worker.

    Returns
    -------
    Location
        The worker's ``base``, or the station's location when none is given.
    """
    return worker.base if worker.base is not None else scenario.station.location


def need_location(scenario: Scenario, need: Need) -> Location:
    """Where the need's household is visited.

    Parameters
    ----------
    scenario
        The scenario the need belongs to.
    need
        The need.

    Returns
    -------
    Location
        The need's ``location``, else its village's, else (unknown village) the station's.
    """
    if need.location is not None:
        return need.location
    for village in scenario.villages:
        if village.id == need.village:
            return village.location
    return scenario.station.location
