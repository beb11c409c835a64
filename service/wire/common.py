"""Types shared by the scenario and plan formats (the wire shape)."""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAYS: tuple[Day, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$|^24:00$")


def _check_time(value: str) -> str:
    if not _TIME.match(value):
        raise PydanticCustomError(
            "time_format", "{value} is not a time HH:MM", {"value": repr(value)}
        )
    return value


TimeOfDay = Annotated[str, AfterValidator(_check_time)]
"""Local time ``HH:MM`` from ``00:00`` to ``24:00``."""

Identifier = Annotated[str, Field(min_length=1, max_length=100)]
MAX_NAME_CHARS = 200


def _check_name(value: str) -> str:
    # Checked in Python, not by pydantic's max_length, so that text pydantic cannot hand to
    # Rust (an unpaired surrogate) still reaches the service's own clearer message.
    if len(value) > MAX_NAME_CHARS:
        raise PydanticCustomError(
            "string_too_long",
            "String should have at most {max_length} characters",
            {"max_length": MAX_NAME_CHARS},
        )
    return value


Name = Annotated[
    str, AfterValidator(_check_name), Field(json_schema_extra={"maxLength": MAX_NAME_CHARS})
]
"""Free text for people to read (names, units): at most 200 characters."""
MAX_EXTRA_BYTES = 16 * 1024
"""Largest ``extra`` of one record, as compact UTF-8 JSON (an Excel cell holds 32,767 chars)."""
Count = Annotated[int, Field(ge=0, strict=True)]
Messages = Annotated[
    dict[Literal["zh", "en"], str] | None,
    Field(
        description=(
            "Optional (a Mulin extension): the same sentence in each language Mulin speaks; "
            "`message` is the one in the plan's language."
        )
    ),
]
"""A whole number >= 0 that must be a JSON number (not ``true`` or ``"45"``)."""


def time_to_minutes(value: str) -> int:
    """Minutes after midnight of a validated ``HH:MM`` time.

    Parameters
    ----------
    value
        A time in ``HH:MM`` form (``24:00`` allowed).

    Returns
    -------
    int
        Minutes since 00:00.
    """
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


def minutes_to_time(minutes: int) -> str:
    """Format minutes after midnight as ``HH:MM``.

    Parameters
    ----------
    minutes
        Minutes since 00:00, from 0 to 1440.

    Returns
    -------
    str
        The time as ``HH:MM``.
    """
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class WireModel(BaseModel):
    """Base of every wire model: unknown fields are errors, except under ``extra``."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    extra: Any = Field(
        default=None,
        description=(
            f"Kept and ignored: free data for other tools, at most {MAX_EXTRA_BYTES} bytes as JSON."
        ),
    )

    @field_validator("extra")
    @classmethod
    def _extra_is_small(cls, value: Any) -> Any:
        if value is None:
            return value
        size = len(
            json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str).encode()
        )
        if size > MAX_EXTRA_BYTES:
            raise PydanticCustomError(
                "extra_too_large",
                "extra is {size} bytes as JSON, more than {limit}",
                {"size": size, "limit": MAX_EXTRA_BYTES},
            )
        return value


class Location(WireModel):
    """A point on the map in WGS84 degrees."""

    lat: float = Field(ge=-90, le=90, strict=True)
    lon: float = Field(ge=-180, le=180, strict=True)


class ResourceAmount(WireModel):
    """A quantity of one charity resource."""

    id: Identifier
    quantity: int = Field(ge=1, strict=True)


Role = Literal["social_worker", "volunteer", "liaison"]
ROLES: tuple[Role, ...] = ("social_worker", "volunteer", "liaison")
StaffKey = Literal["social_worker", "volunteer", "liaison", "any"]


def json_path(loc: tuple[int | str, ...]) -> str:
    """Render a pydantic error location as a JSON path like ``needs[12].window.from``.

    Parameters
    ----------
    loc
        The location tuple of a pydantic error.

    Returns
    -------
    str
        The path, or ``(root)`` for the document itself.
    """
    path = ""
    for part in loc:
        if part == "[key]":
            continue
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "(root)"
