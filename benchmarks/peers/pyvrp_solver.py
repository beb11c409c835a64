"""PyVRP on a peer-expressible week.

One optional client per (need, allowed day) with the day's start window and the need's prize,
the clients of a need in one mutually exclusive, optional client group; one vehicle type per
(worker, day, shift) with the shift as time window, its base as start and end depot, and its
transport mode as routing profile (one travel matrix per mode, distance = duration = travel
minutes, cost = distance).

PyVRP has no per-client vehicle whitelist, so eligibility is written in load dimensions:
workers with the same eligibility form a class; each class that is ineligible for some need
gets a dimension where its vehicles have capacity 0 and every client of such a need a delivery
of 1 (all other vehicles have room for every client). A client then fits a vehicle exactly when
its worker is eligible. Dimension 0 counts visits against the daily cap. The encoding is
checked against the eligibility matrix before solving; when it needs more than
``MAX_DIMENSIONS`` dimensions the run is refused (:class:`NotExpressible`) instead of
modelling something else.

PyVRP penalises infeasibility during search with penalties capped by ``max_penalty``, so prizes
far above it would let the search trade feasibility for prizes: prizes are lexicographic only
up to ``TOP_PRIZE`` (else geometric), and ``max_penalty`` is set above the largest prize.
"""

from __future__ import annotations

import time

import numpy as np
import pyvrp
from numpy.typing import NDArray
from pyvrp.stop import MaxRuntime

from benchmarks.peers.encoding import (
    Drive,
    Limits,
    NotExpressible,
    PeerProblem,
    build,
    solver_info,
    tier_prizes,
    to_plan,
)
from service.wire.plan import Plan
from service.wire.scenario import Scenario

MAX_DIMENSIONS = 400
TOP_PRIZE = 10**8


def eligibility_classes(eligible: NDArray[np.bool_]) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Group workers with the same eligibility row; keep the classes barred from some task.

    Parameters
    ----------
    eligible
        ``(workers, tasks)``.

    Returns
    -------
    tuple of numpy.ndarray
        The class (load dimension, from 1; 0 when never barred) of each worker, and
        ``(classes, tasks)``: whether the class is barred from the task.
    """
    rows, inverse = np.unique(eligible, axis=0, return_inverse=True)
    barred = ~rows.astype(bool)
    keep = barred.any(axis=1)
    dimension = np.cumsum(keep) * keep
    return dimension[inverse.reshape(-1)].astype(np.int64), barred[keep]


def _data(problem: PeerProblem) -> tuple[pyvrp.ProblemData, list[tuple[int, int]]]:
    """The PyVRP instance and, per client, its (task, day)."""
    worker_class, barred = eligibility_classes(problem.eligible)
    dims = 1 + len(barred)
    if dims > MAX_DIMENSIONS:
        raise NotExpressible(
            f"eligibility needs {dims} load dimensions (more than {MAX_DIMENSIONS})"
        )
    points = problem.travel.shape[1]
    locations = [pyvrp.Location(x=0, y=0) for _ in range(points)]
    bases = sorted({v.base for v in problem.vehicles})
    depot_of = {base: d for d, base in enumerate(bases)}
    depots = [pyvrp.Depot(location=base) for base in bases]
    options = problem.day_options()
    tasks = sorted({t for t, _ in options})
    group_of = {t: g for g, t in enumerate(tasks)}
    tiers = tier_prizes(problem, unit=problem.shift_minutes() + 1, top=TOP_PRIZE)
    clients = []
    members: list[list[int]] = [[] for _ in tasks]
    for c, (t, day) in enumerate(options):
        task = problem.tasks[t]
        early, late = task.windows[day]
        delivery = [1, *barred[:, t].astype(int).tolist()]
        clients.append(
            pyvrp.Client(
                location=task.location,
                delivery=delivery,
                service_duration=task.duration,
                tw_early=early,
                tw_late=late,
                prize=tiers.prizes[task.priority],
                required=False,
                group=group_of[t],
            )
        )
        members[group_of[t]].append(c)
    groups = [pyvrp.ClientGroup(clients=m, required=False) for m in members]
    room = len(clients) + 1
    vehicle_types = []
    for vehicle in problem.vehicles:
        capacity = [vehicle.max_visits if vehicle.max_visits is not None else room]
        capacity += [room] * (dims - 1)
        if worker_class[vehicle.worker]:
            capacity[int(worker_class[vehicle.worker])] = 0
        vehicle_types.append(
            pyvrp.VehicleType(
                num_available=1,
                capacity=capacity,
                start_depot=depot_of[vehicle.base],
                end_depot=depot_of[vehicle.base],
                tw_early=vehicle.start,
                tw_late=vehicle.end,
                profile=vehicle.mode,
                unit_distance_cost=1,
                unit_duration_cost=0,
            )
        )
    matrices = [problem.travel[m] for m in range(problem.travel.shape[0])]
    data = pyvrp.ProblemData(
        locations=locations,
        clients=clients,
        depots=depots,
        vehicle_types=vehicle_types,
        distance_matrices=matrices,
        duration_matrices=matrices,
        groups=groups,
    )
    _check_encoding(problem, worker_class, barred)
    return data, options


def _check_encoding(
    problem: PeerProblem, worker_class: NDArray[np.int64], barred: NDArray[np.bool_]
) -> None:
    """The load dimensions bar a worker from a task exactly when it is not eligible."""
    zero = np.zeros((len(worker_class), len(barred) + 1), dtype=bool)
    zero[np.arange(len(worker_class)), worker_class] = True
    demand = np.vstack([np.zeros((1, barred.shape[1]), dtype=bool), barred])
    if barred.size and not np.array_equal(~(zero[:, 1:] @ demand[1:]), problem.eligible):
        raise AssertionError("load-dimension eligibility differs from the eligibility matrix")


def solve_pyvrp(scenario: Scenario, limits: Limits) -> Plan:
    """Plan the week with PyVRP's iterated local search on one thread.

    Parameters
    ----------
    scenario
        The week, in the shape ``generate_town(peer_expressible=True)`` makes.
    limits
        Wall seconds (building included; ``MaxRuntime`` for the search) and seed.

    Returns
    -------
    Plan
        The plan of the best feasible solution found (empty when none was).

    Raises
    ------
    NotExpressible
        When exact eligibility would need more than ``MAX_DIMENSIONS`` load dimensions.
    """
    started = time.perf_counter()
    problem = build(scenario)
    data, options = _data(problem)
    top = max(client.prize for client in data.clients()) if data.num_clients else 1
    penalty = pyvrp.PenaltyParams(max_penalty=100.0 * top)
    left = limits.seconds_left(started)
    result = pyvrp.solve(
        data,
        MaxRuntime(left),
        seed=limits.seed,
        collect_stats=False,
        params=pyvrp.SolveParams(penalty=penalty),
    )
    ended = time.perf_counter()
    drives = []
    if result.best.is_feasible():
        for route in result.best.routes():
            tasks = [options[activity.idx][0] for activity in route if activity.is_client()]
            if tasks:
                drives.append(Drive(route.vehicle_type(), tasks))
    return to_plan(problem, drives, solver_info("pyvrp", started, ended, limits))
