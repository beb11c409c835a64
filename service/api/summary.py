"""A done plan's few counts that overviews show (a city's batch page), kept beside the plan."""

from __future__ import annotations

from pydantic import BaseModel, Field

from service.wire.plan import Plan

URGENT = ("1", "2")
"""The priorities whose coverage an overview shows."""


class PlanSummary(BaseModel):
    """What a row of an overview says about one done plan."""

    status: str = Field(description="The plan's status (feasible, optimal, partial …).")
    visits_requested: int
    visits_planned: int
    urgent_requested: int = Field(description="Visits of priority 1 and 2 asked for.")
    urgent_planned: int = Field(description="Visits of priority 1 and 2 planned.")
    unmet: int = Field(description="Needs not fully served.")

    @property
    def urgent_coverage(self) -> float | None:
        """Share of the priority 1–2 visits planned; None when none was asked for."""
        if self.urgent_requested == 0:
            return None
        return self.urgent_planned / self.urgent_requested


def summarize(plan: Plan) -> PlanSummary:
    """The counts of a plan for overviews."""
    metrics = plan.metrics
    return PlanSummary(
        status=plan.status,
        visits_requested=metrics.visits_requested,
        visits_planned=metrics.visits_planned,
        urgent_requested=sum(metrics.requested_by_priority.get(p, 0) for p in URGENT),
        urgent_planned=sum(metrics.planned_by_priority.get(p, 0) for p in URGENT),
        unmet=len(plan.unmet),
    )
