"""Who could serve which need on which day: the facts every later step starts from.

Impossible (worker, need, day) combinations are dropped here, before any solver variable exists.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from service.matching.problem import N_DAYS, STAFF_ANY, BoolArray, IntArray, Problem

Int32Array = npt.NDArray[np.int32]


@dataclass(frozen=True)
class Candidates:
    """Feasibility of each (worker, need) pair, and of each day and shift.

    Attributes
    ----------
    oneway
        ``(workers, needs)`` minutes from the worker's base to the household.
    role_fits
        The worker's role fills some staff slot of the need.
    qualified
        ``role_fits`` and not excluded (skills and languages are team properties).
    in_range
        ``qualified`` and the one-way trip is within the worker's ``max_travel_minutes``.
    start_lo, start_hi
        ``(workers, 7, shifts, needs)`` earliest and latest start of a visit alone in that
        shift, travel from and back to base included; empty where ``lo > hi``.
    day_ok
        ``(workers, 7, needs)``: ``in_range`` and some shift of that day can hold the visit.
    """

    oneway: IntArray
    role_fits: BoolArray
    qualified: BoolArray
    in_range: BoolArray
    start_lo: Int32Array
    start_hi: Int32Array
    day_ok: BoolArray

    def workers_for(self, need: int, day: int) -> IntArray:
        """Workers who could serve ``need`` alone on ``day``."""
        return np.flatnonzero(self.day_ok[:, day, need])

    def can_meet(self, need: int, day: int, a: int, b: int) -> bool:
        """Whether workers ``a`` and ``b`` share a feasible start for ``need`` on ``day``."""
        lo_a, hi_a = self.start_lo[a, day, :, need], self.start_hi[a, day, :, need]
        lo_b, hi_b = self.start_lo[b, day, :, need], self.start_hi[b, day, :, need]
        lo = np.maximum(lo_a[:, None], lo_b[None, :])
        hi = np.minimum(hi_a[:, None], hi_b[None, :])
        return bool((lo <= hi).any())


def find_candidates(problem: Problem) -> Candidates:
    """Compute the feasibility facts of a problem.

    Parameters
    ----------
    problem
        The week in solver shape.

    Returns
    -------
    Candidates
        Dense boolean and interval arrays over workers, days, shifts and needs.
    """
    w_mode = problem.worker_mode[:, None]
    bases, homes = problem.worker_base[:, None], problem.need_point[None, :]
    oneway: IntArray = problem.travel[w_mode, bases, homes].astype(np.int64)
    back: IntArray = problem.travel[w_mode, homes, bases].astype(np.int64)
    staff = problem.need_staff
    role_fits = (staff[:, problem.worker_role].T > 0) | (staff[:, STAFF_ANY][None, :] > 0)
    qualified = role_fits & ~problem.need_excluded.T
    in_range = qualified & (oneway <= problem.worker_max_travel[:, None])

    n_workers, n_needs = oneway.shape
    shifts = max(problem.max_shifts, 1)
    start_lo = np.full((n_workers, N_DAYS, shifts, n_needs), 1, dtype=np.int32)
    start_hi = np.full((n_workers, N_DAYS, shifts, n_needs), 0, dtype=np.int32)
    latest_by_window = problem.need_to - problem.need_duration
    for w in range(n_workers):
        for d in range(N_DAYS):
            usable = in_range[w] & problem.need_days[:, d]
            for k, shift in enumerate(problem.worker_shifts[w][d]):
                lo = np.maximum(shift.start + oneway[w], problem.need_from)
                hi = np.minimum(shift.end - back[w] - problem.need_duration, latest_by_window)
                hi = np.where(usable, hi, lo - 1)
                start_lo[w, d, k] = lo
                start_hi[w, d, k] = hi
    day_ok: BoolArray = np.asarray((start_lo <= start_hi).any(axis=2))
    return Candidates(oneway, role_fits, qualified, in_range, start_lo, start_hi, day_ok)


def team_possible(problem: Problem, need: int, workers: IntArray) -> bool:
    """Whether some team drawn from ``workers`` has the roles, skills and language of ``need``.

    It reads the need's rows of :mod:`service.matching.teams`: exact for one-person visits and
    for exactly a team's number of workers, a relaxation for larger sets.
    """
    return problem.team_rules.possible(need, workers.tolist())
