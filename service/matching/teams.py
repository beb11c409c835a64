"""The team rule as data: per need, rows "at least k members of the visit are in this set".

A visit's team must match ``need.staff`` exactly by size, have at least the asked number of
each role, hold every asked skill between them and have someone speaking a wanted language.
Each of these is a row ``(members, at_least)`` over worker indices, built once per problem, so
checking a team is counting, and a new kind of rule (two adults for a visit to a child, a
gender match) is a new row, not new code in every part of the solver.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from service.matching.problem import N_ROLES

if TYPE_CHECKING:
    from service.matching.problem import Problem

RowKind = Literal["role", "skill", "language"]


@dataclass(frozen=True)
class Row:
    """At least ``at_least`` members of a visit's team must be among ``members``.

    ``kind`` and ``codes`` say what the row asks for, for messages and for the shortage
    summary's hypothetical worker: a role code, a skill index, or the wanted language indices.
    """

    kind: RowKind
    codes: tuple[int, ...]
    members: frozenset[int]
    at_least: int


class TeamRules:
    """The rows of every need of a problem.

    Parameters
    ----------
    problem
        The week in solver shape.
    """

    def __init__(self, problem: Problem) -> None:
        by_role = [
            frozenset(np.flatnonzero(problem.worker_role == r).tolist()) for r in range(N_ROLES)
        ]
        by_skill = [
            frozenset(np.flatnonzero(problem.worker_skills[:, s]).tolist())
            for s in range(problem.worker_skills.shape[1])
        ]
        self.size: list[int] = problem.need_staff.sum(axis=1).tolist()
        self.rows: list[tuple[Row, ...]] = []
        for need in range(problem.n_needs):
            rows = [
                Row("role", (r,), by_role[r], int(problem.need_staff[need, r]))
                for r in range(N_ROLES)
                if problem.need_staff[need, r]
            ]
            rows += [
                Row("skill", (int(s),), by_skill[s], 1)
                for s in np.flatnonzero(problem.need_skills[need])
            ]
            wanted = problem.need_languages[need]
            if wanted.any():
                speakers = np.flatnonzero(problem.worker_languages[:, wanted].any(axis=1))
                codes = tuple(np.flatnonzero(wanted).tolist())
                rows.append(Row("language", codes, frozenset(speakers.tolist()), 1))
            self.rows.append(tuple(rows))

    def allows(self, need: int, team: Iterable[int]) -> bool:
        """Whether ``team`` (distinct workers) is a valid team for a visit of ``need``."""
        members = set(team)
        return len(members) == self.size[need] and self.possible(need, members)

    def possible(self, need: int, workers: Iterable[int]) -> bool:
        """Whether the rows can be met by workers drawn from ``workers``.

        Exact for one-person visits and for exactly ``size`` workers; a relaxation for larger
        sets (each row is counted on its own).
        """
        pool = set(workers)
        if len(pool) < self.size[need]:
            return False
        return all(len(pool & row.members) >= row.at_least for row in self.rows[need])

    def exists(self, need: int, workers: Iterable[int]) -> bool:
        """Whether some team of exactly the need's size drawn from ``workers`` meets every row.

        Exact: workers are grouped by which rows they belong to (workers of one group are
        interchangeable), and the few groups are searched with repetition.
        """
        rows = self.rows[need]
        groups: dict[tuple[bool, ...], int] = {}
        for worker in set(workers):
            mark = tuple(worker in row.members for row in rows)
            groups[mark] = groups.get(mark, 0) + 1
        if sum(groups.values()) < self.size[need]:
            return False
        return _cover(list(groups.items()), self.size[need], [row.at_least for row in rows])

    def failing(self, need: int, workers: Iterable[int]) -> list[Row]:
        """The rows ``workers`` cannot meet even all together."""
        pool = set(workers)
        return [row for row in self.rows[need] if len(pool & row.members) < row.at_least]

    def pool(self, need: int, ranked: Iterable[int], per_row: int, anyone: int) -> set[int]:
        """A few workers from ``ranked`` (best first) for each row, and the ``anyone`` best.

        The pool a team is looked for in: for every row, its first ``per_row`` members.
        """
        order = list(ranked)
        chosen = set(order[:anyone])
        for row in self.rows[need]:
            chosen.update([w for w in order if w in row.members][:per_row])
        return chosen


def _cover(groups: list[tuple[tuple[bool, ...], int]], slots: int, wanted: list[int]) -> bool:
    """Whether at most ``slots`` workers from ``groups`` (membership, count) cover ``wanted``.

    Rows only ask for "at least", so the team's other places can go to anyone.
    """
    if all(w <= 0 for w in wanted):
        return True
    if slots == 0 or not groups:
        return False
    (mark, count), rest = groups[0], groups[1:]
    for take in range(min(count, slots), -1, -1):
        left = [w - take * m for w, m in zip(wanted, mark, strict=True)]
        if _cover(rest, slots - take, left):
            return True
    return False
