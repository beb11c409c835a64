"""The plan format ``mulin.plan/1``: a weekly dispatch plan (see shared spec)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from pydantic import Field

from service.wire.common import (
    Count,
    Day,
    Identifier,
    Messages,
    ResourceAmount,
    TimeOfDay,
    WireModel,
)

PLAN_FORMAT = "mulin.plan/1"

PlanStatus = Literal["optimal", "feasible", "infeasible"]
ReasonCode = Literal[
    "no_qualified_worker",
    "out_of_range",
    "no_shared_availability",
    "capacity_exhausted",
    "resource_out_of_stock",
    "excluded",
    "not_eligible",
    "too_few_days",
    "window_too_short",
]
WarningCode = Literal[
    "not_eligible",
    "too_few_days",
    "window_too_short",
    "preferred_and_excluded",
]


class SolverInfo(WireModel):
    """What produced the plan."""

    name: str
    wall_seconds: float = Field(ge=0)
    objective: float | None = None
    bound: float | None = None
    gap_percent: float | None = Field(default=None, description="(bound - objective) / bound.")
    seed: int | None = None
    workers: int | None = None
    time_limit_seconds: float | None = None
    ortools_version: str | None = None
    phases: dict[str, float] = Field(
        default_factory=dict, description="Seconds spent in each phase of planning."
    )


class PlannedVisit(WireModel):
    """One planned visit: a team at a household on a day and time."""

    need_id: Identifier
    visit: int = Field(ge=1, strict=True)
    day: Day
    start: TimeOfDay
    end: TimeOfDay
    worker_ids: list[Identifier] = Field(min_length=1)
    resources: list[ResourceAmount] = Field(default_factory=list)


class Stop(WireModel):
    """A visit on a route."""

    need_id: Identifier
    visit: int = Field(ge=1, strict=True)


class Route(WireModel):
    """One worker's visits in one shift, in the order driven."""

    worker_id: Identifier
    day: Day
    shift: Count
    stops: list[Stop] = Field(min_length=1)
    travel_minutes: Count
    service_minutes: Count


class Reason(WireModel):
    """Why a need was not fully served: a code and a sentence for the coordinator."""

    code: ReasonCode
    message: str
    messages: Messages = None


class Unmet(WireModel):
    """A need with fewer visits or resource units than requested."""

    need_id: Identifier
    missing_visits: Count
    missing_resources: list[ResourceAmount] = Field(default_factory=list)
    reasons: list[Reason] = Field(min_length=1)


class PlanWarning(WireModel):
    """A record of the scenario accepted but not servable as written (see the spec)."""

    code: WarningCode
    path: str = Field(description="JSON path of the field at fault, e.g. needs[12].visits.")
    message: str
    messages: Messages = None


class Shortage(WireModel):
    """A shortage: one more worker with this role, skill or language would serve more visits."""

    kind: Literal["role", "skill", "language"]
    code: str
    days: list[Day]
    villages: list[Identifier]
    visits: Count
    message: str
    messages: Messages = None


class Metrics(WireModel):
    """Totals of the plan."""

    visits_requested: Count
    visits_planned: Count
    coverage_by_priority: dict[str, float]
    travel_minutes: Count
    service_minutes: Count
    requested_by_priority: dict[str, int] = Field(default_factory=dict)
    planned_by_priority: dict[str, int] = Field(default_factory=dict)
    bound_by_priority: dict[str, int] = Field(
        default_factory=dict,
        description=(
            "Lexicographic upper bound: no valid plan serves more visits of a priority while "
            "serving exactly the bound of every more urgent priority."
        ),
    )
    resource_units_requested: Count | None = None
    resource_units_given: Count | None = None
    preferred_worker_visits: Count | None = None
    shortages: list[Shortage] = Field(default_factory=list)


def visit_metrics(
    requested: Mapping[int, int], planned: Mapping[int, int], routes: Sequence[Route]
) -> Metrics:
    """The metrics of a plan's visits and routes (extras such as bounds left empty).

    Parameters
    ----------
    requested, planned
        Visits per priority; only priorities with requested visits are reported per priority.
    routes
        The plan's routes, whose minutes add up to the totals.

    Returns
    -------
    Metrics
        Totals, and coverage, requested and planned visits per priority.
    """
    asked = [p for p in sorted(requested) if requested[p]]
    return Metrics(
        visits_requested=sum(requested.values()),
        visits_planned=sum(planned.values()),
        coverage_by_priority={str(p): planned.get(p, 0) / requested[p] for p in asked},
        travel_minutes=sum(r.travel_minutes for r in routes),
        service_minutes=sum(r.service_minutes for r in routes),
        requested_by_priority={str(p): requested[p] for p in asked},
        planned_by_priority={str(p): planned.get(p, 0) for p in asked},
    )


class Plan(WireModel):
    """A weekly dispatch plan (``mulin.plan/1``)."""

    format: Literal["mulin.plan/1"]
    scenario: str
    status: PlanStatus
    solver: SolverInfo
    visits: list[PlannedVisit] = Field(default_factory=list)
    routes: list[Route] = Field(default_factory=list)
    unmet: list[Unmet] = Field(default_factory=list)
    metrics: Metrics
    warnings: list[PlanWarning] = Field(
        default_factory=list,
        description="One entry per accepted record that cannot be served as written.",
    )
