"""CP-SAT routing with exact travel: every worker shift is a circuit through its visits.

A visit's team shares one start variable, so its members arrive and leave together; teams are
chosen among each visit's candidate workers. The same model serves two uses:

* ``improve_day``: one day re-planned from the current plan of that day (large neighbourhood
  search); more visits by priority first, then less travel.
* ``solve_exact``: the whole week; the spec's lexicographic objective is solved phase by phase
  and proven when every phase is optimal. Only small weeks fit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from service.matching.assignment import SolveParams
from service.matching.budget import Budget
from service.matching.candidates import Candidates, team_possible
from service.matching.cpsat.limits import set_limit
from service.matching.problem import N_DAYS, PRIORITIES, UNLIMITED, Problem
from service.matching.schedule import RouteStop, Visit

Arc = tuple[int, int, cp_model.LiteralT]
"""A circuit arc: from node, to node, and the literal that says it is used."""
Term = tuple[cp_model.LiteralT, int]


@dataclass(frozen=True)
class RouteItem:
    """A possible visit: a need on a day, with the workers who may go.

    An *anchor* (``fixed_start`` set) is a planned visit kept as it is: its ``workers`` are the
    members of its team inside the model, all of whom go, at ``fixed_start``.
    """

    need: int
    day: int
    workers: tuple[int, ...]
    fixed_start: int | None = None


@dataclass(frozen=True)
class Routed:
    """Kept visits with their teams and times, and each shift's stops in order."""

    visits: list[Visit]
    routes: dict[tuple[int, int, int], list[RouteStop]]
    proven: bool


