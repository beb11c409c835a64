"""What the exports share: the scenario looked up by id, the plan checked against it, times."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field

from service import vocabulary
from service.exports.labels import label
from service.messages import Language, say
from service.wire.common import DAYS, Location, ResourceAmount, time_to_minutes
from service.wire.plan import Plan, PlannedVisit, Route
from service.wire.scenario import Need, Resource, Scenario, Village, Worker

_FILENAME_SAFE = re.compile(r"[A-Za-z0-9._-]+")
_FILENAME_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class ExportError(ValueError):
    """A plan that does not fit the scenario it is exported with.

    Parameters
    ----------
    problems
        Messages of the form ``json.path: what is wrong`` (paths of the plan document).
    """

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class UnknownWorker(KeyError):
    """The worker asked for is not in the scenario."""


def plan_problems(scenario: Scenario, plan: Plan) -> list[str]:
    """The references of a plan that its scenario does not have.

    Parameters
    ----------
    scenario
        The scenario the plan was made for.
    plan
        The plan.

    Returns
    -------
    list of str
        One message per problem, each starting with the JSON path in the plan; empty when the
        plan fits the scenario.
    """
    problems: list[str] = []
    if plan.scenario != scenario.name:
        problems.append(
            f"scenario: the plan is for {plan.scenario!r}, the scenario is {scenario.name!r}"
        )
    needs = {need.id for need in scenario.needs}
    workers = {worker.id for worker in scenario.workers}
    resources = {resource.id for resource in scenario.resources}
    for i, visit in enumerate(plan.visits):
        if visit.need_id not in needs:
            problems.append(f"visits[{i}].need_id: unknown need {visit.need_id!r}")
        for j, worker_id in enumerate(visit.worker_ids):
            if worker_id not in workers:
                problems.append(f"visits[{i}].worker_ids[{j}]: unknown worker {worker_id!r}")
        for j, amount in enumerate(visit.resources):
            if amount.id not in resources:
                problems.append(f"visits[{i}].resources[{j}].id: unknown resource {amount.id!r}")
    for i, route in enumerate(plan.routes):
        if route.worker_id not in workers:
            problems.append(f"routes[{i}].worker_id: unknown worker {route.worker_id!r}")
    for i, unmet in enumerate(plan.unmet):
        if unmet.need_id not in needs:
            problems.append(f"unmet[{i}].need_id: unknown need {unmet.need_id!r}")
    return problems


@dataclass
class PlanIndex:
    """A scenario and its plan, looked up by id.

    Parameters
    ----------
    scenario
        The scenario.
    plan
        A plan of it whose references were checked (see :meth:`build`).
    """

    scenario: Scenario
    plan: Plan
    needs: dict[str, Need] = field(init=False)
    villages: dict[str, Village] = field(init=False)
    workers: dict[str, Worker] = field(init=False)
    resources: dict[str, Resource] = field(init=False)
    routes: dict[tuple[str, str, int], Route] = field(init=False)
    """The route of (worker, need, visit number)."""
    stop_numbers: dict[tuple[str, str, int], int] = field(init=False)
    """The place (from 1) of (worker, need, visit number) in its route."""

    def __post_init__(self) -> None:
        self.needs = {need.id: need for need in self.scenario.needs}
        self.villages = {village.id: village for village in self.scenario.villages}
        self.workers = {worker.id: worker for worker in self.scenario.workers}
        self.resources = {resource.id: resource for resource in self.scenario.resources}
        self.routes = {}
        self.stop_numbers = {}
        for route in self.plan.routes:
            for number, stop in enumerate(route.stops, start=1):
                key = (route.worker_id, stop.need_id, stop.visit)
                self.routes[key] = route
                self.stop_numbers[key] = number

    @classmethod
    def build(cls, scenario: Scenario, plan: Plan) -> PlanIndex:
        """Index a plan after checking that it fits its scenario.

        Parameters
        ----------
        scenario
            The scenario the plan was made for.
        plan
            The plan.

        Returns
        -------
        PlanIndex
            The index.

        Raises
        ------
        ExportError
            When the plan names needs, workers or resources the scenario lacks, or another
            scenario.
        """
        problems = plan_problems(scenario, plan)
        if problems:
            raise ExportError(problems)
        return cls(scenario, plan)

    def sorted_visits(self) -> list[PlannedVisit]:
        """The plan's visits by day, start, end and need id."""
        return sorted(self.plan.visits, key=visit_order)

    def visits_of(self) -> dict[str, list[PlannedVisit]]:
        """Each worker's visits in day and time order (workers without visits are absent)."""
        found: dict[str, list[PlannedVisit]] = defaultdict(list)
        for visit in self.sorted_visits():
            for worker_id in visit.worker_ids:
                found[worker_id].append(visit)
        return dict(found)

    def village_name(self, need: Need) -> str:
        """The name of a need's village or community."""
        return self.villages[need.village].name

    def location(self, need: Need) -> Location:
        """Where a need's visits take place: its location, or its village's."""
        return need.location or self.villages[need.village].location

    def worker_text(self, worker_id: str) -> str:
        """A worker as ``id name`` (workers are staff: their names may be shown)."""
        return f"{worker_id} {self.workers[worker_id].name}"

    def workers_text(self, language: Language, worker_ids: list[str]) -> str:
        """Workers as ``id name`` joined by the language's list separator."""
        return say(language, "list.sep").join(self.worker_text(w) for w in worker_ids)

    def resources_text(self, language: Language, amounts: list[ResourceAmount]) -> str:
        """Resources as ``name × quantity unit`` joined by the list separator; empty if none."""
        parts = []
        for amount in amounts:
            resource = self.resources[amount.id]
            unit = vocabulary.unit_of(language, resource.unit, amount.quantity)
            parts.append(f"{resource.name} × {amount.quantity} {unit}")
        return say(language, "list.sep").join(parts)

    def category(self, language: Language, need: Need) -> str:
        """A need's service category in words."""
        return label(language, f"category.{need.category}")


