"""Visit records from the field: what happened to a planned visit (the API's shape)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from service.wire.common import Day, Identifier, TimeOfDay

RecordStatus = Literal["done", "missed", "partly_done"]
RECORD_STATUSES: tuple[RecordStatus, ...] = ("done", "missed", "partly_done")
MissedReason = Literal["household_away", "refused", "worker_absent", "weather", "other"]
MISSED_REASONS: tuple[MissedReason, ...] = (
    "household_away",
    "refused",
    "worker_absent",
    "weather",
    "other",
)
MAX_NOTE_CHARS = 2000


class ResourceGiven(BaseModel):
    """Goods or funds actually handed over at a visit (0 when none was)."""

    model_config = ConfigDict(extra="forbid")

    id: Identifier
    quantity: int = Field(ge=0, le=1_000_000_000, strict=True)


class VisitRecordBody(BaseModel):
    """What a coordinator or the worker records for one planned visit."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"status": "done", "actual_minutes": 50},
                {"status": "missed", "missed_reason": "household_away"},
            ]
        },
    )

    status: RecordStatus
    missed_reason: MissedReason | None = Field(
        default=None, description="Why it was missed; required when the status is missed."
    )
    actual_start: TimeOfDay | None = Field(
        default=None, description="When it began, if not as planned."
    )
    actual_minutes: int | None = Field(
        default=None, ge=0, le=1440, strict=True, description="How long, if not as planned."
    )
    resources_given: list[ResourceGiven] | None = Field(
        default=None,
        max_length=50,
        description="What was handed over; default: as planned when done, nothing when missed.",
    )
    note: str | None = Field(
        default=None,
        max_length=MAX_NOTE_CHARS,
        description="Free text (sensitive: shown only to the station, never logged).",
    )
    note_retention_days: int | None = Field(
        default=None, ge=1, le=3650, strict=True, description="Erase the note after so many days."
    )

    @model_validator(mode="after")
    def _reason_when_missed(self) -> VisitRecordBody:
        if self.status == "missed" and self.missed_reason is None:
            raise ValueError("a missed visit needs a missed_reason")
        if self.status != "missed" and self.missed_reason is not None:
            raise ValueError("only a missed visit has a missed_reason")
        return self


class VisitRecordPublic(BaseModel):
    """A stored visit record, with the visit it is about."""

    plan_id: str
    need_id: str
    visit: int
    week_start: dt.date
    day: Day
    date: dt.date = Field(description="The visit's calendar date.")
    status: RecordStatus
    missed_reason: MissedReason | None
    actual_start: str | None
    actual_minutes: int | None
    resources_given: list[ResourceGiven]
    note: str | None
    note_expires_on: dt.date | None
    recorded_by: str
    version: int
    updated_at: dt.datetime


class VisitRecordsPublic(BaseModel):
    """A plan's visit records."""

    data: list[VisitRecordPublic]
    count: int
