"""Make a town's archive inconsistent the way hand-kept records are, to test accept-and-report.

Each chosen need gets exactly one fault, so a plan should carry exactly one warning for it:
a resource its household is not eligible for, more visits than its window has days, a window
shorter than one visit, or a worker both preferred and excluded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

import numpy as np

from service.wire.common import ResourceAmount, minutes_to_time, time_to_minutes
from service.wire.plan import WarningCode
from service.wire.scenario import Group, Need, Scenario

GROUPS: tuple[Group, ...] = get_args(Group)

FAULTS: tuple[WarningCode, ...] = (
    "not_eligible",
    "too_few_days",
    "window_too_short",
    "preferred_and_excluded",
)


@dataclass(frozen=True)
class Fault:
    """One fault put into a need: its code, the need's index and id."""

    code: WarningCode
    index: int
    need_id: str


def _not_eligible(need: Need, scenario: Scenario) -> Need | None:
    restricted = [r for r in scenario.resources if r.eligible_groups]
    for resource in restricted:
        outside = [g for g in GROUPS if g not in set(resource.eligible_groups or [])]
        if outside:
            return need.model_copy(
                update={
                    "groups": [outside[0]],
                    "resources": [ResourceAmount(id=resource.id, quantity=1)],
                }
            )
    return None


def _too_few_days(need: Need, scenario: Scenario) -> Need | None:
    days = need.window.days[:6] if len(need.window.days) == 7 else need.window.days
    window = need.window.model_copy(update={"days": days})
    return need.model_copy(update={"window": window, "visits": len(days) + 1})


def _window_too_short(need: Need, scenario: Scenario) -> Need | None:
    start = time_to_minutes(need.window.from_)
    end = min(start + max(need.duration_minutes - 15, 5), 24 * 60)
    if end - start >= need.duration_minutes:
        return None
    window = need.window.model_copy(update={"to": minutes_to_time(end)})
    return need.model_copy(update={"window": window})


def _preferred_and_excluded(need: Need, scenario: Scenario) -> Need | None:
    if not scenario.workers:
        return None
    worker = scenario.workers[0].id
    preferred = [w for w in need.preferred_workers if w != worker] + [worker]
    excluded = [w for w in need.excluded_workers if w != worker] + [worker]
    return need.model_copy(update={"preferred_workers": preferred, "excluded_workers": excluded})


_MAKERS = {
    "not_eligible": _not_eligible,
    "too_few_days": _too_few_days,
    "window_too_short": _window_too_short,
    "preferred_and_excluded": _preferred_and_excluded,
}


def make_inconsistent(scenario: Scenario, share: float, seed: int) -> tuple[Scenario, list[Fault]]:
    """A copy of a consistent scenario with a share of its needs given one fault each.

    Parameters
    ----------
    scenario
        A scenario without inconsistencies (a generated town, say).
    share
        Fraction of needs to spoil, from 0 to 1.
    seed
        Random seed: which needs, and which fault each gets (in turn over :data:`FAULTS`).

    Returns
    -------
    tuple of (Scenario, list of Fault)
        The spoilt scenario and the faults put in, in need order.
    """
    if not 0 <= share <= 1:
        raise ValueError(f"share {share} is not between 0 and 1")
    rng = np.random.default_rng(seed)
    count = round(share * len(scenario.needs))
    chosen = sorted(int(i) for i in rng.choice(len(scenario.needs), count, replace=False))
    needs = list(scenario.needs)
    faults = []
    for turn, index in enumerate(chosen):
        for step in range(len(FAULTS)):
            code = FAULTS[(turn + step) % len(FAULTS)]
            spoilt = _MAKERS[code](needs[index], scenario)
            if spoilt is not None:
                needs[index] = spoilt
                faults.append(Fault(code, index, spoilt.id))
                break
    return scenario.model_copy(update={"needs": needs}), faults
