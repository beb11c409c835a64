"""Why a need was not fully served, from facts: who is qualified, in range, free, and busy.

Findings carry codes and numbers; the domain layer turns them into sentences.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from service.matching.candidates import Candidates
from service.matching.problem import STAFF_ANY, Problem
from service.matching.solution import Solution


@dataclass(frozen=True)
class Finding:
    """One reason, with the facts a coordinator needs to act on it.

    Attributes
    ----------
    code
        A reason code of the spec.
    workers
        How many workers passed the checks before this one failed.
    days
        Days (0 = Monday) the finding is about.
    lacking
        What the team lacks: ``("role", role)``, ``("skill", skill)``, ``("language", lang)``.
    nearest, limit
        Minutes to the nearest worker who could help, and that worker's travel limit.
    busy_visits, busy_priorities
        Visits that took the workers' time, and their lowest and highest priority.
    excluded
        Workers excluded from the need who would have qualified.
    resource, quantity
        A resource that ran out and the units short.
    """

    code: str
    workers: int = 0
    days: tuple[int, ...] = ()
    lacking: tuple[tuple[str, int], ...] = ()
    nearest: int = 0
    limit: int = 0
    busy_visits: int = 0
    busy_priorities: tuple[int, ...] = ()
    excluded: tuple[int, ...] = ()
    resource: int = -1
    quantity: int = 0


@dataclass(frozen=True)
class Unserved:
    """A need short of visits or resource units, with its findings."""

    need: int
    missing_visits: int
    missing_resources: dict[int, int]
    findings: list[Finding]


def _lacking(problem: Problem, need: int, workers: np.ndarray) -> list[tuple[str, int]]:
    """What ``workers`` together fall short of: the need's team rows they cannot meet.

    Each as ``(kind, code)`` for messages (every wanted language of a language row), and
    ``("role", STAFF_ANY)`` when no row fails but there are fewer workers than slots.
    """
    failing = problem.team_rules.failing(need, workers.tolist())
    lacking: list[tuple[str, int]] = [(row.kind, code) for row in failing for code in row.codes]
    if len(set(workers.tolist())) < problem.staff_total(need) and not any(
        row.kind == "role" for row in failing
    ):
        lacking.insert(0, ("role", STAFF_ANY))
    return lacking


def _brings(problem: Problem, need: int, worker: int, what: tuple[str, int]) -> bool:
    """Whether ``worker`` is in the need's row that ``what`` names (anyone for any role)."""
    kind, code = what
    if kind == "role" and code == STAFF_ANY:
        return True
    return any(
        worker in row.members
        for row in problem.team_rules.rows[need]
        if row.kind == kind and code in row.codes
    )


def _visit_findings(
    problem: Problem, candidates: Candidates, solution: Solution, need: int, missing: int
) -> list[Finding]:
    """The reasons one need is short of ``missing`` visits: first what its record rules out."""
    window = tuple(int(d) for d in np.flatnonzero(problem.need_days[need]))
    beyond = int(problem.need_visits[need]) - len(window)
    too_short = problem.need_to[need] - problem.need_from[need] < problem.need_duration[need]
    found = [Finding("window_too_short")] if too_short else []
    if beyond > 0:
        found.append(Finding("too_few_days", days=window))
    if not too_short and missing > max(beyond, 0):
        found += _staffing_findings(problem, candidates, solution, need)
    return found


def _staffing_findings(
    problem: Problem, candidates: Candidates, solution: Solution, need: int
) -> list[Finding]:
    """Why the visits the window allows were not all planned: who is qualified, near, free."""
    role_fits = np.flatnonzero(candidates.role_fits[:, need])
    rules = problem.team_rules
    lacking = _lacking(problem, need, role_fits)
    if lacking or not rules.exists(need, role_fits.tolist()):
        return [Finding("no_qualified_worker", len(role_fits), lacking=tuple(lacking))]
    qualified = np.flatnonzero(candidates.qualified[:, need])
    if not rules.exists(need, qualified.tolist()):
        excluded = np.flatnonzero(problem.need_excluded[need] & candidates.role_fits[:, need])
        return [Finding("excluded", len(qualified), excluded=tuple(excluded.tolist()))]
    in_range = np.flatnonzero(candidates.in_range[:, need])
    if not rules.exists(need, in_range.tolist()):
        lacking = _lacking(problem, need, in_range) or [("role", STAFF_ANY)]
        reach = set(in_range.tolist())
        helpers = [
            w
            for w in qualified.tolist()
            if w not in reach and _brings(problem, need, w, lacking[0])
        ]
        nearest = min(helpers or qualified.tolist(), key=lambda w: int(candidates.oneway[w, need]))
        return [
            Finding(
                "out_of_range",
                len(qualified),
                lacking=tuple(lacking),
                nearest=int(candidates.oneway[nearest, need]),
                limit=int(problem.worker_max_travel[nearest]),
            )
        ]
    window = [int(d) for d in np.flatnonzero(problem.need_days[need])]
    possible = tuple(
        d for d in window if rules.exists(need, candidates.workers_for(need, d).tolist())
    )
    findings = []
    if len(possible) < min(int(problem.need_visits[need]), len(window)):
        findings.append(Finding("no_shared_availability", len(in_range), possible))
    served_days = {v.day for v in solution.visits if v.need == need}
    open_days = tuple(d for d in possible if d not in served_days)
    if open_days:
        pool = set(np.flatnonzero(candidates.day_ok[:, list(open_days), need].any(axis=1)).tolist())
        busy = [
            int(problem.need_priority[v.need])
            for v in solution.visits
            if v.day in open_days and pool & set(v.team)
        ]
        findings.append(
            Finding(
                "capacity_exhausted",
                len(pool),
                open_days,
                busy_visits=len(busy),
                busy_priorities=(min(busy), max(busy)) if busy else (),
            )
        )
    return findings or [Finding("capacity_exhausted", len(in_range), possible)]


def _resource_findings(
    problem: Problem, solution: Solution, need: int, visited: bool, missing: dict[int, int]
) -> list[Finding]:
    """Why requested units were not handed over: not eligible, or the stock ran out.

    A need without any planned visit gets no stock finding: its visit findings say why.
    """
    found = []
    for resource, quantity in missing.items():
        if not problem.need_eligible[need, resource]:
            found.append(Finding("not_eligible", resource=resource, quantity=quantity))
        elif visited and solution.given[:, resource].sum() >= problem.resource_stock[resource]:
            found.append(Finding("resource_out_of_stock", resource=resource, quantity=quantity))
    return found


def diagnose(problem: Problem, candidates: Candidates, solution: Solution) -> list[Unserved]:
    """Explain every need short of visits or resource units.

    Parameters
    ----------
    problem, candidates
        The week and its feasibility facts.
    solution
        The plan to explain.

    Returns
    -------
    list of Unserved
        In need order; each has at least one finding.
    """
    planned = Counter(v.need for v in solution.visits)
    explained = []
    for need in range(problem.n_needs):
        missing = int(problem.need_visits[need]) - planned[need]
        short = problem.need_request[need] - solution.given[need]
        missing_resources = {int(r): int(short[r]) for r in np.flatnonzero(short > 0)}
        if missing <= 0 and not missing_resources:
            continue
        findings = (
            _visit_findings(problem, candidates, solution, need, missing) if missing > 0 else []
        )
        findings += _resource_findings(
            problem, solution, need, planned[need] > 0, missing_resources
        )
        explained.append(Unserved(need, max(missing, 0), missing_resources, findings))
    return explained
