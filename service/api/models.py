"""Request and answer models of the HTTP API, one family per entity.

The *Base* of each family is the wire model of ``service.wire.scenario`` (the HTTP API speaks
the scenario format); the *Table* is in ``service.storage.models``. Here are the rest:
``XCreate`` (the wire model itself), ``XUpdate`` (every field optional, applied with
``exclude_unset`` and then validated again as a whole wire object), ``XPublic`` (the wire
model with the row's ``version``) and ``XsPublic`` (a page and the total count).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from service.api import examples as ex
from service.api.carry import CarriedVisit
from service.wire import scenario as wire
from service.wire.common import Count, Day, Identifier, Location, ResourceAmount, Role, StaffKey
from service.wire.plan import Plan
from service.wire.replan import ChangeSummary, ReplanRequest

MAX_SEED = 2**31 - 1


class Patch(BaseModel):
    """Base of the update models: unknown fields are errors; ``version`` guards the write."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    version: int | None = Field(
        default=None,
        ge=1,
        le=2**31 - 1,
        description="The version read; if it is no longer the stored one the update gets 409.",
    )
    extra: Any = Field(default=None, description="Kept and ignored: free data for other tools.")


# --- stations -------------------------------------------------------------------------------


class StationCreate(wire.Station):
    """A new station; ``scenario_name`` and ``travel`` are what its scenario export carries."""

    model_config = ConfigDict(json_schema_extra=ex.schema_examples(ex.STATION_CREATE))

    scenario_name: str | None = Field(
        default=None, description="Name of the exported scenario; default: the station's name."
    )
    travel: wire.Travel = Field(default_factory=wire.Travel)


class StationUpdate(Patch):
    """Changes to a station."""

    model_config = ConfigDict(json_schema_extra=ex.schema_examples(ex.STATION_UPDATE))

    name: str | None = None
    location: Location | None = None
    scenario_name: str | None = None
    travel: wire.Travel | None = None


class StationPublic(wire.Station):
    """A station as answered."""

    model_config = ConfigDict(json_schema_extra=ex.schema_examples(ex.STATION_PUBLIC))

    scenario_name: str
    travel: wire.Travel
    version: int


class StationsPublic(BaseModel):
    """A page of stations."""

    model_config = ConfigDict(json_schema_extra=ex.schema_examples(ex.page(ex.STATION_PUBLIC, 1)))

    data: list[StationPublic]
    count: int


# --- villages -------------------------------------------------------------------------------


class VillageCreate(wire.Village):
    """A new village or community of the station."""

    model_config = ConfigDict(json_schema_extra=ex.schema_examples(ex.VILLAGE, ex.COMMUNITY))


class VillageUpdate(Patch):
    """Changes to a village."""

    model_config = ConfigDict(json_schema_extra=ex.schema_examples(ex.VILLAGE_UPDATE))

    name: str | None = None
    kind: Literal["village", "community"] | None = None
    location: Location | None = None


class VillagePublic(wire.Village):
    """A village as answered."""

    model_config = ConfigDict(json_schema_extra=ex.schema_examples({**ex.VILLAGE, "version": 1}))

    version: int


class VillagesPublic(BaseModel):
    """A page of villages."""

    model_config = ConfigDict(
        json_schema_extra=ex.schema_examples(ex.page({**ex.VILLAGE, "version": 1}, 2))
    )

    data: list[VillagePublic]
    count: int


# --- workers --------------------------------------------------------------------------------


class WorkerCreate(wire.Worker):
    """A new worker of the station's resource library."""

    model_config = ConfigDict(json_schema_extra=ex.schema_examples(ex.WORKER, ex.VOLUNTEER))


class WorkerUpdate(Patch):
    """Changes to a worker."""

    model_config = ConfigDict(json_schema_extra=ex.schema_examples(ex.WORKER_UPDATE))

    name: str | None = None
    role: Role | None = None
    skills: list[str] | None = None
    languages: list[str] | None = None
    base: Location | None = None
    transport: wire.Transport | None = None
    availability: dict[Day, list[wire.Shift]] | None = None
    max_minutes_per_week: Count | None = None
    max_visits_per_day: Count | None = None
    max_travel_minutes: Count | None = None


class WorkerPublic(wire.Worker):
    """A worker as answered."""

    model_config = ConfigDict(json_schema_extra=ex.schema_examples({**ex.WORKER, "version": 1}))

    version: int


