"""Rule 6: charity goods and funds handed over at visits."""

from __future__ import annotations

from collections import Counter

from service.checker.index import PlanIndex
from service.checker.violation import Violation
from service.wire.plan import PlannedVisit
from service.wire.scenario import Need


def resource_violations(index: PlanIndex) -> list[Violation]:
    """Check rule 6 of the spec.

    Parameters
    ----------
    index
        The scenario and plan.

    Returns
    -------
    list of Violation
        Per handed-over amount first, then per need, then per resource.
    """
    return _rule6_resources(index)


def _rule6_resources(index: PlanIndex) -> list[Violation]:
    """Rule 6: requested, not beyond the request, eligible, at the first visit, in stock."""
    found: list[Violation] = []
    handed: Counter[str] = Counter()
    for visit in index.plan.visits:
        for amount in visit.resources:
            handed[amount.id] += amount.quantity
        need = index.needs.get(visit.need_id)
        found += _per_visit(index, visit, need)
    for need in index.needs.values():
        asked = {amount.id: amount.quantity for amount in need.resources}
        for resource_id, quantity in index.given(need.id).items():
            if resource_id in asked and quantity > asked[resource_id]:
                found.append(
                    Violation(
                        6,
                        "resource_over_request",
                        f"Need {need.id} gets {quantity} of {resource_id}, "
                        f"more than the {asked[resource_id]} asked for.",
                    )
                )
    for resource_id, quantity in handed.items():
        resource = index.resources.get(resource_id)
        if resource is not None and quantity > resource.available:
            found.append(
                Violation(
                    6,
                    "resource_over_stock",
                    f"Resource {resource_id}: {quantity} handed over, "
                    f"only {resource.available} available.",
                )
            )
    return found


def _per_visit(index: PlanIndex, visit: PlannedVisit, need: Need | None) -> list[Violation]:
    found = []
    at = f"Need {visit.need_id} visit {visit.visit} on {visit.day}"
    first = index.first_visit(visit.need_id)
    for amount in visit.resources:
        resource = index.resources.get(amount.id)
        if resource is None:
            found.append(Violation(6, "unknown_resource", f"{at}: no such resource {amount.id}."))
        if need is None:
            continue
        if amount.id not in {asked.id for asked in need.resources}:
            found.append(
                Violation(
                    6,
                    "resource_not_requested",
                    f"{at}: gets {amount.id}, which the need did not ask for.",
                )
            )
        eligible = resource.eligible_groups if resource is not None else None
        if eligible is not None and not set(eligible) & set(need.groups):
            found.append(
                Violation(
                    6,
                    "resource_ineligible",
                    f"{at}: gets {amount.id} but the need is in none of its eligible groups.",
                )
            )
        if visit is not first:
            found.append(
                Violation(
                    6,
                    "resource_not_first_visit",
                    f"{at}: gets {amount.id} but is not the need's first planned visit.",
                )
            )
    return found
