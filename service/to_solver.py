"""Wire shape → solver shape: the one place a scenario becomes arrays in integer minutes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from service.matching.problem import (
    N_DAYS,
    ROLE_LIAISON,
    ROLE_SOCIAL_WORKER,
    ROLE_VOLUNTEER,
    STAFF_ANY,
    UNLIMITED,
    Problem,
    Shift,
)
from service.matching.travel import travel_minutes
from service.wire.common import DAYS, Location, time_to_minutes
from service.wire.scenario import Scenario

ROLE_CODES = {
    "social_worker": ROLE_SOCIAL_WORKER,
    "volunteer": ROLE_VOLUNTEER,
    "liaison": ROLE_LIAISON,
}
STAFF_COLUMNS = {**ROLE_CODES, "any": STAFF_ANY}
MODES = ("walk", "ebike", "car")


@dataclass(frozen=True)
class Indexed:
    """A solver problem with the ids needed to turn its answers back into wire shape."""

    problem: Problem
    worker_ids: list[str]
    need_ids: list[str]
    resource_ids: list[str]
    skills: list[str]
    languages: list[str]
    need_village: list[str]


def _codes(*lists: list[str]) -> list[str]:
    return sorted({code for codes in lists for code in codes})


def _matrix(rows: list[list[str]], codes: list[str]) -> np.ndarray:
    column = {code: i for i, code in enumerate(codes)}
    matrix = np.zeros((len(rows), len(codes)), dtype=bool)
    for r, row in enumerate(rows):
        for code in row:
            matrix[r, column[code]] = True
    return matrix


def to_solver(scenario: Scenario) -> Indexed:
    """Convert a validated scenario to the solver shape.

    Parameters
    ----------
    scenario
        A scenario that passed loading (shape and cross-references).

    Returns
    -------
    Indexed
        The problem and the id lists to map results back.
    """
    villages = {v.id: v for v in scenario.villages}
    workers, needs, resources = scenario.workers, scenario.needs, scenario.resources
    points: list[Location] = [scenario.station.location]
    points += [w.base or scenario.station.location for w in workers]
    points += [n.location or villages[n.village].location for n in needs]
    lat = np.array([p.lat for p in points], dtype=np.float64)
    lon = np.array([p.lon for p in points], dtype=np.float64)
    speeds = scenario.travel.speed_kmh
    travel = travel_minutes(
        lat, lon, scenario.travel.detour_factor, np.array([getattr(speeds, m) for m in MODES])
    )
    skills = _codes(*(w.skills for w in workers), *(n.skills for n in needs))
    languages = _codes(*(w.languages for w in workers), *(n.languages for n in needs))
    worker_index = {w.id: i for i, w in enumerate(workers)}
    resource_index = {r.id: i for i, r in enumerate(resources)}

    staff = np.zeros((len(needs), 4), dtype=np.int64)
    excluded = np.zeros((len(needs), len(workers)), dtype=bool)
    preferred = np.zeros((len(needs), len(workers)), dtype=bool)
    request = np.zeros((len(needs), len(resources)), dtype=np.int64)
    eligible = np.zeros((len(needs), len(resources)), dtype=bool)
    need_days = np.zeros((len(needs), N_DAYS), dtype=bool)
    for i, need in enumerate(needs):
        for key, count in need.staff.items():
            staff[i, STAFF_COLUMNS[key]] = count
        for worker_id in need.excluded_workers:
            excluded[i, worker_index[worker_id]] = True
        for worker_id in need.preferred_workers:
            preferred[i, worker_index[worker_id]] = True
        for amount in need.resources:
            request[i, resource_index[amount.id]] = amount.quantity
        for day in need.window.days:
            need_days[i, DAYS.index(day)] = True
        for r, resource in enumerate(resources):
            groups = resource.eligible_groups
            eligible[i, r] = groups is None or bool(set(groups) & set(need.groups))

    def cap(value: int | None) -> int:
        return UNLIMITED if value is None else value

    problem = Problem(
        travel=travel,
        worker_role=np.array([ROLE_CODES[w.role] for w in workers], dtype=np.int64),
        worker_mode=np.array([MODES.index(w.transport) for w in workers], dtype=np.int64),
        worker_base=np.arange(1, len(workers) + 1, dtype=np.int64),
        worker_skills=_matrix([w.skills for w in workers], skills),
        worker_languages=_matrix([w.languages for w in workers], languages),
        worker_shifts=tuple(
            tuple(
                tuple(
                    Shift(time_to_minutes(a), time_to_minutes(b))
                    for a, b in w.availability.get(day, [])
                )
                for day in DAYS
            )
            for w in workers
        ),
        worker_week_minutes=np.array([cap(w.max_minutes_per_week) for w in workers], np.int64),
        worker_day_visits=np.array([cap(w.max_visits_per_day) for w in workers], np.int64),
        worker_max_travel=np.array([cap(w.max_travel_minutes) for w in workers], np.int64),
        need_point=np.arange(len(workers) + 1, len(points), dtype=np.int64),
        need_priority=np.array([n.priority for n in needs], dtype=np.int64),
        need_visits=np.array([n.visits for n in needs], dtype=np.int64),
        need_duration=np.array([n.duration_minutes for n in needs], dtype=np.int64),
        need_days=need_days,
        need_from=np.array([time_to_minutes(n.window.from_) for n in needs], dtype=np.int64),
        need_to=np.array([time_to_minutes(n.window.to) for n in needs], dtype=np.int64),
        need_staff=staff,
        need_skills=_matrix([n.skills for n in needs], skills),
        need_languages=_matrix([n.languages for n in needs], languages),
        need_excluded=excluded,
        need_preferred=preferred,
        need_mandatory=np.array([n.mandatory for n in needs], dtype=bool),
        need_request=request,
        need_eligible=eligible,
        resource_stock=np.array([r.available for r in resources], dtype=np.int64),
    )
    return Indexed(
        problem,
        [w.id for w in workers],
        [n.id for n in needs],
        [r.id for r in resources],
        skills,
        languages,
        [n.village for n in needs],
    )
