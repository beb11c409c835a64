"""Solver shape → wire shape: the one place a solution becomes a ``mulin.plan/1``."""

from __future__ import annotations

from collections import defaultdict

from service.loading import Inconsistency, inconsistencies
from service.matching.diagnosis import Finding, Unserved
from service.matching.problem import PRIORITIES, STAFF_ANY, Problem
from service.matching.shortage import ShortageFinding
from service.matching.solution import Solution, visits_by_priority
from service.messages import Language, days_text, say, worded
from service.to_solver import Indexed
from service.vocabulary import Kind, label, unit_of
from service.wire.common import DAYS, ResourceAmount, minutes_to_time
from service.wire.plan import (
    PLAN_FORMAT,
    Plan,
    PlannedVisit,
    PlanWarning,
    Reason,
    ReasonCode,
    Route,
    Shortage,
    SolverInfo,
    Stop,
    Unmet,
    visit_metrics,
)
from service.wire.scenario import Scenario


def lexicographic_weights(problem: Problem) -> dict[int, int]:
    """Weight of one visit per priority so that the weighted sum orders plans lexicographically."""
    base = int(problem.need_visits.sum()) + 1
    return {p: base ** (len(PRIORITIES) - p) for p in PRIORITIES}


def _visit_numbers(solution: Solution) -> dict[tuple[int, int], int]:
    """Visit number of each (need, day): 1, 2, … in day order."""
    days: dict[int, list[int]] = defaultdict(list)
    for visit in solution.visits:
        days[visit.need].append(visit.day)
    return {
        (need, day): number
        for need, listed in days.items()
        for number, day in enumerate(sorted(listed), start=1)
    }


def _lacking_text(finding: Finding, indexed: Indexed, language: Language) -> str:
    """What a team lacks, as a list for a sentence."""
    parts = []
    for kind, value in finding.lacking:
        if kind == "role":
            parts.append(say(language, "lack.role", role=say(language, f"role.{value}")))
        elif kind == "skill":
            skill = label(language, "skill", indexed.skills[value])
            parts.append(say(language, "lack.skill", code=skill))
        else:
            spoken = label(language, "language", indexed.languages[value])
            parts.append(say(language, "lack.language", code=spoken))
    return say(language, "list.sep").join(parts) or say(language, "lack.together")


def _reason(
    finding: Finding, indexed: Indexed, scenario: Scenario, need: int, language: Language
) -> Reason:
    """Turn one finding into a sentence for the coordinator (in every language)."""
    code: ReasonCode = finding.code  # type: ignore[assignment]
    message, messages = worded(
        language, lambda each: _reason_text(finding, indexed, scenario, need, each)
    )
    return Reason(code=code, message=message, messages=messages)


def _reason_text(
    finding: Finding, indexed: Indexed, scenario: Scenario, need: int, language: Language
) -> str:
    """The sentence of one finding in ``language``."""
    days = days_text(language, finding.days)
    code = finding.code
    if code == "no_qualified_worker":
        lacking = _lacking_text(finding, indexed, language)
        message = say(language, "reason.no_qualified_worker", lacking=lacking)
    elif code == "excluded":
        ids = ", ".join(indexed.worker_ids[w] for w in finding.excluded)
        message = say(language, "reason.excluded", ids=ids)
    elif code == "out_of_range":
        message = say(
            language,
            "reason.out_of_range",
            workers=finding.workers,
            lacking=_lacking_text(finding, indexed, language),
            nearest=finding.nearest,
            limit=finding.limit,
        )
    elif code == "no_shared_availability":
        key = "reason.no_shared_availability" + ("" if finding.days else ".none")
        visits = int(indexed.problem.need_visits[need])
        count = len(finding.days)
        message = say(language, key, workers=finding.workers, count=count, days=days, visits=visits)
    elif code == "capacity_exhausted" and finding.busy_priorities:
        low, high = finding.busy_priorities
        message = say(
            language,
            "reason.capacity_exhausted",
            workers=finding.workers,
            days=days,
            busy=finding.busy_visits,
            priorities=str(low) if low == high else f"{low}–{high}",
        )
    elif code == "capacity_exhausted":
        message = say(
            language, "reason.capacity_exhausted.idle", workers=finding.workers, days=days
        )
    elif code == "too_few_days":
        visits = int(indexed.problem.need_visits[need])
        extra = visits - len(finding.days)
        message = say(
            language, "reason.too_few_days", visits=visits, days=len(finding.days), extra=extra
        )
    elif code == "window_too_short":
        problem = indexed.problem
        minutes = int(problem.need_to[need] - problem.need_from[need])
        duration = int(problem.need_duration[need])
        message = say(language, "reason.window_too_short", minutes=minutes, duration=duration)
    else:
        resource = scenario.resources[finding.resource]
        groups = [label(language, "group", g) for g in resource.eligible_groups or []]
        message = say(
            language,
            f"reason.{code}",
            resource=resource.name,
            quantity=finding.quantity,
            unit=unit_of(language, resource.unit, finding.quantity),
            eligible=say(language, "list.sep").join(groups),
        )
    return message


def plan_warnings(scenario: Scenario, language: Language) -> list[PlanWarning]:
    """One warning per record of the scenario that cannot be served as written.

    Parameters
    ----------
    scenario
        A scenario without reference problems.
    language
        Language of the sentences.

    Returns
    -------
    list of PlanWarning
        In need order, each with the JSON path of the field at fault.
    """
    warnings = []
    for found in inconsistencies(scenario):

        def sentence(each: Language, found: Inconsistency = found) -> str:
            sep = say(each, "list.sep")
            values = {
                key: sep.join(label(each, "group", v) for v in value)
                if isinstance(value, list)
                else value
                for key, value in found.values.items()
            }
            return say(each, f"warning.{found.code}", need=found.need, **values)

        message, messages = worded(language, sentence)
        warnings.append(
            PlanWarning(code=found.code, path=found.path, message=message, messages=messages)
        )
    return warnings


