"""Re-plan requests (absences, done and locked visits, urgent needs) and the changes list."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, model_validator
from pydantic_core import PydanticCustomError

from service.wire.common import DAYS, Day, Identifier, Messages, TimeOfDay, WireModel
from service.wire.scenario import Need


class VisitRef(WireModel):
    """One visit of the plan in force: its need and visit number."""

    need_id: Identifier
    visit: int = Field(ge=1, le=7, strict=True)


class Absence(WireModel):
    """A worker who cannot go out from ``from_day`` to ``until_day`` (both included)."""

    worker_id: Identifier
    from_day: Day
    until_day: Day = "sun"

    @model_validator(mode="after")
    def _in_order(self) -> Absence:
        if DAYS.index(self.until_day) < DAYS.index(self.from_day):
            raise PydanticCustomError(
                "absence_order",
                "until_day {until} is before from_day {start}",
                {"until": self.until_day, "start": self.from_day},
            )
        return self


class ReplanRequest(WireModel):
    """Changes to the week since its plan was made.

    ``from_day`` is the first day the new plan may change; earlier days are the past. Visits
    before it are kept when done: all of them when ``done`` is left out, else only those listed
    (the others were missed and are planned again from ``from_day`` on). Done and locked visits
    are kept exactly as they are; absent workers lose their visits of those days; urgent needs
    join the week.
    """

    from_day: Day | None = Field(
        default=None, description="Default: the earliest absence, or mon when none."
    )
    absent: list[Absence] = Field(default_factory=list, max_length=500)
    done: list[VisitRef] | None = Field(
        default=None, max_length=10_000, description="Default: every visit before from_day."
    )
    locked: list[VisitRef] = Field(default_factory=list, max_length=10_000)
    urgent_needs: list[Need] = Field(default_factory=list, max_length=1_000)

    def first_day(self) -> Day:
        """The first day the new plan may change."""
        if self.from_day is not None:
            return self.from_day
        if self.absent:
            return min((a.from_day for a in self.absent), key=DAYS.index)
        return "mon"


ChangeKind = Literal["changed", "moved", "dropped", "added"]
ChangeReason = Literal[
    "worker_absent", "missed", "urgent_need", "made_room", "newly_served", "rearranged"
]


class VisitAt(BaseModel):
    """Where and when a visit is, and who goes."""

    day: Day
    start: TimeOfDay
    end: TimeOfDay
    worker_ids: list[Identifier]


class Change(BaseModel):
    """One visit that differs between the plan in force and the new plan, and why."""

    kind: ChangeKind
    need_id: Identifier
    before: VisitAt | None = None
    after: VisitAt | None = None
    reason: ChangeReason
    message: str
    messages: Messages = None


class ChangeSummary(BaseModel):
    """How many visits of the plan in force stayed, and how many changed in each way."""

    kept: int
    changed: int
    moved: int
    dropped: int
    added: int
    changes: list[Change] = Field(default_factory=list)

    def disturbed(self) -> int:
        """Visits of the plan in force that did not stay exactly as they were."""
        return self.changed + self.moved + self.dropped
