"""The plan checker's entry point: every broken rule of a plan, in rule order."""

from __future__ import annotations

from service.checker.bookkeeping import bookkeeping_violations
from service.checker.index import PlanIndex
from service.checker.resources import resource_violations
from service.checker.routes import replay_routes, route_violations
from service.checker.violation import Violation
from service.checker.visits import visit_violations
from service.wire.plan import Plan
from service.wire.scenario import Scenario


def check_plan(scenario: Scenario, plan: Plan, *, replan: bool = False) -> list[Violation]:
    """List every rule of the spec that a plan breaks.

    The checker reads the scenario and the plan and nothing else; it shares no code with the
    solver, so it can vouch for the solver's plans.

    Parameters
    ----------
    scenario
        A validated scenario (see :func:`service.loading.parse_scenario`).
    plan
        A plan whose shape is valid (see :func:`service.loading.parse_plan`); its references
        may be wrong, which is reported, never raised.
    replan
        The plan re-plans the rest of a started week (``scenario`` is the week as it now
        stands). Its reasons speak of the days left, which neither document states, so only
        the reasons that hold whatever the day (qualification, exclusion, range, eligibility,
        window length) are judged, and none is required.

    Returns
    -------
    list of Violation
        Sorted by rule number; empty when the plan is valid and its bookkeeping agrees.
    """
    index = PlanIndex.build(scenario, plan)
    runs = replay_routes(index)
    return [
        *visit_violations(index),
        *route_violations(index, runs),
        *resource_violations(index),
        *bookkeeping_violations(index, runs, replan=replan),
    ]
