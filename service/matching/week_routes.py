"""The whole week's shift routes with flexible times, and cheap exact insertion into them.

Every (worker, day, shift) is a route of stops. A one-person visit may start anywhere in its
need's window: each route keeps, per stop, the earliest start (a forward pass from the shift's
start) and the latest start (a backward pass from the shift's end), so whether a visit fits
between two stops, and what it costs, is known in constant time (as in VROOM's and SISR's
insertion). A team visit has one start for all its members, fixed when it is inserted; in each
member's route it is a stop whose window is that minute.

The state stays valid after every change: windows, shifts, travel, visits per day and minutes
per week. Changes can be recorded and undone (:meth:`WeekRoutes.checkpoint`), so a search can
try a move and take it back. This module is the search's fast path; :meth:`to_schedule` turns
the result into the :class:`~service.matching.schedule.Schedule` the rest of the planner uses.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field

import numpy as np

from service.matching.candidates import Candidates
from service.matching.problem import PRIORITIES, UNLIMITED, Problem
from service.matching.schedule import RouteStop, Schedule, Visit

RouteKey = tuple[int, int, int]
"""(worker, day, shift)."""
VisitKey = tuple[int, int]
"""(need, day)."""


@dataclass
class Route:
    """One shift's stops in the order driven, with each stop's earliest and latest start."""

    worker: int
    day: int
    shift: int
    opens: int
    closes: int
    base: int
    needs: list[int] = field(default_factory=list)
    lo: list[int] = field(default_factory=list)
    hi: list[int] = field(default_factory=list)
    earliest: list[int] = field(default_factory=list)
    latest: list[int] = field(default_factory=list)
    travel: int = 0

    def copy(self) -> Route:
        """An independent copy (for undo)."""
        return Route(
            self.worker,
            self.day,
            self.shift,
            self.opens,
            self.closes,
            self.base,
            list(self.needs),
            list(self.lo),
            list(self.hi),
            list(self.earliest),
            list(self.latest),
            self.travel,
        )


@dataclass(frozen=True)
class Placement:
    """Where one team member takes a visit: a route, a position, the start interval there."""

    route: RouteKey
    position: int
    lo: int
    hi: int
    extra_travel: int


@dataclass(frozen=True)
class Insertion:
    """A way to add one visit: day, start (``None``: flexible, one member), members, cost."""

    need: int
    day: int
    start: int | None
    placements: tuple[Placement, ...]
    cost: int


@dataclass(frozen=True)
class PlacedVisit:
    """A visit in the week: its team's routes and, for teams, the fixed start."""

    routes: tuple[RouteKey, ...]
    start: int | None


@dataclass(frozen=True)
class Snapshot:
    """A frozen copy of a :class:`WeekRoutes` state."""

    routes: dict[RouteKey, Route]
    visits: dict[VisitKey, PlacedVisit]
    days_of: list[set[int]]
    week_used: list[int]
    day_count: list[list[int]]
    served: list[int]
    travel: int


@dataclass
class _Journal:
    routes: dict[RouteKey, Route | None] = field(default_factory=dict)
    visits: dict[VisitKey, PlacedVisit | None] = field(default_factory=dict)
    week_used: dict[int, int] = field(default_factory=dict)
    day_count: dict[tuple[int, int], int] = field(default_factory=dict)
    served: list[int] = field(default_factory=list)
    travel: int = 0


