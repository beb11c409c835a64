"""OR-Tools Routing (``pywrapcp``) on a peer-expressible week.

One node per (need, allowed day) and one per base; one disjunction per need over its day nodes
with the need's prize as penalty; eligibility as the domain of each node's vehicle variable; a time
dimension with per-vehicle transit (travel in the vehicle's mode plus the service time at the
node left), node cumuls inside the day's start window, vehicle cumuls inside the shift; a
count dimension with the visits per day as vehicle capacity; arc costs are travel minutes.
Prizes are lexicographic on top of a bound on total travel (exact unless they overflow).
Guided local search, one thread, wall time limit.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from benchmarks.peers.encoding import (
    MODES,
    Drive,
    Limits,
    PeerProblem,
    build,
    solver_info,
    tier_prizes,
    to_plan,
)
from service.wire.plan import Plan
from service.wire.scenario import Scenario

NO_CAP = 10**6
TOP = 2**62


@dataclass(frozen=True)
class Nodes:
    """Routing nodes: bases first, then (task, day) options; point and task of each."""

    point: list[int]
    task: list[int | None]
    day: list[int | None]
    depot_of_point: dict[int, int]


def _nodes(problem: PeerProblem) -> Nodes:
    """One node per base used by a vehicle, one per (task, day) some vehicle can reach."""
    point: list[int] = []
    depot_of_point: dict[int, int] = {}
    for vehicle in problem.vehicles:
        if vehicle.base not in depot_of_point:
            depot_of_point[vehicle.base] = len(point)
            point.append(vehicle.base)
    task: list[int | None] = [None] * len(point)
    day: list[int | None] = [None] * len(point)
    for t, d in problem.day_options():
        point.append(problem.tasks[t].location)
        task.append(t)
        day.append(d)
    return Nodes(point, task, day, depot_of_point)


def _model(
    problem: PeerProblem, nodes: Nodes
) -> tuple[pywrapcp.RoutingIndexManager, pywrapcp.RoutingModel]:
    """The routing model with its dimensions, disjunctions and allowed vehicles."""
    starts = [nodes.depot_of_point[v.base] for v in problem.vehicles]
    manager = pywrapcp.RoutingIndexManager(len(nodes.point), len(problem.vehicles), starts, starts)
    routing = pywrapcp.RoutingModel(manager)
    service = [0 if t is None else problem.tasks[t].duration for t in nodes.task]

    def travel_of(mode: int, with_service: bool) -> int:
        matrix = problem.travel[mode]

        def transit(i: int, j: int) -> int:
            a, b = manager.IndexToNode(i), manager.IndexToNode(j)
            extra = service[a] if with_service else 0
            return int(matrix[nodes.point[a], nodes.point[b]]) + extra

        return int(routing.RegisterTransitCallback(transit))

    cost = [travel_of(m, with_service=False) for m in range(len(MODES))]
    timed = [travel_of(m, with_service=True) for m in range(len(MODES))]
    for v, vehicle in enumerate(problem.vehicles):
        routing.SetArcCostEvaluatorOfVehicle(cost[vehicle.mode], v)
    horizon = 7 * 1440
    routing.AddDimensionWithVehicleTransits(
        [timed[v.mode] for v in problem.vehicles], horizon, horizon, False, "time"
    )
    clock = routing.GetDimensionOrDie("time")
    for v, vehicle in enumerate(problem.vehicles):
        clock.CumulVar(routing.Start(v)).SetRange(vehicle.start, vehicle.end)
        clock.CumulVar(routing.End(v)).SetRange(vehicle.start, vehicle.end)
    one = routing.RegisterUnaryTransitCallback(
        lambda i: 0 if nodes.task[manager.IndexToNode(i)] is None else 1
    )
    routing.AddDimensionWithVehicleCapacity(
        one,
        0,
        [v.max_visits if v.max_visits is not None else NO_CAP for v in problem.vehicles],
        True,
        "visits",
    )
    _tasks_and_eligibility(problem, nodes, manager, routing, clock)
    return manager, routing


def _tasks_and_eligibility(
    problem: PeerProblem,
    nodes: Nodes,
    manager: pywrapcp.RoutingIndexManager,
    routing: pywrapcp.RoutingModel,
    clock: pywrapcp.RoutingDimension,
) -> None:
    """Day windows and allowed vehicles per node, one disjunction with its prize per need."""
    bound = sum(v.end - v.start for v in problem.vehicles) + 1
    tiers = tier_prizes(problem, unit=bound, top=TOP // (len(problem.tasks) + 1))
    options: dict[int, list[int]] = {}
    for node, (t, d) in enumerate(zip(nodes.task, nodes.day, strict=True)):
        if t is None or d is None:
            continue
        index = manager.NodeToIndex(node)
        early, late = problem.tasks[t].windows[d]
        clock.CumulVar(index).SetRange(early, late)
        allowed = [
            v for v in problem.reachable[:, t].nonzero()[0].tolist() if problem.vehicles[v].day == d
        ]
        # SetAllowedVehiclesForIndex does not take a Python list in 9.15 (its absl::Span
        # argument has no typemap); the vehicle variable's domain says the same: -1 is
        # "not performed".
        routing.VehicleVar(index).SetValues([-1, *allowed])
        options.setdefault(t, []).append(index)
    for t, indices in options.items():
        routing.AddDisjunction(indices, tiers.prizes[problem.tasks[t].priority], 1)


def solve_ortools(scenario: Scenario, limits: Limits) -> Plan:
    """Plan the week with OR-Tools Routing (guided local search) on one thread.

    Parameters
    ----------
    scenario
        A week with one worker per visit and one visit per need, one shift a day.
    limits
        Wall seconds, building included, the rest as the search's ``time_limit``; the seed is
        unused (the routing search is deterministic).

    Returns
    -------
    Plan
        The plan of the routes found when the time limit was reached.
    """
    started = time.perf_counter()
    problem = build(scenario)
    nodes = _nodes(problem)
    manager, routing = _model(problem, nodes)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    left = limits.seconds_left(started)
    params.time_limit.FromMilliseconds(int(left * 1000))
    solution = routing.SolveWithParameters(params)
    ended = time.perf_counter()
    drives = []
    if solution is not None:
        for v in range(len(problem.vehicles)):
            index = solution.Value(routing.NextVar(routing.Start(v)))
            tasks = []
            while not routing.IsEnd(index):
                task = nodes.task[manager.IndexToNode(index)]
                if task is not None:
                    tasks.append(task)
                index = solution.Value(routing.NextVar(index))
            if tasks:
                drives.append(Drive(v, tasks))
    return to_plan(problem, drives, solver_info("ortools-routing", started, ended, limits))
