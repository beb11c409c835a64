"""Rules 4 and 5: each worker's day as routes through shifts, and the worker's caps."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import pairwise

from service.checker.index import PlanIndex, VisitKey, length
from service.checker.travel import need_location, travel_minutes, worker_base
from service.checker.violation import Violation
from service.wire.common import DAYS, Day, Location, time_to_minutes
from service.wire.plan import PlannedVisit, Route
from service.wire.scenario import Worker


@dataclass(frozen=True)
class RouteRun:
    """A route replayed against the scenario.

    Parameters
    ----------
    route
        The plan's route.
    worker
        Its worker, or ``None`` when the id is unknown.
    shift
        The shift's start and end in minutes, or ``None`` when the index does not exist.
    visits
        The planned visit behind each stop, ``None`` where the stop names no planned visit.
    legs
        Travel minutes base → first stop → … → last stop → base, or ``None`` when a place on
        the way is unknown.
    """

    route: Route
    worker: Worker | None
    shift: tuple[int, int] | None
    visits: list[PlannedVisit | None]
    legs: list[int] | None

    @property
    def service(self) -> int | None:
        """Minutes spent in the route's visits, or ``None`` when a stop is unknown."""
        if any(visit is None for visit in self.visits):
            return None
        return sum(length(visit) for visit in self.visits if visit is not None)


def replay_routes(index: PlanIndex) -> list[RouteRun]:
    """Resolve every route's worker, shift and stops, and compute its travel legs.

    Parameters
    ----------
    index
        The scenario and plan.

    Returns
    -------
    list of RouteRun
        One per route of the plan, in plan order.
    """
    runs = []
    for route in index.plan.routes:
        worker = index.workers.get(route.worker_id)
        shifts = worker.availability.get(route.day, []) if worker is not None else []
        shift = None
        if route.shift < len(shifts):
            start, end = shifts[route.shift]
            shift = (time_to_minutes(start), time_to_minutes(end))
        visits = [_stop_visit(index, route, (s.need_id, s.visit)) for s in route.stops]
        runs.append(RouteRun(route, worker, shift, visits, _legs(index, worker, visits)))
    return runs


def _stop_visit(index: PlanIndex, route: Route, key: VisitKey) -> PlannedVisit | None:
    own = index.by_worker_day.get((route.worker_id, route.day), {})
    if key in own:
        return own[key]
    candidates = index.by_key.get(key, [])
    return candidates[0] if candidates else None


def _legs(
    index: PlanIndex, worker: Worker | None, visits: list[PlannedVisit | None]
) -> list[int] | None:
    if worker is None:
        return None
    base = worker_base(index.scenario, worker)
    places: list[Location] = [base]
    for visit in visits:
        need = index.needs.get(visit.need_id) if visit is not None else None
        if need is None:
            return None
        places.append(need_location(index.scenario, need))
    places.append(base)
    travel = index.scenario.travel
    return [travel_minutes(a, b, worker.transport, travel) for a, b in pairwise(places)]


def route_violations(index: PlanIndex, runs: list[RouteRun]) -> list[Violation]:
    """Check rules 4 and 5 of the spec.

    Parameters
    ----------
    index
        The scenario and plan.
    runs
        The plan's routes replayed by :func:`replay_routes`.

    Returns
    -------
    list of Violation
        Rule 4 violations first, then rule 5.
    """
    return [*_rule4_routes(index, runs), *_rule5_caps(index, runs)]


def _rule4_routes(index: PlanIndex, runs: list[RouteRun]) -> list[Violation]:
    """Rule 4: one route per known shift, listing each of the day's visits once, on time."""
    found: list[Violation] = []
    seen: Counter[tuple[str, Day, int]] = Counter()
    for run in runs:
        route = run.route
        seen[(route.worker_id, route.day, route.shift)] += 1
        at = f"Route of worker {route.worker_id} on {route.day} shift {route.shift}"
        if run.worker is None:
            found.append(Violation(4, "unknown_worker", f"{at}: no such worker."))
        elif run.shift is None:
            found.append(
                Violation(4, "shift_unknown", f"{at}: the worker has no such shift that day.")
            )
        found += _on_time(run, at)
    for (worker_id, day, shift), n in seen.items():
        if n > 1:
            found.append(
                Violation(
                    4,
                    "duplicate_route",
                    f"Worker {worker_id} has {n} routes on {day} shift {shift}.",
                )
            )
    return found + _coverage(index)


