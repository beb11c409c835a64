"""A peer-expressible week in the shape every routing solver is given, and its way back.

One vehicle per (worker, day, shift), the shift as its time window, starting and ending at the
worker's base; one task per need, with a start-of-service window per allowed day
``[day·1440 + from, day·1440 + to − duration]`` (the visit starts and ends inside the window).
Eligibility (role, skills, language, exclusions, range) is a boolean matrix of workers by
tasks; travel is the spec's integer minutes, computed here from the points, one matrix per
transport mode. Nothing here knows a solver; nothing here is shared with ``service.matching``.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from service.wire.common import DAYS, Location, minutes_to_time, time_to_minutes
from service.wire.plan import (
    PLAN_FORMAT,
    Plan,
    PlannedVisit,
    Reason,
    Route,
    SolverInfo,
    Stop,
    Unmet,
    visit_metrics,
)
from service.wire.scenario import Need, Scenario, Transport, Worker

MINUTES_PER_DAY = 1440
MODES: tuple[Transport, ...] = ("walk", "ebike", "car")
PRIORITIES = (1, 2, 3, 4, 5)
EARTH_RADIUS_KM = 6371.0088


class NotExpressible(ValueError):
    """The scenario asks for something the peers cannot state exactly."""


@dataclass(frozen=True)
class Vehicle:
    """One worker's shift on one day: a route from base and back within the shift."""

    worker: int
    day: int
    shift: int
    start: int
    end: int
    mode: int
    base: int
    max_visits: int | None


@dataclass(frozen=True)
class Task:
    """One need: one visit on one of its days, service starting inside ``windows[day]``."""

    need: int
    location: int
    duration: int
    priority: int
    windows: dict[int, tuple[int, int]]


@dataclass(frozen=True)
class PeerProblem:
    """The week as the peers see it.

    Attributes
    ----------
    scenario
        The wire scenario it came from.
    travel
        ``(modes, points, points)`` whole minutes by the spec's formula.
    vehicles, tasks
        The routes that may be driven and the visits that may be made.
    qualified, allowed, in_range
        ``(workers, tasks)``: role, skills and language fit; not excluded; the one-way trip
        from base within ``max_travel_minutes``.
    reachable
        ``(vehicles, tasks)``: eligible, on one of the task's days, and the task alone fits
        the shift (go, serve inside the window, come back).
    """

    scenario: Scenario
    travel: NDArray[np.int64]
    vehicles: list[Vehicle]
    tasks: list[Task]
    qualified: NDArray[np.bool_]
    allowed: NDArray[np.bool_]
    in_range: NDArray[np.bool_]
    reachable: NDArray[np.bool_]

    @property
    def eligible(self) -> NDArray[np.bool_]:
        """``(workers, tasks)``: qualified, not excluded and in range."""
        return self.qualified & self.allowed & self.in_range

    def leg(self, vehicle: Vehicle, a: int, b: int) -> int:
        """Minutes from point ``a`` to point ``b`` in the vehicle's transport mode."""
        return int(self.travel[vehicle.mode, a, b])

    def shift_minutes(self) -> int:
        """The longest shift: no route travels longer than this."""
        return max((v.end - v.start for v in self.vehicles), default=0)

    def day_options(self) -> list[tuple[int, int]]:
        """Every (task, day) that some vehicle can reach, sorted: a task's ways to be served."""
        days = np.array([v.day for v in self.vehicles], dtype=int)
        pairs = {(int(t), int(days[v])) for v, t in zip(*self.reachable.nonzero(), strict=True)}
        return sorted(pairs)

    def requested(self) -> list[int]:
        """Tasks per priority 1 … 5."""
        return [sum(t.priority == p for t in self.tasks) for p in PRIORITIES]


@dataclass(frozen=True)
class Tiers:
    """The prize of one visit per priority, and whether they order plans lexicographically."""

    prizes: dict[int, int]
    exact: bool


@dataclass(frozen=True)
class Limits:
    """The budget of one solver run: seconds (wall) and seed, always on one thread."""

    time_limit: float
    seed: int

    def __post_init__(self) -> None:
        if not self.time_limit > 0:
            raise ValueError("time_limit <= 0 not understood.")

    def seconds_left(self, started: float) -> float:
        """Seconds of the limit left since ``started`` (``time.perf_counter``), at least 0.1."""
        return max(self.time_limit - (time.perf_counter() - started), 0.1)


