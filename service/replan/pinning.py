"""Turn a plan in force and a re-plan request into the week to solve.

Two scenarios come out. The *week as it now stands* is the original scenario with the absent
workers' days taken out of their availability and the urgent needs added: the new plan must be
valid for it. The *week to solve* differs in two ways. Every kept visit (done or locked)
becomes a need of its own, pinned to its day, time and team (its window is exactly the visit,
every other worker is excluded, it is mandatory), with the resources it handed over taken out
of the stock. Each original need asks only for its remaining visits, on days from ``from_day``
on that none of its kept visits uses (and after the kept visit that handed over its
resources, so that they stay at the first visit).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from service.loading import InvalidDocument, check_references
from service.wire.common import DAYS, Day
from service.wire.plan import Plan, PlannedVisit, Route, Stop
from service.wire.replan import ReplanRequest, VisitRef
from service.wire.scenario import Need, Scenario, Window

PINNED_PREFIX = "pinned"


@dataclass(frozen=True)
class Prepared:
    """The week to solve and what is needed to turn its plan back into the real week's.

    Attributes
    ----------
    week
        The week as it now stands (absences applied, urgent needs added).
    to_solve
        The week handed to the solver (kept visits pinned, remaining visits only).
    pinned
        Id of each pinned need of ``to_solve`` → the kept visit it stands for.
    in_force
        Visits of the plan in force that still fit ``to_solve``, with ids of ``to_solve``.
    routes
        Shift routes of the plan in force restricted to those visits, ids of ``to_solve``.
    absent
        Worker id → days it is absent.
    missed
        Visits before ``from_day`` that were not done (planned again if they can be).
    left_out
        Needs of the week that have no day left for their remaining visits.
    urgent
        Ids of the urgent needs.
    displaced
        Needs that lost a visit of the plan in force (absent worker, missed) and urgent needs:
        the only ones other visits may be moved for.
    first_day
        The first day the new plan may change.
    """

    week: Scenario
    to_solve: Scenario
    pinned: dict[str, PlannedVisit]
    in_force: list[PlannedVisit]
    routes: list[Route]
    absent: dict[str, set[Day]]
    missed: set[tuple[str, int]]
    left_out: set[str] = field(default_factory=set)
    urgent: set[str] = field(default_factory=set)
    displaced: set[str] = field(default_factory=set)
    first_day: Day = "mon"


def _absences(scenario: Scenario, request: ReplanRequest) -> dict[str, set[Day]]:
    workers = {w.id for w in scenario.workers}
    problems: list[str] = []
    absent: dict[str, set[Day]] = {}
    for i, absence in enumerate(request.absent):
        if absence.worker_id not in workers:
            problems.append(f"absent[{i}].worker_id: unknown worker {absence.worker_id!r}")
            continue
        days = DAYS[DAYS.index(absence.from_day) : DAYS.index(absence.until_day) + 1]
        absent.setdefault(absence.worker_id, set()).update(days)
    if problems:
        raise InvalidDocument(problems)
    return absent


def _kept(
    plan: Plan, request: ReplanRequest, absent: dict[str, set[Day]], start: int
) -> tuple[list[PlannedVisit], set[tuple[str, int]]]:
    """Visits that stay (done or locked) and visits that were missed."""
    by_ref = {(v.need_id, v.visit): v for v in plan.visits}
    problems: list[str] = []

    def look_up(refs: list[VisitRef], name: str) -> set[tuple[str, int]]:
        found = set()
        for i, ref in enumerate(refs):
            visit = by_ref.get((ref.need_id, ref.visit))
            if visit is None:
                problems.append(
                    f"{name}[{i}]: the plan has no visit {ref.visit} of need {ref.need_id!r}"
                )
                continue
            away = [w for w in visit.worker_ids if visit.day in absent.get(w, set())]
            if away:
                problems.append(
                    f"{name}[{i}]: visit {ref.visit} of need {ref.need_id!r} on {visit.day} goes "
                    f"with {', '.join(away)}, absent that day"
                )
            found.add((ref.need_id, ref.visit))
        return found

    past = {k for k, v in by_ref.items() if DAYS.index(v.day) < start}
    done = past if request.done is None else look_up(request.done, "done")
    locked = look_up(request.locked, "locked")
    if problems:
        raise InvalidDocument(problems)
    kept = done | locked
    return [v for k, v in by_ref.items() if k in kept], past - kept


def _week(scenario: Scenario, request: ReplanRequest, absent: dict[str, set[Day]]) -> Scenario:
    known = {n.id for n in scenario.needs}
    problems = [
        f"urgent_needs[{i}].id: need {need.id!r} is already in the week"
        for i, need in enumerate(request.urgent_needs)
        if need.id in known
    ]
    if problems:
        raise InvalidDocument(problems)
    workers = [
        w.model_copy(
            update={"availability": {d: s for d, s in w.availability.items() if d not in away}}
        )
        if (away := absent.get(w.id))
        else w
        for w in scenario.workers
    ]
    week = scenario.model_copy(
        update={"workers": workers, "needs": [*scenario.needs, *request.urgent_needs]}
    )
    first_urgent = len(scenario.needs)
    problems = []
    for message in check_references(week):
        path, _, text = message.partition(": ")
        if path.startswith("needs["):
            index = int(path[len("needs[") : path.index("]")])
            if index >= first_urgent:
                path = f"urgent_needs[{index - first_urgent}]" + path[path.index("]") + 1 :]
        problems.append(f"{path}: {text}")
    if problems:
        raise InvalidDocument(problems)
    return week


def _pinned_need(need: Need, visit: PlannedVisit, pin_id: str, week: Scenario) -> Need:
    roles = Counter(w.role for w in week.workers if w.id in visit.worker_ids)
    return need.model_copy(
        update={
            "id": pin_id,
            "visits": 1,
            "window": Window.model_validate(
                {"days": [visit.day], "from": visit.start, "to": visit.end}
            ),
            "staff": dict(roles),
            "skills": [],
            "languages": [],
            "preferred_workers": [],
            "excluded_workers": [w.id for w in week.workers if w.id not in visit.worker_ids],
            "resources": [],
            "mandatory": True,
        }
    )


def _remaining(need: Need, kept: list[PlannedVisit], start: int) -> Need | None:
    """The part of a need still to plan, or None when nothing (or no day) is left."""
    taken = {v.day for v in kept}
    after = start
    given_at = [DAYS.index(v.day) for v in kept if v.resources]
    if given_at:
        after = max(after, min(given_at) + 1)
    days = [d for d in need.window.days if DAYS.index(d) >= after and d not in taken]
    visits = min(need.visits - len(kept), len(days))
    if visits <= 0:
        return None
    window = need.window.model_copy(update={"days": days})
    update: dict[str, object] = {"visits": visits, "window": window}
    if kept:
        update["resources"] = []
    return need.model_copy(update=update)


def _pin_ids(week: Scenario, kept: list[PlannedVisit]) -> dict[tuple[str, int], str]:
    taken = {n.id for n in week.needs}
    ids = {}
    for number, visit in enumerate(kept, start=1):
        pin_id = f"{PINNED_PREFIX}-{number}"
        while pin_id in taken:
            pin_id += "x"
        ids[(visit.need_id, visit.visit)] = pin_id
    return ids


def prepare(scenario: Scenario, plan: Plan, request: ReplanRequest) -> Prepared:
    """Build the week as it now stands and the week to solve.

    Parameters
    ----------
    scenario
        The scenario the plan in force was made for.
    plan
        The plan in force (valid for ``scenario``).
    request
        Absences, done and locked visits, urgent needs.

    Returns
    -------
    Prepared
        Both scenarios and the maps between them.

    Raises
    ------
    InvalidDocument
        When the request names unknown workers or visits, locks a visit of an absent worker,
        or brings an urgent need whose id is taken or whose references are unknown; messages
        start with the request's JSON path.
    """
    start = DAYS.index(request.first_day())
    absent = _absences(scenario, request)
    kept, missed = _kept(plan, request, absent, start)
    week = _week(scenario, request, absent)
    pin_ids = _pin_ids(week, kept)
    kept_of: dict[str, list[PlannedVisit]] = {}
    for visit in kept:
        kept_of.setdefault(visit.need_id, []).append(visit)
    needs_by_id = {n.id: n for n in week.needs}
    needs, left_out = [], set()
    for need in week.needs:
        remaining = _remaining(need, kept_of.get(need.id, []), start)
        if remaining is not None:
            needs.append(remaining)
        elif need.visits > len(kept_of.get(need.id, [])):
            left_out.add(need.id)
    pinned = {}
    for visit in kept:
        pin_id = pin_ids[(visit.need_id, visit.visit)]
        pinned[pin_id] = visit
        needs.append(_pinned_need(needs_by_id[visit.need_id], visit, pin_id, week))
    handed: Counter[str] = Counter()
    for visit in kept:
        for amount in visit.resources:
            handed[amount.id] += amount.quantity
    resources = [
        r.model_copy(update={"available": max(r.available - handed[r.id], 0)})
        for r in week.resources
    ]
    to_solve = week.model_copy(update={"needs": needs, "resources": resources})
    in_force, routes = _still_fitting(plan, to_solve, absent, start, pin_ids)
    staying = {(v.need_id, v.visit) for v in in_force} | set(pin_ids)
    urgent = {n.id for n in request.urgent_needs}
    displaced = {v.need_id for v in plan.visits if (v.need_id, v.visit) not in staying} | urgent
    return Prepared(
        week=week,
        to_solve=to_solve,
        pinned=pinned,
        in_force=in_force,
        routes=routes,
        absent=absent,
        missed=missed,
        left_out=left_out,
        urgent=urgent,
        displaced=displaced,
        first_day=request.first_day(),
    )


def _still_fitting(
    plan: Plan,
    to_solve: Scenario,
    absent: dict[str, set[Day]],
    start: int,
    pin_ids: dict[tuple[str, int], str],
) -> tuple[list[PlannedVisit], list[Route]]:
    """Visits of the plan in force that stay valid in the week to solve, renamed for it."""
    windows = {n.id: set(n.window.days) for n in to_solve.needs}
    fitting: dict[tuple[str, int], PlannedVisit] = {}
    counted: Counter[str] = Counter()
    limit = {n.id: n.visits for n in to_solve.needs}
    for visit in sorted(plan.visits, key=lambda v: (DAYS.index(v.day), v.start)):
        at = (visit.need_id, visit.visit)
        if at in pin_ids:
            renamed = visit.model_copy(update={"need_id": pin_ids[at], "visit": 1, "resources": []})
            fitting[at] = renamed
            continue
        if DAYS.index(visit.day) < start or any(
            visit.day in absent.get(w, set()) for w in visit.worker_ids
        ):
            continue
        if visit.day not in windows.get(visit.need_id, set()):
            continue
        if counted[visit.need_id] >= limit[visit.need_id]:
            continue
        counted[visit.need_id] += 1
        fitting[at] = visit.model_copy(update={"resources": []})
    routes = []
    for route in plan.routes:
        stops = [
            Stop(
                need_id=fitting[(s.need_id, s.visit)].need_id,
                visit=fitting[(s.need_id, s.visit)].visit,
            )
            for s in route.stops
            if (s.need_id, s.visit) in fitting
        ]
        if stops:
            routes.append(route.model_copy(update={"stops": stops}))
    return list(fitting.values()), routes