class WeekRoutes:
    """The week's routes, visits and caps, kept valid under insertions and removals.

    Parameters
    ----------
    problem
        The week in solver shape.
    candidates
        Its feasibility facts (who may go where on which day and shift, alone).
    """

    def __init__(self, problem: Problem, candidates: Candidates) -> None:
        self.problem = problem
        self.candidates = candidates
        p = problem
        self.n_points = int(p.travel.shape[1])
        self._tt = [
            np.ascontiguousarray(p.travel[m]).reshape(-1).data for m in range(len(p.travel))
        ]
        self.mode = p.worker_mode.tolist()
        self.base = p.worker_base.tolist()
        self.day_cap = p.worker_day_visits.tolist()
        self.week_cap = p.worker_week_minutes.tolist()
        self.point = p.need_point.tolist()
        self.duration = p.need_duration.tolist()
        self.window_lo = p.need_from.tolist()
        self.window_hi = (p.need_to - p.need_duration).tolist()
        self.priority = p.need_priority.tolist()
        self.wanted_visits = p.need_visits.tolist()
        self.team_size = p.need_staff.sum(axis=1).tolist()
        self.need_days = [np.flatnonzero(p.need_days[n]).tolist() for n in range(p.n_needs)]
        self.preferred_of = [set(np.flatnonzero(row).tolist()) for row in p.need_preferred]
        self.options = _options(problem, candidates)
        self.routes: dict[RouteKey, Route] = {}
        self.visits: dict[VisitKey, PlacedVisit] = {}
        self.days_of: list[set[int]] = [set() for _ in range(p.n_needs)]
        self.week_used = [0] * p.n_workers
        self.day_count = [[0] * 7 for _ in range(p.n_workers)]
        self.served = [0] * len(PRIORITIES)
        self.travel = 0
        self.work = 0
        """Route positions examined so far: the deterministic clock of repeatable searches."""
        self.version = [0] * p.n_workers
        """Per worker, a counter bumped at every change of its routes (validates the cache)."""
        self._cache: dict[VisitKey, tuple[list[int], Insertion | None]] = {}
        self._journal: _Journal | None = None

    # ----------------------------------------------------------------- basics
    def leg(self, worker: int, a: int, b: int) -> int:
        """Travel minutes from point ``a`` to point ``b`` for ``worker``."""
        return int(self._tt[self.mode[worker]][a * self.n_points + b])

    def missing(self, need: int) -> int:
        """Visits of ``need`` still to plan."""
        return int(self.wanted_visits[need]) - len(self.days_of[need])

    def tiers(self) -> tuple[int, ...]:
        """Planned visits of priority 1 … 5."""
        return tuple(self.served)

    def route(self, key: RouteKey) -> Route:
        """The route of ``key`` (an empty one is made on first use)."""
        found = self.routes.get(key)
        if found is None:
            worker, day, shift = key
            span = self.problem.worker_shifts[worker][day][shift]
            found = Route(worker, day, shift, span.start, span.end, self.base[worker])
            self.routes[key] = found
        return found

    # ----------------------------------------------------------------- snapshots
    def snapshot(self) -> Snapshot:
        """A copy of the whole state (the best week seen by a search)."""
        return Snapshot(
            {k: r.copy() for k, r in self.routes.items() if r.needs},
            dict(self.visits),
            [set(days) for days in self.days_of],
            list(self.week_used),
            [list(days) for days in self.day_count],
            list(self.served),
            self.travel,
        )

    def restore(self, snapshot: Snapshot) -> None:
        """Return to a snapshot (taken of this state)."""
        self.routes = {k: r.copy() for k, r in snapshot.routes.items()}
        self.visits = dict(snapshot.visits)
        self.days_of = [set(days) for days in snapshot.days_of]
        self.week_used = list(snapshot.week_used)
        self.day_count = [list(days) for days in snapshot.day_count]
        self.served = list(snapshot.served)
        self.travel = snapshot.travel
        self._journal = None
        self._cache.clear()

    # ----------------------------------------------------------------- undo
    def checkpoint(self) -> None:
        """Start recording changes so that :meth:`rollback` can undo them."""
        self._journal = _Journal(served=list(self.served), travel=self.travel)

    def commit(self) -> None:
        """Keep the changes since :meth:`checkpoint`."""
        self._journal = None

    def rollback(self) -> None:
        """Undo every change since :meth:`checkpoint`."""
        journal = self._journal
        if journal is None:
            return
        self._journal = None
        for key, route in journal.routes.items():
            if route is None:
                self.routes.pop(key, None)
            else:
                self.routes[key] = route
        for at, placed in journal.visits.items():
            need, day = at
            if placed is None:
                self.visits.pop(at, None)
                self.days_of[need].discard(day)
            else:
                self.visits[at] = placed
                self.days_of[need].add(day)
        for worker, used in journal.week_used.items():
            self.week_used[worker] = used
            self.version[worker] += 1
        for (worker, day), count in journal.day_count.items():
            self.day_count[worker][day] = count
        self.served = journal.served
        self.travel = journal.travel

    def _touch(self, key: RouteKey, at: VisitKey | None = None) -> None:
        journal = self._journal
        if journal is None:
            return
        if key not in journal.routes:
            found = self.routes.get(key)
            journal.routes[key] = None if found is None else found.copy()
        worker, day, _ = key
        journal.week_used.setdefault(worker, self.week_used[worker])
        journal.day_count.setdefault((worker, day), self.day_count[worker][day])
        if at is not None and at not in journal.visits:
            journal.visits[at] = self.visits.get(at)

    # ----------------------------------------------------------------- times
    def _refresh(self, route: Route) -> None:
        """Recompute the earliest and latest starts and the travel of a route."""
        tt, n_points = self._tt[self.mode[route.worker]], self.n_points
        point, duration = self.point, self.duration
        earliest, latest = [], [0] * len(route.needs)
        clock, here, travel = route.opens, route.base, 0
        for need, lo in zip(route.needs, route.lo, strict=True):
            there = point[need]
            leg = tt[here * n_points + there]
            travel += leg
            clock = max(lo, clock + leg)
            earliest.append(clock)
            clock += duration[need]
            here = there
        travel += tt[here * n_points + route.base]
        limit, nxt = route.closes, route.base
        for i in range(len(route.needs) - 1, -1, -1):
            need = route.needs[i]
            there = point[need]
            limit = min(route.hi[i], limit - tt[there * n_points + nxt] - duration[need])
            latest[i] = limit
            nxt = there
        route.earliest, route.latest, route.travel = earliest, latest, travel

    # ----------------------------------------------------------------- insertion
    def _scan(
        self,
        need: int,
        day: int,
        worker: int,
        shift: int,
        append_only: bool,
        blink: float,
        rng: random.Random | None,
        below: int,
    ) -> list[tuple[int, int, int, int]]:
        """Where in one shift route a visit of ``need`` fits, adding under ``below`` minutes.

        Returns ``(position, lo, hi, extra travel)`` per position: the interval of feasible
        starts there and the travel the stop adds; nothing when the worker has no room that
        day or that week. ``append_only`` looks only after the last stop; ``blink`` skips each
        position with that probability (SISR's blinks).
        """
        if self.day_count[worker][day] >= self.day_cap[worker]:
            return []
        route = self.routes.get((worker, day, shift))
        tt, n_points = self._tt[self.mode[worker]], self.n_points
        here, duration = self.point[need], self.duration[need]
        lo_n, hi_n = self.window_lo[need], self.window_hi[need]
        week_room = self.week_cap[worker] - self.week_used[worker] - duration
        if week_room < 0:
            return []
        if week_room < below:
            below = week_room + 1
        base = self.base[worker]
        if route is None or not route.needs:
            self.work += 1
            span = self.problem.worker_shifts[worker][day][shift]
            go, back = tt[base * n_points + here], tt[here * n_points + base]
            lo = max(lo_n, span.start + go)
            hi = min(hi_n, span.end - back - duration)
            if lo <= hi and go + back < below:
                return [(0, lo, hi, go + back)]
            return []
        found = []
        needs, earliest, latest = route.needs, route.earliest, route.latest
        point, durations = self.point, self.duration
        count = len(needs)
        self.work += count + 1
        for position in range(count if append_only else 0, count + 1):
            if blink and rng is not None and rng.random() < blink:
                continue
            if position == 0:
                prev, ready = base, route.opens
            else:
                before = needs[position - 1]
                prev, ready = point[before], earliest[position - 1] + durations[before]
            if position == count:
                nxt, due = base, route.closes
            else:
                nxt, due = point[needs[position]], latest[position]
            go = tt[prev * n_points + here]
            lo = ready + go
            if lo < lo_n:
                lo = lo_n
            if lo > hi_n:
                continue
            come = tt[here * n_points + nxt]
            extra = go + come - tt[prev * n_points + nxt]
            if extra >= below:
                continue
            hi = due - come - duration
            if hi > hi_n:
                hi = hi_n
            if lo <= hi:
                found.append((position, lo, hi, extra))
        return found

    def best_insertion(
        self,
        need: int,
        day: int,
        *,
        append_only: bool = False,
        blink: float = 0.0,
        rng: random.Random | None = None,
        nearest: int = 0,
    ) -> Insertion | None:
        """The cheapest valid way to add a visit of ``need`` on ``day`` (``None``: none).

        With ``nearest`` > 0 a one-person visit looks at the routes of the ``nearest`` workers
        based closest first and at the others only if none of those has room (granular
        neighbourhoods, as in PyVRP). Answers are cached per (need, day) and reused while
        none of the workers who could go has changed.
        """
        if day in self.days_of[need]:
            return None
        options = self.options.get((need, day))
        if not options:
            return None
        version = self.version
        cached = self._cache.get((need, day))
        if cached is not None and not append_only:
            stamps, found = cached
            if all(version[w] == s for (w, _), s in zip(options, stamps, strict=True)):
                return found
        found = self._evaluate(need, day, options, append_only, blink, rng, nearest)
        if not append_only:
            self._cache[(need, day)] = ([version[w] for w, _ in options], found)
        return found

    def _evaluate(
        self,
        need: int,
        day: int,
        options: list[tuple[int, int]],
        append_only: bool,
        blink: float,
        rng: random.Random | None,
        nearest: int,
    ) -> Insertion | None:
        """:meth:`best_insertion` without its cache."""
        if self.team_size[need] == 1:
            preferred = self.preferred_of[need]
            best_cost, best = UNLIMITED, None
            for tried, (worker, shift) in enumerate(options):
                if tried == nearest and best is not None:
                    break
                bonus = 1 if worker in preferred else 0
                for position, lo, hi, extra in self._scan(
                    need, day, worker, shift, append_only, blink, rng, best_cost + bonus
                ):
                    if extra - bonus < best_cost:
                        best_cost = extra - bonus
                        best = (worker, shift, position, lo, hi, extra)
            if best is None:
                return None
            worker, shift, position, lo, hi, extra = best
            place = Placement((worker, day, shift), position, lo, hi, extra)
            return Insertion(need, day, None, (place,), best_cost)
        return self._best_team_insertion(need, day, options, append_only, blink, rng)

    def _best_team_insertion(
        self,
        need: int,
        day: int,
        options: list[tuple[int, int]],
        append_only: bool,
        blink: float,
        rng: random.Random | None,
    ) -> Insertion | None:
        """Cheapest valid team and common start: members' start intervals must overlap.

        The best team at some start exists at the earliest start of one of its members'
        placements, so only those starts are tried; at each, the ``TEAM_POOL`` cheapest
        workers free then are combined, cheapest combination first.
        """
        size, preferred = self.team_size[need], self.preferred_of[need]
        found: list[tuple[int, int, int, int, int, int, int]] = []
        for worker, shift in options:
            bonus = 1 if worker in preferred else 0
            for position, lo, hi, extra in self._scan(
                need, day, worker, shift, append_only, blink, rng, UNLIMITED
            ):
                found.append((extra - bonus, worker, shift, position, lo, hi, extra))
        if len({f[1] for f in found}) < size:
            return None
        found.sort()
        rules = self.problem.team_rules
        best_cost, best = UNLIMITED, None
        for start in sorted({f[4] for f in found}):
            free, seen = [], set()
            for option in found:
                if option[4] <= start <= option[5] and option[1] not in seen:
                    seen.add(option[1])
                    free.append(option)
                    if len(free) == TEAM_POOL:
                        break
            if len(free) < size or sum(f[0] for f in free[:size]) >= best_cost:
                continue
            teams = sorted(itertools.combinations(free, size), key=lambda t: sum(f[0] for f in t))
            for team in teams:
                cost = sum(f[0] for f in team)
                if cost >= best_cost:
                    break
                if rules.allows(need, (f[1] for f in team)):
                    best_cost, best = cost, (start, team)
                    break
        if best is None:
            return None
        start, team = best
        places = tuple(
            Placement((worker, day, shift), position, lo, hi, extra)
            for _, worker, shift, position, lo, hi, extra in team
        )
        return Insertion(need, day, start, places, best_cost)

    # ----------------------------------------------------------------- changes
    def insert(self, insertion: Insertion) -> None:
        """Apply an insertion found on the current state."""
        need, day = insertion.need, insertion.day
        at = (need, day)
        fixed = insertion.start
        for place in insertion.placements:
            self._touch(place.route, at)
            route = self.route(place.route)
            lo = self.window_lo[need] if fixed is None else fixed
            hi = self.window_hi[need] if fixed is None else fixed
            before = route.travel
            route.needs.insert(place.position, need)
            route.lo.insert(place.position, lo)
            route.hi.insert(place.position, hi)
            self._refresh(route)
            worker = route.worker
            self.week_used[worker] += self.duration[need] + route.travel - before
            self.day_count[worker][day] += 1
            self.version[worker] += 1
            self.travel += route.travel - before
        if self._journal is not None and at not in self._journal.visits:
            self._journal.visits[at] = self.visits.get(at)
        self.visits[at] = PlacedVisit(tuple(p.route for p in insertion.placements), fixed)
        self.days_of[need].add(day)
        self.served[self.priority[need] - 1] += 1

    def remove(self, need: int, day: int) -> None:
        """Take a visit out of every route of its team."""
        at = (need, day)
        placed = self.visits[at]
        for key in placed.routes:
            self._touch(key, at)
            route = self.routes[key]
            position = route.needs.index(need)
            before = route.travel
            del route.needs[position], route.lo[position], route.hi[position]
            self._refresh(route)
            worker = route.worker
            self.week_used[worker] -= self.duration[need] + before - route.travel
            self.day_count[worker][day] -= 1
            self.version[worker] += 1
            self.travel -= before - route.travel
        if self._journal is not None and at not in self._journal.visits:
            self._journal.visits[at] = placed
        del self.visits[at]
        self.days_of[need].discard(day)
        self.served[self.priority[need] - 1] -= 1

    # ----------------------------------------------------------------- conversion
    def to_schedule(self) -> Schedule:
        """The state as a :class:`Schedule`, every stop at its earliest start."""
        schedule = Schedule(self.problem, self.candidates)
        starts: dict[VisitKey, int] = {}
        for (worker, day, shift), route in self.routes.items():
            if not route.needs:
                continue
            stops = []
            for need, start in zip(route.needs, route.earliest, strict=True):
                stops.append(RouteStop(start, start + self.duration[need], need))
                starts[(need, day)] = start
            schedule.add_route(worker, day, shift, stops)
        for (need, day), placed in self.visits.items():
            team = tuple(sorted(key[0] for key in placed.routes))
            start = placed.start if placed.start is not None else starts[(need, day)]
            schedule.add_visit(Visit(need, day, start, team))
        return schedule

    @classmethod
    def from_schedule(cls, schedule: Schedule) -> WeekRoutes:
        """Load a valid schedule; team visits keep their start, solo visits become flexible."""
        state = cls(schedule.problem, schedule.candidates)
        route_of: dict[tuple[int, int, int], RouteKey] = {}
        for (worker, day, shift), stops in schedule.routes.items():
            if not stops:
                continue
            route = state.route((worker, day, shift))
            for stop in stops:
                visit = schedule.visits[(stop.need, day)]
                solo = len(visit.team) == 1
                route.needs.append(stop.need)
                route.lo.append(state.window_lo[stop.need] if solo else stop.start)
                route.hi.append(state.window_hi[stop.need] if solo else stop.start)
                route_of[(worker, day, stop.need)] = (worker, day, shift)
            state._refresh(route)
            state.week_used[worker] += route.travel + sum(state.duration[n] for n in route.needs)
            state.day_count[worker][day] += len(route.needs)
            state.travel += route.travel
        for (need, day), visit in schedule.visits.items():
            keys = tuple(route_of[(worker, day, need)] for worker in visit.team)
            start = None if len(visit.team) == 1 else visit.start
            state.visits[(need, day)] = PlacedVisit(keys, start)
            state.days_of[need].add(day)
            state.served[state.priority[need] - 1] += 1
        return state


TEAM_POOL = 10
"""Cheapest workers considered when a team is chosen at one start time."""


def _options(problem: Problem, candidates: Candidates) -> dict[VisitKey, list[tuple[int, int]]]:
    """``(need, day)`` → the (worker, shift) routes that could take the visit, nearest first.

    For one-person visits only workers meeting the need's team rows alone are kept.
    """
    fits = candidates.start_lo <= candidates.start_hi
    rules = problem.team_rules
    alone: dict[tuple[int, int], bool] = {}
    options: dict[VisitKey, list[tuple[int, int]]] = {}
    for worker, day, shift, need in zip(*np.nonzero(fits), strict=True):
        if shift >= len(problem.worker_shifts[worker][day]):
            continue
        if rules.size[need] == 1:
            pair = (int(need), int(worker))
            if pair not in alone:
                alone[pair] = rules.possible(int(need), (int(worker),))
            if not alone[pair]:
                continue
        options.setdefault((int(need), int(day)), []).append((int(worker), int(shift)))
    for (need, _), found in options.items():
        found.sort(key=lambda option: (int(candidates.oneway[option[0], need]), option))
    return options
