"""CP-SAT sequencing of one day: given each visit's team, the order and times of every route.

Every worker's shift is a circuit through the visits it takes in that shift; a visit's team
shares one start variable, so its members arrive and leave together. Visits may be dropped
(the repair step retries them elsewhere); dropping a more urgent visit always costs more than
any number of less urgent ones, and travel is minimised after that.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from service.matching.candidates import Candidates
from service.matching.problem import Problem
from service.matching.schedule import RouteStop

Arc = tuple[int, int, cp_model.LiteralT]
"""A circuit arc: from node, to node, and the literal that says it is used."""


@dataclass(frozen=True)
class DayVisit:
    """A visit to sequence: the need and its team."""

    need: int
    team: tuple[int, ...]


@dataclass(frozen=True)
class DayRoutes:
    """The sequenced day: start minute of each kept visit and each shift's stops in order."""

    starts: dict[int, int]
    routes: dict[tuple[int, int], list[RouteStop]]
    proven: bool


def _priority_weights(problem: Problem, visits: list[DayVisit]) -> list[int]:
    """Weights that make keeping one visit of priority p worth more than all below p."""
    count = len(visits) + 1
    travel_room = 10_000
    return [travel_room * count ** (5 - int(problem.need_priority[v.need])) for v in visits]


def sequence_day(
    problem: Problem,
    candidates: Candidates,
    day: int,
    visits: list[DayVisit],
    week_left: dict[int, int],
    *,
    time_limit: float,
    seed: int,
    workers: int,
) -> DayRoutes:
    """Order and time the visits of one day.

    Parameters
    ----------
    problem, candidates
        The week and its feasibility facts.
    day
        Day index, 0 = Monday.
    visits
        The day's visits with fixed teams.
    week_left
        Minutes of each worker's week cap still free before this day.
    time_limit, seed, workers
        CP-SAT search parameters.

    Returns
    -------
    DayRoutes
        Kept visits with start times, and routes keyed by (worker, shift).
    """
    model = cp_model.CpModel()
    present = [model.new_bool_var(f"p{i}") for i in range(len(visits))]
    starts = []
    for i, visit in enumerate(visits):
        need = visit.need
        latest = int(problem.need_to[need] - problem.need_duration[need])
        starts.append(model.new_int_var(int(problem.need_from[need]), latest, f"s{i}"))
    by_worker: dict[int, list[int]] = {}
    for i, visit in enumerate(visits):
        for worker in visit.team:
            by_worker.setdefault(worker, []).append(i)
    travel_terms: list[tuple[cp_model.LiteralT, int]] = []
    arcs_of: dict[tuple[int, int], list[Arc]] = {}
    takes: dict[tuple[int, int, int], cp_model.IntVar] = {}
    for worker, members in by_worker.items():
        shift_choice: dict[int, list[cp_model.IntVar]] = {i: [] for i in members}
        spent: list[tuple[cp_model.LiteralT, int]] = []
        for k, shift in enumerate(problem.worker_shifts[worker][day]):
            inside = [
                i
                for i in members
                if candidates.start_lo[worker, day, k, visits[i].need]
                <= candidates.start_hi[worker, day, k, visits[i].need]
            ]
            if not inside:
                continue
            for i in inside:
                takes[(worker, k, i)] = model.new_bool_var(f"a{worker}_{k}_{i}")
                shift_choice[i].append(takes[(worker, k, i)])
                spent.append((takes[(worker, k, i)], int(problem.need_duration[visits[i].need])))
            arcs = _shift_circuit(
                problem, model, worker, day, k, shift, visits, inside, starts, takes
            )
            arcs_of[(worker, k)] = arcs
            for a, b, literal in arcs:
                leg = _leg(problem, worker, visits, a, b)
                if leg:
                    travel_terms.append((literal, leg))
                    spent.append((literal, leg))
        for i in members:
            model.add(sum(shift_choice[i]) == present[i])
        if worker in week_left:
            model.add(
                cp_model.LinearExpr.weighted_sum([v for v, _ in spent], [c for _, c in spent])
                <= max(week_left[worker], 0)
            )
    weights = _priority_weights(problem, visits)
    model.maximize(
        cp_model.LinearExpr.weighted_sum(present, weights)
        - cp_model.LinearExpr.weighted_sum(
            [v for v, _ in travel_terms], [c for _, c in travel_terms]
        )
    )
    for literal in present:
        model.add_hint(literal, 1)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit, 0.05)
    solver.parameters.random_seed = seed
    solver.parameters.num_workers = workers
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return DayRoutes({}, {}, False)
    kept = {
        i: int(solver.value(starts[i]))
        for i in range(len(visits))
        if solver.boolean_value(present[i])
    }
    routes: dict[tuple[int, int], list[RouteStop]] = {}
    for (worker, k), arcs in arcs_of.items():
        chosen = [(a, b) for a, b, lit in arcs if a != b and solver.boolean_value(lit)]
        order = [
            i for i, _ in sorted(((b, kept[b - 1]) for _, b in chosen if b > 0), key=lambda t: t[1])
        ]
        stops = [
            RouteStop(
                kept[i - 1],
                kept[i - 1] + int(problem.need_duration[visits[i - 1].need]),
                visits[i - 1].need,
            )
            for i in order
        ]
        if stops:
            routes[(worker, k)] = stops
    starts_by_need = {visits[i].need: start for i, start in kept.items()}
    return DayRoutes(starts_by_need, routes, status == cp_model.OPTIMAL)