class WorkersPublic(BaseModel):
    """A page of workers."""

    model_config = ConfigDict(
        json_schema_extra=ex.schema_examples(ex.page({**ex.WORKER, "version": 1}, 3))
    )

    data: list[WorkerPublic]
    count: int


# --- resources ------------------------------------------------------------------------------


class ResourceCreate(wire.Resource):
    """New goods or funds in the station's resource library."""

    model_config = ConfigDict(json_schema_extra=ex.schema_examples(ex.RESOURCE))


class ResourceUpdate(Patch):
    """Changes to a resource."""

    model_config = ConfigDict(json_schema_extra=ex.schema_examples(ex.RESOURCE_UPDATE))

    name: str | None = None
    kind: Literal["goods", "funds"] | None = None
    unit: str | None = None
    available: Count | None = None
    eligible_groups: list[wire.Group] | None = None


class ResourcePublic(wire.Resource):
    """A resource as answered."""

    model_config = ConfigDict(json_schema_extra=ex.schema_examples({**ex.RESOURCE, "version": 1}))

    version: int


class ResourcesPublic(BaseModel):
    """A page of resources."""

    model_config = ConfigDict(
        json_schema_extra=ex.schema_examples(ex.page({**ex.RESOURCE, "version": 1}, 1))
    )

    data: list[ResourcePublic]
    count: int


# --- needs ----------------------------------------------------------------------------------


class NeedCreate(wire.Need):
    """A new need of a household in the station's needs archive."""

    model_config = ConfigDict(json_schema_extra=ex.schema_examples(ex.NEED, ex.CHILD_NEED))


class NeedUpdate(Patch):
    """Changes to a need."""

    model_config = ConfigDict(json_schema_extra=ex.schema_examples(ex.NEED_UPDATE))

    household: Identifier | None = None
    village: Identifier | None = None
    location: Location | None = None
    groups: list[wire.Group] | None = None
    category: wire.Category | None = None
    priority: int | None = Field(default=None, ge=1, le=5, strict=True)
    visits: int | None = Field(default=None, ge=1, le=7, strict=True)
    duration_minutes: int | None = Field(default=None, gt=0, le=1440, strict=True)
    window: wire.Window | None = None
    staff: dict[StaffKey, Count] | None = None
    skills: list[str] | None = None
    languages: list[str] | None = None
    preferred_workers: list[Identifier] | None = None
    excluded_workers: list[Identifier] | None = None
    resources: list[ResourceAmount] | None = None
    mandatory: bool | None = Field(default=None, strict=True)


class NeedPublic(wire.Need):
    """A need as answered."""

    model_config = ConfigDict(json_schema_extra=ex.schema_examples({**ex.NEED, "version": 1}))

    version: int


class NeedsPublic(BaseModel):
    """A page of needs."""

    model_config = ConfigDict(
        json_schema_extra=ex.schema_examples(ex.page({**ex.NEED, "version": 1}, 5))
    )

    data: list[NeedPublic]
    count: int


# --- plans ----------------------------------------------------------------------------------


class PlanRequestOptions(BaseModel):
    """How to plan: seed, CP-SAT workers, language of the plan's sentences."""

    model_config = ConfigDict(extra="forbid")

    seed: int = Field(default=0, ge=0, le=MAX_SEED)
    workers: int = Field(default=1, ge=1, le=64, description="CP-SAT search workers.")
    repeatable: bool = Field(
        default=False,
        description="Count solver work, not wall seconds: the same archive and seed give the "
        "same plan on any load (needs workers = 1; the wall time then differs from the limit).",
    )
    language: Literal["zh", "en"] = "zh"

    @model_validator(mode="after")
    def _one_worker_if_repeatable(self) -> PlanRequestOptions:
        if self.repeatable and self.workers != 1:
            raise ValueError("repeatable plans need workers = 1")
        return self


class _PlanRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    time_limit: float | None = Field(
        default=None,
        ge=0.1,
        description="Solver seconds, at least 0.1; default: the service's default.",
    )
    options: PlanRequestOptions = Field(default_factory=PlanRequestOptions)


class StationPlanRequest(_PlanRequest):
    """A plan of a station's week from its stored archive."""

    model_config = ConfigDict(json_schema_extra=ex.schema_examples(ex.STATION_PLAN_REQUEST))

    week_start: dt.date
    carry_over: bool = Field(
        default=True,
        description="Bring back last week's missed visits (and those never recorded after the "
        "grace) and goods not handed over, as needs of their own (<need>~carried).",
    )
    carry_over_more_urgent: bool = Field(
        default=False, description="Carried visits one priority step more urgent."
    )

    @field_validator("week_start")
    @classmethod
    def _is_monday(cls, value: dt.date) -> dt.date:
        if value.weekday() != 0:
            raise ValueError(f"{value.isoformat()} is not a Monday")
        return value


