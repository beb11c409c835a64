"""The peer benchmark's runner: every plan checked, invalid plans loud and never ranked."""

from __future__ import annotations

from typing import Any

from benchmarks.peers.runner import Case, _run, invalid, markdown, rank


def _row(solver: str, planned: list[int], travel: int, valid: bool = True) -> dict[str, Any]:
    return {
        "solver": solver,
        "visits": 150,
        "seed": 1,
        "time_limit": 30.0,
        "planned_by_priority": planned,
        "planned": sum(planned),
        "travel_minutes": travel,
        "seconds": 1.0,
        "valid": valid,
        "violations": [] if valid else ["rule 3 window: visit of n0001 ends after its window"],
        "violation_count": 0 if valid else 1,
    }


def test_rank_is_lexicographic_then_travel() -> None:
    """One more priority-1 visit beats any number of less urgent ones; then less travel wins."""
    rows = [
        _row("a", [5, 0, 0, 0, 0], 900),
        _row("b", [4, 9, 9, 9, 9], 100),
        _row("c", [5, 0, 0, 0, 0], 800),
        _row("d", [5, 0, 0, 0, 0], 800),
    ]
    rank(rows)
    assert [r["rank"] for r in rows] == [2, 3, 1, 1]


def test_invalid_plans_are_reported_and_not_ranked() -> None:
    """A plan the checker refuses is reported by invalid() and left unranked."""
    rows = [_row("good", [1, 0, 0, 0, 0], 10), _row("bad", [9, 0, 0, 0, 0], 10, valid=False)]
    rank(rows)
    assert "rank" not in rows[1] and rows[0]["rank"] == 1
    messages = invalid(rows)
    assert len(messages) == 1 and "bad" in messages[0] and "INVALID" in messages[0]
    assert "**NO (1)**" in markdown(rows)


def test_failed_runs_are_reported_and_skipped_runs_are_not() -> None:
    """A crashed run is a broken bar; a run refused as not expressible is only shown."""
    crashed = {"solver": "x", "visits": 150, "seed": 1, "time_limit": 30.0, "error": "boom"}
    skipped = {"solver": "y", "visits": 150, "seed": 1, "time_limit": 30.0, "skipped": "big"}
    assert invalid([crashed, skipped]) == ["x on 150 visits, seed 1, 30.0 s: the run failed: boom"]
    assert "skipped: big" in markdown([skipped])


def test_a_run_checks_its_plan() -> None:
    """A run on a small peer town reports a checked, valid plan with its figures."""
    row = _run(Case("greedy", 24, 1, 1.0))
    assert row["valid"] and row["violation_count"] == 0
    assert row["planned"] == sum(row["planned_by_priority"]) > 0
