"""Rule 7: the plan's own totals (route totals, metrics, ``unmet``, ``status``) agree with it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from service.checker.index import PlanIndex
from service.checker.reasons import reason_violations
from service.checker.routes import RouteRun
from service.checker.violation import BOOKKEEPING, Violation

COVERAGE_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Shortfall:
    """What a need misses: visits and resource units per resource id."""

    visits: int
    resources: dict[str, int]


def shortfalls(index: PlanIndex) -> dict[str, Shortfall]:
    """Find the needs the plan does not fully serve, from its visits.

    Parameters
    ----------
    index
        The scenario and plan.

    Returns
    -------
    dict of str to Shortfall
        Per need id, only for needs missing a visit or a resource unit.
    """
    found = {}
    for need in index.needs.values():
        given = index.given(need.id)
        resources = {a.id: a.quantity - given.get(a.id, 0) for a in need.resources}
        short = Shortfall(
            visits=need.visits - len(index.planned_numbers(need)),
            resources={key: n for key, n in resources.items() if n > 0},
        )
        if short.visits > 0 or short.resources:
            found[need.id] = short
    return found


def bookkeeping_violations(
    index: PlanIndex, runs: list[RouteRun], *, replan: bool = False
) -> list[Violation]:
    """Check the plan's bookkeeping (rule 7 of the checker).

    Parameters
    ----------
    index
        The scenario and plan.
    runs
        The plan's routes replayed by :func:`service.checker.routes.replay_routes`.
    replan
        The plan re-plans the rest of a week: see :func:`service.checker.reasons.reason_violations`.

    Returns
    -------
    list of Violation
        Route totals, then metrics, then ``unmet``, its reasons, then ``status``.
    """
    return _rule7_bookkeeping(index, runs, replan)


def _rule7_bookkeeping(index: PlanIndex, runs: list[RouteRun], replan: bool) -> list[Violation]:
    """Rule 7: route totals, metrics, ``unmet`` and its reasons, ``status`` agree with the plan."""
    short = shortfalls(index)
    return [
        *_route_totals(runs),
        *_metrics(index),
        *_unmet(index, short),
        *reason_violations(index, replan=replan),
        *_status(index, short),
    ]


def _violation(code: str, message: str) -> Violation:
    return Violation(BOOKKEEPING, code, message)


def _route_totals(runs: list[RouteRun]) -> list[Violation]:
    found = []
    for run in runs:
        route = run.route
        at = f"Route of worker {route.worker_id} on {route.day} shift {route.shift}"
        if run.legs is not None and route.travel_minutes != sum(run.legs):
            found.append(
                _violation(
                    "route_totals",
                    f"{at}: travel_minutes is "
                    f"{route.travel_minutes}, the legs add up to {sum(run.legs)}.",
                )
            )
        if run.service is not None and route.service_minutes != run.service:
            found.append(
                _violation(
                    "route_totals",
                    f"{at}: service_minutes is "
                    f"{route.service_minutes}, the visits add up to "
                    f"{run.service}.",
                )
            )
    return found


def _metrics(index: PlanIndex) -> list[Violation]:
    metrics = index.plan.metrics
    requested: Counter[str] = Counter()
    planned: Counter[str] = Counter()
    for need in index.needs.values():
        requested[str(need.priority)] += need.visits
        planned[str(need.priority)] += len(index.planned_numbers(need))
    expected: dict[str, int] = {
        "visits_requested": sum(requested.values()),
        "visits_planned": len(index.plan.visits),
        "travel_minutes": sum(route.travel_minutes for route in index.plan.routes),
        "service_minutes": sum(route.service_minutes for route in index.plan.routes),
    }
    found = [
        _violation(
            "metrics_mismatch",
            f"metrics.{field} is {getattr(metrics, field)}, the plan gives {value}.",
        )
        for field, value in expected.items()
        if getattr(metrics, field) != value
    ]
    coverage = metrics.coverage_by_priority
    for key in sorted(set(coverage) | set(requested)):
        want = planned[key] / requested[key] if requested[key] else None
        got = coverage.get(key)
        if want is None or got is None or abs(got - want) > COVERAGE_TOLERANCE:
            found.append(
                _violation(
                    "metrics_mismatch",
                    f"metrics.coverage_by_priority[{key}] is {got}, the plan gives {want}.",
                )
            )
    for field, counts in (("requested_by_priority", requested), ("planned_by_priority", planned)):
        given = {key: n for key, n in getattr(metrics, field).items() if n}
        # Optional extras: checked only when the plan fills them in; zeros may be left out.
        if given and given != {key: n for key, n in counts.items() if n}:
            found.append(
                _violation("metrics_mismatch", f"metrics.{field} does not match the plan's visits.")
            )
    return found


def _unmet(index: PlanIndex, short: dict[str, Shortfall]) -> list[Violation]:
    found = []
    listed = Counter(entry.need_id for entry in index.plan.unmet)
    for entry in index.plan.unmet:
        at = f"unmet entry for need {entry.need_id}"
        want = short.get(entry.need_id)
        missing: Counter[str] = Counter()
        for amount in entry.missing_resources:
            missing[amount.id] += amount.quantity
        if entry.need_id not in index.needs:
            found.append(_violation("unmet_mismatch", f"The {at}: no such need."))
        elif want is None:
            found.append(_violation("unmet_mismatch", f"The {at}: the need is fully served."))
        elif entry.missing_visits != want.visits or dict(missing) != want.resources:
            found.append(
                _violation(
                    "unmet_mismatch",
                    f"The {at}: it misses {want.visits} "
                    f"visit(s) and {_units(want.resources)}, not "
                    f"{entry.missing_visits} and {_units(dict(missing))}.",
                )
            )
    for need_id, n in listed.items():
        if n > 1:
            found.append(_violation("unmet_mismatch", f"Need {need_id} is in unmet {n} times."))
    for need_id, want in short.items():
        if need_id not in listed:
            kind = "Mandatory need" if index.needs[need_id].mandatory else "Need"
            found.append(
                _violation(
                    "unmet_mismatch",
                    f"{kind} {need_id} misses {want.visits} "
                    f"visit(s) and {_units(want.resources)} but is not in "
                    f"unmet.",
                )
            )
    return found


def _units(resources: dict[str, int]) -> str:
    if not resources:
        return "no resource units"
    return ", ".join(f"{n} of {key}" for key, n in sorted(resources.items()))


def _status(index: PlanIndex, short: dict[str, Shortfall]) -> list[Violation]:
    """``infeasible`` exactly when some mandatory need misses a visit (both ways)."""
    unserved = sorted(
        need_id
        for need_id, want in short.items()
        if want.visits > 0 and index.needs[need_id].mandatory
    )
    status = index.plan.status
    if status == "infeasible" and not unserved:
        message = "The plan says infeasible but every mandatory need gets all its visits."
    elif status != "infeasible" and unserved:
        message = (
            f"The plan says {status} but mandatory need(s) {', '.join(unserved)} miss visits: "
            "it is infeasible."
        )
    else:
        return []
    return [_violation("status_mismatch", message)]
