"""The scenario format ``mulin.scenario/1``: one town's week (see shared spec)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from service.wire.common import (
    DAYS,
    Count,
    Day,
    Identifier,
    Location,
    Name,
    ResourceAmount,
    Role,
    StaffKey,
    TimeOfDay,
    WireModel,
    time_to_minutes,
)

SCENARIO_FORMAT = "mulin.scenario/1"

Group = Literal[
    "low_income",
    "elderly_alone",
    "empty_nest",
    "disabled_elderly",
    "special_family",
    "child_in_difficulty",
    "left_behind_child",
    "disabled",
    "migrant",
    "domestic_violence",
    "other",
]
Category = Literal[
    "policy_publicity",
    "needs_assessment",
    "resource_assessment",
    "social_assistance",
    "elderly_care",
    "child_protection",
    "disability_support",
    "marriage_family",
    "community_governance",
    "community_charity",
    "volunteer_service",
    "social_org_cultivation",
    "talent_cultivation",
    "resource_linkage",
    "other",
]
Transport = Literal["walk", "ebike", "car"]
Code = str


class Station(WireModel):
    """The town's social work station (社会工作站)."""

    id: Identifier
    name: Name
    location: Location


class Village(WireModel):
    """A village (村) or urban community (社区) with its social work room."""

    id: Identifier
    name: Name
    kind: Literal["village", "community"] = "village"
    location: Location


class Speeds(WireModel):
    """Travel speed per transport mode, km/h."""

    walk: float = Field(default=4.5, ge=1, le=200, strict=True)
    ebike: float = Field(default=15.0, ge=1, le=200, strict=True)
    car: float = Field(default=30.0, ge=1, le=200, strict=True)


class Travel(WireModel):
    """How straight-line distance becomes travel minutes."""

    detour_factor: float = Field(default=1.3, ge=1.0, le=10.0, strict=True)
    speed_kmh: Speeds = Field(default_factory=Speeds)


Shift = tuple[TimeOfDay, TimeOfDay]


class Worker(WireModel):
    """A social worker, volunteer or village liaison of the resource library."""

    id: Identifier
    name: Name
    role: Role
    skills: list[Code] = Field(default_factory=list)
    languages: list[Code] = Field(default_factory=lambda: ["mandarin"])
    base: Location | None = None
    transport: Transport = "ebike"
    availability: dict[Day, list[Shift]] = Field(default_factory=dict)
    max_minutes_per_week: Count | None = None
    max_visits_per_day: Count | None = None
    max_travel_minutes: Count | None = None

    @field_validator("availability")
    @classmethod
    def _shifts_ordered_and_apart(cls, value: dict[Day, list[Shift]]) -> dict[Day, list[Shift]]:
        for day, shifts in value.items():
            spans = [(time_to_minutes(a), time_to_minutes(b)) for a, b in shifts]
            for index, (start, end) in enumerate(spans):
                if start >= end:
                    raise PydanticCustomError(
                        "shift_order",
                        "{day} shift {index} ends at or before it starts",
                        {"day": day, "index": index},
                    )
            ordered = sorted(spans)
            for (_, end), (start, _) in itertools.pairwise(ordered):
                if start < end:
                    raise PydanticCustomError("shift_overlap", "{day} shifts overlap", {"day": day})
        return value


class Resource(WireModel):
    """Charity goods or funds in the resource library, with this week's stock."""

    id: Identifier
    name: Name
    kind: Literal["goods", "funds"]
    unit: Name
    available: Count
    eligible_groups: list[Group] | None = None


class Window(WireModel):
    """Days and local time span within which each visit must start and end."""

    days: list[Day] = Field(min_length=1)
    from_: TimeOfDay = Field(alias="from")
    to: TimeOfDay

    @field_validator("days")
    @classmethod
    def _days_unique(cls, value: list[Day]) -> list[Day]:
        if len(set(value)) != len(value):
            raise PydanticCustomError("duplicate_day", "a day is listed twice", {})
        return sorted(value, key=DAYS.index)

    @model_validator(mode="after")
    def _from_before_to(self) -> Window:
        if time_to_minutes(self.from_) >= time_to_minutes(self.to):
            raise PydanticCustomError(
                "window_order",
                "window ends at {to} which is not after its start {start}",
                {"to": self.to, "start": self.from_},
            )
        return self


class Need(WireModel):
    """One household's need for visits (and goods or funds) this week."""

    id: Identifier
    household: Identifier
    village: Identifier
    location: Location | None = None
    groups: list[Group] = Field(default_factory=list)
    category: Category
    priority: int = Field(ge=1, le=5, strict=True)
    visits: int = Field(default=1, ge=1, le=7, strict=True)
    duration_minutes: int = Field(gt=0, le=1440, strict=True)
    window: Window
    staff: dict[StaffKey, Count] = Field(default_factory=lambda: {"any": 1})  # type: ignore[arg-type]
    skills: list[Code] = Field(default_factory=list)
    languages: list[Code] = Field(default_factory=list)
    preferred_workers: list[Identifier] = Field(default_factory=list)
    excluded_workers: list[Identifier] = Field(default_factory=list)
    resources: list[ResourceAmount] = Field(default_factory=list)
    mandatory: bool = Field(default=False, strict=True)
    assessed_on: dt.date | None = Field(
        default=None,
        description="Mulin's optional extension: the date of the household's needs assessment "
        "(for the yearly reassessment figures); planning ignores it.",
    )

    @field_validator("staff")
    @classmethod
    def _someone_is_sent(cls, value: dict[StaffKey, int]) -> dict[StaffKey, int]:
        if sum(value.values()) < 1:
            raise PydanticCustomError("staff_empty", "a visit needs at least one worker", {})
        if sum(value.values()) > 10:
            raise PydanticCustomError("staff_large", "a visit may need at most 10 workers", {})
        return value

    def staff_total(self) -> int:
        """Number of workers one visit needs."""
        return sum(self.staff.values())


class Scenario(WireModel):
    """One town's week: villages, workers, resources and needs (``mulin.scenario/1``)."""

    format: Literal["mulin.scenario/1"]
    name: Name
    week_start: dt.date
    station: Station
    villages: list[Village] = Field(min_length=1)
    travel: Travel = Field(default_factory=Travel)
    workers: list[Worker] = Field(default_factory=list)
    resources: list[Resource] = Field(default_factory=list)
    needs: list[Need] = Field(default_factory=list)

    @field_validator("week_start")
    @classmethod
    def _is_monday(cls, value: dt.date) -> dt.date:
        if value.weekday() != 0:
            raise PydanticCustomError(
                "not_monday", "{value} is not a Monday", {"value": value.isoformat()}
            )
        return value
