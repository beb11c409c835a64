"""Assessment figures (综合考核) of a station, month by month, per village and for the town.

The figures are computed from what happened, not from what was planned: for every week in the
range, the station's plan in force and the records of its visits. A visit counts as done,
partly done or missed by its record; a planned visit with no record counts as not recorded.
Hours are the actual minutes when recorded, else the planned ones, for done and partly done
visits. A 双工联动 visit is one whose team has both a social worker and a volunteer. The
archive's figures (households per vulnerable group, assessments older than 12 months) are
those of the station's stored needs today.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from pydantic import BaseModel, Field

from service.api.records import visit_date
from service.storage.models import VisitRecord
from service.wire.plan import Plan
from service.wire.scenario import Need, Scenario

URGENT = (1, 2)
ASSESSMENT_DAYS = 365


class Figures(BaseModel):
    """What a station (or one village) did in a span of time."""

    visits_planned: int = 0
    visits_done: int = 0
    visits_partly_done: int = 0
    visits_missed: int = 0
    visits_not_recorded: int = 0
    hours: float = 0.0
    hours_by_category: dict[str, float] = Field(default_factory=dict)
    visits_by_category: dict[str, int] = Field(default_factory=dict)
    social_worker_hours: float = 0.0
    volunteer_hours: float = 0.0
    volunteers_active: int = 0
    paired_visits: int = Field(0, description="双工联动: a social worker and a volunteer together.")
    households_served: int = 0
    households_served_by_group: dict[str, int] = Field(default_factory=dict)
    goods_given: dict[str, int] = Field(default_factory=dict, description="Resource id → units.")
    funds_given: dict[str, int] = Field(default_factory=dict, description="Resource id → units.")
    urgent_missed: int = Field(0, description="Priority 1–2 visits recorded as missed.")
    urgent_unmet: int = Field(0, description="Priority 1–2 visits requested but not planned.")


class MonthFigures(BaseModel):
    """One month: the town and each village."""

    month: str
    town: Figures
    villages: dict[str, Figures]


class ArchiveFigures(BaseModel):
    """The needs archive as it stands: groups, and assessments due."""

    households: int
    households_by_group: dict[str, int]
    served_share_by_group: dict[str, float | None] = Field(
        description="Share of the archive's households of each group served in the range."
    )
    assessment_overdue_share: float | None = Field(
        description="Share of households whose needs assessment is older than 12 months or "
        "unknown (`assessed_on` missing)."
    )
    households_due: list[str] = Field(description="Households due for reassessment.")
    resources: int = Field(0, description="Records in the resource library.")
    resources_stale_share: float | None = Field(
        None, description="Share of the resource library not updated for over 12 months."
    )
    resources_oldest_update: dt.date | None = Field(
        None, description="When the least recently updated resource record was written."
    )


class Kpis(BaseModel):
    """A station's assessment figures over a range of dates."""

    station_id: str
    from_date: dt.date = Field(alias="from")
    to_date: dt.date = Field(alias="to")
    months: list[MonthFigures]
    total: MonthFigures
    archive: ArchiveFigures

    model_config = {"populate_by_name": True}


@dataclass(frozen=True)
class Week:
    """One week's plan in force, its scenario and the records of its visits."""

    scenario: Scenario
    plan: Plan
    records: dict[tuple[str, int], VisitRecord]


class _Tally:
    """Accumulates :class:`Figures` (sets of households and volunteers kept apart)."""

    def __init__(self) -> None:
        self.figures = Figures()
        self.households: dict[str, set[str]] = {}
        self.volunteers: set[str] = set()

    def done(self) -> Figures:
        figures = self.figures
        figures.households_served = len(self.households)
        groups: Counter[str] = Counter()
        for household_groups in self.households.values():
            groups.update(household_groups)
        figures.households_served_by_group = dict(sorted(groups.items()))
        figures.volunteers_active = len(self.volunteers)
        figures.hours = round(figures.hours, 2)
        figures.social_worker_hours = round(figures.social_worker_hours, 2)
        figures.volunteer_hours = round(figures.volunteer_hours, 2)
        figures.hours_by_category = {
            k: round(v, 2) for k, v in sorted(figures.hours_by_category.items())
        }
        return figures


def _minutes(time: str) -> int:
    hours, minutes = time.split(":")
    return int(hours) * 60 + int(minutes)


