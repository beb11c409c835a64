"""Queries and writes of the storage tables; the API's routes call these, never SQL directly."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import delete, func, insert, or_, update
from sqlmodel import Session, col, select

from service.storage.models import (
    ApiToken,
    Archive,
    AuditAction,
    AuditEntry,
    JobStatus,
    Need,
    PlanBatch,
    PlanJob,
    Resource,
    Station,
    Village,
    VisitRecord,
    Worker,
    utcnow,
)

RowT = TypeVar("RowT", Village, Worker, Resource, Need)


# --- stations and their archives ------------------------------------------------------------


def get_station(session: Session, station_id: str) -> Station | None:
    """The station with this id, or None."""
    return session.get(Station, station_id)


def list_stations(
    session: Session, *, only: str | None, offset: int, limit: int
) -> tuple[list[Station], int]:
    """A page of stations ordered by id, and how many there are in all.

    Parameters
    ----------
    session
        The database session.
    only
        Restrict to this station id (a caller bound to one station); None for all.
    offset, limit
        The page.

    Returns
    -------
    tuple of (list of Station, int)
        The page and the total count.
    """
    query = select(Station)
    counter = select(func.count()).select_from(Station)
    if only is not None:
        query = query.where(col(Station.id) == only)
        counter = counter.where(col(Station.id) == only)
    rows = session.exec(query.order_by(col(Station.id)).offset(offset).limit(limit)).all()
    return list(rows), session.exec(counter).one()


def get_row(session: Session, table: type[RowT], station_id: str, row_id: str) -> RowT | None:
    """One archive row of a station by its wire id, or None."""
    return session.get(table, (station_id, row_id))


def list_rows(
    session: Session,
    table: type[RowT],
    station_id: str,
    *,
    filters: dict[str, Any],
    offset: int,
    limit: int,
) -> tuple[list[RowT], int]:
    """A page of a station's archive rows in archive order, and how many match in all.

    Parameters
    ----------
    session
        The database session.
    table
        Village, Worker, Resource or Need.
    station_id
        The station.
    filters
        Column name → required value; None values are ignored.
    offset, limit
        The page.

    Returns
    -------
    tuple of (list of rows, int)
        The page and the total count of matching rows.
    """
    conditions = [col(table.station_id) == station_id]
    conditions += [
        getattr(table, name) == value for name, value in filters.items() if value is not None
    ]
    query = select(table).where(*conditions)
    query = query.order_by(col(table.position), col(table.id)).offset(offset).limit(limit)
    counter = select(func.count()).select_from(table).where(*conditions)
    return list(session.exec(query).all()), session.exec(counter).one()


def next_position(session: Session, table: type[RowT], station_id: str) -> int:
    """The position after the last row of the station's archive in this table."""
    last = session.exec(
        select(func.max(table.position)).where(col(table.station_id) == station_id)
    ).one()
    return 0 if last is None else int(last) + 1


def _ordered(session: Session, table: type[RowT], station_id: str) -> list[RowT]:
    query = select(table).where(col(table.station_id) == station_id)
    return list(session.exec(query.order_by(col(table.position), col(table.id))).all())


def load_archive(session: Session, station: Station) -> Archive:
    """The station with every row of its archive, in archive order."""
    return Archive(
        station=station,
        villages=_ordered(session, Village, station.id),
        workers=_ordered(session, Worker, station.id),
        resources=_ordered(session, Resource, station.id),
        needs=_ordered(session, Need, station.id),
    )


@dataclass(frozen=True)
class ArchiveOutline:
    """The few columns of a station's archive that its overview counts, each list in order.

    Attributes
    ----------
    villages
        ``(id, name)`` per village.
    needs
        ``(priority, visits, groups, village_id)`` per need.
    workers
        ``(id, name, role, availability)`` per worker.
    resources
        ``(id, name, unit, available)`` per resource.
    """

    villages: list[tuple[str, str]]
    needs: list[tuple[int, int, list[str], str]]
    workers: list[tuple[str, str, str, dict[str, Any]]]
    resources: list[tuple[str, str, str, int]]


