"""Lookups of a scenario and a plan, built once and tolerant of unknown or repeated ids."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TypeVar

from service.wire.common import DAYS, Day, time_to_minutes
from service.wire.plan import Plan, PlannedVisit
from service.wire.scenario import Need, Resource, Scenario, Worker

_T = TypeVar("_T", Need, Worker, Resource)

VisitKey = tuple[str, int]
"""A visit's identity: need id and visit number."""


def visit_key(visit: PlannedVisit) -> VisitKey:
    """Identify a planned visit by ``(need_id, visit)``.

    Parameters
    ----------
    visit
        A planned visit.

    Returns
    -------
    tuple of (str, int)
        Need id and visit number.
    """
    return (visit.need_id, visit.visit)


def length(visit: PlannedVisit) -> int:
    """Count the minutes from a visit's start to its end, zero if it ends before it starts.

    Parameters
    ----------
    visit
        A planned visit.

    Returns
    -------
    int
        ``end - start`` in minutes, at least 0.
    """
    return max(0, time_to_minutes(visit.end) - time_to_minutes(visit.start))


@dataclass(frozen=True)
class PlanIndex:
    """The scenario and plan with the lookups every rule needs.

    Build it with :meth:`build`. Repeated ids keep their first occurrence, so a broken plan
    never raises ``KeyError``; the rules report the repetition.
    """

    scenario: Scenario
    plan: Plan
    needs: dict[str, Need]
    workers: dict[str, Worker]
    resources: dict[str, Resource]
    by_need: dict[str, list[PlannedVisit]]
    by_key: dict[VisitKey, list[PlannedVisit]]
    by_worker_day: dict[tuple[str, Day], dict[VisitKey, PlannedVisit]]

    @classmethod
    def build(cls, scenario: Scenario, plan: Plan) -> PlanIndex:
        """Index a scenario and a plan.

        Parameters
        ----------
        scenario
            A validated scenario.
        plan
            A plan whose shape is valid.

        Returns
        -------
        PlanIndex
            The lookups.
        """
        by_need: dict[str, list[PlannedVisit]] = defaultdict(list)
        by_key: dict[VisitKey, list[PlannedVisit]] = defaultdict(list)
        by_worker_day: dict[tuple[str, Day], dict[VisitKey, PlannedVisit]] = defaultdict(dict)
        for visit in plan.visits:
            by_need[visit.need_id].append(visit)
            by_key[visit_key(visit)].append(visit)
            for worker_id in visit.worker_ids:
                by_worker_day[(worker_id, visit.day)].setdefault(visit_key(visit), visit)
        return cls(
            scenario=scenario,
            plan=plan,
            needs=_first_by_id(scenario.needs),
            workers=_first_by_id(scenario.workers),
            resources=_first_by_id(scenario.resources),
            by_need=dict(by_need),
            by_key=dict(by_key),
            by_worker_day=dict(by_worker_day),
        )

    def planned_numbers(self, need: Need) -> set[int]:
        """List the distinct visit numbers planned for a need, within ``1..need.visits``.

        Parameters
        ----------
        need
            A need of the scenario.

        Returns
        -------
        set of int
            The valid visit numbers planned.
        """
        return {v.visit for v in self.by_need.get(need.id, []) if 1 <= v.visit <= need.visits}

    def given(self, need_id: str) -> dict[str, int]:
        """Add up the resource units handed to a need over all its planned visits.

        Parameters
        ----------
        need_id
            The need's id.

        Returns
        -------
        dict of str to int
            Units per resource id.
        """
        totals: dict[str, int] = defaultdict(int)
        for visit in self.by_need.get(need_id, []):
            for amount in visit.resources:
                totals[amount.id] += amount.quantity
        return dict(totals)

    def first_visit(self, need_id: str) -> PlannedVisit | None:
        """Find the need's first planned visit: earliest day, then start, then number.

        Parameters
        ----------
        need_id
            The need's id.

        Returns
        -------
        PlannedVisit or None
            The first visit, or ``None`` when the need has no planned visit.
        """
        visits = self.by_need.get(need_id, [])
        if not visits:
            return None
        return min(visits, key=lambda v: (DAYS.index(v.day), time_to_minutes(v.start), v.visit))


def _first_by_id(items: list[_T]) -> dict[str, _T]:
    found: dict[str, _T] = {}
    for item in items:
        found.setdefault(item.id, item)
    return found
