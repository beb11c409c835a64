"""Ruin and recreate over the whole week: SISR with the spec's tiers.

Slack Induction by String Removals (Christiaens and Vanden Berghe, Transportation Science
54(2), 2020): each step removes a few strings of consecutive stops from routes near a random
visit (on any day, so a visit can move to another day), then re-inserts the removed visits and
nearby unserved ones, most urgent priority first, each at its cheapest place with a small
chance of skipping a position ("blinks"). A step is kept when it serves more visits tier by
tier (priority 1 first), or as many with less travel, or with a little more travel under a
falling temperature (simulated annealing). The best week seen is returned.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from service.matching.week_routes import Insertion, RouteKey, VisitKey, WeekRoutes

REPORT_EVERY = 200
"""Steps between two progress reports."""
NEIGHBOURS = 40
"""Nearest households kept per household for ruin and for unserved needs worth retrying."""


@dataclass(frozen=True)
class SearchParams:
    """Knobs of the search (defaults from SISR, tuned on generated towns).

    Attributes
    ----------
    removed
        Average visits removed per step (SISR's c̄).
    string
        Longest string removed from one route (SISR's L_max).
    blink
        Probability of skipping an insertion position.
    hot, cold
        Start and end temperatures, in travel minutes.
    retry
        Unserved needs offered per step beyond those near the ruin.
    nearest
        Workers whose routes a one-person visit tries first (granular neighbourhood).
    """

    removed: float = 10.0
    string: float = 10.0
    blink: float = 0.01
    hot: float = 5.0
    cold: float = 0.2
    retry: int = 8
    nearest: int = 16


def recreate(
    state: WeekRoutes, needs: list[int], rng: random.Random, blink: float = 0.0, nearest: int = 0
) -> int:
    """Insert missing visits of ``needs`` in the given order, each at its cheapest place.

    Parameters
    ----------
    state
        The week, changed in place.
    needs
        Needs to serve, in order (a need may come once; all its missing visits are tried).
    rng
        Random source of the blinks.
    blink
        Probability of skipping a position.
    nearest
        Granular search: the routes of this many nearest workers first (0: all).

    Returns
    -------
    int
        Visits inserted.
    """
    added = 0
    for need in needs:
        while state.missing(need) > 0:
            best: Insertion | None = None
            for day in state.need_days[need]:
                found = state.best_insertion(need, day, blink=blink, rng=rng, nearest=nearest)
                if found is not None and (best is None or found.cost < best.cost):
                    best = found
            if best is None:
                break
            state.insert(best)
            added += 1
    return added


class RuinRecreate:
    """The search over one week.

    Parameters
    ----------
    state
        A valid week to start from (changed in place; the best week is returned by
        :meth:`run`).
    seed
        Random seed.
    params
        Knobs of the search.
    """

    def __init__(self, state: WeekRoutes, seed: int, params: SearchParams | None = None) -> None:
        self.state = state
        self.rng = random.Random(seed)
        self.params = params or SearchParams()
        problem = state.problem
        self.neighbours = _neighbours(problem.travel[0], problem.need_point)
        self.priority = state.priority
        self.size = [state.duration[n] * state.team_size[n] for n in range(problem.n_needs)]
        self.far = problem.travel[0][0, problem.need_point].tolist()
        self.steps = 0
        self.kept = 0

    # ------------------------------------------------------------------ ruin
    def _ruin(self) -> list[int]:
        """Remove strings of stops near a random visit; returns the needs that lost visits."""
        state, rng, params = self.state, self.rng, self.params
        visits = list(state.visits)
        if not visits:
            return []
        seed_need, _ = visits[rng.randrange(len(visits))]
        routes = [r for r in state.routes.values() if r.needs]
        mean_length = sum(len(r.needs) for r in routes) / max(len(routes), 1)
        longest = min(params.string, mean_length)
        most_strings = 4 * params.removed / (1 + longest) - 1
        strings = int(rng.uniform(1, most_strings + 1))
        ruined: set[RouteKey] = set()
        doomed: set[VisitKey] = set()
        for near in (seed_need, *self.neighbours[seed_need]):
            if len(ruined) >= strings:
                break
            for day in sorted(state.days_of[near]):
                for key in state.visits[(near, day)].routes:
                    if key in ruined or len(ruined) >= strings:
                        continue
                    route = state.routes[key]
                    length = int(rng.uniform(1, min(len(route.needs), longest) + 1))
                    at = route.needs.index(near)
                    first = rng.randint(max(0, at - length + 1), min(at, len(route.needs) - length))
                    doomed.update((n, day) for n in route.needs[first : first + length])
                    ruined.add(key)
        for need, day in doomed:
            if (need, day) in state.visits:
                state.remove(need, day)
        return sorted({need for need, _ in doomed})

    # ------------------------------------------------------------------ recreate
    def _order(self, needs: list[int]) -> list[int]:
        """Most urgent first; within a priority a random SISR order (random, size, far, close)."""
        rng = self.rng
        how = rng.choices(("random", "size", "far", "close"), weights=(4, 4, 2, 1))[0]
        jitter = {n: rng.random() for n in needs}
        if how == "random":
            return sorted(needs, key=lambda n: (self.priority[n], jitter[n]))
        if how == "size":
            return sorted(needs, key=lambda n: (self.priority[n], -self.size[n], jitter[n]))
        sign = -1 if how == "far" else 1
        return sorted(needs, key=lambda n: (self.priority[n], sign * self.far[n], jitter[n]))

    def _unserved_nearby(self, removed: list[int], unserved: list[int]) -> list[int]:
        """Unserved needs close to the ruin, and a few drawn at random."""
        state = self.state
        chosen = {
            near
            for need in removed
            for near in self.neighbours[need][:10]
            if state.missing(near) > 0
        }
        if unserved:
            chosen.update(self.rng.sample(unserved, min(self.params.retry, len(unserved))))
        return sorted(chosen - set(removed))

    # ------------------------------------------------------------------ loop
    def run(
        self,
        keep_going: Callable[[float], bool],
        progress: Callable[[], float],
        on_step: Callable[[], None] | None = None,
        cooling: tuple[float, float] = (0.0, 1.0),
    ) -> None:
        """Search until ``keep_going(progress())`` is false; the best week stays in ``state``.

        Parameters
        ----------
        keep_going
            Called before every step with the share of the budget used (0 to 1).
        progress
            Share of the budget used so far.
        on_step
            Called every ``REPORT_EVERY`` steps (for progress reports).
        cooling
            The part of the temperature schedule this run covers (a search resumed later
            goes on from where it stopped instead of heating up again).
        """
        state, params, rng = self.state, self.params, self.rng
        servable = [n for n in range(state.problem.n_needs) if _servable(state, n)]
        best_key = (state.tiers(), -state.travel)
        best = state.snapshot()
        current_tiers, current_travel = state.tiers(), state.travel
        while keep_going(used := progress()):
            cooled = cooling[0] + used * (cooling[1] - cooling[0])
            temperature = params.hot * (params.cold / params.hot) ** cooled
            unserved = [n for n in servable if state.missing(n) > 0]
            state.checkpoint()
            removed = self._ruin()
            offered = self._order(removed + self._unserved_nearby(removed, unserved))
            recreate(state, offered, rng, params.blink, params.nearest)
            self.steps += 1
            if on_step is not None and self.steps % REPORT_EVERY == 0:
                on_step()
            tiers = state.tiers()
            threshold = current_travel - temperature * math.log(1.0 - rng.random())
            if tiers > current_tiers or (tiers == current_tiers and state.travel < threshold):
                state.commit()
                self.kept += 1
                current_tiers, current_travel = tiers, state.travel
                if (tiers, -state.travel) > best_key:
                    best_key = (tiers, -state.travel)
                    best = state.snapshot()
            else:
                state.rollback()
        state.restore(best)


def _servable(state: WeekRoutes, need: int) -> bool:
    """Whether the need has any (day, route) that could take it alone."""
    return any((need, day) in state.options for day in state.need_days[need])


def _neighbours(travel: np.ndarray, points: np.ndarray) -> list[list[int]]:
    """Per need, the other needs nearest to it (by car), nearest first."""
    n = len(points)
    if n <= 1:
        return [[] for _ in range(n)]
    between = travel[np.ix_(points, points)].astype(np.int64)
    np.fill_diagonal(between, np.iinfo(np.int64).max)
    k = min(NEIGHBOURS, n - 1)
    nearest = np.argpartition(between, k - 1, axis=1)[:, :k]
    order = np.take_along_axis(between, nearest, axis=1).argsort(axis=1, kind="stable")
    found: list[list[int]] = np.take_along_axis(nearest, order, axis=1).tolist()
    return found
