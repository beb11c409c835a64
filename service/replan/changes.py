"""What changed between the plan in force and the new plan, visit by visit, and why.

Visits are compared need by need and day by day. On a day both plans use, a visit with the
same start and team is kept, otherwise *changed*; a visit on a day only the old plan uses is
paired with one on a day only the new plan uses (*moved*); what is left is *dropped* (old) or
*added* (new).
"""

from __future__ import annotations

from typing import get_args

from service.messages import Language, in_language, say, worded
from service.replan.pinning import Prepared
from service.wire.common import DAYS
from service.wire.plan import Plan, PlannedVisit
from service.wire.replan import Change, ChangeKind, ChangeReason, ChangeSummary, VisitAt


def _at(visit: PlannedVisit) -> VisitAt:
    return VisitAt(day=visit.day, start=visit.start, end=visit.end, worker_ids=visit.worker_ids)


def _same(before: PlannedVisit, after: PlannedVisit) -> bool:
    return before.start == after.start and set(before.worker_ids) == set(after.worker_ids)


def _by_day(plan: Plan) -> dict[str, dict[str, PlannedVisit]]:
    found: dict[str, dict[str, PlannedVisit]] = {}
    for visit in plan.visits:
        found.setdefault(visit.need_id, {})[visit.day] = visit
    return found


def _why(
    kind: ChangeKind,
    need_id: str,
    before: PlannedVisit | None,
    prepared: Prepared,
    language: Language,
) -> tuple[ChangeReason, str]:
    if before is None:
        if need_id in prepared.urgent:
            return "urgent_need", say(language, "change.urgent_need")
        return "newly_served", say(language, "change.newly_served")
    away = [w for w in before.worker_ids if before.day in prepared.absent.get(w, set())]
    if away:
        known = {worker.id: worker.name for worker in prepared.week.workers}
        named = [
            say(language, "worker.named", name=known[w], id=w) if w in known else w for w in away
        ]
        names = say(language, "list.sep").join(named)
        return "worker_absent", say(language, "change.worker_absent", workers=names)
    if (before.need_id, before.visit) in prepared.missed:
        day = say(language, f"day.{DAYS.index(before.day)}")
        return "missed", say(language, "change.missed", day=day)
    if kind == "dropped":
        return "made_room", say(language, "change.made_room")
    return "rearranged", say(language, "change.rearranged")


def compare(before: Plan, after: Plan, prepared: Prepared, language: Language) -> ChangeSummary:
    """List the visits that differ between two plans of the same week.

    Parameters
    ----------
    before
        The plan in force.
    after
        The new plan.
    prepared
        Absences, missed visits and urgent needs, to say why.
    language
        Language of the sentences.

    Returns
    -------
    ChangeSummary
        Counts of kept, changed, moved, dropped and added visits, and one entry per change.
    """
    old, new = _by_day(before), _by_day(after)
    unmet = {u.need_id: u.reasons for u in after.unmet}

    def _said(kind: ChangeKind, need_id: str, b: PlannedVisit | None, each: Language) -> str:
        """Why, in ``each``; a dropped visit also says why nobody else could take it."""
        said = _why(kind, need_id, b, prepared, each)[1]
        if kind == "dropped" and unmet.get(need_id):
            first = unmet[need_id][0]
            because = in_language(each, first.message, first.messages)
            said = say(each, "change.and_why", said=said, because=because)
        return said

    kept = 0
    changes: list[Change] = []

    def note(
        kind: ChangeKind, need_id: str, b: PlannedVisit | None, a: PlannedVisit | None
    ) -> None:
        reason, _ = _why(kind, need_id, b, prepared, language)
        message, messages = worded(language, lambda each: _said(kind, need_id, b, each))
        changes.append(
            Change(
                kind=kind,
                need_id=need_id,
                before=None if b is None else _at(b),
                after=None if a is None else _at(a),
                reason=reason,
                message=message,
                messages=messages,
            )
        )

    for need_id in sorted(old.keys() | new.keys()):
        was, now = old.get(need_id, {}), new.get(need_id, {})
        for day in sorted(was.keys() & now.keys(), key=DAYS.index):
            if _same(was[day], now[day]):
                kept += 1
            else:
                note("changed", need_id, was[day], now[day])
        gone = sorted(was.keys() - now.keys(), key=DAYS.index)
        came = sorted(now.keys() - was.keys(), key=DAYS.index)
        for day_before, day_after in zip(gone, came, strict=False):
            note("moved", need_id, was[day_before], now[day_after])
        for day in gone[len(came) :]:
            note("dropped", need_id, was[day], None)
        for day in came[len(gone) :]:
            note("added", need_id, None, now[day])
    count = {kind: sum(1 for c in changes if c.kind == kind) for kind in get_args(ChangeKind)}
    return ChangeSummary(
        kept=kept,
        changed=count["changed"],
        moved=count["moved"],
        dropped=count["dropped"],
        added=count["added"],
        changes=changes,
    )