def check_expressible(scenario: Scenario) -> None:
    """Refuse a scenario the peers could only approximate.

    Parameters
    ----------
    scenario
        A validated scenario.

    Raises
    ------
    NotExpressible
        Listing the first few records that need a team, several visits, resources, a
        mandatory visit, several shifts a day or a weekly minute cap.
    """
    problems = []
    for i, need in enumerate(scenario.needs):
        if need.staff_total() != 1 or need.visits != 1:
            problems.append(f"needs[{i}] asks more than one worker or visit")
        if need.resources or need.mandatory:
            problems.append(f"needs[{i}] asks resources or is mandatory")
    for i, worker in enumerate(scenario.workers):
        if any(len(shifts) > 1 for shifts in worker.availability.values()):
            problems.append(f"workers[{i}] has several shifts a day")
        if worker.max_minutes_per_week is not None:
            problems.append(f"workers[{i}] has a weekly minute cap")
    if problems:
        shown = "; ".join(problems[:5])
        raise NotExpressible(f"not peer-expressible ({len(problems)} records): {shown}")


def _points(scenario: Scenario) -> tuple[list[Location], list[int], list[int]]:
    """Distinct points, with the point of each worker's base and of each need."""
    index: dict[tuple[float, float], int] = {}
    points: list[Location] = []

    def add(point: Location) -> int:
        key = (point.lat, point.lon)
        if key not in index:
            index[key] = len(points)
            points.append(point)
        return index[key]

    villages = {v.id: v.location for v in scenario.villages}
    bases = [add(w.base or scenario.station.location) for w in scenario.workers]
    homes = [add(n.location or villages[n.village]) for n in scenario.needs]
    return points, bases, homes


def travel_matrix(scenario: Scenario, points: Sequence[Location]) -> NDArray[np.int64]:
    """Whole minutes between all points per mode: ``ceil(km × detour ÷ speed × 60)``.

    Parameters
    ----------
    scenario
        Gives the detour factor and the speeds.
    points
        The points.

    Returns
    -------
    numpy.ndarray
        ``(len(MODES), n, n)``, zero on the diagonal and between identical points.
    """
    lat = np.radians([p.lat for p in points])
    lon = np.radians([p.lon for p in points])
    h = (
        np.sin((lat[None, :] - lat[:, None]) / 2) ** 2
        + np.cos(lat[:, None])
        * np.cos(lat[None, :])
        * np.sin((lon[None, :] - lon[:, None]) / 2) ** 2
    )
    km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(1.0, h)))
    road = km * scenario.travel.detour_factor * 60
    speeds = [float(getattr(scenario.travel.speed_kmh, mode)) for mode in MODES]
    minutes = np.stack([np.ceil(road / speed) for speed in speeds]).astype(np.int64)
    for m in range(len(MODES)):
        np.fill_diagonal(minutes[m], 0)
    return minutes


def _qualified(worker: Worker, need: Need) -> bool:
    """Role, skills and language fit (one worker per visit)."""
    role = next(iter(need.staff))
    speaks = not need.languages or bool(set(need.languages) & set(worker.languages))
    return (role in ("any", worker.role)) and set(need.skills) <= set(worker.skills) and speaks


def _windows(need: Need) -> dict[int, tuple[int, int]]:
    """Start-of-service window per allowed day, absolute minutes of the week."""
    early = time_to_minutes(need.window.from_)
    late = time_to_minutes(need.window.to) - need.duration_minutes
    if late < early:
        return {}
    return {
        DAYS.index(day): (
            DAYS.index(day) * MINUTES_PER_DAY + early,
            DAYS.index(day) * MINUTES_PER_DAY + late,
        )
        for day in need.window.days
    }


def _reachable(
    vehicles: list[Vehicle],
    tasks: list[Task],
    eligible: NDArray[np.bool_],
    go: NDArray[np.int64],
) -> NDArray[np.bool_]:
    """``(vehicles, tasks)``: eligible, on a day of the task, and the task alone fits the shift.

    A necessary condition for any route (travel minutes keep the triangle inequality, ceiling
    included), so pruning by it loses nothing.
    """
    early = np.full((len(DAYS), len(tasks)), -1, dtype=np.int64)
    late = np.full((len(DAYS), len(tasks)), -1, dtype=np.int64)
    for t, task in enumerate(tasks):
        for day, (a, b) in task.windows.items():
            early[day, t], late[day, t] = a, b
    worker = np.array([v.worker for v in vehicles], dtype=int)
    on = np.array([v.day for v in vehicles], dtype=int)
    start = np.array([v.start for v in vehicles], dtype=np.int64)[:, None]
    end = np.array([v.end for v in vehicles], dtype=np.int64)[:, None]
    duration = np.array([t.duration for t in tasks], dtype=np.int64)[None, :]
    there = go[worker]
    begin = np.maximum(start + there, early[on])
    fits = (late[on] >= 0) & (begin <= late[on]) & (begin + duration + there <= end)
    return np.asarray(eligible[worker] & fits, dtype=bool).reshape(len(vehicles), len(tasks))


