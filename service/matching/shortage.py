"""The shortage summary: who, one more, would have served the most unmet visits.

Which role, skill or language, on which days and in which villages.

Needs short of visits are grouped by each role, skill and language they ask for. For the
largest groups, a hypothetical worker with that requirement (and the skills and languages the
group asks for), based in the group's most common village and free on its busiest days, is added
to the week, and the greedy insertion of the group's needs is run on the final plan: the visits
it adds are the figure reported.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass

import numpy as np

from service.matching.candidates import Candidates, find_candidates
from service.matching.diagnosis import Unserved
from service.matching.greedy import priority_order
from service.matching.problem import (
    N_DAYS,
    N_ROLES,
    ROLE_SOCIAL_WORKER,
    STAFF_ANY,
    Problem,
    Shift,
)
from service.matching.solution import Solution, to_schedule

DAY_SHIFTS = (Shift(8 * 60 + 30, 11 * 60 + 30), Shift(13 * 60 + 30, 17 * 60))
"""The hypothetical worker's day: a station's usual morning and afternoon."""
TRIED = 10
"""How many groups are simulated."""


@dataclass(frozen=True)
class ShortageFinding:
    """One more worker with ``code`` (a role, skill or language) would serve ``visits`` more."""

    kind: str
    code: int
    days: tuple[int, ...]
    needs: tuple[int, ...]
    visits: int


def _requirements(problem: Problem, need: int) -> list[tuple[str, int]]:
    """Every role, skill and language a visit of ``need`` asks for (its team rows)."""
    rows = problem.team_rules.rows[need]
    wants: list[tuple[str, int]] = [
        (row.kind, code) for row in rows for code in row.codes if row.kind == "role"
    ]
    if problem.need_staff[need, STAFF_ANY]:
        wants.append(("role", STAFF_ANY))
    wants += [(row.kind, code) for row in rows for code in row.codes if row.kind != "role"]
    return wants


def _role_for(problem: Problem, kind: str, code: int, needs: list[int]) -> int:
    """The role of the hypothetical worker: the one short, else the one most asked for."""
    if kind == "role":
        return ROLE_SOCIAL_WORKER if code == STAFF_ANY else code
    asked = problem.need_staff[needs, :N_ROLES].sum(axis=0)
    return int(np.argmax(asked)) if asked.any() else ROLE_SOCIAL_WORKER


def _simulate(
    problem: Problem,
    solution: Solution,
    kind: str,
    code: int,
    needs: list[int],
    days: tuple[int, ...],
    unmet_order: list[int],
) -> int:
    """Visits the greedy insertion adds to the plan once the hypothetical worker exists.

    The worker is a typical one of its role (the skills and languages most workers of that role
    hold) plus the requirement of the group, so a group gains only what that requirement
    brings.
    """
    role = _role_for(problem, kind, code, needs)
    peers = problem.worker_role == role
    skills = (
        np.asarray(problem.worker_skills[peers].mean(axis=0) >= 0.5)
        if peers.any()
        else (np.zeros(problem.worker_skills.shape[1], dtype=bool))
    )
    languages = (
        np.asarray(problem.worker_languages.mean(axis=0) >= 0.5)
        if problem.n_workers
        else np.zeros(problem.worker_languages.shape[1], dtype=bool)
    )
    if len(languages) and problem.n_workers and not languages.any():
        languages[int(np.argmax(problem.worker_languages.sum(axis=0)))] = True
    if kind == "skill":
        skills[code] = True
    if kind == "language":
        languages[code] = True
    common = Counter(int(problem.need_point[n]) for n in needs).most_common(1)[0][0]
    shifts = tuple(DAY_SHIFTS if d in days else () for d in range(N_DAYS))
    bigger = problem.with_worker(role, skills, languages, common, shifts)
    schedule = to_schedule(bigger, find_candidates(bigger), solution)
    group = set(needs)
    return schedule.fill([n for n in unmet_order if n in group])


def shortages(
    problem: Problem,
    candidates: Candidates,
    solution: Solution,
    unserved: list[Unserved],
    limit: int = 5,
    deadline: float | None = None,
) -> list[ShortageFinding]:
    """Which role, skill or language, on which days, would have served the most unmet visits.

    Parameters
    ----------
    problem, candidates
        The week and its feasibility facts.
    solution
        The final plan.
    unserved
        Its diagnosis.
    limit
        How many shortages to return at most.
    deadline
        ``time.perf_counter()`` value after which no more groups are simulated.

    Returns
    -------
    list of ShortageFinding
        Most visits gained first; groups whose worker would add nothing are left out.
    """
    missing = {e.need: e.missing_visits for e in unserved if e.missing_visits > 0}
    groups: dict[tuple[str, int], list[int]] = {}
    for need in missing:
        for requirement in _requirements(problem, need):
            groups.setdefault(requirement, []).append(need)
    ranked = sorted(groups.items(), key=lambda g: (-sum(missing[n] for n in g[1]), g[0]))
    order = [n for n in priority_order(problem, candidates) if n in missing]
    found = []
    for (kind, code), needs in ranked[:TRIED]:
        if deadline is not None and time.perf_counter() > deadline:
            break
        per_day: Counter[int] = Counter()
        for need in needs:
            for day in np.flatnonzero(problem.need_days[need]).tolist():
                per_day[day] += missing[need]
        days = tuple(sorted(d for d, _ in per_day.most_common(3)))
        gained = _simulate(problem, solution, kind, code, needs, days, order)
        if gained > 0:
            found.append(ShortageFinding(kind, code, days, tuple(needs), gained))
    found.sort(key=lambda s: (-s.visits, s.kind, s.code))
    return found[:limit]
