"""Carry-over: what last week left undone comes back into this week's plan request.

When a station's week is planned, the plan in force of the week before is read with its visit
records. A visit recorded as missed, or never recorded once ``carry_over_grace_days`` after
that week have passed, comes back as a requested visit; goods and funds planned but not handed
over at a done (or partly done) visit come back with a visit to hand them over. They are added
as needs of their own (``<need>~carried``), copied from last week's need with its window, team
and priority (one step more urgent when asked), so the plan and its ledger show them apart,
and the job lists each one with its reason (``PlanJob.carried_json``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field

from pydantic import BaseModel, Field
from sqlmodel import Session

from service.storage import repository
from service.storage.models import PlanJob, VisitRecord
from service.wire.common import ResourceAmount
from service.wire.plan import Plan
from service.wire.records import ResourceGiven
from service.wire.scenario import Need, Scenario

SUFFIX = "~carried"
MAX_ID = 100


class CarriedVisit(BaseModel):
    """One visit (or handover) of last week that comes back, and why."""

    need_id: str = Field(description="The need it comes back as (``<need>~carried``).")
    from_need_id: str
    from_plan_id: str
    visit: int
    reason: str = Field(
        description="missed:<reason>, not_recorded (after the grace), or resources_not_given."
    )
    priority: int
    resources: list[ResourceGiven] = Field(default_factory=list)


@dataclass
class Carry:
    """What comes back into a week: the needs to add and the visits they carry."""

    needs: list[Need] = field(default_factory=list)
    carried: list[CarriedVisit] = field(default_factory=list)

    def text(self) -> str | None:
        """The carried visits as the JSON text a job stores (None when nothing came back)."""
        if not self.carried:
            return None
        return json.dumps([item.model_dump(mode="json") for item in self.carried])


def _base(need_id: str) -> str:
    return need_id.removesuffix(SUFFIX)


def _carried_id(need_id: str) -> str:
    base = _base(need_id)
    return base[: MAX_ID - len(SUFFIX)] + SUFFIX


def carry_over(
    session: Session,
    station_id: str,
    scenario: Scenario,
    *,
    grace_days: int,
    more_urgent: bool,
    today: dt.date | None = None,
) -> Carry:
    """What the week before ``scenario.week_start`` left undone, as needs for this week.

    Parameters
    ----------
    session
        The database session.
    station_id
        The station.
    scenario
        This week's scenario from the archive (its villages, workers and resources decide
        what can still be asked for).
    grace_days
        Days after the end of last week before an unrecorded visit counts as not done.
    more_urgent
        Carry visits one priority step more urgent (priority 1 stays 1).
    today
        The date of the request (default: today).

    Returns
    -------
    Carry
        The needs to append to the scenario and the visits they carry.
    """
    last_week = scenario.week_start - dt.timedelta(days=7)
    job = repository.plan_in_force(session, station_id, last_week)
    if job is None or job.plan_json is None:
        return Carry()
    plan = Plan.model_validate_json(job.plan_json)
    before = Scenario.model_validate_json(job.scenario_json)
    records = {(r.need_id, r.visit): r for r in repository.list_records(session, job.id)}
    overdue = (today or dt.date.today()) > last_week + dt.timedelta(days=6 + grace_days)
    return _carry(job, plan, before, scenario, records, overdue=overdue, more_urgent=more_urgent)


def _carry(
    job: PlanJob,
    plan: Plan,
    before: Scenario,
    now: Scenario,
    records: dict[tuple[str, int], VisitRecord],
    *,
    overdue: bool,
    more_urgent: bool,
) -> Carry:
    old_needs = {need.id: need for need in before.needs}
    villages = {village.id for village in now.villages}
    workers = {worker.id for worker in now.workers}
    stock = {resource.id for resource in now.resources}
    taken = {need.id for need in now.needs}
    carried: dict[str, list[CarriedVisit]] = defaultdict(list)
    for planned in plan.visits:
        need = old_needs.get(planned.need_id)
        if need is None or need.village not in villages:
            continue
        record = records.get((planned.need_id, planned.visit))
        planned_goods = {r.id: r.quantity for r in planned.resources}
        if record is None:
            if not overdue:
                continue
            reason, goods = "not_recorded", planned_goods
        elif record.status == "missed":
            reason, goods = f"missed:{record.missed_reason}", planned_goods
        else:
            given = {item["id"]: int(item["quantity"]) for item in record.resources_given}
            goods = {
                rid: quantity - given.get(rid, 0)
                for rid, quantity in planned_goods.items()
                if quantity > given.get(rid, 0)
            }
            if not goods:
                continue
            reason = "resources_not_given"
        new_id = _carried_id(need.id)
        if new_id in taken:
            continue
        priority = max(1, need.priority - 1) if more_urgent else need.priority
        carried[new_id].append(
            CarriedVisit(
                need_id=new_id,
                from_need_id=need.id,
                from_plan_id=str(job.id),
                visit=planned.visit,
                reason=reason,
                priority=priority,
                resources=[
                    ResourceGiven(id=rid, quantity=q) for rid, q in goods.items() if rid in stock
                ],
            )
        )
    result = Carry()
    for new_id, items in carried.items():
        need = old_needs[items[0].from_need_id]
        resources: dict[str, int] = defaultdict(int)
        for item in items:
            for amount in item.resources:
                resources[amount.id] += amount.quantity
        result.needs.append(
            need.model_copy(
                update={
                    "id": new_id,
                    "priority": items[0].priority,
                    "visits": min(len(items), 7),
                    "resources": [ResourceAmount(id=r, quantity=q) for r, q in resources.items()],
                    "preferred_workers": [w for w in need.preferred_workers if w in workers],
                    "excluded_workers": [w for w in need.excluded_workers if w in workers],
                    "extra": {"carried_over_from": items[0].from_need_id},
                }
            )
        )
        result.carried.extend(items)
    return result
