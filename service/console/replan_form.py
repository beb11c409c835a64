"""The re-plan form of the plan page, read into the API's re-plan body (nothing is stored here)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from service.api.errors import InvalidInput, invalid_from_validation
from service.api.models import ReplanBody
from service.messages import Language
from service.wire.common import DAYS

_LOCK = re.compile(r"^(.{1,100}):([1-7])$")


@dataclass
class ReplanForm:
    """The fields of the re-plan form as sent (all text).

    Parameters
    ----------
    absent_worker
        The id of the worker who cannot go out; empty: nobody.
    absent_from
        The first day of the absence (``mon`` … ``sun``).
    locked
        ``need_id:visit`` of every visit to keep exactly as it is.
    urgent_household, urgent_village, urgent_category, urgent_priority, urgent_duration
        The urgent need, if ``urgent_household`` is filled in.
    urgent_days, urgent_from, urgent_to
        Its window.
    urgent_mandatory
        Whether it must be served.
    time_limit
        Seconds to plan.
    """

    absent_worker: str = ""
    absent_from: str = ""
    locked: list[str] = field(default_factory=list)
    urgent_household: str = ""
    urgent_village: str = ""
    urgent_category: str = ""
    urgent_priority: str = ""
    urgent_duration: str = ""
    urgent_days: list[str] = field(default_factory=list)
    urgent_from: str = ""
    urgent_to: str = ""
    urgent_mandatory: bool = False
    time_limit: str = ""

    @property
    def has_urgent(self) -> bool:
        """Whether an urgent need was filled in."""
        return bool(self.urgent_household.strip())


def _number(text: str) -> int | str:
    """An integer typed into a field, or the text itself (so validation names it)."""
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else text


def _float(text: str) -> float | str | None:
    text = text.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return text


def urgent_id(household: str, taken: set[str]) -> str:
    """An id for an urgent need that no need of the week has: ``urgent-{household}[-n]``."""
    base = f"urgent-{household.strip()}"[:90]
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def replan_body(form: ReplanForm, language: Language, taken: set[str]) -> ReplanBody:
    """The API's re-plan body of a filled-in form: one worker, seed 0, the console's language.

    Parameters
    ----------
    form
        The fields as sent.
    language
        The language of the new plan's sentences.
    taken
        The need ids of the week (an urgent need gets a new one).

    Returns
    -------
    ReplanBody
        Validated.

    Raises
    ------
    InvalidInput
        One problem per bad field, located in the body (``absent[0].from_day`` …).
    """
    document: dict[str, Any] = {
        "options": {"seed": 0, "workers": 1, "language": language},
        "locked": [],
        "absent": [],
        "urgent_needs": [],
    }
    limit = _float(form.time_limit)
    if limit is not None:
        document["time_limit"] = limit
    if form.absent_worker.strip():
        document["absent"].append(
            {"worker_id": form.absent_worker.strip(), "from_day": form.absent_from or "mon"}
        )
    problems: list[tuple[tuple[str | int, ...], str]] = []
    for index, text in enumerate(form.locked):
        match = _LOCK.match(text)
        if match is None:
            problems.append((("body", "locked", index), f"{text!r} names no visit"))
            continue
        document["locked"].append({"need_id": match.group(1), "visit": int(match.group(2))})
    if form.has_urgent:
        document["urgent_needs"].append(
            {
                "id": urgent_id(form.urgent_household, taken),
                "household": form.urgent_household.strip(),
                "village": form.urgent_village,
                "category": form.urgent_category,
                "priority": _number(form.urgent_priority),
                "duration_minutes": _number(form.urgent_duration),
                "mandatory": form.urgent_mandatory,
                "window": {
                    "days": [day for day in DAYS if day in form.urgent_days],
                    "from": form.urgent_from.strip(),
                    "to": form.urgent_to.strip(),
                },
            }
        )
    if problems:
        raise InvalidInput(problems)
    try:
        return ReplanBody.model_validate(document)
    except ValidationError as error:
        raise invalid_from_validation(error, prefix=("body",)) from None
