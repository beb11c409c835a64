"""Rules 1 to 3: each planned visit on its own (references, team, window)."""

from __future__ import annotations

from collections import Counter, defaultdict

from service.checker.index import PlanIndex
from service.checker.violation import Violation
from service.wire.common import ROLES, time_to_minutes
from service.wire.plan import PlannedVisit
from service.wire.scenario import Need, Worker


def visit_violations(index: PlanIndex) -> list[Violation]:
    """Check rules 1 to 3 of the spec on every planned visit.

    Parameters
    ----------
    index
        The scenario and plan to check.

    Returns
    -------
    list of Violation
        Rule 1 violations first, then rule 2, then rule 3.
    """
    return [
        *_rule1_known_references(index),
        *_rule2_team_fits_need(index),
        *_rule3_inside_window(index),
    ]


def where(visit: PlannedVisit) -> str:
    """Name a planned visit for a message.

    Parameters
    ----------
    visit
        A planned visit.

    Returns
    -------
    str
        For example ``"Need n001 visit 2 on tue"``.
    """
    return f"Need {visit.need_id} visit {visit.visit} on {visit.day}"


def _rule1_known_references(index: PlanIndex) -> list[Violation]:
    """Rule 1: known need, visit number in range, known workers, each visit once, days apart."""
    found: list[Violation] = []
    for visit in index.plan.visits:
        need = index.needs.get(visit.need_id)
        if need is None:
            found.append(Violation(1, "unknown_need", f"{where(visit)}: no such need."))
        elif not 1 <= visit.visit <= need.visits:
            found.append(
                Violation(
                    1,
                    "visit_number_out_of_range",
                    f"{where(visit)}: the need asks for {need.visits} visit(s).",
                )
            )
        for worker_id, n in Counter(visit.worker_ids).items():
            if worker_id not in index.workers:
                found.append(
                    Violation(1, "unknown_worker", f"{where(visit)}: no such worker {worker_id}.")
                )
            if n > 1:
                found.append(
                    Violation(
                        1,
                        "worker_twice_in_visit",
                        f"{where(visit)}: worker {worker_id} is listed {n} times.",
                    )
                )
    for (need_id, number), visits in index.by_key.items():
        if len(visits) > 1:
            found.append(
                Violation(
                    1,
                    "duplicate_visit",
                    f"Need {need_id} visit {number} is planned {len(visits)} times.",
                )
            )
    for need_id, visits in index.by_need.items():
        days: dict[str, set[int]] = defaultdict(set)
        for visit in visits:
            days[visit.day].add(visit.visit)
        for day, numbers in days.items():
            if len(numbers) > 1:
                listed = ", ".join(str(n) for n in sorted(numbers))
                found.append(
                    Violation(
                        1, "same_day_twice", f"Need {need_id} has visits {listed} all on {day}."
                    )
                )
    return found


def _rule2_team_fits_need(index: PlanIndex) -> list[Violation]:
    """Rule 2: roles match ``staff`` exactly, skills and a language covered, nobody excluded."""
    found: list[Violation] = []
    for visit in index.plan.visits:
        need = index.needs.get(visit.need_id)
        if need is None:
            continue
        team = [index.workers[w] for w in dict.fromkeys(visit.worker_ids) if w in index.workers]
        found += _staff_mismatch(visit, need, team)
        held = {skill for worker in team for skill in worker.skills}
        for skill in need.skills:
            if skill not in held:
                found.append(
                    Violation(
                        2,
                        "skill_missing",
                        f"{where(visit)}: no worker of the team has skill {skill}.",
                    )
                )
        spoken = {language for worker in team for language in worker.languages}
        if need.languages and not spoken & set(need.languages):
            wanted = ", ".join(need.languages)
            found.append(
                Violation(
                    2, "language_missing", f"{where(visit)}: no worker of the team speaks {wanted}."
                )
            )
        for worker_id in dict.fromkeys(visit.worker_ids):
            if worker_id in need.excluded_workers:
                found.append(
                    Violation(
                        2, "excluded_worker", f"{where(visit)}: worker {worker_id} is excluded."
                    )
                )
    return found


def _staff_mismatch(visit: PlannedVisit, need: Need, team: list[Worker]) -> list[Violation]:
    # ``any`` slots take any role, so each role needs at least its own count and the team
    # size must equal the sum of all slots.
    roles = Counter(worker.role for worker in team)
    short = [role for role in ROLES if roles[role] < need.staff.get(role, 0)]
    if not short and len(team) == need.staff_total():
        return []
    wanted = ", ".join(f"{k} {n}" for k, n in need.staff.items() if n)
    sent = ", ".join(f"{k} {n}" for k, n in sorted(roles.items())) or "nobody known"
    return [Violation(2, "staff_mismatch", f"{where(visit)}: needs {wanted} but sends {sent}.")]


def _rule3_inside_window(index: PlanIndex) -> list[Violation]:
    """Rule 3: on a window day, starts and ends inside the window, lasts ``duration_minutes``."""
    found: list[Violation] = []
    for visit in index.plan.visits:
        need = index.needs.get(visit.need_id)
        if need is None:
            continue
        window = need.window
        if visit.day not in window.days:
            found.append(
                Violation(
                    3, "outside_window", f"{where(visit)}: {visit.day} is not a day of the window."
                )
            )
        start, end = time_to_minutes(visit.start), time_to_minutes(visit.end)
        if start < time_to_minutes(window.from_) or end > time_to_minutes(window.to):
            found.append(
                Violation(
                    3,
                    "outside_window",
                    f"{where(visit)}: {visit.start}-{visit.end} is outside "
                    f"{window.from_}-{window.to}.",
                )
            )
        if end - start != need.duration_minutes:
            found.append(
                Violation(
                    3,
                    "wrong_duration",
                    f"{where(visit)}: lasts {end - start} minutes, not {need.duration_minutes}.",
                )
            )
    return found