def visit_order(visit: PlannedVisit) -> tuple[int, int, int, str, int]:
    """Sort key of a visit: day, start, end, need id, visit number."""
    return (
        DAYS.index(visit.day),
        time_to_minutes(visit.start),
        time_to_minutes(visit.end),
        visit.need_id,
        visit.visit,
    )


def day_date(week_start: dt.date, day_index: int) -> dt.date:
    """The date of a weekday (0 is Monday) of the week starting ``week_start``."""
    return week_start + dt.timedelta(days=day_index)


def local_time(week_start: dt.date, day: str, time: str, tz: dt.tzinfo) -> dt.datetime:
    """The local date and time of ``HH:MM`` on a day of the week (``24:00`` is next midnight).

    Parameters
    ----------
    week_start
        The Monday of the week.
    day
        ``mon`` … ``sun``.
    time
        ``HH:MM``, from ``00:00`` to ``24:00``.
    tz
        The time zone the times are in.

    Returns
    -------
    datetime
        An aware datetime.
    """
    midnight = dt.datetime.combine(day_date(week_start, DAYS.index(day)), dt.time(), tzinfo=tz)
    return midnight + dt.timedelta(minutes=time_to_minutes(time))


def safe_filename_part(text: str) -> str:
    """Text made safe for an ASCII file name, distinct texts staying distinct.

    Parameters
    ----------
    text
        An id (any characters).

    Returns
    -------
    str
        ``text`` itself when it is made of ``A-Z a-z 0-9 . _ -`` only (and is not ``.`` or
        ``..``); otherwise its safe characters and 8 hex digits of its SHA-256.
    """
    if _FILENAME_SAFE.fullmatch(text) and text.strip(".") and len(text) <= 100:
        return text
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    stem = _FILENAME_UNSAFE.sub("_", text).strip("._")[:60]
    return f"{stem}-{digest}" if stem else digest
