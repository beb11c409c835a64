"""An independent brute-force optimizer for tiny scenarios, written from the spec alone.

It knows only the wire models: no code of ``service.matching`` or ``service.checker`` is used,
so that agreeing with the solver means something. It returns the best tuple of planned visits
per priority (1 to 5, compared lexicographically) over all plans valid under the spec's rules
1 to 5; resources (rule 6) are ignored, as they do not change which visits can be planned.

How it searches:

- A *visit option* is a day and a team for one need, checked on its own: team matches
  ``staff`` exactly by role, holds the skills, speaks a language, nobody excluded, everybody
  within ``max_travel_minutes`` and on shift that day.
- Needs are taken in priority order; each gets 0 … ``visits`` options on strictly increasing
  days (its visits are interchangeable). A branch is cut as soon as a day becomes infeasible
  (feasibility is closed under removing visits, since travel times obey the triangle
  inequality up to rounding up) or the optimistic count cannot beat the best found.
- A day is feasible when every worker's visits can be split among the worker's shifts and
  ordered so that one start time per visit (shared by its team) satisfies every window, travel
  and shift constraint. For fixed splits and orders these are difference constraints
  ``s_j - s_i >= c`` with constant bounds, solved by longest-path relaxation (Bellman-Ford).
- Weekly minutes caps: per day the achievable (service + travel) minutes of capped workers are
  collected, and some choice per day must fit every cap.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from service.wire.common import DAYS, Day, Location, minutes_to_time, time_to_minutes
from service.wire.scenario import Need, Scenario, Worker

EARTH_RADIUS_KM = 6371.0088
PRIORITY_LEVELS = 5

Counts = tuple[int, ...]
Team = tuple[str, ...]
Json = dict[str, Any]


def haversine_km(a: Location, b: Location) -> float:
    """Great-circle distance in km on a sphere of radius ``EARTH_RADIUS_KM``."""
    lat_a, lat_b = math.radians(a.lat), math.radians(b.lat)
    dlat = lat_b - lat_a
    dlon = math.radians(b.lon - a.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat_a) * math.cos(lat_b) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, h)))


@dataclass(frozen=True)
class Option:
    """One visit of a need on a day by a team."""

    need: int
    day: Day
    team: Team


@dataclass(frozen=True)
class WorkerDay:
    """One way a worker can do its visits of a day: stops per shift and the travel minutes."""

    routes: tuple[tuple[int, tuple[int, ...]], ...]
    """(shift index, needs in the order driven) for each non-empty shift."""
    travel: int


DayRun = dict[str, WorkerDay]
"""Each busy worker's routes for one day."""