def _month(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def compute_kpis(
    station_id: str,
    weeks: list[Week],
    archive_needs: list[Need],
    first: dt.date,
    last: dt.date,
    *,
    today: dt.date,
    resource_updates: list[dt.date] | None = None,
) -> Kpis:
    """The figures of the visits dated ``first`` to ``last`` and of the archive.

    Parameters
    ----------
    station_id
        The station.
    weeks
        The plans in force of the weeks overlapping the range, with their records.
    archive_needs
        The station's needs archive today.
    first, last
        The range (both included).
    today
        For the age of assessments.
    resource_updates
        When each record of the resource library was last written (its freshness).

    Returns
    -------
    Kpis
        Month by month, per village and for the town; the whole range; the archive.
    """
    tallies: dict[tuple[str, str | None], _Tally] = defaultdict(_Tally)
    total_town = _Tally()
    total_villages: dict[str, _Tally] = defaultdict(_Tally)
    for week in weeks:
        _count_week(week, first, last, tallies, (total_town, total_villages))
    months = sorted({month for month, village in tallies if village is None})
    month_figures = [
        MonthFigures(
            month=month,
            town=tallies[(month, None)].done(),
            villages={
                village: tally.done()
                for (m, village), tally in sorted(tallies.items(), key=lambda kv: str(kv[0][1]))
                if m == month and village is not None
            },
        )
        for month in months
    ]
    total = MonthFigures(
        month=f"{first.isoformat()}..{last.isoformat()}",
        town=total_town.done(),
        villages={v: t.done() for v, t in sorted(total_villages.items())},
    )
    return Kpis(
        station_id=station_id,
        from_date=first,
        to_date=last,
        months=month_figures,
        total=total,
        archive=_archive(archive_needs, total_town, today, resource_updates or []),
    )


def _count_week(
    week: Week,
    first: dt.date,
    last: dt.date,
    tallies: dict[tuple[str, str | None], _Tally],
    total: tuple[_Tally, dict[str, _Tally]],
) -> None:
    scenario, plan = week.scenario, week.plan
    needs = {need.id: need for need in scenario.needs}
    roles = {worker.id: worker.role for worker in scenario.workers}
    kinds = {resource.id: resource.kind for resource in scenario.resources}
    for visit in plan.visits:
        date = visit_date(scenario.week_start, visit.day)
        if not first <= date <= last:
            continue
        need = needs[visit.need_id]
        targets = _targets(tallies, total, _month(date), need.village)
        record = week.records.get((visit.need_id, visit.visit))
        status = "not_recorded" if record is None else record.status
        planned_minutes = _minutes(visit.end) - _minutes(visit.start)
        minutes = planned_minutes
        if record is not None and record.actual_minutes is not None:
            minutes = record.actual_minutes
        team = [roles.get(worker, "") for worker in visit.worker_ids]
        for tally in targets:
            f = tally.figures
            f.visits_planned += 1
            if status == "missed":
                f.visits_missed += 1
                f.urgent_missed += need.priority in URGENT
                continue
            if status == "not_recorded":
                f.visits_not_recorded += 1
                continue
            if status == "done":
                f.visits_done += 1
            else:
                f.visits_partly_done += 1
            hours = minutes / 60
            f.hours += hours
            f.hours_by_category[need.category] = f.hours_by_category.get(need.category, 0) + hours
            f.visits_by_category[need.category] = f.visits_by_category.get(need.category, 0) + 1
            f.social_worker_hours += hours * team.count("social_worker")
            f.volunteer_hours += hours * team.count("volunteer")
            f.paired_visits += "social_worker" in team and "volunteer" in team
            tally.households.setdefault(need.household, set()).update(need.groups)
            tally.volunteers.update(
                w for w, role in zip(visit.worker_ids, team, strict=True) if role == "volunteer"
            )
            assert record is not None
            for item in record.resources_given:
                target = f.funds_given if kinds.get(item["id"]) == "funds" else f.goods_given
                target[item["id"]] = target.get(item["id"], 0) + int(item["quantity"])
    for unmet in plan.unmet:
        wanted = needs.get(unmet.need_id)
        if wanted is None or wanted.priority not in URGENT or not unmet.missing_visits:
            continue
        days = [visit_date(scenario.week_start, d) for d in wanted.window.days]
        inside = [d for d in days if first <= d <= last]
        if not inside:
            continue
        for tally in _targets(tallies, total, _month(min(inside)), wanted.village):
            tally.figures.urgent_unmet += unmet.missing_visits


def _targets(
    tallies: dict[tuple[str, str | None], _Tally],
    total: tuple[_Tally, dict[str, _Tally]],
    month: str,
    village: str,
) -> list[_Tally]:
    """The month's town and village tallies and the whole range's, that one visit counts in."""
    return [tallies[(month, None)], tallies[(month, village)], total[0], total[1][village]]


def _archive(
    needs: list[Need], served: _Tally, today: dt.date, resource_updates: list[dt.date]
) -> ArchiveFigures:
    households: dict[str, set[str]] = {}
    assessed: dict[str, dt.date | None] = {}
    for need in needs:
        households.setdefault(need.household, set()).update(need.groups)
        when = need.assessed_on
        known = assessed.get(need.household)
        if need.household not in assessed or (when is not None and (known is None or when > known)):
            assessed[need.household] = when
    by_group: Counter[str] = Counter()
    for groups in households.values():
        by_group.update(groups)
    served_groups: Counter[str] = Counter()
    for household, groups in households.items():
        if household in served.households:
            served_groups.update(groups)
    cutoff = today - dt.timedelta(days=ASSESSMENT_DAYS)
    due = sorted(h for h, when in assessed.items() if when is None or when < cutoff)
    return ArchiveFigures(
        households=len(households),
        households_by_group=dict(sorted(by_group.items())),
        served_share_by_group={
            group: round(served_groups[group] / count, 4)
            for group, count in sorted(by_group.items())
        },
        assessment_overdue_share=round(len(due) / len(households), 4) if households else None,
        households_due=due,
        resources=len(resource_updates),
        resources_stale_share=(
            round(sum(day < cutoff for day in resource_updates) / len(resource_updates), 4)
            if resource_updates
            else None
        ),
        resources_oldest_update=min(resource_updates) if resource_updates else None,
    )
