"""Ruin and recreate: never worse than its start, better where there is room, repeatable."""

from __future__ import annotations

from matching_kit import schedule_problems

from service.generator import generate_town
from service.matching.baselines import cheapest_insertion
from service.matching.budget import Budget
from service.matching.candidates import find_candidates
from service.matching.ruin_recreate import RuinRecreate
from service.to_solver import to_solver


def _search(seconds: float, seed: int = 0) -> tuple[tuple[int, ...], int, tuple[int, ...], int]:
    """Tiers and travel before and after a repeatable search on a scarce generated town."""
    problem = to_solver(generate_town(6, 220, 5)).problem
    state = cheapest_insertion(problem, find_candidates(problem))
    before = (state.tiers(), state.travel)
    keep_going, used = Budget(seconds, repeatable=True).clock(lambda: state.work)
    RuinRecreate(state, seed).run(keep_going, used)
    assert schedule_problems(state.to_schedule()) == []
    return (*before, state.tiers(), state.travel)


def test_search_improves_the_insertion_plan_and_stays_valid() -> None:
    """A second of search serves more visits tier by tier, or as many with less travel."""
    tiers_before, travel_before, tiers_after, travel_after = _search(1.0)
    assert (tiers_after, -travel_after) > (tiers_before, -travel_before)


def test_repeatable_search_gives_the_same_week_twice() -> None:
    """With a work-counted budget the same seed gives the same tiers and travel."""
    assert _search(0.3, seed=4) == _search(0.3, seed=4)