class BruteForce:
    """Exhaustive search for the best planned-visits-per-priority tuple of a tiny scenario.

    Parameters
    ----------
    scenario
        A validated scenario, small enough to enumerate (a handful of needs and workers).
    """

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.workers: dict[str, Worker] = {w.id: w for w in scenario.workers}
        self.needs: list[Need] = sorted(scenario.needs, key=lambda n: (n.priority, n.id))
        villages = {v.id: v.location for v in scenario.villages}
        self.places: list[Location] = [
            n.location if n.location is not None else villages[n.village] for n in self.needs
        ]
        self.day_runs = cache(self._day_runs)
        self.options: list[list[Option]] = [self._need_options(i) for i in range(len(self.needs))]
        # Most visits each need can still get: limited by the days that have an option.
        self.reachable = [
            min(need.visits, len({o.day for o in options}))
            for need, options in zip(self.needs, self.options, strict=True)
        ]
        self.best: Counts = (0,) * PRIORITY_LEVELS
        self.best_days: dict[Day, frozenset[Option]] = {}

    # --- travel ---------------------------------------------------------------------------

    def base(self, worker: Worker) -> Location:
        """Where the worker's shifts start and end."""
        return worker.base if worker.base is not None else self.scenario.station.location

    def minutes(self, worker: Worker, a: Location, b: Location) -> int:
        """Travel minutes by the spec's formula for this worker's transport."""
        if (a.lat, a.lon) == (b.lat, b.lon):
            return 0
        speed: float = getattr(self.scenario.travel.speed_kmh, worker.transport)
        return math.ceil(haversine_km(a, b) * self.scenario.travel.detour_factor / speed * 60)

    # --- single visits (rules 1-3 and range) -----------------------------------------------

    def _team_fits(self, need: Need, team: Sequence[Worker]) -> bool:
        roles = [w.role for w in team]
        if any(roles.count(role) < n for role, n in need.staff.items() if role != "any"):
            return False
        skills = {s for w in team for s in w.skills}
        if not set(need.skills) <= skills:
            return False
        spoken = {lang for w in team for lang in w.languages}
        if need.languages and not spoken & set(need.languages):
            return False
        return not any(w.id in need.excluded_workers for w in team)

    def _in_range(self, worker: Worker, need_index: int) -> bool:
        if worker.max_travel_minutes is None:
            return True
        one_way = self.minutes(worker, self.base(worker), self.places[need_index])
        return one_way <= worker.max_travel_minutes

    def _need_options(self, i: int) -> list[Option]:
        need = self.needs[i]
        size = need.staff_total()
        teams = [
            tuple(w.id for w in team)
            for team in itertools.combinations(self.scenario.workers, size)
            if self._team_fits(need, team) and all(self._in_range(w, i) for w in team)
        ]
        options = []
        for day in need.window.days:
            for team in teams:
                if all(self.workers[w].availability.get(day) for w in team):
                    option = Option(i, day, team)
                    if self._week_fits({day: frozenset([option])}):
                        options.append(option)
        return options

    # --- one day (rule 4 and the daily cap) -------------------------------------------------

    def _bounds(self, i: int) -> tuple[int, int]:
        """Earliest and latest start of need ``i``'s visit inside its window."""
        need = self.needs[i]
        return (
            time_to_minutes(need.window.from_),
            time_to_minutes(need.window.to) - need.duration_minutes,
        )

    def _worker_days(self, worker: Worker, day: Day, stops: list[int]) -> list[WorkerDay]:
        """Every split of the worker's stops among its shifts and order that works alone."""
        shifts = worker.availability.get(day, [])
        found = []
        for split in itertools.product(range(len(shifts)), repeat=len(stops)):
            groups = [
                [s for s, k in zip(stops, split, strict=True) if k == j] for j in range(len(shifts))
            ]
            orders = [itertools.permutations(g) for g in groups]
            for chosen in itertools.product(*orders):
                routes = tuple((j, order) for j, order in enumerate(chosen) if order)
                plan = WorkerDay(routes, self._travel(worker, routes))
                if self._schedule(day, {worker.id: plan}) is not None:
                    found.append(plan)
        return found

    def _travel(self, worker: Worker, routes: tuple[tuple[int, tuple[int, ...]], ...]) -> int:
        base = self.base(worker)
        total = 0
        for _, order in routes:
            places = [base, *(self.places[i] for i in order), base]
            total += sum(self.minutes(worker, a, b) for a, b in itertools.pairwise(places))
        return total

    def _schedule(self, day: Day, plans: dict[str, WorkerDay]) -> dict[int, int] | None:
        """Earliest starts per need that satisfy every window, route and shift constraint.

        ``None`` when there are none.
        """
        lower: dict[int, int] = {}
        upper: dict[int, int] = {}
        edges: list[tuple[int, int, int]] = []
        for worker_id, plan in plans.items():
            worker = self.workers[worker_id]
            base = self.base(worker)
            shifts = worker.availability[day]
            for j, order in plan.routes:
                for i in order:
                    lower.setdefault(i, self._bounds(i)[0])
                    upper.setdefault(i, self._bounds(i)[1])
                shift_start, shift_end = (time_to_minutes(t) for t in shifts[j])
                first, last = order[0], order[-1]
                leave = shift_start + self.minutes(worker, base, self.places[first])
                lower[first] = max(lower[first], leave)
                back = self.minutes(worker, self.places[last], base)
                latest = shift_end - back - self.needs[last].duration_minutes
                upper[last] = min(upper[last], latest)
                for a, b in itertools.pairwise(order):
                    gap = self.needs[a].duration_minutes
                    gap += self.minutes(worker, self.places[a], self.places[b])
                    edges.append((a, b, gap))
        start = dict(lower)
        for _ in range(len(start) + 1):
            if any(start[i] > upper[i] for i in start):
                return None
            changed = False
            for a, b, gap in edges:
                if start[a] + gap > start[b]:
                    start[b] = start[a] + gap
                    changed = True
            if not changed:
                return start
        return None  # a cycle of positive gaps: no schedule

    def _day_runs(self, day: Day, options: frozenset[Option]) -> dict[Counts, DayRun]:
        """The ways to run a day, one for each achievable use of the capped workers' minutes.

        Keys are the service + travel minutes of the capped workers (in the order of
        :meth:`capped_workers`); empty when the day cannot be run at all.
        """
        stops: dict[str, list[int]] = {}
        for option in sorted(options, key=lambda o: o.need):
            for worker_id in option.team:
                stops.setdefault(worker_id, []).append(option.need)
        choices: dict[str, list[WorkerDay]] = {}
        for worker_id, mine in stops.items():
            worker = self.workers[worker_id]
            if worker.max_visits_per_day is not None and len(mine) > worker.max_visits_per_day:
                return {}
            choices[worker_id] = self._worker_days(worker, day, mine)
            if not choices[worker_id]:
                return {}
        capped = self.capped_workers()
        found: dict[Counts, DayRun] = {}
        for combo in self._joint(day, list(choices.items())):
            used = []
            for worker_id in capped:
                plan = combo.get(worker_id)
                service = sum(self.needs[i].duration_minutes for i in stops.get(worker_id, []))
                used.append(service + (plan.travel if plan else 0))
            found.setdefault(tuple(used), combo)
            if not capped:
                break
        return found

    def _joint(
        self, day: Day, choices: list[tuple[str, list[WorkerDay]]]
    ) -> Iterator[dict[str, WorkerDay]]:
        """Every combination of the workers' day plans that is consistent as a whole."""
        if not choices:
            yield {}
            return
        (worker_id, plans), rest = choices[0], choices[1:]
        for tail in self._joint(day, rest):
            for plan in plans:
                combo = {worker_id: plan, **tail}
                if self._schedule(day, combo) is not None:
                    yield combo

    # --- the week (rule 5 weekly cap) ------------------------------------------------------

    def capped_workers(self) -> list[str]:
        """Workers with a weekly minutes cap, in scenario order."""
        return [w.id for w in self.scenario.workers if w.max_minutes_per_week is not None]

    def _week_runs(self, days: dict[Day, frozenset[Option]]) -> dict[Day, DayRun] | None:
        """One way to run every busy day within the weekly caps, or ``None``."""
        busy = [day for day, options in days.items() if options]
        runs = [self.day_runs(day, days[day]) for day in busy]
        if any(not run for run in runs):
            return None
        caps = [self.workers[w].max_minutes_per_week or 0 for w in self.capped_workers()]
        for pick in itertools.product(*runs):
            per_worker = zip(*pick, strict=True) if pick else iter([()] * len(caps))
            if all(sum(used) <= cap for used, cap in zip(per_worker, caps, strict=True)):
                return {day: run[used] for day, run, used in zip(busy, runs, pick, strict=True)}
        return None

    def _week_fits(self, days: dict[Day, frozenset[Option]]) -> bool:
        return self._week_runs(days) is not None

    # --- the search ------------------------------------------------------------------------

    def solve(self) -> Counts:
        """The lexicographically best planned visits per priority (1 to 5)."""
        self.best = (0,) * PRIORITY_LEVELS
        self.best_days = {}
        counts = [0] * PRIORITY_LEVELS
        days: dict[Day, frozenset[Option]] = {day: frozenset() for day in DAYS}
        self._search(0, 0, -1, counts, days)
        return self.best

    def witness(self) -> tuple[list[Json], list[Json]]:
        """The planned visits and routes (wire-shaped dicts) of the best plan :meth:`solve` found.

        Lets a test confirm with the plan checker that the optimum is really reachable.
        """
        runs = self._week_runs(self.best_days) or {}
        visits: list[Json] = []
        routes: list[Json] = []
        numbers: dict[int, int] = {}
        for day in DAYS:
            options = sorted(self.best_days.get(day, frozenset()), key=lambda o: o.need)
            if not options:
                continue
            starts = self._schedule(day, runs[day]) or {}
            for option in options:
                need = self.needs[option.need]
                numbers[option.need] = numbers.get(option.need, 0) + 1
                visits.append(
                    {
                        "need_id": need.id,
                        "visit": numbers[option.need],
                        "day": day,
                        "start": minutes_to_time(starts[option.need]),
                        "end": minutes_to_time(starts[option.need] + need.duration_minutes),
                        "worker_ids": list(option.team),
                    }
                )
            number = {o.need: numbers[o.need] for o in options}
            for worker_id, plan in runs[day].items():
                worker = self.workers[worker_id]
                for shift, order in plan.routes:
                    routes.append(
                        {
                            "worker_id": worker_id,
                            "day": day,
                            "shift": shift,
                            "stops": [
                                {"need_id": self.needs[i].id, "visit": number[i]} for i in order
                            ],
                            "travel_minutes": self._travel(worker, ((shift, order),)),
                            "service_minutes": sum(self.needs[i].duration_minutes for i in order),
                        }
                    )
        return visits, routes

    def _optimistic(self, need: int, placed: int, counts: list[int]) -> Counts:
        bound = list(counts)
        for i in range(need, len(self.needs)):
            more = self.reachable[i] - (placed if i == need else 0)
            bound[self.needs[i].priority - 1] += max(more, 0)
        return tuple(bound)

    def _search(
        self,
        need: int,
        placed: int,
        last_day: int,
        counts: list[int],
        days: dict[Day, frozenset[Option]],
    ) -> None:
        if self._optimistic(need, placed, counts) <= self.best:
            return
        if need == len(self.needs):
            self.best = tuple(counts)
            self.best_days = dict(days)
            return
        priority = self.needs[need].priority - 1
        if placed < self.needs[need].visits:
            for option in self.options[need]:
                if DAYS.index(option.day) <= last_day:
                    continue
                before = days[option.day]
                days[option.day] = before | {option}
                if self._week_fits(days):
                    counts[priority] += 1
                    self._search(need, placed + 1, DAYS.index(option.day), counts, days)
                    counts[priority] -= 1
                days[option.day] = before
        self._search(need + 1, 0, -1, counts, days)


def best_counts(scenario: Scenario) -> Counts:
    """The lexicographically best planned visits of priority 1 to 5 over all valid plans.

    Parameters
    ----------
    scenario
        A tiny validated scenario.

    Returns
    -------
    tuple of int
        Planned visits of priority 1, 2, 3, 4 and 5.
    """
    return BruteForce(scenario).solve()