def build(scenario: Scenario) -> PeerProblem:
    """Turn a peer-expressible scenario into vehicles, tasks, eligibility and travel.

    Parameters
    ----------
    scenario
        A validated scenario.

    Returns
    -------
    PeerProblem
        The week in the peers' shape.

    Raises
    ------
    NotExpressible
        When the scenario is not peer-expressible (see :func:`check_expressible`).
    """
    check_expressible(scenario)
    points, bases, homes = _points(scenario)
    travel = travel_matrix(scenario, points)
    workers, needs = scenario.workers, scenario.needs
    tasks = [
        Task(n, homes[n], need.duration_minutes, need.priority, _windows(need))
        for n, need in enumerate(needs)
    ]
    qualified = np.array([[_qualified(w, n) for n in needs] for w in workers], dtype=bool)
    qualified = qualified.reshape(len(workers), len(needs))
    allowed = np.array([[w.id not in n.excluded_workers for n in needs] for w in workers])
    allowed = allowed.reshape(len(workers), len(needs)).astype(bool)
    modes = [MODES.index(w.transport) for w in workers]
    go = travel[np.array(modes, dtype=int)[:, None], np.array(bases)[:, None], np.array(homes)]
    go = go.reshape(len(workers), len(needs))
    limit = np.array([w.max_travel_minutes or 10**9 for w in workers])[:, None]
    in_range = go <= limit
    vehicles = [
        Vehicle(
            worker=w,
            day=DAYS.index(day),
            shift=s,
            start=DAYS.index(day) * MINUTES_PER_DAY + time_to_minutes(a),
            end=DAYS.index(day) * MINUTES_PER_DAY + time_to_minutes(b),
            mode=modes[w],
            base=bases[w],
            max_visits=worker.max_visits_per_day,
        )
        for w, worker in enumerate(workers)
        for day in DAYS
        for s, (a, b) in enumerate(worker.availability.get(day, []))
    ]
    reachable = _reachable(vehicles, tasks, qualified & allowed & in_range, go)
    return PeerProblem(scenario, travel, vehicles, tasks, qualified, allowed, in_range, reachable)


def tier_prizes(problem: PeerProblem, unit: int, top: int) -> Tiers:
    """Prizes per priority: lexicographic when they fit under ``top``, else geometric.

    Lexicographic: one visit of a priority is worth more than all visits of every lower one
    together plus ``unit`` (pass a bound on total travel to put travel strictly last).

    Parameters
    ----------
    problem
        Gives the number of tasks per priority.
    unit
        Prize of a priority-5 visit.
    top
        Largest prize a solver takes without losing its way.

    Returns
    -------
    Tiers
        The prizes, and ``exact`` when they are lexicographic.
    """
    counts = dict(zip(PRIORITIES, problem.requested(), strict=True))
    prizes: dict[int, int] = {}
    below = unit
    for p in reversed(PRIORITIES):
        prizes[p] = below
        below += counts[p] * prizes[p]
    if max(prizes.values()) <= top:
        return Tiers(prizes, exact=True)
    ratio = max(2, int((top / unit) ** (1 / (len(PRIORITIES) - 1))))
    return Tiers({p: unit * ratio ** (len(PRIORITIES) - p) for p in PRIORITIES}, exact=False)


# --- back to a plan ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Drive:
    """A solver's route: a vehicle and the tasks in the order driven."""

    vehicle: int
    tasks: list[int]


def earliest_starts(problem: PeerProblem, vehicle: Vehicle, tasks: Sequence[int]) -> list[int]:
    """Start of each visit when the route leaves base at the shift start and never dawdles.

    Nothing is clamped: a route the solver got wrong keeps its late start, and the checker
    reports it.
    """
    starts = []
    at, clock = vehicle.base, vehicle.start
    for t in tasks:
        task = problem.tasks[t]
        early = task.windows.get(vehicle.day, (clock, clock))[0]
        clock = max(clock + problem.leg(vehicle, at, task.location), early)
        starts.append(clock)
        clock += task.duration
        at = task.location
    return starts


