"""The team rule as rows: each kind of row with both outcomes, and exact team existence."""

from __future__ import annotations

from typing import Any

from matching_kit import Json, need, problem_of, town, worker

from service.matching.problem import Problem

PAIR = {"social_worker": 1, "volunteer": 1}


def _problem(workers: list[Json], **fields: Any) -> Problem:
    return problem_of(town(workers, [need("n1", **fields)]))


def test_role_row_holds_with_the_role_and_fails_without() -> None:
    """A social worker + volunteer visit takes one of each; two social workers do not do."""
    problem = _problem(
        [worker("sw01"), worker("sw02"), worker("vol01", role="volunteer")], staff=PAIR
    )
    rules = problem.team_rules
    assert rules.allows(0, (0, 2))
    assert not rules.allows(0, (0, 1))


def test_size_row_requires_exactly_the_staff_count() -> None:
    """A one-person visit is not served by two workers, even if both qualify."""
    rules = _problem([worker("sw01"), worker("sw02")]).team_rules
    assert rules.allows(0, (0,))
    assert not rules.allows(0, (0, 1))


def test_skill_row_holds_when_a_member_has_the_skill() -> None:
    """A pair visit asking for a skill is valid when the volunteer holds it, not when none does."""
    workers = [
        worker("sw01"),
        worker("vol01", role="volunteer", skills=["sign_language"]),
        worker("vol02", role="volunteer"),
    ]
    rules = _problem(workers, staff=PAIR, skills=["sign_language"]).team_rules
    assert rules.allows(0, (0, 1))
    assert not rules.allows(0, (0, 2))


def test_language_row_holds_when_someone_speaks_a_wanted_language() -> None:
    """At least one member must speak one of the wanted languages."""
    workers = [worker("sw01", languages=["changshu"]), worker("sw02", languages=["mandarin"])]
    rules = _problem(workers, languages=["changshu", "subei"]).team_rules
    assert rules.allows(0, (0,))
    assert not rules.allows(0, (1,))


def test_exists_is_exact_where_the_relaxation_is_not() -> None:
    """Skill and language held by two different workers do not make a one-person team."""
    workers = [
        worker("sw01", skills=["first_aid"], languages=["mandarin"]),
        worker("sw02", skills=[], languages=["changshu"]),
        worker("sw03", skills=["first_aid"], languages=["changshu"]),
    ]
    rules = _problem(workers, skills=["first_aid"], languages=["changshu"]).team_rules
    assert rules.possible(0, (0, 1))
    assert not rules.exists(0, (0, 1))
    assert rules.exists(0, (0, 1, 2))


def test_exists_finds_a_pair_among_many_alike_workers() -> None:
    """Among many interchangeable workers a valid pair is found, and none without a volunteer."""
    social = [worker(f"sw{i:02d}") for i in range(30)]
    volunteers = [worker(f"vol{i:02d}", role="volunteer") for i in range(30)]
    rules = _problem(social + volunteers, staff=PAIR).team_rules
    assert rules.exists(0, range(60))
    assert not rules.exists(0, range(30))
