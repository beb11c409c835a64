"""The numbers of a station's overview page: needs by priority, group and village; staff; stock."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from service.storage.repository import ArchiveOutline
from service.wire.common import time_to_minutes


@dataclass(frozen=True)
class Tally:
    """Needs and the visits they request, under one heading (a priority, group or village)."""

    key: str
    label: str
    needs: int
    visits: int


@dataclass(frozen=True)
class StaffRow:
    """A worker of the station and the hours they are free in a week."""

    id: str
    name: str
    role: str
    hours: float


@dataclass(frozen=True)
class StockRow:
    """A resource of the station and how much of it is in stock."""

    id: str
    name: str
    unit: str
    available: int


@dataclass(frozen=True)
class Overview:
    """Everything the overview page shows of a station's archive."""

    by_priority: list[Tally]
    by_group: list[Tally]
    by_village: list[Tally]
    workers: list[StaffRow]
    stock: list[StockRow]
    needs: int
    visits: int


def next_monday(today: dt.date) -> dt.date:
    """The Monday on or after a day (the default week to plan).

    Parameters
    ----------
    today
        Any day.

    Returns
    -------
    datetime.date
        ``today`` when it is a Monday, else the next Monday.
    """
    return today + dt.timedelta(days=(7 - today.weekday()) % 7)


def free_hours(availability: dict[str, Any]) -> float:
    """Hours a worker is available in a week: the sum of their shifts, in hours.

    Parameters
    ----------
    availability
        The worker's shifts per day (``{"mon": [["08:00", "12:00"]]}``), as stored.

    Returns
    -------
    float
        Rounded to a tenth of an hour.
    """
    minutes = sum(
        time_to_minutes(end) - time_to_minutes(start)
        for shifts in availability.values()
        for start, end in shifts
    )
    return round(minutes / 60, 1)


def _tallies(
    needs: list[tuple[int, int, list[str], str]],
    keys_of: Callable[[tuple[int, int, list[str], str]], list[str]],
    labels: dict[str, str],
) -> list[Tally]:
    needs_of: Counter[str] = Counter()
    visits_of: Counter[str] = Counter()
    for need in needs:
        for key in keys_of(need):
            needs_of[key] += 1
            visits_of[key] += need[1]
    return [
        Tally(key=key, label=labels.get(key, key), needs=needs_of[key], visits=visits_of[key])
        for key in needs_of
    ]


def overview(
    store: ArchiveOutline, group_label: dict[str, str], role_label: dict[str, str]
) -> Overview:
    """The overview of a station's archive.

    Parameters
    ----------
    store
        The columns of the station's archive that are counted
        (:func:`service.storage.repository.archive_outline`).
    group_label
        Display name of each group code, in the page's language.
    role_label
        Display name of each worker role, in the page's language.

    Returns
    -------
    Overview
        Tallies sorted by priority, by group (most needs first) and by village (archive
        order); workers and resources in archive order.
    """
    needs = store.needs
    villages = dict(store.villages)
    by_priority = _tallies(needs, lambda need: [str(need[0])], {})
    by_group = _tallies(needs, lambda need: list(need[2]) or ["-"], group_label)
    by_village = _tallies(
        needs, lambda need: [need[3]], {k: f"{v} ({k})" for k, v in villages.items()}
    )
    village_order = {village_id: index for index, village_id in enumerate(villages)}
    return Overview(
        by_priority=sorted(by_priority, key=lambda tally: int(tally.key)),
        by_group=sorted(by_group, key=lambda tally: (-tally.needs, tally.key)),
        by_village=sorted(by_village, key=lambda tally: village_order.get(tally.key, 10**9)),
        workers=[
            StaffRow(
                id=worker_id,
                name=name,
                role=role_label.get(role, role),
                hours=free_hours(availability),
            )
            for worker_id, name, role, availability in store.workers
        ],
        stock=[
            StockRow(id=row_id, name=name, unit=unit, available=available)
            for row_id, name, unit, available in store.resources
        ],
        needs=len(needs),
        visits=sum(need[1] for need in needs),
    )
