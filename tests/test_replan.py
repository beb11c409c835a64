"""Re-planning mid-week: kept visits stay, absent workers lose theirs, few other visits move."""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from service.checker import check_plan
from service.cli import app
from service.generator import generate_town
from service.loading import InvalidDocument
from service.planning import PlanOptions, plan_week
from service.replan import Replanned, replan_week
from service.wire.common import DAYS
from service.wire.plan import Plan, PlannedVisit
from service.wire.replan import ReplanRequest
from service.wire.scenario import Scenario

OPTIONS = PlanOptions(time_limit=3.0, seed=0, workers=1, language="en")
LATE_DAYS = ("wed", "thu", "fri", "sat", "sun")


@cache
def week() -> Scenario:
    """A generated 10-village town with 150 requested visits."""
    return generate_town(10, 150, 3)


@cache
def in_force() -> Plan:
    """The week's plan in force."""
    return plan_week(week(), OPTIONS)


def busiest_late_worker() -> str:
    """The worker with the most visits from Wednesday on."""
    late = Counter(w for v in in_force().visits if v.day in LATE_DAYS for w in v.worker_ids)
    return late.most_common(1)[0][0]


def absent_from_wednesday(**more: Any) -> ReplanRequest:
    """The busiest late worker absent from Wednesday, two Thursday visits locked, and more."""
    worker = busiest_late_worker()
    locked = [v for v in in_force().visits if v.day == "thu" and worker not in v.worker_ids][:2]
    return ReplanRequest.model_validate(
        {
            "absent": [{"worker_id": worker, "from_day": "wed"}],
            "locked": [{"need_id": v.need_id, "visit": v.visit} for v in locked],
            **more,
        }
    )


@cache
def replanned(keep_plan: bool = True) -> Replanned:
    """The re-plan (or the from-scratch baseline) of absent_from_wednesday()."""
    return replan_week(week(), in_force(), absent_from_wednesday(), OPTIONS, keep_plan=keep_plan)


def key(visit: PlannedVisit) -> tuple[str, int, str, str, frozenset[str]]:
    """Everything that places a visit: need, number, day, start and team."""
    return (visit.need_id, visit.visit, visit.day, visit.start, frozenset(visit.worker_ids))


def test_replan_is_valid_for_the_week_as_it_now_stands() -> None:
    """The re-plan breaks no rule of the checker for the week with the absence applied."""
    result = replanned()
    assert result.plan.visits
    assert [v.message for v in check_plan(result.week, result.plan, replan=True)] == []


def test_replan_keeps_every_visit_before_wednesday_and_every_locked_visit() -> None:
    """Monday and Tuesday visits and the locked Thursday visits are exactly as they were."""
    request = absent_from_wednesday()
    before = {key(v) for v in in_force().visits if v.day in ("mon", "tue")}
    locked = {(ref.need_id, ref.visit) for ref in request.locked}
    locked_before = {key(v) for v in in_force().visits if (v.need_id, v.visit) in locked}
    after = {key(v) for v in replanned().plan.visits}
    assert before and len(locked_before) == 2
    assert before <= after
    assert locked_before <= after


def test_absent_worker_has_no_visit_from_wednesday() -> None:
    """The absent worker goes nowhere from Wednesday on, and the week no longer offers it."""
    worker = busiest_late_worker()
    late = [v for v in replanned().plan.visits if v.day in LATE_DAYS and worker in v.worker_ids]
    assert late == []
    availability = next(w for w in replanned().week.workers if w.id == worker).availability
    assert not set(availability) & set(LATE_DAYS)


def test_replan_moves_fewer_visits_than_planning_the_rest_from_scratch() -> None:
    """Kept-plan re-planning disturbs fewer visits of the plan in force than from scratch."""
    kept, scratch = replanned(True).changes, replanned(False).changes
    assert kept.disturbed() < scratch.disturbed()
    assert kept.kept > scratch.kept


