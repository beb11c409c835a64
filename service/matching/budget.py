"""Time budgets: wall seconds, or CP-SAT work for runs that must repeat exactly.

With one CP-SAT worker and a fixed seed a plan must come out the same on every run, however
busy the machine. Such a *repeatable* budget counts the seconds each CP-SAT call was given
(CP-SAT then stops on its deterministic time), never the wall clock, so the search takes the
same steps on every run. A wall-clock safety stop ends a repeatable run that takes more than
``WALL_SAFETY`` times its budget, e.g. on a machine many times slower than expected.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

WALL_SAFETY = 10.0
"""A repeatable run stops anyway once this many times its budget has passed on the wall clock."""
DETERMINISTIC_PER_SECOND = 0.3
"""CP-SAT deterministic time given per second of a repeatable budget. Measured on the 2-core
machine of 2026-11-25 with one worker: one deterministic second took 4-5 CPU seconds on the
week relaxation of 600 visits and about 3 on the day routing models, so 0.3 keeps a repeatable
plan's CPU time near its time limit."""
WORK_PER_SECOND = 500_000
"""Route positions a repeatable ruin-and-recreate search examines per second of budget.
Measured on the 2-core machine of 2026-12-02: 480,000 a second on 600- and 1,500-visit towns
while other jobs shared the machine."""


@dataclass
class Budget:
    """Seconds to spend, and how they are counted.

    Parameters
    ----------
    seconds
        The budget.
    repeatable
        Count the seconds given to CP-SAT calls (deterministic) instead of wall seconds.
    """

    seconds: float
    repeatable: bool
    started: float = field(default_factory=time.perf_counter)
    charged: float = 0.0

    def wall(self) -> float:
        """Wall seconds since the budget started."""
        return time.perf_counter() - self.started

    def left(self) -> float:
        """Seconds left (0 once a repeatable run passes its wall-clock safety stop)."""
        if not self.repeatable:
            return self.seconds - self.wall()
        if self.wall() > WALL_SAFETY * self.seconds:
            return 0.0
        return self.seconds - self.charged

    def charge(self, seconds: float) -> None:
        """Count seconds given to a CP-SAT call (only repeatable budgets keep the count)."""
        self.charged += seconds

    def used(self) -> float:
        """Share of the budget spent, 0 to 1 (for progress reports)."""
        spent = self.charged if self.repeatable else self.wall()
        return min(spent / self.seconds, 1.0) if self.seconds > 0 else 1.0

    def clock(
        self, work: Callable[[], int], reserve: float = 0.0
    ) -> tuple[Callable[[float], bool], Callable[[], float]]:
        """A clock for a search that runs until the budget (less ``reserve``) is spent.

        Parameters
        ----------
        work
            The search's count of work done (route positions examined); a repeatable budget
            converts it to seconds with ``WORK_PER_SECOND``; the caller charges the seconds
            it gave the search.
        reserve
            Seconds to leave for what follows the search.

        Returns
        -------
        tuple
            ``(keep_going(share), share_used())`` as :meth:`RuinRecreate.run` takes them.
        """
        seconds = max(self.left() - reserve, 0.0)
        first = work()
        started = time.perf_counter()

        def used() -> float:
            if seconds <= 0:
                return 1.0
            if self.repeatable:
                return min((work() - first) / (seconds * WORK_PER_SECOND), 1.0)
            return min((time.perf_counter() - started) / seconds, 1.0)

        def keep_going(share: float) -> bool:
            if self.repeatable:
                return share < 1.0 and self.wall() <= WALL_SAFETY * self.seconds
            return share < 1.0

        return keep_going, used
