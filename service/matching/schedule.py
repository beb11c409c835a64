"""A week's routes with fixed times, and the exact insertion of one more visit into them.

The greedy planner builds a schedule visit by visit; the optimizer's plan is loaded into one and
repaired with the same insertion. Every change keeps the schedule valid: shifts, travel, team
start times, day and week caps.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np

from service.matching.candidates import Candidates, team_possible
from service.matching.problem import STAFF_ANY, Problem

PREFERRED_BONUS = 1
"""Travel minutes a preferred worker may cost extra before another is chosen instead."""
MAX_TEAM_POOL = 12
MAX_START_TIMES = 8


@dataclass(frozen=True)
class Visit:
    """A planned visit: need, day, start minute and team (worker indices)."""

    need: int
    day: int
    start: int
    team: tuple[int, ...]


@dataclass
class RouteStop:
    """A stop of a worker's shift route."""

    start: int
    end: int
    need: int


@dataclass(frozen=True)
class Slot:
    """Where one worker could take a visit: a gap of one of its shift routes."""

    worker: int
    shift: int
    position: int
    lo: int
    hi: int
    extra_travel: int


@dataclass
class Schedule:
    """Routes per (worker, day, shift) with fixed start times, kept valid on every insertion."""

    problem: Problem
    candidates: Candidates
    routes: dict[tuple[int, int, int], list[RouteStop]] = field(default_factory=dict)
    visits: dict[tuple[int, int], Visit] = field(default_factory=dict)
    days_of_need: dict[int, set[int]] = field(default_factory=dict)
    week_minutes: np.ndarray = field(init=False)
    day_visits: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.week_minutes = np.zeros(self.problem.n_workers, dtype=np.int64)
        self.day_visits = np.zeros((self.problem.n_workers, 7), dtype=np.int64)

    # ----------------------------------------------------------------- queries
    def visit_days(self, need: int) -> set[int]:
        """Days on which ``need`` already has a visit."""
        return self.days_of_need.get(need, set())

    def route_travel(self, worker: int, day: int, shift: int) -> int:
        """Travel minutes of one shift route, from and back to base."""
        return self.problem.route_travel(
            worker, [s.need for s in self.routes.get((worker, day, shift), [])]
        )

    def slots(self, worker: int, need: int, day: int) -> list[Slot]:
        """Every gap of the worker's routes on ``day`` where a visit of ``need`` fits alone.

        Parameters
        ----------
        worker, need, day
            Indices.

        Returns
        -------
        list of Slot
            With the interval of feasible start minutes and the travel it adds.
        """
        p = self.problem
        duration = int(p.need_duration[need])
        earliest = int(p.need_from[need])
        latest = int(p.need_to[need]) - duration
        base, here = int(p.worker_base[worker]), int(p.need_point[need])
        found = []
        for k, shift in enumerate(p.worker_shifts[worker][day]):
            if (
                self.candidates.start_lo[worker, day, k, need]
                > self.candidates.start_hi[worker, day, k, need]
            ):
                continue
            stops = self.routes.get((worker, day, k), [])
            bounds = [(shift.start, base)] + [(s.end, int(p.need_point[s.need])) for s in stops]
            nexts = [(s.start, int(p.need_point[s.need])) for s in stops] + [(shift.end, base)]
            for position, ((free_from, prev), (free_to, nxt)) in enumerate(
                zip(bounds, nexts, strict=True)
            ):
                lo = max(free_from + p.leg(worker, prev, here), earliest)
                hi = min(free_to - p.leg(worker, here, nxt) - duration, latest)
                if lo <= hi:
                    extra = (
                        p.leg(worker, prev, here)
                        + p.leg(worker, here, nxt)
                        - p.leg(worker, prev, nxt)
                    )
                    found.append(Slot(worker, k, position, lo, hi, extra))
        return found

    def _within_caps(self, slot: Slot, need: int, day: int) -> bool:
        p = self.problem
        if self.day_visits[slot.worker, day] >= p.worker_day_visits[slot.worker]:
            return False
        used = self.week_minutes[slot.worker] + p.need_duration[need] + slot.extra_travel
        return bool(used <= p.worker_week_minutes[slot.worker])

    def team_is_valid(self, need: int, team: tuple[int, ...]) -> bool:
        """Whether a team matches the need's staff exactly, with its skills and languages."""
        members = np.array(team, dtype=np.int64)
        return len(team) == self.problem.staff_total(need) and team_possible(
            self.problem, need, members
        )

    def best_insertion(self, need: int, day: int) -> tuple[int, list[Slot]] | None:
        """The cheapest way to add one visit of ``need`` on ``day``.

        Parameters
        ----------
        need, day
            Indices.

        Returns
        -------
        tuple or None
            ``(start, slots)``: the start minute and one slot per team member; ``None``
            when no valid team can meet there.
        """
        p = self.problem
        options: dict[int, list[Slot]] = {}
        for worker in self.candidates.workers_for(need, day):
            fitting = [
                s for s in self.slots(int(worker), need, day) if self._within_caps(s, need, day)
            ]
            if fitting:
                options[int(worker)] = fitting
        if not options:
            return None
        starts = sorted({s.lo for slots in options.values() for s in slots})
        if len(starts) > MAX_START_TIMES:
            picks = np.linspace(0, len(starts) - 1, MAX_START_TIMES).round().astype(int)
            starts = [starts[i] for i in sorted(set(picks.tolist()))]
        best: tuple[int, int, list[Slot]] | None = None
        for start in starts:
            at_start = {}
            for worker, slots in options.items():
                usable = [s for s in slots if s.lo <= start <= s.hi]
                if usable:
                    at_start[worker] = min(usable, key=lambda s: s.extra_travel)
            team = self._pick_team(need, at_start)
            if team is None:
                continue
            cost = sum(at_start[w].extra_travel for w in team)
            cost -= PREFERRED_BONUS * int(p.need_preferred[need, list(team)].sum())
            if best is None or cost < best[0]:
                best = (cost, start, [at_start[w] for w in team])
        return None if best is None else (best[1], best[2])

    def _pick_team(self, need: int, slots: dict[int, Slot]) -> tuple[int, ...] | None:
        """Cheapest valid team among workers free at one start time (small exhaustive search)."""
        p = self.problem
        size = p.staff_total(need)
        if len(slots) < size:
            return None

        def cost(worker: int) -> int:
            bonus = PREFERRED_BONUS if p.need_preferred[need, worker] else 0
            return slots[worker].extra_travel - bonus

        ranked = sorted(slots, key=lambda w: (cost(w), w))
        anyone = 4 if p.need_staff[need, STAFF_ANY] else 0
        chosen = p.team_rules.pool(need, ranked, 3, anyone)
        pool = sorted(chosen, key=lambda w: (cost(w), w))[:MAX_TEAM_POOL]
        for team in sorted(
            itertools.combinations(pool, size), key=lambda t: (sum(cost(w) for w in t), t)
        ):
            if self.team_is_valid(need, team):
                return tuple(sorted(team))
        return None

    # ----------------------------------------------------------------- changes
    def insert(self, need: int, day: int, start: int, slots: list[Slot]) -> Visit:
        """Add a visit whose slots came from :meth:`best_insertion` on this schedule."""
        duration = int(self.problem.need_duration[need])
        for slot in slots:
            route = self.routes.setdefault((slot.worker, day, slot.shift), [])
            route.insert(slot.position, RouteStop(start, start + duration, need))
            self.week_minutes[slot.worker] += duration + slot.extra_travel
            self.day_visits[slot.worker, day] += 1
        visit = Visit(need, day, start, tuple(sorted(s.worker for s in slots)))
        self.add_visit(visit)
        return visit

    def add_route(self, worker: int, day: int, shift: int, stops: list[RouteStop]) -> None:
        """Load an already-sequenced shift route (times trusted, counted into the caps)."""
        self.routes[(worker, day, shift)] = sorted(stops, key=lambda s: s.start)
        self.week_minutes[worker] += sum(s.end - s.start for s in stops)
        self.week_minutes[worker] += self.route_travel(worker, day, shift)
        self.day_visits[worker, day] += len(stops)

    def clear_day(self, day: int, workers: set[int] | None = None) -> None:
        """Remove the routes of ``day`` (of ``workers`` only, if given) and their visits.

        Minutes go back to the caps. A visit whose team reaches outside ``workers`` stays
        recorded; only its stops on the cleared routes go.
        """
        for key in [k for k in self.routes if k[1] == day and (workers is None or k[0] in workers)]:
            worker = key[0]
            stops = self.routes.pop(key)
            used = sum(s.end - s.start for s in stops)
            self.week_minutes[worker] -= used + self.problem.route_travel(
                worker, [s.need for s in stops]
            )
            self.day_visits[worker, day] -= len(stops)
        for (need, visit_day), visit in list(self.visits.items()):
            if visit_day == day and (workers is None or set(visit.team) <= workers):
                del self.visits[(need, visit_day)]
                self.days_of_need[need].discard(day)

    def add_visit(self, visit: Visit) -> None:
        """Record a visit whose stops were loaded with :meth:`add_route`."""
        self.visits[(visit.need, visit.day)] = visit
        self.days_of_need.setdefault(visit.need, set()).add(visit.day)

    def fill(self, needs_in_order: list[int]) -> int:
        """Insert as many missing visits as fit, need by need in the given order.

        For each missing visit, every allowed day the need does not use yet is tried and the
        cheapest insertion is taken.

        Parameters
        ----------
        needs_in_order
            Needs to serve, most important first.

        Returns
        -------
        int
            Visits added.
        """
        p = self.problem
        added = 0
        for need in needs_in_order:
            while len(self.visit_days(need)) < p.need_visits[need]:
                used = set(self.visit_days(need))
                best: tuple[int, int, int, list[Slot]] | None = None
                for day in np.flatnonzero(p.need_days[need]):
                    if int(day) in used:
                        continue
                    found = self.best_insertion(need, int(day))
                    if found is None:
                        continue
                    cost = sum(s.extra_travel for s in found[1])
                    if best is None or cost < best[0]:
                        best = (cost, int(day), found[0], found[1])
                if best is None:
                    break
                self.insert(need, best[1], best[2], best[3])
                added += 1
        return added
