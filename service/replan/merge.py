"""Turn the plan of the week to solve back into a plan of the week as it now stands.

Pinned visits become the kept visits they stand for (same need, number, resources); the other
visits of a need take the visit numbers its kept visits leave free, in day order. Unmet needs
and the metrics are counted again on the real week, since a need's kept and new visits now sit
together.
"""

from __future__ import annotations

from collections import Counter

from service.matching.problem import PRIORITIES
from service.messages import Language, say, worded
from service.replan.pinning import Prepared
from service.wire.common import DAYS, ResourceAmount
from service.wire.plan import (
    Metrics,
    Plan,
    PlannedVisit,
    Reason,
    ReasonCode,
    Route,
    Stop,
    Unmet,
)


def _numbered(
    prepared: Prepared, solved: Plan
) -> tuple[list[PlannedVisit], dict[tuple[str, int], tuple[str, int]]]:
    """Visits of the real week, and (solved id, number) → (real id, number)."""
    renamed: dict[tuple[str, int], tuple[str, int]] = {}
    used: dict[str, set[int]] = {}
    for visit in prepared.pinned.values():
        used.setdefault(visit.need_id, set()).add(visit.visit)
    visits = []
    for visit in sorted(solved.visits, key=lambda v: (DAYS.index(v.day), v.start, v.need_id)):
        kept = prepared.pinned.get(visit.need_id)
        if kept is not None:
            renamed[(visit.need_id, visit.visit)] = (kept.need_id, kept.visit)
            visits.append(kept)
            continue
        taken = used.setdefault(visit.need_id, set())
        number = min(n for n in range(1, 9) if n not in taken)
        taken.add(number)
        renamed[(visit.need_id, visit.visit)] = (visit.need_id, number)
        visits.append(visit.model_copy(update={"visit": number}))
    return visits, renamed


def _reason(code: ReasonCode, key: str, first: int, language: Language, **values: object) -> Reason:
    """A re-plan's reason in every language: sentence ``key`` with the first day re-planned."""
    message, messages = worded(
        language, lambda each: say(each, key, day=say(each, f"day.{first}"), **values)
    )
    return Reason(code=code, message=message, messages=messages)


def _unmet(
    prepared: Prepared, solved: Plan, visits: list[PlannedVisit], language: Language
) -> list[Unmet]:
    first = DAYS.index(prepared.first_day)
    planned = Counter(v.need_id for v in visits)
    given: dict[str, Counter[str]] = {}
    for visit in visits:
        for amount in visit.resources:
            given.setdefault(visit.need_id, Counter())[amount.id] += amount.quantity
    reasons_of = {u.need_id: u.reasons for u in solved.unmet}
    remaining_days = {n.id: len(n.window.days) for n in prepared.to_solve.needs}
    unmet = []
    for need in prepared.week.needs:
        missing = need.visits - planned[need.id]
        handed = given.get(need.id, Counter())
        short = [
            ResourceAmount(id=r.id, quantity=r.quantity - handed[r.id])
            for r in need.resources
            if r.quantity > handed[r.id]
        ]
        if missing <= 0 and not short:
            continue
        reasons = list(reasons_of.get(need.id, []))
        if need.id in prepared.left_out:
            reasons.append(_reason("no_shared_availability", "replan.left_out", first, language))
        elif missing > 0 and not reasons:
            left = remaining_days.get(need.id, 0)
            reasons.append(
                _reason("no_shared_availability", "replan.days_left", first, language, days=left)
            )
        if short and not any(r.code == "resource_out_of_stock" for r in reasons):
            reasons.append(_reason("resource_out_of_stock", "replan.stock", first, language))
        unmet.append(
            Unmet(
                need_id=need.id,
                missing_visits=max(missing, 0),
                missing_resources=short,
                reasons=reasons,
            )
        )
    return unmet


def _metrics(
    prepared: Prepared, solved: Plan, visits: list[PlannedVisit], routes: list[Route]
) -> Metrics:
    priority = {n.id: n.priority for n in prepared.week.needs}
    requested = Counter({p: 0 for p in PRIORITIES})
    for need in prepared.week.needs:
        requested[need.priority] += need.visits
    planned = Counter(priority[v.need_id] for v in visits)
    preferred = {n.id: set(n.preferred_workers) for n in prepared.week.needs}
    wanted = [p for p in PRIORITIES if requested[p]]
    return solved.metrics.model_copy(
        update={
            "visits_requested": sum(requested.values()),
            "visits_planned": len(visits),
            "coverage_by_priority": {str(p): planned[p] / requested[p] for p in wanted},
            "travel_minutes": sum(r.travel_minutes for r in routes),
            "service_minutes": sum(r.service_minutes for r in routes),
            "requested_by_priority": {str(p): requested[p] for p in wanted},
            "planned_by_priority": {str(p): planned[p] for p in wanted},
            "resource_units_requested": sum(
                r.quantity for n in prepared.week.needs for r in n.resources
            ),
            "resource_units_given": sum(r.quantity for v in visits for r in v.resources),
            "preferred_worker_visits": sum(
                bool(preferred[v.need_id] & set(v.worker_ids)) for v in visits
            ),
        }
    )


def merge(prepared: Prepared, solved: Plan, language: Language) -> Plan:
    """The plan of the week as it now stands.

    Parameters
    ----------
    prepared
        The two weeks and the maps between them.
    solved
        The plan of the week to solve.
    language
        Language of the sentences added here.

    Returns
    -------
    Plan
        Kept visits as they were, new ones numbered after them, unmet needs and metrics of
        the real week.
    """
    visits, renamed = _numbered(prepared, solved)
    routes = [
        route.model_copy(
            update={
                "stops": [
                    Stop(need_id=renamed[key][0], visit=renamed[key][1])
                    for key in ((s.need_id, s.visit) for s in route.stops)
                ]
            }
        )
        for route in solved.routes
    ]
    unmet = _unmet(prepared, solved, visits, language)
    mandatory = {n.id for n in prepared.week.needs if n.mandatory}
    infeasible = any(u.need_id in mandatory and u.missing_visits > 0 for u in unmet)
    status = (
        "infeasible" if infeasible else ("optimal" if solved.status == "optimal" else "feasible")
    )
    return solved.model_copy(
        update={
            "scenario": prepared.week.name,
            "status": status,
            "visits": visits,
            "routes": routes,
            "unmet": unmet,
            "metrics": _metrics(prepared, solved, visits, routes),
        }
    )
