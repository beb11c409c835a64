"""The numbers of a station's overview page: needs by priority, group and village; staff; stock."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from service.storage import convert
from service.storage.models import Archive
from service.wire.common import time_to_minutes
from service.wire.scenario import Need, Worker


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


def free_hours(worker: Worker) -> float:
    """Hours a worker is available in a week: the sum of their shifts, in hours."""
    minutes = sum(
        time_to_minutes(end) - time_to_minutes(start)
        for shifts in worker.availability.values()
        for start, end in shifts
    )
    return round(minutes / 60, 1)


def _tallies(
    needs: list[Need], keys_of: dict[str, list[str]], labels: dict[str, str]
) -> list[Tally]:
    needs_of: Counter[str] = Counter()
    visits_of: Counter[str] = Counter()
    for need in needs:
        for key in keys_of[need.id]:
            needs_of[key] += 1
            visits_of[key] += need.visits
    return [
        Tally(key=key, label=labels.get(key, key), needs=needs_of[key], visits=visits_of[key])
        for key in needs_of
    ]


def overview(store: Archive, group_label: dict[str, str], role_label: dict[str, str]) -> Overview:
    """The overview of a station's archive.

    Parameters
    ----------
    store
        The station and its rows.
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
    needs = [convert.row_to_need(row) for row in store.needs]
    villages = {row.id: row.name for row in store.villages}
    by_priority = _tallies(needs, {n.id: [str(n.priority)] for n in needs}, {})
    by_group = _tallies(needs, {n.id: list(n.groups) or ["-"] for n in needs}, group_label)
    by_village = _tallies(
        needs, {n.id: [n.village] for n in needs}, {k: f"{v} ({k})" for k, v in villages.items()}
    )
    village_order = {village_id: index for index, village_id in enumerate(villages)}
    workers = [convert.row_to_worker(row) for row in store.workers]
    return Overview(
        by_priority=sorted(by_priority, key=lambda tally: int(tally.key)),
        by_group=sorted(by_group, key=lambda tally: (-tally.needs, tally.key)),
        by_village=sorted(by_village, key=lambda tally: village_order.get(tally.key, 10**9)),
        workers=[
            StaffRow(
                id=worker.id,
                name=worker.name,
                role=role_label.get(worker.role, worker.role),
                hours=free_hours(worker),
            )
            for worker in workers
        ],
        stock=[
            StockRow(id=row.id, name=row.name, unit=row.unit, available=row.available)
            for row in store.resources
        ],
        needs=len(needs),
        visits=sum(need.visits for need in needs),
    )