def _on_time(run: RouteRun, at: str) -> list[Violation]:
    # The worker may wait at base or at the door, so only arriving late is a fault.
    if run.shift is None or run.legs is None:
        return []
    found = []
    clock, shift_end = run.shift
    for visit, leg in zip(run.visits, run.legs, strict=False):
        if visit is None:
            break
        arrival = clock + leg
        if arrival > time_to_minutes(visit.start):
            found.append(
                Violation(
                    4,
                    "route_time",
                    f"{at}: arrives at need {visit.need_id} visit {visit.visit} "
                    f"{arrival - time_to_minutes(visit.start)} minutes after "
                    f"it starts.",
                )
            )
        clock = max(arrival, time_to_minutes(visit.end))
    back = clock + run.legs[-1]
    if back > shift_end:
        found.append(
            Violation(
                4,
                "late_return",
                f"{at}: back at base {back - shift_end} minutes after the shift ends.",
            )
        )
    return found


def _coverage(index: PlanIndex) -> list[Violation]:
    # Each (worker, day) is checked as a whole, because a visit may sit on any of its shifts.
    listed: dict[tuple[str, Day], Counter[VisitKey]] = defaultdict(Counter)
    for route in index.plan.routes:
        for stop in route.stops:
            listed[(route.worker_id, route.day)][(stop.need_id, stop.visit)] += 1
    found = []
    for (worker_id, day), stops in listed.items():
        own = index.by_worker_day.get((worker_id, day), {})
        for (need_id, number), n in stops.items():
            at = f"Worker {worker_id} on {day}: need {need_id} visit {number}"
            if (need_id, number) not in own:
                found.append(
                    Violation(
                        4,
                        "route_extra_visit",
                        f"{at} is on a route but is not the worker's visit that day.",
                    )
                )
            elif n > 1:
                found.append(
                    Violation(
                        4, "route_duplicate_stop", f"{at} is on the worker's routes {n} times."
                    )
                )
    for (worker_id, day), own in index.by_worker_day.items():
        if worker_id not in index.workers:
            continue
        for need_id, number in own:
            if (need_id, number) not in listed.get((worker_id, day), {}):
                found.append(
                    Violation(
                        4,
                        "route_missing_visit",
                        f"Worker {worker_id} on {day}: need {need_id} visit "
                        f"{number} is on none of the worker's routes.",
                    )
                )
    return found


def _rule5_caps(index: PlanIndex, runs: list[RouteRun]) -> list[Violation]:
    """Rule 5: one-way range, visits per day and service-plus-travel minutes per week."""
    found: list[Violation] = []
    scenario = index.scenario
    for visit in index.plan.visits:
        need = index.needs.get(visit.need_id)
        for worker_id in dict.fromkeys(visit.worker_ids):
            worker = index.workers.get(worker_id)
            if need is None or worker is None or worker.max_travel_minutes is None:
                continue
            one_way = travel_minutes(
                worker_base(scenario, worker),
                need_location(scenario, need),
                worker.transport,
                scenario.travel,
            )
            if one_way > worker.max_travel_minutes:
                found.append(
                    Violation(
                        5,
                        "out_of_range",
                        f"Need {need.id} visit {visit.visit} on {visit.day}: "
                        f"worker {worker_id} needs {one_way} minutes one way, "
                        f"more than {worker.max_travel_minutes}.",
                    )
                )
    week: Counter[str] = Counter()
    ordered = sorted(index.by_worker_day.items(), key=lambda i: (i[0][0], DAYS.index(i[0][1])))
    for (worker_id, day), own in ordered:
        worker = index.workers.get(worker_id)
        if worker is None:
            continue
        week[worker_id] += sum(length(visit) for visit in own.values())
        cap = worker.max_visits_per_day
        if cap is not None and len(own) > cap:
            found.append(
                Violation(
                    5,
                    "day_visit_cap",
                    f"Worker {worker_id} has {len(own)} visits on {day}, more than {cap}.",
                )
            )
    for run in runs:
        week[run.route.worker_id] += sum(run.legs or [])
    for worker_id, minutes in week.items():
        worker = index.workers.get(worker_id)
        cap = worker.max_minutes_per_week if worker is not None else None
        if cap is not None and minutes > cap:
            found.append(
                Violation(
                    5,
                    "week_minutes_cap",
                    f"Worker {worker_id} works {minutes} minutes in the week, more than {cap}.",
                )
            )
    return found