def _point(problem: Problem, worker: int, visits: list[DayVisit], node: int) -> int:
    """Point of a circuit node: 0 is the worker's base, ``i + 1`` is visit ``i``."""
    if node == 0:
        return int(problem.worker_base[worker])
    return int(problem.need_point[visits[node - 1].need])


def _leg(problem: Problem, worker: int, visits: list[DayVisit], a: int, b: int) -> int:
    if a == b:
        return 0
    return problem.leg(
        worker, _point(problem, worker, visits, a), _point(problem, worker, visits, b)
    )


def _shift_circuit(
    problem: Problem,
    model: cp_model.CpModel,
    worker: int,
    day: int,
    k: int,
    shift: object,
    visits: list[DayVisit],
    inside: list[int],
    starts: list[cp_model.IntVar],
    takes: dict[tuple[int, int, int], cp_model.IntVar],
) -> list[Arc]:
    """One shift as a circuit from base through the visits it takes, with travel timing."""
    start_of_shift, end_of_shift = shift.start, shift.end  # type: ignore[attr-defined]
    arcs: list[tuple[int, int, cp_model.LiteralT]] = []
    empty = model.new_bool_var(f"e{worker}_{k}")
    arcs.append((0, 0, empty))
    for i in inside:
        node = i + 1
        take = takes[(worker, k, i)]
        arcs.append((node, node, take.negated()))
        duration = int(problem.need_duration[visits[i].need])
        out = model.new_bool_var("")
        back = model.new_bool_var("")
        arcs.append((0, node, out))
        arcs.append((node, 0, back))
        model.add(
            starts[i] >= start_of_shift + _leg(problem, worker, visits, 0, node)
        ).only_enforce_if(out)
        model.add(
            starts[i] + duration + _leg(problem, worker, visits, node, 0) <= end_of_shift
        ).only_enforce_if(back)
        model.add(starts[i] >= int(problem.need_from[visits[i].need])).only_enforce_if(take)
        for j in inside:
            if i == j:
                continue
            leg = _leg(problem, worker, visits, node, j + 1)
            earliest_i = max(start_of_shift, int(problem.need_from[visits[i].need]))
            latest_j = int(problem.need_to[visits[j].need] - problem.need_duration[visits[j].need])
            if earliest_i + duration + leg > latest_j:
                continue
            literal = model.new_bool_var("")
            arcs.append((node, j + 1, literal))
            model.add(starts[j] >= starts[i] + duration + leg).only_enforce_if(literal)
    model.add_circuit(arcs)
    return arcs
