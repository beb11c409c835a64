"""What the plan's views show of a finished plan: summary, unmet needs, resources, visits, changes.

Every code (skills, languages, units, groups, categories, reasons) is shown by its name in the
page's language (``service.vocabulary``); sentences the plan carries in both languages are
shown in the page's (``messages``), else as the plan wrote them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from service.console.labels import t
from service.exports.common import visit_order
from service.messages import Language, in_language, say
from service.vocabulary import label, unit_of
from service.wire.common import DAYS
from service.wire.plan import Plan
from service.wire.replan import ChangeSummary, VisitAt
from service.wire.scenario import Scenario

BOUNDED_PRIORITIES = ("1", "2")
"""Priorities whose upper bound means something (the CLI and README show only these)."""


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
    village_id: str
    village: str
    priority: int
    category: str
    groups: list[str]
    """Codes of the household's groups (the filter's values)."""
    group_names: str
    asks: str
    """Skills and languages the need asks for, by name (empty when none)."""
    missing_visits: int
    missing_resources: str
    """Resource units not handed over, by name and unit (empty when none)."""
    reasons: list[str]
    reason_codes: list[str]


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
    day_code: str
    day: str
    start: str
    end: str
    village_id: str
    village: str
    worker_ids: str
    """The team's ids, space-separated (the re-plan form's filter reads them)."""
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
    reason: str
    message: str


@dataclass(frozen=True)
class PlanView:
    """Everything the page shows of a finished plan."""

    status: str
    priorities: list[PriorityRow]
    """Bounds only for :data:`BOUNDED_PRIORITIES`."""
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
            bound=metrics.bound_by_priority.get(key) if key in BOUNDED_PRIORITIES else None,
        )
        for key in keys
    ]


def _resources(scenario: Scenario, plan: Plan, language: Language) -> list[ResourceRow]:
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
            unit=label(language, "unit", resource.unit),
            requested=requested[resource.id],
            given=given[resource.id],
            stock=resource.available,
        )
        for resource in scenario.resources
    ]


def _unmet_rows(scenario: Scenario, plan: Plan, language: Language) -> list[UnmetRow]:
    """The unmet needs, most urgent first, then by need id."""
    needs = {need.id: need for need in scenario.needs}
    villages = {village.id: village.name for village in scenario.villages}
    resources = {resource.id: resource for resource in scenario.resources}
    sep = say(language, "list.sep")
    rows = []
    for item in plan.unmet:
        need = needs.get(item.need_id)
        asks = []
        if need is not None and need.skills:
            skills = sep.join(label(language, "skill", code) for code in need.skills)
            asks.append(t(language, "unmet.skills", skills=skills))
        if need is not None and need.languages:
            spoken = sep.join(label(language, "language", code) for code in need.languages)
            asks.append(t(language, "unmet.languages", languages=spoken))
        short = []
        for amount in item.missing_resources:
            resource = resources.get(amount.id)
            name = resource.name if resource else amount.id
            unit = unit_of(language, resource.unit, amount.quantity) if resource else ""
            short.append(
                t(language, "unmet.resource", resource=name, quantity=amount.quantity, unit=unit)
            )
        groups: list[str] = list(need.groups) if need else []
        rows.append(
            UnmetRow(
                need_id=item.need_id,
                household=need.household if need else "",
                village_id=need.village if need else "",
                village=villages.get(need.village, need.village) if need else "",
                priority=need.priority if need else 5,
                category=label(language, "category", need.category) if need else "",
                groups=groups,
                group_names=sep.join(label(language, "group", g) for g in groups),
                asks="；".join(asks) if language == "zh" else "; ".join(asks),
                missing_visits=item.missing_visits,
                missing_resources=sep.join(short),
                reasons=[in_language(language, r.message, r.messages) for r in item.reasons],
                reason_codes=[reason.code for reason in item.reasons],
            )
        )
    rows.sort(key=lambda row: (row.priority, row.need_id))
    return rows


def plan_view(scenario: Scenario, plan: Plan, language: Language) -> PlanView:
    """The views' shape of a plan of a scenario.

    Parameters
    ----------
    scenario
        The scenario the plan was made for (the job's own).
    plan
        The finished plan.
    language
        The page's language: names of days, codes and the plan's sentences.

    Returns
    -------
    PlanView
        Summary per priority, unmet needs with reasons (most urgent first), shortages,
        resources, visits in day and time order.
    """
    needs = {need.id: need for need in scenario.needs}
    villages = {village.id: village.name for village in scenario.villages}
    workers = {worker.id: worker.name for worker in scenario.workers}
    day_names = {day: t(language, f"day.{day}") for day in DAYS}
    separator = say(language, "list.sep")
    visits = []
    for visit in sorted(plan.visits, key=visit_order):
        need = needs.get(visit.need_id)
        visits.append(
            VisitRow(
                need_id=visit.need_id,
                visit=visit.visit,
                day_code=visit.day,
                day=day_names.get(visit.day, visit.day),
                start=visit.start,
                end=visit.end,
                village_id=need.village if need else "",
                village=villages.get(need.village, need.village) if need else "",
                worker_ids=" ".join(visit.worker_ids),
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
        unmet=_unmet_rows(scenario, plan, language),
        warnings=[
            (w.code, w.path, in_language(language, w.message, w.messages)) for w in plan.warnings
        ],
        shortages=[in_language(language, s.message, s.messages) for s in plan.metrics.shortages],
        resources=_resources(scenario, plan, language),
        visits=visits,
        workers=list(workers.items()),
        villages=list(villages.items()),
    )


def _at(value: VisitAt | None, day_names: dict[str, str]) -> str:
    if value is None:
        return "–"
    team = ", ".join(value.worker_ids)
    return f"{day_names.get(value.day, value.day)} {value.start}–{value.end} ({team})"


def change_rows(summary: ChangeSummary, language: Language) -> list[ChangeRow]:
    """The rows of the changes table of a re-plan.

    Parameters
    ----------
    summary
        The job's changes.
    language
        The page's language (day names, the change's sentence).

    Returns
    -------
    list of ChangeRow
        In the job's order; ``before``/``after`` as ``day start–end (worker ids)``.
    """
    day_names: dict[str, str] = {day: t(language, f"day.{day}") for day in DAYS}
    return [
        ChangeRow(
            kind=change.kind,
            need_id=change.need_id,
            before=_at(change.before, day_names),
            after=_at(change.after, day_names),
            reason=change.reason,
            message=in_language(language, change.message, change.messages),
        )
        for change in summary.changes
    ]
