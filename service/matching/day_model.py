"""The day-level model: each requested visit to a team, a day and shifts, on the assignment layer.

Items are (need, day) pairs: a need gets at most ``visits`` of them, so its visits fall on
different days and visit numbers carry no symmetry. Agents are worker shifts with their minutes
as capacity; pairs (item, worker, shift) exist only where the worker could serve the need alone
in that shift. Teams, skills, languages, meeting times, day and week caps are side rows.
Travel enters as a per-visit lower bound, so the model is a relaxation of the real problem: its
tier optima are valid upper bounds on what any plan can serve, and its teams suggest whom to try.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from service.matching.assignment import AssignmentProblem, LinearRows
from service.matching.candidates import Candidates, team_possible
from service.matching.problem import N_DAYS, UNLIMITED, IntArray, Problem
from service.matching.schedule import Schedule

MEETING_BUCKETS = 8
"""Start-time buckets per team visit in the relaxation."""
TRAVEL_COST_WEIGHT = 8
PREFERRED_COST_WEIGHT = 3


@dataclass(frozen=True)
class DayModel:
    """The assignment problem and how its items and pairs map back to needs and workers."""

    assignment: AssignmentProblem
    item_need: IntArray
    item_day: IntArray
    pair_worker: IntArray
    pair_shift: IntArray


def travel_lower_bound(problem: Problem, candidates: Candidates) -> IntArray:
    """Minutes every route must spend reaching a household, at least.

    A stop is entered from the worker's base or from another household, so the shortest of
    those legs is a valid lower bound per visit.
    """
    points = problem.need_point
    bound = candidates.oneway.copy()
    for mode in np.unique(problem.worker_mode):
        legs = problem.travel[mode][np.ix_(points, points)].astype(np.int64)
        np.fill_diagonal(legs, UNLIMITED)
        nearest = legs.min(axis=0) if len(points) > 1 else np.full(len(points), UNLIMITED)
        rows = problem.worker_mode == mode
        bound[rows] = np.minimum(bound[rows], nearest[None, :])
    return bound


def _shift_agents(problem: Problem) -> dict[tuple[int, int, int], int]:
    """Number every (worker, day, shift)."""
    agents: dict[tuple[int, int, int], int] = {}
    for w, days in enumerate(problem.worker_shifts):
        for d, shifts in enumerate(days):
            for k in range(len(shifts)):
                agents[(w, d, k)] = len(agents)
    return agents


def build_day_model(problem: Problem, candidates: Candidates) -> DayModel:
    """Build the day-level assignment problem.

    Parameters
    ----------
    problem
        The week in solver shape.
    candidates
        Its feasibility facts.

    Returns
    -------
    DayModel
        The assignment problem with its maps back to needs, days, workers and shifts.
    """
    agents = _shift_agents(problem)
    item_need: list[int] = []
    item_day: list[int] = []
    pair_item: list[int] = []
    pair_worker: list[int] = []
    pair_shift: list[int] = []
    for need in range(problem.n_needs):
        for day in np.flatnonzero(problem.need_days[need]).tolist():
            workers = candidates.workers_for(need, day)
            if not team_possible(problem, need, workers):
                continue
            item = len(item_need)
            item_need.append(need)
            item_day.append(day)
            fits = (
                candidates.start_lo[workers, day, :, need]
                <= candidates.start_hi[workers, day, :, need]
            )
            which, shift = np.nonzero(fits)
            pair_item += [item] * len(which)
            pair_worker += workers[which].tolist()
            pair_shift += shift.tolist()
    needs = np.array(item_need, dtype=np.int64)
    days = np.array(item_day, dtype=np.int64)
    p_item = np.array(pair_item, dtype=np.int64)
    p_worker = np.array(pair_worker, dtype=np.int64)
    p_shift = np.array(pair_shift, dtype=np.int64)
    p_need = needs[p_item] if len(p_item) else p_item
    p_day = days[p_item] if len(p_item) else p_item
    charge = travel_lower_bound(problem, candidates)[p_worker, p_need]
    minutes = problem.need_duration[p_need] + charge
    cost = TRAVEL_COST_WEIGHT * charge
    cost -= PREFERRED_COST_WEIGHT * problem.need_preferred[p_need, p_worker]
    p_agent = np.array(
        [agents[(w, d, k)] for w, d, k in zip(p_worker, p_day, p_shift, strict=True)],
        dtype=np.int64,
    )
    capacity = np.zeros((len(agents), 1), dtype=np.int64)
    for (w, d, k), agent in agents.items():
        span = problem.worker_shifts[w][d][k]
        capacity[agent, 0] = span.end - span.start
    rows = LinearRows()
    _visits_per_need(problem, needs, rows)
    _one_shift_per_worker(p_item, p_worker, rows)
    _teams(problem, candidates, needs, days, p_item, p_worker, p_shift, rows)
    _day_caps(problem, p_item, p_worker, p_day, rows)
    _week_caps(problem, p_worker, minutes, rows)
    _window_packing(
        problem,
        p_need,
        p_agent,
        agents,
        problem.need_duration[p_need],
        rows,
    )
    assignment = AssignmentProblem(
        pair_item=p_item,
        pair_agent=p_agent,
        pair_cost=cost.astype(np.int64),
        pair_use=minutes.reshape(-1, 1).astype(np.int64),
        agent_capacity=capacity,
        item_slots=np.array([problem.staff_total(n) for n in item_need], dtype=np.int64),
        item_mandatory=np.zeros(len(item_need), dtype=bool),
        item_priority=problem.need_priority[needs] if len(needs) else needs,
        rows=rows,
    )
    return DayModel(assignment, needs, days, p_worker, p_shift)


def _groups(keys: IntArray) -> list[IntArray]:
    """Indices grouped by equal key (keys need not be sorted)."""
    order = np.argsort(keys, kind="stable")
    cuts = np.flatnonzero(np.diff(keys[order])) + 1
    return np.split(order, cuts) if len(order) else []


def _visits_per_need(problem: Problem, item_need: IntArray, rows: LinearRows) -> None:
    """A need gets at most its requested visits, each on a different day (one item per day)."""
    for items in _groups(item_need):
        need = int(item_need[items[0]])
        if len(items) > problem.need_visits[need]:
            rows.add([], [], items, np.ones(len(items)), hi=int(problem.need_visits[need]))


def _one_shift_per_worker(pair_item: IntArray, pair_worker: IntArray, rows: LinearRows) -> None:
    """A worker joins a visit once, in one of its shifts."""
    if not len(pair_item):
        return
    for pairs in _groups(pair_item * (pair_worker.max() + 1) + pair_worker):
        if len(pairs) > 1:
            rows.add(pairs, np.ones(len(pairs)), hi=1)


def _teams(
    problem: Problem,
    candidates: Candidates,
    item_need: IntArray,
    item_day: IntArray,
    pair_item: IntArray,
    pair_worker: IntArray,
    pair_shift: IntArray,
    rows: LinearRows,
) -> None:
    """Roles by count, skills and languages between the team, and members who can meet."""
    for pairs in _groups(pair_item):
        item = int(pair_item[pairs[0]])
        need = int(item_need[item])
        workers = pair_worker[pairs]
        for row in problem.team_rules.rows[need]:
            holders = pairs[np.array([int(w) in row.members for w in workers], dtype=bool)]
            rows.add(holders, np.ones(len(holders)), [item], [-row.at_least], lo=0)
        if problem.staff_total(need) > 1:
            day = int(item_day[item])
            lo = candidates.start_lo[workers, day, pair_shift[pairs], need].astype(np.int64)
            hi = candidates.start_hi[workers, day, pair_shift[pairs], need].astype(np.int64)
            _meeting_time(item, pairs, lo, hi, rows)


def _meeting_time(item: int, pairs: IntArray, lo: IntArray, hi: IntArray, rows: LinearRows) -> None:
    """A team meets at one start: the item picks a time bucket, and only pairs free then join.

    Pair ``p`` can start the visit anywhere in ``[lo[p], hi[p]]``. A common start exists iff
    the chosen intervals meet; the latest chosen ``lo`` is then such a start. Buckets between
    distinct ``lo`` values (at most ``MEETING_BUCKETS``) keep the rows short; a pair may join a
    bucket its interval touches, so the rows relax "meet exactly" and the model stays a
    relaxation.
    """
    if lo.max() <= hi.min():
        return
    edges = np.unique(lo)
    if len(edges) > MEETING_BUCKETS:
        edges = np.unique(
            np.quantile(edges, np.linspace(0, 1, MEETING_BUCKETS + 1)[:-1]).astype(np.int64)
        )
    ends = np.append(edges[1:], np.iinfo(np.int64).max)
    buckets = rows.new_aux(len(edges))
    rows.add([], [], [item], [-1], aux=list(buckets), aux_coefs=np.ones(len(edges)), lo=0, hi=0)
    for k, pair in enumerate(pairs.tolist()):
        touched = np.flatnonzero((lo[k] < ends) & (hi[k] >= edges))
        rows.add(
            [pair], [1], aux=[buckets[t] for t in touched], aux_coefs=-np.ones(len(touched)), hi=0
        )


def _day_caps(
    problem: Problem,
    pair_item: IntArray,
    pair_worker: IntArray,
    pair_day: IntArray,
    rows: LinearRows,
) -> None:
    """A worker makes at most ``max_visits_per_day`` visits a day."""
    for pairs in _groups(pair_worker * N_DAYS + pair_day):
        worker = int(pair_worker[pairs[0]])
        cap = int(problem.worker_day_visits[worker])
        if len(np.unique(pair_item[pairs])) > cap:
            rows.add(pairs, np.ones(len(pairs)), hi=cap)


def _week_caps(
    problem: Problem, pair_worker: IntArray, minutes: IntArray, rows: LinearRows
) -> None:
    """Service plus travel minutes of each worker's week stay within the cap."""
    for pairs in _groups(pair_worker):
        worker = int(pair_worker[pairs[0]])
        cap = int(problem.worker_week_minutes[worker])
        if minutes[pairs].sum() > cap:
            rows.add(pairs, minutes[pairs], hi=cap)