class BatchPlanRequest(StationPlanRequest):
    """A city's week: one plan job per station, every station or the ones listed."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"week_start": "2026-11-23"}]})

    station_ids: list[Identifier] | None = Field(
        default=None,
        max_length=5000,
        description="The stations to plan; default: every station.",
    )


class BatchStationPublic(BaseModel):
    """One station's row of a batch: its plan job (or why it has none) and what the plan says."""

    station_id: str
    plan_id: uuid.UUID | None = Field(description="Its plan job; None when it got none.")
    status: Literal["queued", "running", "done", "failed", "cancelled", "refused"]
    progress: float
    phase: str | None
    error: str | None = Field(description="Why the station got no plan, or why it failed.")
    visits_requested: int | None = None
    visits_planned: int | None = None
    urgent_coverage: float | None = Field(
        default=None, description="Share of the priority 1–2 visits planned (done plans)."
    )
    unmet: int | None = Field(default=None, description="Needs not fully served (done plans).")
    plan_status: str | None = Field(default=None, description="The done plan's status.")


class BatchPublic(BaseModel):
    """A city batch: its stations' plan jobs and how far they are."""

    id: uuid.UUID
    week_start: dt.date
    created_at: dt.datetime
    counts: dict[str, int] = Field(description="Stations per status.")
    finished: bool = Field(description="Whether every station's job has ended.")
    stations: list[BatchStationPublic]


class ScenarioPlanRequest(_PlanRequest):
    """A one-shot plan of a whole scenario sent along (nothing of it is stored in the archive)."""

    model_config = ConfigDict(json_schema_extra=ex.schema_examples(ex.SCENARIO_PLAN_REQUEST))

    scenario: wire.Scenario


class PlanAccepted(BaseModel):
    """The answer to a plan request: its id, to poll."""

    model_config = ConfigDict(json_schema_extra=ex.schema_examples(ex.PLAN_ACCEPTED))

    id: uuid.UUID
    status: str


class PlanJobPublic(BaseModel):
    """A plan job: its status and progress, how it was asked for and, when done, the plan."""

    model_config = ConfigDict(json_schema_extra=ex.schema_examples(ex.PLAN_JOB))

    id: uuid.UUID
    station_id: str | None
    status: Literal["queued", "running", "done", "failed", "cancelled"]
    progress: float = Field(description="Share of the time budget used, 0 to 1.")
    phase: str | None
    week_start: dt.date
    time_limit: float
    seed: int
    workers: int
    repeatable: bool = False
    language: str
    ortools_version: str
    scenario_sha256: str = Field(description="SHA-256 of the exact scenario JSON solved.")
    error: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    plan: Plan | None = Field(default=None, description="The mulin.plan/1 plan when done.")
    carried_over: list[CarriedVisit] = Field(
        default_factory=list, description="Visits of last week this plan brought back, and why."
    )
    cpu_seconds: float | None = Field(
        default=None, description="CPU seconds its solver process used (done plans)."
    )
    base_plan_id: uuid.UUID | None = Field(
        default=None, description="For a re-plan: the plan in force it started from."
    )
    changes: ChangeSummary | None = Field(
        default=None, description="For a done re-plan: what changed against the plan in force."
    )


class PlanJobsPublic(BaseModel):
    """A page of plan jobs (without their plans)."""

    model_config = ConfigDict(json_schema_extra=ex.schema_examples(ex.page(ex.PLAN_JOB, 1)))

    data: list[PlanJobPublic]
    count: int


class ReplanBody(ReplanRequest):
    """A re-plan of a done plan: what changed in the week, and how long to plan."""

    model_config = ConfigDict(json_schema_extra=ex.schema_examples(ex.REPLAN_REQUEST))

    time_limit: float | None = Field(
        default=None,
        ge=0.1,
        description="Solver seconds, at least 0.1; default: the service's default.",
    )
    options: PlanRequestOptions = Field(default_factory=PlanRequestOptions)

    def request(self) -> ReplanRequest:
        """The re-plan request without the planning options."""
        return ReplanRequest.model_validate(
            self.model_dump(exclude={"time_limit", "options"}, by_alias=True)
        )
