"""The wire shape: pydantic models of the scenario and plan formats."""

from service.wire.plan import PLAN_FORMAT, Plan
from service.wire.scenario import SCENARIO_FORMAT, Scenario

__all__ = ["PLAN_FORMAT", "SCENARIO_FORMAT", "Plan", "Scenario"]
