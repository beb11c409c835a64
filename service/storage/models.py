"""The storage shape: SQLModel tables of station archives, plan jobs, tokens and the audit log.

These tables are kept apart from the wire models (``service.wire``); ``service.storage.convert``
is the one place that turns one into the other. Archive entities (villages, workers, resources,
needs) belong to one station: their primary key is ``(station_id, id)`` with the wire id, and
``position`` keeps the order of the imported scenario. Lists and nested objects of the wire shape
that nothing queries by (skills, availability, window, staff …) are JSON columns.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKeyConstraint, Index, Integer, Text, false
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

ID_LENGTH = 100
"""Longest wire id (``service.wire.common.Identifier``)."""

JobStatus = Literal["queued", "running", "done", "failed", "cancelled"]
JOB_STATUSES: tuple[JobStatus, ...] = ("queued", "running", "done", "failed", "cancelled")
Role = Literal["city_admin", "station_coordinator", "viewer"]
ROLES: tuple[Role, ...] = ("city_admin", "station_coordinator", "viewer")
AuditAction = Literal["read", "create", "update", "delete"]


def utcnow() -> dt.datetime:
    """The current time in UTC, timezone-aware."""
    return dt.datetime.now(dt.UTC)


def _id(**kwargs: Any) -> Any:
    return Field(max_length=ID_LENGTH, **kwargs)


def _json(**kwargs: Any) -> Any:
    return Field(sa_type=JSON, **kwargs)


def _extra() -> Any:
    """The ``extra`` member of a wire object: free JSON, kept and ignored."""
    return Field(default=None, sa_type=JSON, nullable=True)


def _count(**kwargs: Any) -> Any:
    """A whole number the wire format leaves unbounded."""
    return Field(sa_type=BigInteger, **kwargs)


def _timestamp() -> Any:
    return Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class Versioned(SQLModel):
    """A row edited under optimistic concurrency: every UPDATE checks and bumps ``version``."""

    version: int = Field(default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


class Station(Versioned, table=True):
    """A town's social work station and the scenario-level settings of its archive."""

    id: str = _id(primary_key=True)
    name: str
    lat: float
    lon: float
    scenario_name: str = Field(description="The ``name`` of the scenario exported for it.")
    travel: dict[str, Any] = _json(default_factory=dict)
    extra: Any = _extra()
    scenario_extra: Any = _extra()
    created_at: dt.datetime = _timestamp()
    updated_at: dt.datetime = _timestamp()


class Village(Versioned, table=True):
    """A village or community of a station."""

    station_id: str = _id(primary_key=True, foreign_key="station.id", ondelete="CASCADE")
    id: str = _id(primary_key=True)
    position: int = Field(default=0)
    name: str
    kind: str
    lat: float
    lon: float
    extra: Any = _extra()


class Worker(Versioned, table=True):
    """A social worker, volunteer or liaison of a station's resource library."""

    station_id: str = _id(primary_key=True, foreign_key="station.id", ondelete="CASCADE")
    id: str = _id(primary_key=True)
    position: int = Field(default=0)
    name: str
    role: str = Field(index=True)
    skills: list[str] = _json(default_factory=list)
    languages: list[str] = _json(default_factory=list)
    base_lat: float | None = None
    base_lon: float | None = None
    transport: str
    availability: dict[str, Any] = _json(default_factory=dict)
    max_minutes_per_week: int | None = _count(default=None)
    max_visits_per_day: int | None = _count(default=None)
    max_travel_minutes: int | None = _count(default=None)
    extra: Any = _extra()


class Resource(Versioned, table=True):
    """Charity goods or funds of a station's resource library, with the week's stock."""

    station_id: str = _id(primary_key=True, foreign_key="station.id", ondelete="CASCADE")
    id: str = _id(primary_key=True)
    position: int = Field(default=0)
    name: str
    kind: str
    unit: str
    available: int = _count()
    eligible_groups: list[str] | None = _json(default=None)
    extra: Any = _extra()
    updated_at: dt.datetime = Field(
        default_factory=utcnow,
        sa_type=DateTime(timezone=True),
        description="When the library's record was last written (its freshness).",
    )


class Need(Versioned, table=True):
    """One household's need in a station's needs archive (需求档案)."""

    __table_args__ = (
        ForeignKeyConstraint(
            ["station_id", "village_id"],
            ["village.station_id", "village.id"],
            name="fk_need_village",
        ),
        Index("ix_need_station_household", "station_id", "household"),
    )

    station_id: str = _id(primary_key=True, foreign_key="station.id", ondelete="CASCADE")
    id: str = _id(primary_key=True)
    position: int = Field(default=0)
    household: str = _id()
    village_id: str = _id()
    lat: float | None = None
    lon: float | None = None
    groups: list[str] = _json(default_factory=list)
    category: str
    priority: int
    visits: int
    duration_minutes: int
    window: dict[str, Any] = _json(default_factory=dict)
    staff: dict[str, int] = _json(default_factory=dict)
    skills: list[str] = _json(default_factory=list)
    languages: list[str] = _json(default_factory=list)
    preferred_workers: list[str] = _json(default_factory=list)
    excluded_workers: list[str] = _json(default_factory=list)
    resources: list[dict[str, Any]] = _json(default_factory=list)
    mandatory: bool = False
    assessed_on: dt.date | None = Field(default=None, description="Date of its needs assessment.")
    extra: Any = _extra()


