"""VROOM (``pyvroom``) on a peer-expressible week.

Jobs are needs, with one time window per allowed day; vehicles are (worker, day, shift) with
the shift as time window, ``max_tasks`` = visits per day, one duration matrix per transport
mode (profile). Eligibility is exact through skills: every job requires a skill of its own,
held by exactly the vehicles that may serve it. VROOM maximises the sum of job priorities
(0–100) first, then the number of jobs, then cost (travel minutes): the priorities below make
priority 1 to 4 as close to lexicographic as that range allows, and priority 5 (0) counts only
through the number of jobs, strictly after the others.
"""

from __future__ import annotations

import datetime as dt
import time

import numpy as np
import vroom

from benchmarks.peers.encoding import (
    MODES,
    Drive,
    Limits,
    PeerProblem,
    build,
    solver_info,
    to_plan,
)
from service.wire.plan import Plan
from service.wire.scenario import Scenario

PRIORITY = {1: 100, 2: 22, 3: 5, 4: 1, 5: 0}
"""VROOM priority per Mulin priority: ratios of about 4.6, the most 0–100 allows."""
EXPLORATION_LEVEL = 5


def _input(problem: PeerProblem) -> vroom.Input:
    """The VROOM problem: matrices per mode, one vehicle per shift, one job per need."""
    model = vroom.Input()
    for m, mode in enumerate(MODES):
        model.set_durations_matrix(profile=mode, matrix_input=problem.travel[m].astype(np.uint32))
    for v, vehicle in enumerate(problem.vehicles):
        model.add_vehicle(
            vroom.Vehicle(
                id=v,
                start=vehicle.base,
                end=vehicle.base,
                profile=MODES[vehicle.mode],
                skills={int(t) for t in np.flatnonzero(problem.reachable[v])},
                time_window=vroom.TimeWindow(vehicle.start, vehicle.end),
                max_tasks=vehicle.max_visits if vehicle.max_visits is not None else 10**6,
            )
        )
    for t, task in enumerate(problem.tasks):
        if not problem.reachable[:, t].any():
            continue
        model.add_job(
            vroom.Job(
                id=t,
                location=task.location,
                default_service=task.duration,
                skills={t},
                priority=PRIORITY[task.priority],
                time_windows=[vroom.TimeWindow(a, b) for _, (a, b) in sorted(task.windows.items())],
            )
        )
    return model


def solve_vroom(scenario: Scenario, limits: Limits) -> Plan:
    """Plan the week with VROOM on one thread within the time limit.

    Parameters
    ----------
    scenario
        The week; it must be peer-expressible (:func:`~benchmarks.peers.encoding.build`).
    limits
        Wall seconds, building included, of which what is left goes to VROOM's ``timeout``;
        the seed is unused (VROOM is deterministic on one thread).

    Returns
    -------
    Plan
        The plan of VROOM's routes (``solver.wall_seconds`` is the real wall time).
    """
    started = time.perf_counter()
    problem = build(scenario)
    model = _input(problem)
    left = limits.seconds_left(started)
    solution = model.solve(
        exploration_level=EXPLORATION_LEVEL, nb_threads=1, timeout=dt.timedelta(seconds=left)
    )
    ended = time.perf_counter()
    steps = solution.routes
    jobs = steps[steps["type"] == "job"]
    drives = [
        Drive(int(vehicle), [int(t) for t in group["id"]])
        for vehicle, group in jobs.groupby("vehicle_id", sort=True)
    ]
    return to_plan(problem, drives, solver_info("vroom", started, ended, limits))