def test_every_change_of_the_absent_worker_says_so() -> None:
    """The absent worker's visits from Wednesday are changes with that reason, naming them."""
    worker = busiest_late_worker()
    had = [v for v in in_force().visits if v.day in LATE_DAYS and worker in v.worker_ids]
    reasons = {
        (c.need_id, c.before.day): c.reason
        for c in replanned().changes.changes
        if c.before is not None
    }
    assert had
    assert all(reasons[(v.need_id, v.day)] == "worker_absent" for v in had)
    name = next(w.name for w in replanned().week.workers if w.id == worker)
    for change in replanned().changes.changes:
        if change.reason == "worker_absent":
            assert change.messages is not None
            assert f"{name}（{worker}）" in change.messages["zh"]
            assert f"{name} ({worker})" in change.messages["en"]


def test_changes_count_matches_the_plans() -> None:
    """Kept plus disturbed visits equal the plan in force's visits."""
    summary = replanned().changes
    assert summary.kept + summary.disturbed() == len(in_force().visits)
    assert summary.added == sum(1 for c in summary.changes if c.kind == "added")


def test_urgent_need_is_served_and_listed() -> None:
    """An urgent priority-1 need is planned from Wednesday and listed as an urgent addition."""
    village = week().villages[0].id
    urgent = {
        "id": "urgent-1",
        "household": "h-urgent",
        "village": village,
        "groups": ["elderly_alone"],
        "category": "elderly_care",
        "priority": 1,
        "duration_minutes": 45,
        "window": {"days": ["mon", "wed", "thu"], "from": "08:00", "to": "18:00"},
    }
    request = ReplanRequest.model_validate({"from_day": "wed", "urgent_needs": [urgent]})
    result = replan_week(week(), in_force(), request, OPTIONS)
    served = [v for v in result.plan.visits if v.need_id == "urgent-1"]
    assert len(served) == 1 and served[0].day in ("wed", "thu")
    added = [c for c in result.changes.changes if c.need_id == "urgent-1"]
    assert [c.reason for c in added] == ["urgent_need"]
    assert [v.message for v in check_plan(result.week, result.plan, replan=True)] == []


def test_missed_visit_is_planned_again_from_the_first_day_or_reported() -> None:
    """A Monday visit not listed as done is never kept on Monday; it moves on or is unmet."""
    monday = [v for v in in_force().visits if v.day == "mon"]
    done = [{"need_id": v.need_id, "visit": v.visit} for v in monday[1:]]
    missed = monday[0]
    request = ReplanRequest.model_validate({"from_day": "wed", "done": done})
    result = replan_week(week(), in_force(), request, OPTIONS)
    again = [v for v in result.plan.visits if v.need_id == missed.need_id]
    assert all(v.day != "mon" or key(v) != key(missed) for v in again)
    assert all(DAYS.index(v.day) >= DAYS.index("wed") for v in again if v.day not in ("mon", "tue"))
    change = next(c for c in result.changes.changes if c.before and c.before.day == "mon")
    assert change.reason == "missed"
    assert [v.message for v in check_plan(result.week, result.plan, replan=True)] == []


def test_kept_visits_keep_their_resources() -> None:
    """Resources handed over at kept visits stay with them."""
    given = {key(v): v.resources for v in in_force().visits if v.resources and v.day == "mon"}
    after = {key(v): v.resources for v in replanned().plan.visits}
    assert given
    assert all(after[k] == resources for k, resources in given.items())


@pytest.mark.parametrize(
    ("request_data", "path"),
    [
        ({"absent": [{"worker_id": "nobody", "from_day": "wed"}]}, "absent[0].worker_id"),
        ({"locked": [{"need_id": "n9999", "visit": 1}]}, "locked[0]"),
        ({"done": [{"need_id": "n9999", "visit": 1}]}, "done[0]"),
    ],
)
def test_bad_references_name_the_request_field(request_data: dict[str, Any], path: str) -> None:
    """Unknown workers and visits are errors naming the request's JSON path."""
    request = ReplanRequest.model_validate(request_data)
    with pytest.raises(InvalidDocument) as raised:
        replan_week(week(), in_force(), request, OPTIONS)
    assert raised.value.problems[0].startswith(path + ":")


