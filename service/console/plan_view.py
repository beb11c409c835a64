"""What the plan page shows of a finished plan: summary, unmet needs, resources, visits, changes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from service.exports.common import visit_order
from service.wire.plan import Plan
from service.wire.replan import ChangeSummary, VisitAt
from service.wire.scenario import Scenario


@dataclass(frozen=True)
class PriorityRow:
    """Visits planned and requested of one priority."""

    priority: str
    planned: int
    requested: int
    bound: int | None


@dataclass(frozen=True)
class UnmetRow:
    """A need served less than asked, and why (ids and village only, no resident data)."""

    need_id: str
    household: str
    village: str
    missing_visits: int
    reasons: list[str]


@dataclass(frozen=True)
class ResourceRow:
    """A resource: units requested by the week's needs, given by the plan, and in stock."""

    id: str
    name: str
    unit: str
    requested: int
    given: int
    stock: int


@dataclass(frozen=True)
class VisitRow:
    """A planned visit as the re-plan form lists it."""

    need_id: str
    visit: int
    day: str
    start: str
    end: str
    village: str
    workers: str

    @property
    def key(self) -> str:
        """The value of its lock checkbox: ``need_id:visit``."""
        return f"{self.need_id}:{self.visit}"


@dataclass(frozen=True)
class ChangeRow:
    """One change of a re-plan against the plan in force."""

    kind: str
    need_id: str
    before: str
    after: str
    message: str


@dataclass(frozen=True)
class PlanView:
    """Everything the page shows of a finished plan."""

    status: str
    priorities: list[PriorityRow]
    planned: int
    requested: int
    travel_minutes: int
    service_minutes: int
    unmet: list[UnmetRow]
    warnings: list[tuple[str, str, str]]
    """``(code, JSON path, sentence)`` of every record accepted but not servable as written."""
    shortages: list[str]
    resources: list[ResourceRow]
    visits: list[VisitRow]
    workers: list[tuple[str, str]]
    """``(id, name)`` of every worker of the scenario."""
    villages: list[tuple[str, str]]
    """``(id, name)`` of every village of the scenario."""


def _priorities(plan: Plan) -> list[PriorityRow]:
    metrics = plan.metrics
    keys = sorted(set(metrics.requested_by_priority) | set(metrics.planned_by_priority), key=int)
    return [
        PriorityRow(
            priority=key,
            planned=metrics.planned_by_priority.get(key, 0),
            requested=metrics.requested_by_priority.get(key, 0),
            bound=metrics.bound_by_priority.get(key),
        )
        for key in keys
    ]


def _resources(scenario: Scenario, plan: Plan) -> list[ResourceRow]:
    requested: Counter[str] = Counter()
    given: Counter[str] = Counter()
    for need in scenario.needs:
        for amount in need.resources:
            requested[amount.id] += amount.quantity
    for visit in plan.visits:
        for amount in visit.resources:
            given[amount.id] += amount.quantity
    return [
        ResourceRow(
            id=resource.id,
            name=resource.name,
            unit=resource.unit,
            requested=requested[resource.id],
            given=given[resource.id],
            stock=resource.available,
        )
        for resource in scenario.resources
    ]


def plan_view(
    scenario: Scenario, plan: Plan, day_names: dict[str, str], separator: str = ", "
) -> PlanView:
    """The page's view of a plan of a scenario.

    Parameters
    ----------
    scenario
        The scenario the plan was made for (the job's own).
    plan
        The finished plan.
    day_names
        Display name of each day code (``mon`` → ``周一``).
    separator
        Between the names of a visit's team (``、`` in Chinese).

    Returns
    -------
    PlanView
        Summary per priority, unmet needs with reasons, shortages, resources, visits in day
        and time order.
    """
    needs = {need.id: need for need in scenario.needs}
    villages = {village.id: village.name for village in scenario.villages}
    workers = {worker.id: worker.name for worker in scenario.workers}
    unmet = []
    for item in plan.unmet:
        need = needs.get(item.need_id)
        unmet.append(
            UnmetRow(
                need_id=item.need_id,
                household=need.household if need else "",
                village=villages.get(need.village, need.village) if need else "",
                missing_visits=item.missing_visits,
                reasons=[reason.message for reason in item.reasons],
            )
        )
    visits = []
    for visit in sorted(plan.visits, key=visit_order):
        need = needs.get(visit.need_id)
        visits.append(
            VisitRow(
                need_id=visit.need_id,
                visit=visit.visit,
                day=day_names.get(visit.day, visit.day),
                start=visit.start,
                end=visit.end,
                village=villages.get(need.village, need.village) if need else "",
                workers=separator.join(workers.get(w, w) for w in visit.worker_ids),
            )
        )
    return PlanView(
        status=plan.status,
        priorities=_priorities(plan),
        planned=plan.metrics.visits_planned,
        requested=plan.metrics.visits_requested,
        travel_minutes=plan.metrics.travel_minutes,
        service_minutes=plan.metrics.service_minutes,
        unmet=unmet,
        warnings=[(w.code, w.path, w.message) for w in plan.warnings],
        shortages=[shortage.message for shortage in plan.metrics.shortages],
        resources=_resources(scenario, plan),
        visits=visits,
        workers=list(workers.items()),
        villages=list(villages.items()),
    )


def _at(value: VisitAt | None, day_names: dict[str, str]) -> str:
    if value is None:
        return "–"
    team = ", ".join(value.worker_ids)
    return f"{day_names.get(value.day, value.day)} {value.start}–{value.end} ({team})"


def change_rows(summary: ChangeSummary, day_names: dict[str, str]) -> list[ChangeRow]:
    """The rows of the changes table of a re-plan.

    Parameters
    ----------
    summary
        The job's changes.
    day_names
        Display name of each day code.

    Returns
    -------
    list of ChangeRow
        In the job's order; ``before``/``after`` as ``day start–end (worker ids)``.
    """
    return [
        ChangeRow(
            kind=change.kind,
            need_id=change.need_id,
            before=_at(change.before, day_names),
            after=_at(change.after, day_names),
            message=change.message,
        )
        for change in summary.changes
    ]