def route_travel(problem: PeerProblem, vehicle: Vehicle, tasks: Sequence[int]) -> int:
    """Travel minutes of a route, from base and back."""
    stops = [vehicle.base, *(problem.tasks[t].location for t in tasks), vehicle.base]
    return sum(problem.leg(vehicle, a, b) for a, b in itertools.pairwise(stops))


def _reason(problem: PeerProblem, t: int) -> Reason:
    """Why a task has no visit, from the eligibility facts."""
    qualified = problem.qualified[:, t]
    allowed = qualified & problem.allowed[:, t]
    in_range = allowed & problem.in_range[:, t]
    fitting = int(problem.reachable[:, t].sum())
    if not qualified.any():
        return Reason(
            code="no_qualified_worker",
            message="No worker has the role, skills and language this visit needs.",
        )
    if not allowed.any():
        return Reason(code="excluded", message="Every qualified worker is excluded.")
    if not in_range.any():
        return Reason(
            code="out_of_range",
            message=f"{int(allowed.sum())} qualified workers, none within their travel range.",
        )
    if not fitting:
        return Reason(
            code="no_shared_availability",
            message=f"{int(in_range.sum())} qualified "
            "workers in range, none with a shift that fits the window.",
        )
    return Reason(
        code="capacity_exhausted",
        message=f"{fitting} shifts could take this visit; their time went to other visits.",
    )


def to_plan(
    problem: PeerProblem, drives: Sequence[Drive], solver: SolverInfo, *, optimal: bool = False
) -> Plan:
    """Build the ``mulin.plan/1`` plan of a solver's routes.

    Parameters
    ----------
    problem
        The week the routes were planned for.
    drives
        Non-empty routes, each a vehicle and its tasks in order.
    solver
        What produced them.
    optimal
        Whether the solver proved the routes best.

    Returns
    -------
    Plan
        Visits at the earliest start each route allows, routes with their totals, unmet
        needs with a reason, metrics.
    """
    scenario = problem.scenario
    visits, routes = [], []
    served: set[int] = set()
    for drive in sorted(drives, key=lambda d: d.vehicle):
        vehicle = problem.vehicles[drive.vehicle]
        day = DAYS[vehicle.day]
        worker = scenario.workers[vehicle.worker].id
        for t, start in zip(
            drive.tasks, earliest_starts(problem, vehicle, drive.tasks), strict=True
        ):
            task = problem.tasks[t]
            served.add(t)
            offset = vehicle.day * MINUTES_PER_DAY
            visits.append(
                PlannedVisit(
                    need_id=scenario.needs[task.need].id,
                    visit=1,
                    day=day,
                    start=minutes_to_time(start - offset),
                    end=minutes_to_time(start - offset + task.duration),
                    worker_ids=[worker],
                )
            )
        routes.append(
            Route(
                worker_id=worker,
                day=day,
                shift=vehicle.shift,
                stops=[
                    Stop(need_id=scenario.needs[problem.tasks[t].need].id, visit=1)
                    for t in drive.tasks
                ],
                travel_minutes=route_travel(problem, vehicle, drive.tasks),
                service_minutes=sum(problem.tasks[t].duration for t in drive.tasks),
            )
        )
    requested = dict(zip(PRIORITIES, problem.requested(), strict=True))
    planned = {p: sum(problem.tasks[t].priority == p for t in served) for p in PRIORITIES}
    unmet = [
        Unmet(need_id=scenario.needs[task.need].id, missing_visits=1, reasons=[_reason(problem, t)])
        for t, task in enumerate(problem.tasks)
        if t not in served
    ]
    metrics = visit_metrics(requested, planned, routes)
    return Plan(
        format=PLAN_FORMAT,
        scenario=scenario.name,
        status="optimal" if optimal else "feasible",
        solver=solver,
        visits=visits,
        routes=routes,
        unmet=unmet,
        metrics=metrics,
    )


def solver_info(name: str, started: float, ended: float, limits: Limits) -> SolverInfo:
    """What produced a peer's plan: its name, wall seconds, budget and seed (one thread)."""
    return SolverInfo(
        name=name,
        wall_seconds=round(max(ended - started, 0.0), 3),
        seed=limits.seed,
        workers=1,
        time_limit_seconds=limits.time_limit,
    )


def lexicographic_key(plan: Plan) -> tuple[int, ...]:
    """Visits of priority 1, …, 5, then less travel: larger is better."""
    planned = plan.metrics.planned_by_priority
    return (*(planned.get(str(p), 0) for p in PRIORITIES), -plan.metrics.travel_minutes)