def test_locking_a_visit_of_an_absent_worker_is_refused() -> None:
    """A locked visit whose worker is absent that day is an error naming both."""
    visit = next(v for v in in_force().visits if v.day == "thu")
    request = ReplanRequest.model_validate(
        {
            "absent": [{"worker_id": visit.worker_ids[0], "from_day": "wed"}],
            "locked": [{"need_id": visit.need_id, "visit": visit.visit}],
        }
    )
    with pytest.raises(InvalidDocument) as raised:
        replan_week(week(), in_force(), request, OPTIONS)
    assert raised.value.problems[0].startswith("locked[0]:")
    assert visit.worker_ids[0] in raised.value.problems[0]


def test_urgent_need_with_a_taken_id_or_unknown_village_is_refused() -> None:
    """Urgent needs are checked like archive needs, with paths into urgent_needs."""
    existing = week().needs[0].model_dump(by_alias=True, exclude_none=True)
    stray = {**existing, "id": "urgent-x", "village": "nowhere"}
    request = ReplanRequest.model_validate({"urgent_needs": [existing, stray]})
    with pytest.raises(InvalidDocument) as raised:
        replan_week(week(), in_force(), request, OPTIONS)
    assert raised.value.problems[0].startswith("urgent_needs[0].id:")
    request = ReplanRequest.model_validate({"urgent_needs": [stray]})
    with pytest.raises(InvalidDocument) as raised:
        replan_week(week(), in_force(), request, OPTIONS)
    assert raised.value.problems[0].startswith("urgent_needs[0].village:")


def test_absence_until_before_from_is_a_shape_error() -> None:
    """An absence that ends before it starts is refused when the request is read."""
    with pytest.raises(ValueError, match="until_day"):
        ReplanRequest.model_validate(
            {"absent": [{"worker_id": "sw01", "from_day": "thu", "until_day": "tue"}]}
        )


def test_cli_replan_writes_a_valid_plan_and_the_changes(tmp_path: Path) -> None:
    """`mulin replan` writes the new plan and the changes; the checker accepts the plan."""
    scenario_path, plan_path = tmp_path / "week.json", tmp_path / "plan.json"
    request_path, out_path = tmp_path / "request.json", tmp_path / "new.json"
    changes_path = tmp_path / "changes.json"
    scenario_path.write_text(week().model_dump_json(by_alias=True, exclude_none=True))
    plan_path.write_text(in_force().model_dump_json(by_alias=True, exclude_none=True))
    request_path.write_text(absent_from_wednesday().model_dump_json(exclude_none=True))
    args = [str(scenario_path), str(plan_path), str(request_path), "--time-limit", "2"]
    args += ["--workers", "1", "--out", str(out_path), "--changes", str(changes_path)]
    result = CliRunner().invoke(app, ["replan", *args, "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Against the plan in force" in result.output
    assert json.loads(changes_path.read_text())["kept"] > 0
    check = CliRunner().invoke(app, ["check", str(scenario_path), str(out_path), "--replan"])
    assert check.exit_code == 0, check.output
    new_plan = Plan.model_validate_json(out_path.read_text())
    absent = busiest_late_worker()
    assert not [v for v in new_plan.visits if v.day in LATE_DAYS and absent in v.worker_ids]


def test_cli_replan_rejects_a_bad_request_file(tmp_path: Path) -> None:
    """A request naming an unknown worker exits 2 with the path, writing nothing."""
    scenario_path, plan_path = tmp_path / "week.json", tmp_path / "plan.json"
    request_path, out_path = tmp_path / "request.json", tmp_path / "new.json"
    scenario_path.write_text(week().model_dump_json(by_alias=True, exclude_none=True))
    plan_path.write_text(in_force().model_dump_json(by_alias=True, exclude_none=True))
    request_path.write_text('{"absent": [{"worker_id": "nobody", "from_day": "wed"}]}')
    args = [str(scenario_path), str(plan_path), str(request_path), "--out", str(out_path)]
    result = CliRunner().invoke(app, ["replan", *args, "--lang", "en"])
    assert result.exit_code == 2
    assert "absent[0].worker_id" in result.output
    assert not out_path.exists()
