"""Who could serve which need on which day: each feasibility fact satisfied and violated.

Workers start at the station; the need is in v01, 6 minutes away by ebike (see matching_kit).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from matching_kit import EBIKE_TO_V01, need, problem_of, town, worker

from service.matching.candidates import Candidates, find_candidates, team_possible
from service.matching.problem import Problem

MON, TUE = 0, 1


def facts(workers: list[dict[str, Any]], **need_fields: Any) -> tuple[Problem, Candidates]:
    """The solver problem and candidates of one need ``n1`` with the given workers."""
    problem = problem_of(town(workers, [need("n1", **need_fields)]))
    return problem, find_candidates(problem)


def test_role_must_fill_a_staff_slot() -> None:
    """A volunteer need: the volunteer fits, the social worker does not."""
    _, c = facts([worker("sw1"), worker("vol2", "volunteer")], staff={"volunteer": 1})
    assert c.role_fits[:, 0].tolist() == [False, True]
    assert c.day_ok[:, MON, 0].tolist() == [False, True]


def test_any_slot_takes_every_role() -> None:
    """An ``any`` slot is filled by a social worker, a volunteer and a liaison alike."""
    workers = [worker("sw1"), worker("vol2", "volunteer"), worker("li3", "liaison")]
    _, c = facts(workers, staff={"any": 1})
    assert c.role_fits[:, 0].tolist() == [True, True, True]


def test_excluded_worker_is_not_qualified() -> None:
    """An excluded worker fits the role but is not qualified; the other one is."""
    _, c = facts([worker("sw1"), worker("sw2")], excluded_workers=["sw1"])
    assert c.role_fits[:, 0].tolist() == [True, True]
    assert c.qualified[:, 0].tolist() == [False, True]
    assert c.workers_for(0, MON).tolist() == [1]


@pytest.mark.parametrize(("limit", "reachable"), [(EBIKE_TO_V01 - 1, False), (EBIKE_TO_V01, True)])
def test_range_is_the_one_way_trip(limit: int, reachable: bool) -> None:
    """max_travel_minutes just below the 6-minute trip excludes the worker; equal to it admits."""
    _, c = facts([worker("sw1", max_travel_minutes=limit)])
    assert c.oneway[0, 0] == EBIKE_TO_V01
    assert bool(c.in_range[0, 0]) is reachable
    assert bool(c.day_ok[0, MON, 0]) is reachable


@pytest.mark.parametrize(("end", "fits"), [("10:12", True), ("10:11", False)])
def test_shift_must_hold_travel_there_visit_and_back(end: str, fits: bool) -> None:
    """09:00 to 10:12 holds 6 + 60 + 6 minutes; one minute less does not."""
    _, c = facts([worker("sw1", availability={"mon": [["09:00", end]]})])
    assert bool(c.day_ok[0, MON, 0]) is fits
    assert c.start_lo[0, MON, 0, 0] == 9 * 60 + EBIKE_TO_V01
    assert c.start_hi[0, MON, 0, 0] == (9 * 60 + EBIKE_TO_V01) - (0 if fits else 1)


@pytest.mark.parametrize(("to", "fits"), [("10:00", True), ("09:59", False)])
def test_visit_must_end_inside_the_window(to: str, fits: bool) -> None:
    """A 60-minute visit fits the window 09:00-10:00 exactly and not 09:00-09:59."""
    workers = [worker("sw1", availability={"mon": [["08:00", "12:00"]]})]
    _, c = facts(workers, window={"days": ["mon"], "from": "09:00", "to": to})
    assert bool(c.day_ok[0, MON, 0]) is fits
    assert c.start_lo[0, MON, 0, 0] == 9 * 60


def test_day_must_be_a_window_day_and_a_working_day() -> None:
    """A Tuesday need: possible for the worker free on Tuesday only, on Tuesday only."""
    window = {"days": ["tue"], "from": "09:00", "to": "12:00"}
    workers = [worker("sw1"), worker("sw2", availability={"tue": [["09:00", "12:00"]]})]
    _, c = facts(workers, window=window)
    assert not c.day_ok[0].any()
    assert np.flatnonzero(c.day_ok[1, :, 0]).tolist() == [TUE]


def test_each_shift_is_judged_alone() -> None:
    """A 30-minute early shift cannot hold the visit; the later shift the same day can."""
    shifts = {"mon": [["08:00", "08:30"], ["09:00", "12:00"]]}
    _, c = facts([worker("sw1", availability=shifts)])
    assert c.start_lo[0, MON, 0, 0] > c.start_hi[0, MON, 0, 0]
    assert c.start_lo[0, MON, 1, 0] <= c.start_hi[0, MON, 1, 0]
    assert c.day_ok[0, MON, 0]


@pytest.mark.parametrize(
    ("second_shift", "meet"), [(["09:48", "12:00"], True), (["09:49", "12:00"], False)]
)
def test_can_meet_needs_a_shared_start(second_shift: list[str], meet: bool) -> None:
    """The pair meets only if their start intervals overlap (sw1 starts 09:06 to 09:54)."""
    workers = [
        worker("sw1", availability={"mon": [["09:00", "11:00"]]}),
        worker("vol2", "volunteer", availability={"mon": [second_shift]}),
    ]
    _, c = facts(workers, staff={"social_worker": 1, "volunteer": 1})
    assert c.day_ok[:, MON, 0].all()
    assert c.can_meet(0, MON, 0, 1) is meet


def pair_problem(**need_fields: Any) -> Problem:
    """A social worker who speaks changshu and knows first aid, and a mandarin volunteer."""
    workers = [
        worker("sw1", skills=["first_aid"], languages=["changshu"]),
        worker("vol2", "volunteer", skills=["sign_language"]),
        worker("sw3", skills=["elderly_care"]),
    ]
    problem, _ = facts(workers, **need_fields)
    return problem


@pytest.mark.parametrize(
    ("team", "possible"), [([0, 1], True), ([0, 2], False), ([1], False), ([0], False)]
)
def test_team_possible_counts_roles(team: list[int], possible: bool) -> None:
    """A social worker + volunteer need: only a team with one of each qualifies."""
    problem = pair_problem(staff={"social_worker": 1, "volunteer": 1})
    assert team_possible(problem, 0, np.array(team)) is possible


@pytest.mark.parametrize(("team", "possible"), [([0, 1], True), ([0, 2], False)])
def test_team_possible_pools_skills(team: list[int], possible: bool) -> None:
    """First aid and sign language: held between the pair sw1 + vol2, not by sw1 + sw3."""
    problem = pair_problem(staff={"any": 2}, skills=["first_aid", "sign_language"])
    assert team_possible(problem, 0, np.array(team)) is possible


@pytest.mark.parametrize(("team", "possible"), [([0, 1], True), ([1, 2], False)])
def test_team_possible_needs_one_speaker(team: list[int], possible: bool) -> None:
    """A changshu need: a pair with the changshu speaker qualifies, a pair without does not."""
    problem = pair_problem(staff={"any": 2}, languages=["changshu"])
    assert team_possible(problem, 0, np.array(team)) is possible


@pytest.mark.parametrize(("team", "possible"), [([1, 2], True), ([2], False)])
def test_team_possible_needs_enough_people(team: list[int], possible: bool) -> None:
    """An ``any: 2`` need: two workers of any roles qualify, one does not."""
    problem = pair_problem(staff={"any": 2})
    assert team_possible(problem, 0, np.array(team)) is possible