def _window_packing(
    problem: Problem,
    pair_need: IntArray,
    pair_agent: IntArray,
    agents: dict[tuple[int, int, int], int],
    use: IntArray,
    rows: LinearRows,
) -> None:
    """Visits whose windows lie inside a span fit in the shift's minutes of that span.

    Shift minutes alone let three afternoon-only visits share a long shift; these rows, one
    per span between a window start and a window end, close most of that gap.
    """
    shift_of = {agent: key for key, agent in agents.items()}
    for pairs in _groups(pair_agent):
        w, d, k = shift_of[int(pair_agent[pairs[0]])]
        shift = problem.worker_shifts[w][d][k]
        opens = problem.need_from[pair_need[pairs]]
        closes = problem.need_to[pair_need[pairs]]
        for a in np.unique(opens).tolist():
            for b in np.unique(closes).tolist():
                inside = pairs[(opens >= a) & (closes <= b)]
                room = max(0, min(b, shift.end) - max(a, shift.start))
                if len(inside) > 1 and use[inside].sum() > room:
                    rows.add(inside, use[inside], hi=room)


def hint_from_schedule(model: DayModel, schedule: Schedule) -> np.ndarray:
    """The pairs a schedule uses, as a hint for the day-level model."""
    pair_need = model.item_need[model.assignment.pair_item]
    pair_day = model.item_day[model.assignment.pair_item]
    index = {
        key: k
        for k, key in enumerate(
            zip(
                pair_need.tolist(),
                pair_day.tolist(),
                model.pair_worker.tolist(),
                model.pair_shift.tolist(),
                strict=True,
            )
        )
    }
    hint = np.zeros(len(model.pair_worker), dtype=bool)
    for (worker, day, shift), stops in schedule.routes.items():
        for stop in stops:
            k = index.get((stop.need, day, worker, shift))
            if k is not None:
                hint[k] = True
    return hint