def archive_outline(session: Session, station_id: str) -> ArchiveOutline:
    """The columns of a station's archive that its overview counts, without whole rows.

    Reading only these columns as plain tuples (no ORM objects, no wire validation) made the
    console's station page about five times cheaper than :func:`load_archive` did
    (``benchmarks/load.py``).

    Parameters
    ----------
    session
        The database session.
    station_id
        The station.

    Returns
    -------
    ArchiveOutline
        Every list in archive order.
    """

    def ordered(table: type[RowT], *columns: Any) -> list[Any]:
        query = select(*columns).where(col(table.station_id) == station_id)
        rows = session.execute(query.order_by(col(table.position), col(table.id))).all()
        return [tuple(row) for row in rows]

    return ArchiveOutline(
        villages=ordered(Village, Village.id, Village.name),
        needs=ordered(Need, Need.priority, Need.visits, Need.groups, Need.village_id),
        workers=ordered(Worker, Worker.id, Worker.name, Worker.role, Worker.availability),
        resources=ordered(Resource, Resource.id, Resource.name, Resource.unit, Resource.available),
    )


def replace_archive(session: Session, archive: Archive) -> Station:
    """Replace a station's whole archive with new rows (not committed).

    Parameters
    ----------
    session
        The database session; the caller commits.
    archive
        The new rows. Its station row updates the stored station (its version goes up) or
        is added when the station is new.

    Returns
    -------
    Station
        The stored station row.
    """
    new = archive.station
    station = session.get(Station, new.id)
    if station is None:
        station = new
        session.add(station)
    else:
        for name in ("name", "lat", "lon", "scenario_name", "travel", "extra", "scenario_extra"):
            setattr(station, name, getattr(new, name))
        station.updated_at = utcnow()
        session.add(station)
        for table in (Need, Village, Worker, Resource):
            session.execute(delete(table).where(col(table.station_id) == station.id))
    session.flush()
    session.add_all([*archive.villages, *archive.workers, *archive.resources])
    session.flush()
    session.add_all(archive.needs)
    session.flush()
    return station


def need_ids(session: Session, station_id: str) -> list[str]:
    """Ids of all the station's needs."""
    return list(session.exec(select(Need.id).where(col(Need.station_id) == station_id)).all())


def needs_referencing(session: Session, station_id: str, village_id: str) -> list[str]:
    """Ids of the station's needs in a village."""
    query = select(Need.id).where(
        col(Need.station_id) == station_id, col(Need.village_id) == village_id
    )
    return list(session.exec(query).all())


# --- tokens ---------------------------------------------------------------------------------


def add_token(session: Session, token: ApiToken) -> ApiToken:
    """Store a new token (committed)."""
    session.add(token)
    session.commit()
    session.refresh(token)
    return token


def find_token(session: Session, token_sha256: str) -> ApiToken | None:
    """The token whose secret has this SHA-256, or None."""
    return session.exec(select(ApiToken).where(col(ApiToken.token_sha256) == token_sha256)).first()


def revoke_token(session: Session, token_id: str) -> bool:
    """Revoke a token (committed); False when no token has this id."""
    token = session.get(ApiToken, token_id)
    if token is None:
        return False
    token.revoked = True
    session.add(token)
    session.commit()
    return True


# --- audit ----------------------------------------------------------------------------------


def record_access(
    session: Session,
    *,
    token_id: str,
    action: AuditAction,
    entity: str,
    entity_ids: Iterable[str | None],
    station_id: str | None,
) -> None:
    """Add one audit entry per record read or changed (not committed).

    Parameters
    ----------
    session
        The database session; the caller commits.
    token_id
        Who.
    action
        read, create, update or delete.
    entity
        What kind of record (``need``).
    entity_ids
        Which records.
    station_id
        Whose.
    """
    rows = audit_rows(
        token_id=token_id,
        action=action,
        entity=entity,
        entity_ids=entity_ids,
        station_id=station_id,
    )
    insert_audit_rows(session, rows)


