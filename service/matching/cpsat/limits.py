"""How long a CP-SAT call may run: wall seconds, or deterministic time for repeatable runs."""

from __future__ import annotations

from ortools.sat.python.cp_model_helper import SatParameters

from service.matching.assignment import SolveParams
from service.matching.budget import DETERMINISTIC_PER_SECOND, WALL_SAFETY


def set_limit(parameters: SatParameters, seconds: float, params: SolveParams) -> None:
    """Give a CP-SAT call ``seconds``, with the seed and workers of ``params``.

    Parameters
    ----------
    parameters
        The solver's ``SatParameters``.
    seconds
        The call's share of the budget.
    params
        Seed and workers; with one worker the limit is CP-SAT's deterministic time, scaled by
        ``DETERMINISTIC_PER_SECOND`` (the run repeats exactly), and the wall limit only a
        safety stop.
    """
    seconds = max(seconds, 0.05)
    parameters.random_seed = params.seed
    parameters.num_workers = params.workers
    if params.repeatable:
        parameters.max_deterministic_time = seconds * DETERMINISTIC_PER_SECOND
        parameters.max_time_in_seconds = seconds * WALL_SAFETY
    else:
        parameters.max_time_in_seconds = seconds