class _RoutingModel:
    """Variables and constraints of the routing model (objectives are set by the callers)."""

    def __init__(
        self,
        problem: Problem,
        candidates: Candidates,
        items: list[RouteItem],
        *,
        week_left: dict[int, int],
        visits_left: dict[int, int] | None = None,
    ) -> None:
        self.problem, self.candidates, self.items = problem, candidates, items
        self.model = cp_model.CpModel()
        self.present = [self.model.new_bool_var(f"p{i}") for i in range(len(items))]
        self.start = [self._start_var(i) for i in range(len(items))]
        self.member: dict[tuple[int, int], cp_model.IntVar] = {}
        for i, item in enumerate(items):
            for worker in item.workers:
                self.member[(i, worker)] = self.model.new_bool_var(f"x{i}_{worker}")
        self.travel: list[Term] = []
        self.spent: dict[int, list[Term]] = {}
        self.arcs: dict[tuple[int, int, int], tuple[list[int], list[Arc]]] = {}
        self.takes: dict[tuple[int, int, int, int], cp_model.IntVar] = {}
        self._routes()
        self._anchors()
        self._teams()
        self._visits_per_need(visits_left or {})
        self._day_caps()
        self._week_caps(week_left)

    def _start_var(self, i: int) -> cp_model.IntVar:
        need = self.items[i].need
        latest = int(self.problem.need_to[need] - self.problem.need_duration[need])
        return self.model.new_int_var(int(self.problem.need_from[need]), latest, f"s{i}")

    def _routes(self) -> None:
        """Each worker's shift is a circuit from base through the visits it takes."""
        p, c = self.problem, self.candidates
        by_worker_day: dict[tuple[int, int], list[int]] = {}
        for i, item in enumerate(self.items):
            for worker in item.workers:
                by_worker_day.setdefault((worker, item.day), []).append(i)
        for (worker, day), members in by_worker_day.items():
            choices: dict[int, list[cp_model.LiteralT]] = {i: [] for i in members}
            for k, shift in enumerate(p.worker_shifts[worker][day]):
                inside = [
                    i
                    for i in members
                    if c.start_lo[worker, day, k, self.items[i].need]
                    <= c.start_hi[worker, day, k, self.items[i].need]
                ]
                if not inside:
                    continue
                takes = {i: self.model.new_bool_var(f"a{worker}_{day}_{k}_{i}") for i in inside}
                for i, literal in takes.items():
                    self.takes[(worker, day, k, i)] = literal
                for i in inside:
                    choices[i].append(takes[i])
                    duration = int(p.need_duration[self.items[i].need])
                    self.spent.setdefault(worker, []).append((takes[i], duration))
                arcs = self._circuit(worker, shift.start, shift.end, inside, takes)
                self.arcs[(worker, day, k)] = (inside, arcs)
            for i in members:
                self.model.add(sum(choices[i]) == self.member[(i, worker)])

    def _point(self, worker: int, inside: list[int], node: int) -> int:
        if node == 0:
            return int(self.problem.worker_base[worker])
        return int(self.problem.need_point[self.items[inside[node - 1]].need])

    def _circuit(
        self,
        worker: int,
        shift_start: int,
        shift_end: int,
        inside: list[int],
        takes: dict[int, cp_model.IntVar],
    ) -> list[Arc]:
        """One shift: node 0 is the base, node ``n`` the ``n``-th visit it may take."""
        p, model = self.problem, self.model
        arcs: list[Arc] = [(0, 0, model.new_bool_var(""))]
        for n, i in enumerate(inside, start=1):
            need = self.items[i].need
            duration = int(p.need_duration[need])
            out, back = model.new_bool_var(""), model.new_bool_var("")
            arcs += [(n, n, takes[i].negated()), (0, n, out), (n, 0, back)]
            leg_out = p.leg(worker, self._point(worker, inside, 0), self._point(worker, inside, n))
            leg_back = p.leg(worker, self._point(worker, inside, n), self._point(worker, inside, 0))
            model.add(self.start[i] >= shift_start + leg_out).only_enforce_if(out)
            model.add(self.start[i] + duration + leg_back <= shift_end).only_enforce_if(back)
            self._pay(worker, out, leg_out)
            self._pay(worker, back, leg_back)
            earliest = max(shift_start + leg_out, int(p.need_from[need]))
            for m, j in enumerate(inside, start=1):
                if m == n:
                    continue
                leg = p.leg(worker, self._point(worker, inside, n), self._point(worker, inside, m))
                other = self.items[j].need
                if earliest + duration + leg > int(p.need_to[other] - p.need_duration[other]):
                    continue
                arc = model.new_bool_var("")
                arcs.append((n, m, arc))
                model.add(self.start[j] >= self.start[i] + duration + leg).only_enforce_if(arc)
                self._pay(worker, arc, leg)
        model.add_circuit(arcs)
        return arcs

    def _pay(self, worker: int, literal: cp_model.LiteralT, minutes: int) -> None:
        if minutes:
            self.travel.append((literal, minutes))
            self.spent.setdefault(worker, []).append((literal, minutes))

    def _anchors(self) -> None:
        """Anchored visits stay: present, with their team, at their start."""
        for i, item in enumerate(self.items):
            if item.fixed_start is not None:
                self.model.add(self.present[i] == 1)
                self.model.add(self.start[i] == item.fixed_start)
                for worker in item.workers:
                    self.model.add(self.member[(i, worker)] == 1)

    def _teams(self) -> None:
        """A kept visit's members match the staff by role, skills and language."""
        p = self.problem
        for i, item in enumerate(self.items):
            if item.fixed_start is not None:
                continue
            need, y = item.need, self.present[i]
            members = [(w, self.member[(i, w)]) for w in item.workers]
            self.model.add(sum(x for _, x in members) == p.staff_total(need) * y)
            for row in p.team_rules.rows[need]:
                holders = [x for w, x in members if w in row.members]
                self.model.add(sum(holders) >= row.at_least * y)

    def _visits_per_need(self, visits_left: dict[int, int]) -> None:
        """At most ``visits`` visits per need (fewer if some lie outside the model), one a day."""
        by_need: dict[int, list[int]] = {}
        for i, item in enumerate(self.items):
            by_need.setdefault(item.need, []).append(i)
        for need, members in by_need.items():
            cap = visits_left.get(need, int(self.problem.need_visits[need]))
            if cap < len(members):
                self.model.add(sum(self.present[i] for i in members) <= cap)

    def _day_caps(self) -> None:
        """At most ``max_visits_per_day`` visits per worker and day."""
        per_day: dict[tuple[int, int], list[cp_model.LiteralT]] = {}
        for (i, worker), x in self.member.items():
            per_day.setdefault((worker, self.items[i].day), []).append(x)
        for key, members in per_day.items():
            cap = int(self.problem.worker_day_visits[key[0]])
            if cap < len(members):
                self.model.add(sum(members) <= cap)

    def _week_caps(self, week_left: dict[int, int]) -> None:
        """Service plus travel minutes per worker stay within what the week has left."""
        for worker, terms in self.spent.items():
            cap = week_left.get(worker, int(self.problem.worker_week_minutes[worker]))
            if cap < UNLIMITED:
                expr = cp_model.LinearExpr.weighted_sum(
                    [v for v, _ in terms], [c for _, c in terms]
                )
                self.model.add(expr <= max(cap, 0))

    def hint(
        self, visits: list[Visit], routes: dict[tuple[int, int, int], list[RouteStop]]
    ) -> None:
        """Start from a known plan of these items: every variable of it hinted."""
        index = {(item.need, item.day): i for i, item in enumerate(self.items)}
        chosen = {index[(v.need, v.day)]: v for v in visits if (v.need, v.day) in index}
        model = self.model
        for i, item in enumerate(self.items):
            visit = chosen.get(i)
            model.add_hint(self.present[i], visit is not None)
            if visit is not None:
                model.add_hint(self.start[i], visit.start)
            for worker in item.workers:
                literal = self.member[(i, worker)]
                model.add_hint(literal, visit is not None and worker in visit.team)
        for (worker, day, k), (inside, arcs) in self.arcs.items():
            stops = routes.get((worker, day, k), [])
            order = [inside.index(index[(s.need, day)]) + 1 for s in stops]
            used = set(zip([0, *order], [*order, 0], strict=True)) if order else {(0, 0)}
            used |= {(n, n) for n in range(1, len(inside) + 1) if n not in order}
            for a, b, arc in arcs:
                if isinstance(arc, cp_model.IntVar):
                    model.add_hint(arc, (a, b) in used)
            for n, i in enumerate(inside, start=1):
                model.add_hint(self.takes[(worker, day, k, i)], n in order)

    def travel_expr(self) -> cp_model.LinearExpr:
        """Total travel minutes."""
        return cp_model.LinearExpr.weighted_sum(
            [v for v, _ in self.travel], [c for _, c in self.travel]
        )

    def read(self, solver: cp_model.CpSolver, proven: bool) -> Routed:
        """The solution as visits and shift routes."""
        visits, starts = [], {}
        for i, item in enumerate(self.items):
            if solver.boolean_value(self.present[i]):
                team = tuple(
                    sorted(w for w in item.workers if solver.boolean_value(self.member[(i, w)]))
                )
                starts[i] = int(solver.value(self.start[i]))
                visits.append(Visit(item.need, item.day, starts[i], team))
        routes: dict[tuple[int, int, int], list[RouteStop]] = {}
        for key, (inside, arcs) in self.arcs.items():
            taken = [
                inside[b - 1]
                for a, b, lit in arcs
                if a != b and b > 0 and solver.boolean_value(lit)
            ]
            stops = sorted(
                (
                    RouteStop(
                        starts[i],
                        starts[i] + int(self.problem.need_duration[self.items[i].need]),
                        self.items[i].need,
                    )
                    for i in taken
                ),
                key=lambda stop: stop.start,
            )
            if stops:
                routes[key] = stops
        return Routed(visits, routes, proven)


