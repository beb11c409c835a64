"""Rule 7, reasons: each reason an ``unmet`` entry gives holds, and the required ones are given.

Every reason the scenario and the plan decide is checked; only ``capacity_exhausted`` (whose
truth depends on which other visits the planner chose) is not. The definitions, from the spec's
wording, over the need's *role fits* (workers whose role fills one of its staff slots):

- ``no_qualified_worker``: no team of role fits has the roles, skills and a language (a team
  is possible when each role has its count, there are as many workers as slots, every skill
  is held by one of them and one speaks a wanted language).
- ``excluded``: role fits make a team, but not without the excluded workers.
- ``out_of_range``: the non-excluded role fits make a team, but not those whose one-way trip is
  within their ``max_travel_minutes``.
- ``no_shared_availability``: those in range make a team, but on fewer window days than
  ``min(visits, window days)`` does a team exist of workers each able to do the visit alone
  inside one of their shifts that day, trips from and back to base included.
- ``not_eligible``: a missing resource is only for groups the need is not in.
- ``too_few_days``: the need asks for more visits than its window has days.
- ``window_too_short``: the window is shorter than ``duration_minutes``.
- ``resource_out_of_stock``: a missing resource the need may receive was handed over, in all,
  up to its ``available`` stock.

The spec says the last three *accepted and reported* cases are unmet with their code, so an
entry that lacks ``not_eligible``, ``too_few_days`` or ``window_too_short`` where it holds
breaks the rule too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from service.checker.index import PlanIndex
from service.checker.travel import need_location, travel_minutes, worker_base
from service.checker.violation import BOOKKEEPING, Violation
from service.wire.common import ROLES, Day, time_to_minutes
from service.wire.plan import Unmet
from service.wire.scenario import Need, Worker

REQUIRED = ("not_eligible", "too_few_days", "window_too_short")
"""Reason codes an entry must give whenever they hold (the spec's accepted-and-reported cases)."""
DAY_INDEPENDENT = (
    "no_qualified_worker",
    "excluded",
    "out_of_range",
    "not_eligible",
    "too_few_days",
    "window_too_short",
)
"""Reasons that hold or not whatever day a re-plan starts from."""


def reason_violations(index: PlanIndex, *, replan: bool = False) -> list[Violation]:
    """Check the reasons of every ``unmet`` entry of a known need.

    Parameters
    ----------
    index
        The scenario and plan.
    replan
        The plan re-plans the rest of a week, whose first day neither document states: only
        the :data:`DAY_INDEPENDENT` reasons are judged, and none is required.

    Returns
    -------
    list of Violation
        ``reason_untrue`` for a reason that does not hold, ``reason_missing`` for a required
        reason left out; in ``unmet`` order.
    """
    found = []
    handed = _handed(index)
    for entry in index.plan.unmet:
        need = index.needs.get(entry.need_id)
        if need is None:
            continue
        facts = _Facts(index, need, entry, handed)
        given = {reason.code for reason in entry.reasons}
        for code in sorted(given):
            if replan and code not in DAY_INDEPENDENT:
                continue
            holds = facts.holds(code)
            if holds is False:
                found.append(
                    Violation(
                        BOOKKEEPING,
                        "reason_untrue",
                        f"Need {need.id}: reason {code} does not hold ({facts.why_not(code)}).",
                    )
                )
        for required in () if replan else REQUIRED:
            if required not in given and facts.holds(required):
                found.append(
                    Violation(
                        BOOKKEEPING,
                        "reason_missing",
                        f"Need {need.id}: {facts.why(required)}, but reason {required} is not "
                        "given.",
                    )
                )
    return found


def _handed(index: PlanIndex) -> Counter[str]:
    handed: Counter[str] = Counter()
    for visit in index.plan.visits:
        for amount in visit.resources:
            handed[amount.id] += amount.quantity
    return handed


def team_possible(need: Need, workers: list[Worker]) -> bool:
    """Whether some team of exactly the need's size drawn from ``workers`` is valid for it.

    Parameters
    ----------
    need
        The need.
    workers
        The workers to draw from.

    Returns
    -------
    bool
        Some ``staff_total`` of them have each role's count, hold every skill between them
        and, when languages are asked for, include one speaking one of them. Workers alike
        in what they bring are grouped, so the search is over a few groups.
    """
    wanted: list[tuple[str, str | tuple[str, ...]]] = [
        ("role", role) for role in ROLES for _ in range(need.staff.get(role, 0))
    ]
    wanted += [("skill", skill) for skill in need.skills]
    if need.languages:
        wanted.append(("language", tuple(need.languages)))
    needs = Counter(wanted)
    groups: Counter[tuple[bool, ...]] = Counter(
        tuple(_brings(worker, item) for item in needs) for worker in workers
    )
    if sum(groups.values()) < need.staff_total():
        return False
    return _cover(list(groups.items()), need.staff_total(), list(needs.values()))


def _brings(worker: Worker, item: tuple[str, str | tuple[str, ...]]) -> bool:
    kind, value = item
    if kind == "role":
        return worker.role == value
    if kind == "skill":
        return value in worker.skills
    return bool(set(worker.languages) & set(value))


def _cover(groups: list[tuple[tuple[bool, ...], int]], slots: int, wanted: list[int]) -> bool:
    """Whether at most ``slots`` workers of ``groups`` (what they bring, count) meet ``wanted``."""
    if all(w <= 0 for w in wanted):
        return True
    if slots == 0 or not groups:
        return False
    (brings, count), rest = groups[0], groups[1:]
    for take in range(min(count, slots), -1, -1):
        left = [w - take * b for w, b in zip(wanted, brings, strict=True)]
        if _cover(rest, slots - take, left):
            return True
    return False


class _Facts:
    """What the scenario and plan say about one unmet need, computed when asked."""

    def __init__(self, index: PlanIndex, need: Need, entry: Unmet, handed: Counter[str]) -> None:
        self.index = index
        self.need = need
        self.entry = entry
        self.handed = handed
        scenario = index.scenario
        home = need_location(scenario, need)
        self.oneway = {
            w.id: travel_minutes(worker_base(scenario, w), home, w.transport, scenario.travel)
            for w in index.workers.values()
        }
        self.back = {
            w.id: travel_minutes(home, worker_base(scenario, w), w.transport, scenario.travel)
            for w in index.workers.values()
        }
        slots = need.staff
        self.role_fits = [
            w for w in index.workers.values() if slots.get(w.role, 0) > 0 or slots.get("any", 0) > 0
        ]
        self.qualified = [w for w in self.role_fits if w.id not in need.excluded_workers]
        self.in_range = [
            w
            for w in self.qualified
            if w.max_travel_minutes is None or self.oneway[w.id] <= w.max_travel_minutes
        ]

    def holds(self, code: str) -> bool | None:
        """Whether reason ``code`` holds for this need; None when the checker cannot decide."""
        tests: dict[str, Callable[[], bool]] = {
            "no_qualified_worker": self._no_qualified_worker,
            "excluded": self._excluded,
            "out_of_range": self._out_of_range,
            "no_shared_availability": self._no_shared_availability,
            "not_eligible": self._not_eligible,
            "too_few_days": self._too_few_days,
            "window_too_short": self._window_too_short,
            "resource_out_of_stock": self._resource_out_of_stock,
        }
        test = tests.get(code)
        return None if test is None else test()

    def why(self, code: str) -> str:
        """The fact behind a required reason, for a message."""
        need, entry = self.need, self.entry
        if code == "not_eligible":
            return f"it misses {', '.join(sorted(self._ineligible_missing()))}, not for its groups"
        if code == "too_few_days":
            return f"it asks for {need.visits} visits on {len(need.window.days)} window day(s)"
        return (
            f"its window of {self._window_minutes()} minutes is shorter than "
            f"{need.duration_minutes} and {entry.missing_visits} visit(s) are missing"
        )

    def why_not(self, code: str) -> str:
        """What contradicts a reason, for a message."""
        reasons = {
            "no_qualified_worker": "a team of the right roles, skills and language exists",
            "excluded": "the exclusions do not stop every team",
            "out_of_range": "no team is possible at all, or one is possible within range",
            "no_shared_availability": (
                "no team is possible in range, or one can meet inside the window on enough days"
            ),
            "not_eligible": "no missing resource is reserved for groups the need is not in",
            "too_few_days": "the window has a day for every visit, or no visit is missing",
            "window_too_short": "the window is long enough for a visit, or no visit is missing",
            "resource_out_of_stock": (
                "no missing resource the need may receive was handed over up to its stock"
            ),
        }
        return reasons[code]

    def _window_minutes(self) -> int:
        window = self.need.window
        return time_to_minutes(window.to) - time_to_minutes(window.from_)

    def _no_qualified_worker(self) -> bool:
        return not team_possible(self.need, self.role_fits)

    def _excluded(self) -> bool:
        return team_possible(self.need, self.role_fits) and not team_possible(
            self.need, self.qualified
        )

    def _out_of_range(self) -> bool:
        return team_possible(self.need, self.qualified) and not team_possible(
            self.need, self.in_range
        )

    def _no_shared_availability(self) -> bool:
        if not team_possible(self.need, self.in_range):
            return False
        days = self.need.window.days
        possible = [
            day
            for day in days
            if team_possible(self.need, [w for w in self.in_range if self._alone_fits(w, day)])
        ]
        return len(possible) < min(self.need.visits, len(days))

    def _alone_fits(self, worker: Worker, day: Day) -> bool:
        """Whether the worker could do one visit alone in a shift that day, trips included."""
        need = self.need
        earliest = time_to_minutes(need.window.from_)
        latest = time_to_minutes(need.window.to) - need.duration_minutes
        for start, end in worker.availability.get(day, []):
            lo = max(time_to_minutes(start) + self.oneway[worker.id], earliest)
            hi = min(time_to_minutes(end) - self.back[worker.id] - need.duration_minutes, latest)
            if lo <= hi:
                return True
        return False

    def _ineligible_missing(self) -> list[str]:
        found = []
        groups = set(self.need.groups)
        for amount in self.entry.missing_resources:
            resource = self.index.resources.get(amount.id)
            eligible = resource.eligible_groups if resource is not None else None
            if eligible is not None and not set(eligible) & groups:
                found.append(amount.id)
        return found

    def _not_eligible(self) -> bool:
        return bool(self._ineligible_missing())

    def _too_few_days(self) -> bool:
        return self.entry.missing_visits > 0 and self.need.visits > len(self.need.window.days)

    def _window_too_short(self) -> bool:
        return self.entry.missing_visits > 0 and self._window_minutes() < self.need.duration_minutes

    def _resource_out_of_stock(self) -> bool:
        ineligible = set(self._ineligible_missing())
        for amount in self.entry.missing_resources:
            resource = self.index.resources.get(amount.id)
            if resource is None or amount.id in ineligible:
                continue
            if self.handed[amount.id] >= resource.available:
                return True
        return False