def audit_rows(
    *,
    token_id: str,
    action: AuditAction,
    entity: str,
    entity_ids: Iterable[str | None],
    station_id: str | None,
) -> list[dict[str, Any]]:
    """One audit row per record, all stamped with the time now (see :func:`record_access`)."""
    at = utcnow()
    return [
        {
            "token_id": token_id,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "station_id": station_id,
            "at": at,
        }
        for entity_id in entity_ids
    ]


def insert_audit_rows(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert audit rows in one statement (not committed).

    Each row is a dict of ``token_id``, ``action``, ``entity``, ``entity_id``, ``station_id``
    and ``at``.
    """
    if rows:
        session.execute(insert(AuditEntry), rows)


def audit_entries(session: Session, *, station_id: str | None = None) -> Sequence[AuditEntry]:
    """Audit entries in the order they happened, optionally of one station.

    Ordered by time, then id: reads are written a moment after they happen, in batches.
    """
    query = select(AuditEntry)
    if station_id is not None:
        query = query.where(col(AuditEntry.station_id) == station_id)
    return session.exec(query.order_by(col(AuditEntry.at), col(AuditEntry.id))).all()


# --- plan jobs ------------------------------------------------------------------------------


def get_job(session: Session, job_id: uuid.UUID) -> PlanJob | None:
    """The plan job with this id, or None."""
    return session.get(PlanJob, job_id)


@dataclass(frozen=True)
class JobOrigin:
    """What a page shows of the plan a re-plan started from: its week and when it was made."""

    id: uuid.UUID
    week_start: dt.date
    created_at: dt.datetime


def job_origins(
    session: Session, station_id: str | None, job_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, JobOrigin]:
    """The week and creation time of each of ``job_ids`` of the station (no scenario or plan read).

    Jobs of another station, or gone, are left out.
    """
    if not job_ids:
        return {}
    station = col(PlanJob.station_id)
    same_station = station.is_(None) if station_id is None else station == station_id
    query = select(col(PlanJob.id), col(PlanJob.week_start), col(PlanJob.created_at)).where(
        col(PlanJob.id).in_(list(job_ids)), same_station
    )
    return {row[0]: JobOrigin(*row) for row in session.exec(query).all()}


def list_jobs(
    session: Session, station_id: str, *, status: str | None, offset: int, limit: int
) -> tuple[list[PlanJob], int]:
    """A page of a station's plan jobs, newest first, and how many match in all."""
    conditions = [col(PlanJob.station_id) == station_id]
    if status is not None:
        conditions.append(col(PlanJob.status) == status)
    query = select(PlanJob).where(*conditions).order_by(col(PlanJob.created_at).desc())
    counter = select(func.count()).select_from(PlanJob).where(*conditions)
    rows = session.exec(query.offset(offset).limit(limit)).all()
    return list(rows), session.exec(counter).one()


def job_ids_with_status(session: Session, status: JobStatus) -> list[uuid.UUID]:
    """Ids of the jobs in one status, oldest first."""
    query = select(PlanJob.id).where(col(PlanJob.status) == status)
    return list(session.exec(query.order_by(col(PlanJob.created_at))).all())


def count_jobs(session: Session, status: JobStatus) -> int:
    """How many jobs are in one status."""
    counter = select(func.count()).select_from(PlanJob).where(col(PlanJob.status) == status)
    return session.exec(counter).one()


def move_job(
    session: Session,
    job_id: uuid.UUID,
    *,
    from_status: Sequence[JobStatus],
    holder: str | None = None,
    **values: Any,
) -> bool:
    """Change a job only if it is still in one of ``from_status`` (committed).

    The check and the change are one UPDATE, so a cancellation is never overwritten by a
    plan thread finishing at the same moment.

    Parameters
    ----------
    session
        The database session.
    job_id
        The job.
    from_status
        The statuses it may be in.
    holder
        When given, the job must also still be claimed by this worker (a worker whose lease
        ran out and whose job another took over changes nothing).
    **values
        Columns to set; ``updated_at`` is set too.

    Returns
    -------
    bool
        Whether the job was changed.
    """
    conditions = [col(PlanJob.id) == job_id, col(PlanJob.status).in_(from_status)]
    if holder is not None:
        conditions.append(col(PlanJob.claimed_by) == holder)
    statement = update(PlanJob).where(*conditions).values(updated_at=utcnow(), **values)
    changed = session.execute(statement).rowcount > 0  # type: ignore[attr-defined]
    session.commit()
    return bool(changed)


def claim_job(session: Session, job_id: uuid.UUID, worker: str) -> bool:
    """Move a queued job to running for this worker, its lease starting now (committed).

    One conditional UPDATE: of two workers given the same job (a redelivered message, a
    re-sent one), exactly one gets it.

    Parameters
    ----------
    session
        The database session.
    job_id
        The job.
    worker
        Who claims it (host and process).

    Returns
    -------
    bool
        Whether this worker now holds the job.
    """
    now = utcnow()
    statement = (
        update(PlanJob)
        .where(col(PlanJob.id) == job_id, col(PlanJob.status) == "queued")
        .values(
            status="running",
            progress=0.0,
            phase=None,
            claimed_by=worker,
            heartbeat_at=now,
            attempts=col(PlanJob.attempts) + 1,
            updated_at=now,
        )
    )
    claimed = session.execute(statement).rowcount > 0  # type: ignore[attr-defined]
    session.commit()
    return bool(claimed)


def renew_lease(session: Session, job_id: uuid.UUID, worker: str, **values: Any) -> bool:
    """Renew a running job's lease (and set ``values``) if this worker still holds it.

    Returns
    -------
    bool
        False when the job was cancelled, or taken over after the lease ran out: the worker
        then stops solving it.
    """
    return move_job(
        session,
        job_id,
        from_status=("running",),
        holder=worker,
        heartbeat_at=utcnow(),
        **values,
    )


@dataclass(frozen=True)
class Reaped:
    """What :func:`reap_stale_jobs` did: the jobs queued again and the jobs failed."""

    requeued: list[uuid.UUID]
    failed: list[uuid.UUID]


def reap_stale_jobs(
    session: Session, *, lease_seconds: float, max_attempts: int, message: str
) -> Reaped:
    """Running jobs whose worker stopped renewing its lease: queue them again, or fail them.

    A job goes back to ``queued`` (unclaimed) while it has had fewer than ``max_attempts``
    claims; after that it is marked failed with ``message`` (a job that kills every worker
    that takes it must not go round for ever).

    Parameters
    ----------
    session
        The database session.
    lease_seconds
        How old a lease may be before its worker counts as gone.
    max_attempts
        Claims a job may have.
    message
        The error of a job failed for too many attempts.

    Returns
    -------
    Reaped
        The ids of the jobs queued again and of those failed.
    """
    stale = utcnow() - dt.timedelta(seconds=lease_seconds)
    query = select(PlanJob.id, PlanJob.attempts, PlanJob.claimed_by).where(
        col(PlanJob.status) == "running",
        or_(col(PlanJob.heartbeat_at).is_(None), col(PlanJob.heartbeat_at) < stale),
    )
    requeued: list[uuid.UUID] = []
    failed: list[uuid.UUID] = []
    for job_id, attempts, worker in session.exec(query).all():
        if attempts >= max_attempts:
            if move_job(
                session,
                job_id,
                from_status=("running",),
                holder=worker,
                status="failed",
                error=message,
            ):
                failed.append(job_id)
        elif _requeue(session, job_id, worker, stale):
            requeued.append(job_id)
    return Reaped(requeued, failed)


def _requeue(session: Session, job_id: uuid.UUID, worker: str | None, stale: dt.datetime) -> bool:
    """Put one running job with a stale lease back in the queue, unclaimed (committed)."""
    conditions = [
        col(PlanJob.id) == job_id,
        col(PlanJob.status) == "running",
        or_(col(PlanJob.heartbeat_at).is_(None), col(PlanJob.heartbeat_at) < stale),
    ]
    if worker is not None:
        conditions.append(col(PlanJob.claimed_by) == worker)
    statement = (
        update(PlanJob)
        .where(*conditions)
        .values(
            status="queued",
            progress=0.0,
            phase=None,
            claimed_by=None,
            heartbeat_at=None,
            updated_at=utcnow(),
        )
    )
    moved = session.execute(statement).rowcount > 0  # type: ignore[attr-defined]
    session.commit()
    return bool(moved)


def get_batch(session: Session, batch_id: uuid.UUID) -> PlanBatch | None:
    """The city batch with this id, or None."""
    return session.get(PlanBatch, batch_id)


def recent_batches(session: Session, limit: int) -> list[PlanBatch]:
    """The latest city batches, newest first."""
    query = select(PlanBatch).order_by(col(PlanBatch.created_at).desc()).limit(limit)
    return list(session.exec(query).all())


def batch_jobs(session: Session, batch_id: uuid.UUID) -> list[PlanJob]:
    """The plan jobs of one city batch, by station."""
    query = select(PlanJob).where(col(PlanJob.batch_id) == batch_id)
    return list(session.exec(query.order_by(col(PlanJob.station_id))).all())


# --- visit records ------------------------------------------------------------------------


def get_record(
    session: Session, plan_id: uuid.UUID, need_id: str, visit: int
) -> VisitRecord | None:
    """The record of one visit of a plan, or None."""
    return session.get(VisitRecord, (plan_id, need_id, visit))


def list_records(session: Session, plan_id: uuid.UUID) -> list[VisitRecord]:
    """The records of a plan, by need and visit."""
    query = select(VisitRecord).where(col(VisitRecord.plan_id) == plan_id)
    ordered = query.order_by(col(VisitRecord.need_id), col(VisitRecord.visit))
    return list(session.exec(ordered).all())


def station_records(
    session: Session, station_id: str, first_week: dt.date, last_week: dt.date
) -> list[VisitRecord]:
    """The records of a station's plans whose weeks start between two Mondays (included)."""
    query = select(VisitRecord).where(
        col(VisitRecord.station_id) == station_id,
        col(VisitRecord.week_start) >= first_week,
        col(VisitRecord.week_start) <= last_week,
    )
    return list(session.exec(query).all())


def delete_records(session: Session, plan_id: uuid.UUID, need_ids: Iterable[str]) -> int:
    """Delete a plan's records of some needs (the caller commits); how many."""
    wanted = list(need_ids)
    if not wanted:
        return 0
    statement = delete(VisitRecord).where(
        col(VisitRecord.plan_id) == plan_id, col(VisitRecord.need_id).in_(wanted)
    )
    return int(session.execute(statement).rowcount or 0)  # type: ignore[attr-defined]


def station_jobs(session: Session, station_id: str) -> list[PlanJob]:
    """Every plan job of a station, oldest first."""
    query = select(PlanJob).where(col(PlanJob.station_id) == station_id)
    return list(session.exec(query.order_by(col(PlanJob.created_at))).all())


def erase_expired_notes(session: Session, today: dt.date) -> int:
    """Erase the notes whose retention period has ended (committed); how many."""
    statement = (
        update(VisitRecord)
        .where(
            col(VisitRecord.note_expires_on).is_not(None), col(VisitRecord.note_expires_on) <= today
        )
        .values(note=None, note_expires_on=None)
    )
    erased = session.execute(statement).rowcount  # type: ignore[attr-defined]
    session.commit()
    return int(erased or 0)


def plan_in_force(session: Session, station_id: str, week_start: dt.date) -> PlanJob | None:
    """The station's plan in force for a week: its latest done plan (a re-plan included)."""
    query = (
        select(PlanJob)
        .where(
            col(PlanJob.station_id) == station_id,
            col(PlanJob.week_start) == week_start,
            col(PlanJob.status) == "done",
        )
        .order_by(col(PlanJob.created_at).desc())
        .limit(1)
    )
    return session.exec(query).first()


def as_utc(value: dt.datetime) -> dt.datetime:
    """A stored timestamp as UTC-aware (SQLite hands back naive datetimes)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