class PlanJob(SQLModel, table=True):
    """A plan request: the exact scenario it solves, how, and (when done) the plan.

    ``scenario_json`` is the very text the solver was given and ``scenario_sha256`` its hash,
    so that a plan can be replayed (``mulin replay``) and audited.
    """

    __tablename__ = "plan_job"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    station_id: str | None = _id(
        default=None, foreign_key="station.id", ondelete="CASCADE", index=True
    )
    token_id: str = _id(description="The token that requested the plan.")
    status: str = Field(default="queued", max_length=16, index=True)
    progress: float = 0.0
    phase: str | None = Field(default=None, max_length=40)
    week_start: dt.date
    time_limit: float
    seed: int
    workers: int
    repeatable: bool = Field(
        default=False, sa_column_kwargs={"server_default": false()}, description="Counted work."
    )
    language: str = Field(max_length=8)
    ortools_version: str = Field(max_length=40)
    scenario_json: str = Field(sa_type=Text)
    scenario_sha256: str = Field(max_length=64)
    plan_json: str | None = Field(default=None, sa_type=Text)
    error: str | None = Field(default=None, sa_type=Text)
    base_plan_id: uuid.UUID | None = Field(
        default=None, description="The plan in force that a re-plan started from."
    )
    replan_json: str | None = Field(default=None, sa_type=Text)
    changes_json: str | None = Field(default=None, sa_type=Text)
    batch_id: uuid.UUID | None = Field(
        default=None, index=True, description="The city batch that asked for this plan."
    )
    summary_json: str | None = Field(
        default=None,
        sa_type=Text,
        description="A done plan's counts for overviews (``service.api.summary``).",
    )
    claimed_by: str | None = Field(
        default=None, max_length=200, description="The worker solving it (host, process)."
    )
    heartbeat_at: dt.datetime | None = Field(
        default=None,
        sa_type=DateTime(timezone=True),
        description="When its worker last said it is still solving (its lease).",
    )
    carried_json: str | None = Field(
        default=None,
        sa_type=Text,
        description="Visits of last week carried into this plan (``service.api.carry``).",
    )
    cpu_seconds: float | None = Field(
        default=None, description="CPU seconds the solver process of a done plan used."
    )
    attempts: int = Field(
        default=0, sa_column_kwargs={"server_default": "0"}, description="Times it was claimed."
    )
    created_at: dt.datetime = _timestamp()
    updated_at: dt.datetime = _timestamp()


class PlanBatch(SQLModel, table=True):
    """A city's week asked for in one request: one plan job per station (``PlanJob.batch_id``)."""

    __tablename__ = "plan_batch"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    token_id: str = _id(description="The token that asked for it.")
    week_start: dt.date
    refused_json: str | None = Field(
        default=None,
        sa_type=Text,
        description="Stations that got no job, with the reason (JSON object station → text).",
    )
    created_at: dt.datetime = _timestamp()


class VisitRecord(Versioned, table=True):
    """What happened to one planned visit: done, missed (and why) or partly done.

    Keyed by the plan and the visit's (need, number); the station is kept for queries. ``note``
    is free text about a household: stored, shown to the station, never logged.
    """

    __tablename__ = "visit_record"
    __table_args__ = (Index("ix_visit_record_station_week", "station_id", "week_start"),)

    plan_id: uuid.UUID = Field(primary_key=True, foreign_key="plan_job.id", ondelete="CASCADE")
    need_id: str = _id(primary_key=True)
    visit: int = Field(primary_key=True)
    station_id: str = _id(foreign_key="station.id", ondelete="CASCADE")
    week_start: dt.date
    day: str = Field(max_length=3)
    status: str = Field(max_length=16, description="done, missed or partly_done")
    missed_reason: str | None = Field(default=None, max_length=24)
    actual_start: str | None = Field(default=None, max_length=5)
    actual_minutes: int | None = None
    resources_given: list[dict[str, Any]] = _json(default_factory=list)
    note: str | None = Field(default=None, sa_type=Text)
    note_expires_on: dt.date | None = None
    recorded_by: str = _id(description="A token id, or worker:<id> from the worker's link.")
    created_at: dt.datetime = _timestamp()
    updated_at: dt.datetime = _timestamp()


class ApiToken(SQLModel, table=True):
    """A bearer token: only the SHA-256 of the secret is stored."""

    __tablename__ = "api_token"

    id: str = _id(primary_key=True)
    role: str = Field(max_length=32)
    station_id: str | None = _id(default=None)
    token_sha256: str = Field(max_length=64, unique=True)
    revoked: bool = False
    created_at: dt.datetime = _timestamp()


class AuditEntry(SQLModel, table=True):
    """Who read or changed which household (need) record, and when."""

    __tablename__ = "audit_entry"

    id: int | None = Field(
        default=None, primary_key=True, sa_type=BigInteger().with_variant(Integer, "sqlite")
    )
    token_id: str = _id(index=True)
    action: str = Field(max_length=16)
    entity: str = Field(max_length=32)
    entity_id: str | None = _id(default=None)
    station_id: str | None = _id(default=None, index=True)
    at: dt.datetime = _timestamp()


@dataclass
class Archive:
    """A station row with every row of its archive, each list in archive order."""

    station: Station
    villages: list[Village] = field(default_factory=list)
    workers: list[Worker] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    needs: list[Need] = field(default_factory=list)
