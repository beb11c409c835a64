"""The solver shape: one town's week as plain arrays, in integer minutes.

Nothing here knows about JSON, pydantic or OR-Tools. Workers, needs, resources and points are
numbered from 0; days are 0 (Monday) to 6 (Sunday); times are minutes after midnight.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from service.matching.teams import TeamRules

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

ROLE_SOCIAL_WORKER = 0
ROLE_VOLUNTEER = 1
ROLE_LIAISON = 2
STAFF_ANY = 3
"""Column of ``Problem.need_staff`` for slots any role may fill."""
N_ROLES = 3
N_DAYS = 7
PRIORITIES = (1, 2, 3, 4, 5)
UNLIMITED = 10**6


@dataclass(frozen=True)
class Shift:
    """A worker's working span on one day, in minutes after midnight."""

    start: int
    end: int


@dataclass(frozen=True)
class Problem:
    """A town's week in the solver shape.

    Attributes
    ----------
    travel
        ``(modes, points, points)`` travel minutes per transport mode.
    worker_role, worker_mode, worker_base
        Role code, transport mode index and base point of each worker.
    worker_skills, worker_languages
        ``(workers, skills)`` and ``(workers, languages)`` boolean matrices.
    worker_shifts
        ``worker_shifts[w][d]``: the worker's shifts on day ``d``, in the scenario's order.
    worker_week_minutes, worker_day_visits, worker_max_travel
        Caps (``UNLIMITED`` when the scenario sets none).
    need_point, need_priority, need_visits, need_duration
        Per need: location point, priority 1-5, visits requested, minutes per visit.
    need_days, need_from, need_to
        ``(needs, 7)`` allowed days and the window's start and end minutes.
    need_staff
        ``(needs, 4)`` workers per visit by role, the last column for any role.
    need_skills, need_languages
        Required skills (all, between the team) and languages (one of, by someone).
    need_excluded, need_preferred
        ``(needs, workers)`` hard exclusions and soft preferences.
    need_mandatory
        Whether the need is mandatory.
    need_request, need_eligible
        ``(needs, resources)`` units requested and whether the need may receive the resource.
    resource_stock
        Units available this week.
    """

    travel: npt.NDArray[np.int32]
    worker_role: IntArray
    worker_mode: IntArray
    worker_base: IntArray
    worker_skills: BoolArray
    worker_languages: BoolArray
    worker_shifts: tuple[tuple[tuple[Shift, ...], ...], ...]
    worker_week_minutes: IntArray
    worker_day_visits: IntArray
    worker_max_travel: IntArray
    need_point: IntArray
    need_priority: IntArray
    need_visits: IntArray
    need_duration: IntArray
    need_days: BoolArray
    need_from: IntArray
    need_to: IntArray
    need_staff: IntArray
    need_skills: BoolArray
    need_languages: BoolArray
    need_excluded: BoolArray
    need_preferred: BoolArray
    need_mandatory: BoolArray
    need_request: IntArray
    need_eligible: BoolArray
    resource_stock: IntArray

    @cached_property
    def team_rules(self) -> TeamRules:
        """The team rule of every need as rows (built on first use)."""
        from service.matching.teams import TeamRules

        return TeamRules(self)

    @property
    def n_workers(self) -> int:
        """Number of workers."""
        return len(self.worker_role)

    @property
    def n_needs(self) -> int:
        """Number of needs."""
        return len(self.need_priority)

    @property
    def max_shifts(self) -> int:
        """The largest number of shifts any worker has on one day."""
        return max((len(day) for days in self.worker_shifts for day in days), default=0)

    def leg(self, worker: int, a: int, b: int) -> int:
        """Travel minutes from point ``a`` to point ``b`` for ``worker``."""
        return int(self.travel[self.worker_mode[worker], a, b])

    def with_worker(
        self,
        role: int,
        skills: BoolArray,
        languages: BoolArray,
        base: int,
        shifts: tuple[tuple[Shift, ...], ...],
    ) -> Problem:
        """A copy with one more worker (ebike, 6 visits a day, 60 minutes' range).

        Parameters
        ----------
        role
            Role code.
        skills, languages
            Boolean rows over the problem's skill and language codes.
        base
            Point index of the worker's base.
        shifts
            Shifts per day, Monday first.

        Returns
        -------
        Problem
            A new problem; existing workers keep their indices, the new one is last.
        """
        no = np.zeros((self.n_needs, 1), dtype=bool)
        return replace(
            self,
            worker_role=np.append(self.worker_role, role),
            worker_mode=np.append(self.worker_mode, 1),
            worker_base=np.append(self.worker_base, base),
            worker_skills=np.vstack([self.worker_skills, skills[None, :]]),
            worker_languages=np.vstack([self.worker_languages, languages[None, :]]),
            worker_shifts=(*self.worker_shifts, shifts),
            worker_week_minutes=np.append(self.worker_week_minutes, UNLIMITED),
            worker_day_visits=np.append(self.worker_day_visits, 6),
            worker_max_travel=np.append(self.worker_max_travel, 60),
            need_excluded=np.hstack([self.need_excluded, no]),
            need_preferred=np.hstack([self.need_preferred, no]),
        )

    def restricted(self, needs: IntArray) -> Problem:
        """The same week with only ``needs`` (in that order); workers and points unchanged."""
        return replace(
            self,
            need_point=self.need_point[needs],
            need_priority=self.need_priority[needs],
            need_visits=self.need_visits[needs],
            need_duration=self.need_duration[needs],
            need_days=self.need_days[needs],
            need_from=self.need_from[needs],
            need_to=self.need_to[needs],
            need_staff=self.need_staff[needs],
            need_skills=self.need_skills[needs],
            need_languages=self.need_languages[needs],
            need_excluded=self.need_excluded[needs],
            need_preferred=self.need_preferred[needs],
            need_mandatory=self.need_mandatory[needs],
            need_request=self.need_request[needs],
            need_eligible=self.need_eligible[needs],
        )

    def route_travel(self, worker: int, needs: list[int]) -> int:
        """Travel minutes of a shift route from the worker's base through ``needs`` and back."""
        base = int(self.worker_base[worker])
        points = [base, *(int(self.need_point[n]) for n in needs), base]
        return sum(self.leg(worker, a, b) for a, b in itertools.pairwise(points))

    def staff_total(self, need: int) -> int:
        """Workers one visit of ``need`` takes."""
        return int(self.need_staff[need].sum())