def _solver(time_limit: float, params: SolveParams) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    set_limit(solver.parameters, time_limit, params)
    return solver


def improve_day(
    problem: Problem,
    candidates: Candidates,
    items: list[RouteItem],
    current: Routed,
    week_left: dict[int, int],
    visits_left: dict[int, int],
    params: SolveParams,
) -> Routed | None:
    """Re-plan one day's visits with free teams, starting from the current plan of that day.

    Parameters
    ----------
    problem, candidates
        The week and its feasibility facts.
    items
        The day's possible visits with their candidate workers; every visit of ``current``
        must be among them, with its team.
    current
        The day as planned now (a valid plan, used as the starting point).
    week_left, visits_left
        Week minutes each worker has outside this day; visits each need may still get.
    params
        Time limit, seed, workers.

    Returns
    -------
    Routed or None
        The best plan found (never worse than ``current`` under the objective: visits by
        priority, then travel), or None when the search found nothing.
    """
    built = _RoutingModel(
        problem,
        candidates,
        items,
        week_left=week_left,
        visits_left=visits_left,
    )
    room = 100_000
    count = len(items) + 1
    weights = [room * count ** (5 - int(problem.need_priority[i.need])) for i in items]
    built.model.maximize(
        cp_model.LinearExpr.weighted_sum(built.present, weights) - built.travel_expr()
    )
    if params.hints:
        built.hint(current.visits, current.routes)
    solver = _solver(params.time_limit, params)
    status = solver.solve(built.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return built.read(solver, status == cp_model.OPTIMAL)


def exact_items(problem: Problem, candidates: Candidates) -> list[RouteItem]:
    """Every (need, day) that some team could serve, with every worker who could join."""
    items = []
    for need in range(problem.n_needs):
        for day in range(N_DAYS):
            if not problem.need_days[need, day]:
                continue
            workers = candidates.workers_for(need, day)
            if team_possible(problem, need, workers):
                items.append(RouteItem(need, day, tuple(int(w) for w in workers)))
    return items


@dataclass(frozen=True)
class ExactResult:
    """The exact model's plan, its tier bounds, and what is proven.

    ``tiers_proven``: the visits per priority are proven best; ``optimal``: every phase is.
    """

    routed: Routed | None
    tier_bound: dict[int, int]
    tiers_proven: bool
    optimal: bool


def solve_exact(
    problem: Problem, candidates: Candidates, items: list[RouteItem], params: SolveParams
) -> ExactResult:
    """Solve a small week exactly: the spec's lexicographic objective, phase by phase.

    Phases: visits of priority 1 … 5; resource units of priority 1 … 5; travel; visits with a
    preferred worker; the largest worker load. Each phase's optimum is fixed before the next.

    Parameters
    ----------
    problem, candidates
        The week and its feasibility facts.
    items
        From :func:`exact_items`.
    params
        Time limit for all phases, seed, workers.

    Returns
    -------
    ExactResult
        ``optimal`` when every phase was proven within the time limit.
    """
    built = _RoutingModel(problem, candidates, items, week_left={})
    model = built.model
    phases: list[tuple[str, cp_model.LinearExprT, int | None]] = []
    for priority in PRIORITIES:
        members = [
            built.present[i]
            for i, it in enumerate(items)
            if problem.need_priority[it.need] == priority
        ]
        if members:
            phases.append(("max", sum(members), priority))
    phases += [("max", e, None) for e in _resource_units(built)]
    phases.append(("min", built.travel_expr(), None))
    phases.append(("max", _preferred_visits(built), None))
    phases.append(("min", _largest_load(built), None))
    tier_bound: dict[int, int] = dict.fromkeys(PRIORITIES, 0)
    proven = True
    tiers_proven = all(t is None for _, _, t in phases)
    last: cp_model.CpSolver | None = None
    budget = Budget(params.time_limit, params.repeatable)
    for index, (sense, expr, tier) in enumerate(phases):
        left = budget.left()
        if left <= 0.01:
            proven = False
            break
        model.maximize(expr) if sense == "max" else model.minimize(expr)
        if last is not None:
            model.clear_hints()  # type: ignore[no-untyped-call]
            for var in [*built.present, *built.start]:
                model.add_hint(var, last.value(var))
        share = left / (len(phases) - index)
        solver = _solver(share, params)
        budget.charge(share)
        status = solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            proven = False
            break
        value = round(solver.objective_value)
        if tier is not None:
            tier_bound[tier] = round(solver.best_objective_bound)
        proven &= status == cp_model.OPTIMAL
        model.add(expr >= value) if sense == "max" else model.add(expr <= value)
        last = solver
        if tier is not None and all(t is None for _, _, t in phases[index + 1 :]):
            tiers_proven = proven
    if last is None:
        return ExactResult(None, tier_bound, False, False)
    return ExactResult(built.read(last, proven), tier_bound, tiers_proven, proven)


def _resource_units(built: _RoutingModel) -> list[cp_model.LinearExprT]:
    """Units handed over per priority (one expression per priority with requests)."""
    p, model = built.problem, built.model
    served: dict[int, cp_model.IntVar] = {}
    by_need: dict[int, list[cp_model.IntVar]] = {}
    for i, item in enumerate(built.items):
        by_need.setdefault(item.need, []).append(built.present[i])
    given: dict[int, list[cp_model.IntVar]] = {}
    per_resource: dict[int, list[cp_model.IntVar]] = {}
    for need, visits in by_need.items():
        for r in np.flatnonzero((p.need_request[need] > 0) & p.need_eligible[need]).tolist():
            if need not in served:
                served[need] = model.new_bool_var(f"served{need}")
                model.add(served[need] <= sum(visits))
            units = model.new_int_var(0, int(p.need_request[need, r]), f"q{need}_{r}")
            model.add(units <= int(p.need_request[need, r]) * served[need])
            given.setdefault(int(p.need_priority[need]), []).append(units)
            per_resource.setdefault(int(r), []).append(units)
    for r, units_list in per_resource.items():
        model.add(sum(units_list) <= int(p.resource_stock[r]))
    return [sum(given[q]) for q in PRIORITIES if q in given]


def _preferred_visits(built: _RoutingModel) -> cp_model.LinearExprT:
    """Visits whose team includes a preferred worker."""
    p, model = built.problem, built.model
    terms = []
    for i, item in enumerate(built.items):
        preferred = [built.member[(i, w)] for w in item.workers if p.need_preferred[item.need, w]]
        if preferred:
            hit = model.new_bool_var(f"pref{i}")
            model.add(hit <= sum(preferred))
            terms.append(hit)
    return sum(terms)


def _largest_load(built: _RoutingModel) -> cp_model.IntVar:
    """The largest service plus travel minutes of any worker."""
    largest = built.model.new_int_var(0, 7 * 24 * 60, "largest_load")
    for terms in built.spent.values():
        built.model.add(
            largest
            >= cp_model.LinearExpr.weighted_sum([v for v, _ in terms], [c for _, c in terms])
        )
    return largest
