"""The station's monthly ledger (台账) from the database: each week's plan in force and records.

``service.exports.ledger`` builds the workbook from wire data; this module gathers that data:
for every week overlapping the month, the station's plan in force (its latest done plan, a
re-plan included) and the records of its visits, without their notes. A read is audited, as the
ledger names households.
"""

from __future__ import annotations

from sqlmodel import Session

from service.exports.ledger import Ledger, LedgerWeek, Month, Recorded
from service.storage import repository
from service.storage.models import Station, VisitRecord
from service.wire.plan import Plan
from service.wire.records import MISSED_REASONS, RECORD_STATUSES, ResourceGiven
from service.wire.scenario import Scenario


def recorded(row: VisitRecord) -> Recorded:
    """What a stored record tells the ledger (its note is left behind)."""
    status = next(known for known in RECORD_STATUSES if known == row.status)
    reason = next((known for known in MISSED_REASONS if known == row.missed_reason), None)
    return Recorded(
        status=status,
        missed_reason=reason,
        actual_minutes=row.actual_minutes,
        resources_given=tuple(ResourceGiven.model_validate(item) for item in row.resources_given),
    )


def ledger_weeks(session: Session, station_id: str, month: Month) -> list[LedgerWeek]:
    """The plans in force of the weeks overlapping a month, with their records.

    Parameters
    ----------
    session
        The database session.
    station_id
        The station.
    month
        The month.

    Returns
    -------
    list of LedgerWeek
        In week order; weeks without a done plan are left out.
    """
    weeks = []
    for monday in month.mondays():
        job = repository.plan_in_force(session, station_id, monday)
        if job is None or job.plan_json is None:
            continue
        rows = repository.list_records(session, job.id)
        weeks.append(
            LedgerWeek(
                scenario=Scenario.model_validate_json(job.scenario_json),
                plan=Plan.model_validate_json(job.plan_json),
                records={(row.need_id, row.visit): recorded(row) for row in rows},
            )
        )
    return weeks


def station_ledger(session: Session, station: Station, month: Month, *, read_by: str) -> Ledger:
    """A station's ledger of a month; the read is audited (committed).

    Parameters
    ----------
    session
        The database session.
    station
        The station.
    month
        The month.
    read_by
        The token id (or ``cli:ledger``) the audit entry names.

    Returns
    -------
    Ledger
        Every planned visit of the month with its outcome.
    """
    ledger = Ledger.build(
        station.id, month, ledger_weeks(session, station.id, month), station_name=station.name
    )
    repository.record_access(
        session,
        token_id=read_by,
        action="read",
        entity="ledger",
        entity_ids=[str(month)],
        station_id=station.id,
    )
    session.commit()
    return ledger
