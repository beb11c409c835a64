"""A broken rule of the plan format, as the checker reports it."""

from __future__ import annotations

from dataclasses import dataclass

BOOKKEEPING = 7
"""Rule number of the plan's own totals (routes, metrics, unmet, status)."""


@dataclass(frozen=True)
class Violation:
    """One broken rule of a plan.

    Parameters
    ----------
    rule
        The spec's rule number, 1 to 6, or 7 for the plan's bookkeeping (route totals,
        metrics, ``unmet``, ``status``).
    code
        A short stable code such as ``"skill_missing"``.
    message
        A plain sentence that names ids only (need, worker, resource, day).
    """

    rule: int
    code: str
    message: str
