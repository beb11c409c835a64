"""What the recording forms show of a plan's visits: the visit, its team and goods, its record.

Both the worker's phone page and the coordinator's records section of the plan page list visits
with the same form (``_record_form.html``); this module turns a plan, its scenario and the stored
records into those rows, and a form as sent into a :class:`VisitRecordBody`.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError
from sqlmodel import Session
from starlette.datastructures import FormData

from service.api.errors import InvalidInput
from service.api.records import save_record, visit_date
from service.console.context import api_errors, text_field
from service.console.labels import t
from service.exports.common import visit_order
from service.messages import Language
from service.storage.models import PlanJob, VisitRecord
from service.vocabulary import unit_of
from service.wire.common import ResourceAmount
from service.wire.plan import Plan
from service.wire.records import MISSED_REASONS, RECORD_STATUSES, VisitRecordBody
from service.wire.scenario import Resource, Scenario


@dataclass(frozen=True)
class RecordRow:
    """One planned visit with what the form shows of it (staff names, ids; no resident data)."""

    slug: str
    """Unique within the page: the prefix of its controls' ids."""
    need_id: str
    visit: int
    day: str
    day_name: str
    start: str
    end: str
    village: str
    household: str
    category: str
    workers: str
    partners: str
    goods: str
    status: str | None
    missed_reason: str | None
    actual_minutes: int | None
    note: str | None


@dataclass(frozen=True)
class RecordDay:
    """The visits of one day."""

    day: str
    name: str
    date: str
    rows: list[RecordRow]


def _goods(amount: ResourceAmount, resources: dict[str, Resource], language: Language) -> str:
    """``5公斤大米 × 1 袋``: a resource handed over, by name, quantity and unit."""
    resource = resources.get(amount.id)
    if resource is None:
        return f"{amount.id} × {amount.quantity}"
    return (
        f"{resource.name} × {amount.quantity} {unit_of(language, resource.unit, amount.quantity)}"
    )


def record_rows(
    scenario: Scenario,
    plan: Plan,
    records: list[VisitRecord],
    language: Language,
    worker_id: str | None = None,
) -> list[RecordDay]:
    """The plan's visits day by day, each with its current record.

    Parameters
    ----------
    scenario
        The plan's scenario (the job's own).
    plan
        The done plan.
    records
        The plan's stored records.
    language
        Of the day, category and resource labels.
    worker_id
        Only this worker's visits (the phone page: notes are left out, since the link is no
        sign-in); None: every visit, notes included (the station's own page).

    Returns
    -------
    list of RecordDay
        Days with at least one visit, in week order; visits by start time.
    """
    needs = {need.id: need for need in scenario.needs}
    villages = {village.id: village.name for village in scenario.villages}
    workers = {worker.id: worker.name for worker in scenario.workers}
    resources = {resource.id: resource for resource in scenario.resources}
    stored = {(row.need_id, row.visit): row for row in records}
    separator = "、" if language == "zh" else ", "
    days: dict[str, list[RecordRow]] = {}
    for index, visit in enumerate(sorted(plan.visits, key=visit_order)):
        if worker_id is not None and worker_id not in visit.worker_ids:
            continue
        need = needs.get(visit.need_id)
        record = stored.get((visit.need_id, visit.visit))
        goods = separator.join(_goods(a, resources, language) for a in visit.resources)
        days.setdefault(visit.day, []).append(
            RecordRow(
                slug=f"v{index}",
                need_id=visit.need_id,
                visit=visit.visit,
                day=visit.day,
                day_name=t(language, f"day.{visit.day}"),
                start=visit.start,
                end=visit.end,
                village=villages.get(need.village, need.village) if need else "",
                household=need.household if need else "",
                category=t(language, f"category.{need.category}") if need else "",
                workers=separator.join(workers.get(w, w) for w in visit.worker_ids),
                partners=separator.join(
                    workers.get(w, w) for w in visit.worker_ids if w != worker_id
                ),
                goods=goods,
                status=None if record is None else record.status,
                missed_reason=None if record is None else record.missed_reason,
                actual_minutes=None if record is None else record.actual_minutes,
                note=None if record is None or worker_id is not None else record.note,
            )
        )
    return [
        RecordDay(
            day=day,
            name=t(language, f"day.{day}"),
            date=visit_date(scenario.week_start, day).isoformat(),
            rows=rows,
        )
        for day, rows in days.items()
    ]


@dataclass(frozen=True)
class RecordForm:
    """A recording form as sent: which visit, and what happened."""

    need_id: str
    visit: int
    body: VisitRecordBody


def _problem(field: str, message: str) -> InvalidInput:
    return InvalidInput([(("body", field), message)])


def record_form(form: FormData, language: Language) -> RecordForm:
    """The visit and record of a form sent from ``_record_form.html``.

    Parameters
    ----------
    form
        Fields ``need_id``, ``visit``, ``status`` (the button pressed), ``missed_reason``,
        ``actual_minutes`` and ``note``.
    language
        Of the problems' messages.

    Returns
    -------
    RecordForm
        The visit and the record's body (reason only when missed; blank fields left out).

    Raises
    ------
    InvalidInput
        A missing visit, unknown status, missed without a reason, minutes that are not a number.
    """
    status = text_field(form, "status")
    if status not in RECORD_STATUSES:
        raise _problem("status", t(language, "record.bad_status"))
    visit_text = text_field(form, "visit")
    need_id = text_field(form, "need_id")
    if not need_id or not visit_text.isdigit():
        raise _problem("visit", t(language, "record.bad_visit"))
    reason = text_field(form, "missed_reason")
    if status == "missed" and reason not in MISSED_REASONS:
        raise _problem("missed_reason", t(language, "record.reason_needed"))
    values: dict[str, object] = {"status": status}
    if status == "missed":
        values["missed_reason"] = reason
    minutes = text_field(form, "actual_minutes").strip()
    if minutes:
        if not minutes.isdigit():
            raise _problem("actual_minutes", t(language, "record.bad_minutes"))
        values["actual_minutes"] = int(minutes)
    note = text_field(form, "note").strip()
    if note:
        values["note"] = note
    try:
        body = VisitRecordBody.model_validate(values)
    except ValidationError as error:
        raise InvalidInput(
            [(("body", *map(str, e["loc"])), e["msg"]) for e in error.errors()]
        ) from None
    return RecordForm(need_id=need_id, visit=int(visit_text), body=body)


def save_form(session: Session, job: PlanJob, sent: RecordForm, who: str) -> None:
    """Store a recording form's record, by and audited as ``who`` (committed).

    Parameters
    ----------
    session
        The database session.
    job
        The done plan.
    sent
        The form as read by :func:`record_form`.
    who
        A token id (the console), or ``worker:<id>`` (the phone page).

    Raises
    ------
    InvalidInput
        When :func:`service.api.records.save_record` refuses the body.
    ConsolePageError
        404 for a visit the plan does not have, 409 for a plan that is not done.
    """
    with api_errors(keep_invalid=True):
        save_record(
            session,
            job,
            sent.need_id,
            sent.visit,
            sent.body,
            recorded_by=who,
            audited_as=who,
            if_match=None,
        )