def _shortage(
    found: ShortageFinding, indexed: Indexed, scenario: Scenario, language: Language
) -> Shortage:
    """Turn a shortage finding into an entry with its sentence (in every language)."""
    if found.kind == "role":
        code = (
            "any"
            if found.code == STAFF_ANY
            else ("social_worker", "volunteer", "liaison")[found.code]
        )
    elif found.kind == "skill":
        code = indexed.skills[found.code]
    else:
        code = indexed.languages[found.code]
    village_ids = sorted({indexed.need_village[n] for n in found.needs})
    names = {v.id: v.name for v in scenario.villages}

    def sentence(each: Language) -> str:
        if found.kind == "role":
            what = say(each, "shortage.role", role=say(each, f"role.{found.code}"))
        else:
            kind: Kind = "skill" if found.kind == "skill" else "language"
            what = say(each, f"shortage.{found.kind}", code=label(each, kind, code))
        shown = say(each, "list.sep").join(names[v] for v in village_ids[:3])
        if len(village_ids) > 3:
            shown += " …"
        return say(
            each,
            "shortage",
            what=what,
            days=days_text(each, found.days),
            villages=shown,
            visits=found.visits,
        )

    message, messages = worded(language, sentence)
    return Shortage(
        kind=found.kind,
        code=code,
        days=[DAYS[d] for d in found.days],
        villages=village_ids,
        visits=found.visits,
        message=message,
        messages=messages,
    )


def to_plan(
    scenario: Scenario,
    indexed: Indexed,
    solution: Solution,
    unserved: list[Unserved],
    shortages: list[ShortageFinding],
    solver: SolverInfo,
    language: Language,
) -> Plan:
    """Build the wire plan of a solution.

    Parameters
    ----------
    scenario, indexed
        The scenario and its solver shape with id lists.
    solution
        The solved week.
    unserved, shortages
        Its diagnosis.
    solver
        What produced it (objective and bound are filled in here).
    language
        Language of the reason and shortage sentences.

    Returns
    -------
    Plan
        The ``mulin.plan/1`` document.
    """
    problem = indexed.problem
    numbers = _visit_numbers(solution)
    first_day = {need: day for (need, day), number in numbers.items() if number == 1}
    visits = []
    for visit in solution.visits:
        need = visit.need
        given = []
        if first_day[need] == visit.day:
            given = [
                ResourceAmount(id=indexed.resource_ids[r], quantity=int(q))
                for r, q in enumerate(solution.given[need])
                if q > 0
            ]
        visits.append(
            PlannedVisit(
                need_id=indexed.need_ids[need],
                visit=numbers[(need, visit.day)],
                day=DAYS[visit.day],
                start=minutes_to_time(visit.start),
                end=minutes_to_time(visit.start + int(problem.need_duration[need])),
                worker_ids=[indexed.worker_ids[w] for w in visit.team],
                resources=given,
            )
        )
    routes = []
    for (worker, day, shift), stops in sorted(solution.routes.items()):
        routes.append(
            Route(
                worker_id=indexed.worker_ids[worker],
                day=DAYS[day],
                shift=shift,
                stops=[Stop(need_id=indexed.need_ids[n], visit=numbers[(n, day)]) for n in stops],
                travel_minutes=problem.route_travel(worker, stops),
                service_minutes=int(sum(problem.need_duration[n] for n in stops)),
            )
        )
    unmet = [
        Unmet(
            need_id=indexed.need_ids[entry.need],
            missing_visits=entry.missing_visits,
            missing_resources=[
                ResourceAmount(id=indexed.resource_ids[r], quantity=q)
                for r, q in entry.missing_resources.items()
            ],
            reasons=[_reason(f, indexed, scenario, entry.need, language) for f in entry.findings],
        )
        for entry in unserved
    ]
    requested = {p: int(problem.need_visits[problem.need_priority == p].sum()) for p in PRIORITIES}
    planned = dict(zip(PRIORITIES, visits_by_priority(problem, solution.visits), strict=True))
    weights = lexicographic_weights(problem)
    objective = sum(weights[p] * planned[p] for p in PRIORITIES)
    bound = None
    if solution.bound_by_priority is not None:
        bound = sum(weights[p] * solution.bound_by_priority[p] for p in PRIORITIES)
    preferred = sum(
        bool(problem.need_preferred[v.need, list(v.team)].any()) for v in solution.visits
    )
    mandatory_unmet = any(problem.need_mandatory[e.need] and e.missing_visits > 0 for e in unserved)
    metrics = visit_metrics(requested, planned, routes).model_copy(
        update={
            "bound_by_priority": (
                {str(p): solution.bound_by_priority[p] for p in PRIORITIES if requested[p]}
                if solution.bound_by_priority is not None
                else {}
            ),
            "resource_units_requested": int(problem.need_request.sum()),
            "resource_units_given": int(solution.given.sum()),
            "preferred_worker_visits": preferred,
            "shortages": [_shortage(s, indexed, scenario, language) for s in shortages],
        }
    )
    gap = None
    if bound:
        gap = round(100.0 * (bound - objective) / bound, 4)
    status = "infeasible" if mandatory_unmet else ("optimal" if solution.optimal else "feasible")
    return Plan(
        format=PLAN_FORMAT,
        scenario=scenario.name,
        status=status,
        solver=solver.model_copy(
            update={"objective": objective, "bound": bound, "gap_percent": gap}
        ),
        visits=visits,
        routes=routes,
        unmet=unmet,
        metrics=metrics,
        warnings=plan_warnings(scenario, language),
    )
