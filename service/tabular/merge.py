"""What an import changes: the records after it, and which ids it creates, updates and deletes.

``upsert`` creates the file's new ids and updates the ones that exist; ``replace`` also deletes
the stored records the file does not list. Stored records keep their place; new ones follow in
file order. A record equal to its stored version is left alone (counted as unchanged).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Generic, Literal

from service.tabular.layout import ItemT

Mode = Literal["upsert", "replace"]
MODES: tuple[Mode, ...] = ("upsert", "replace")


@dataclass(frozen=True)
class Change(Generic[ItemT]):
    """The records of one kind after an import, and what differs from before.

    Parameters
    ----------
    merged
        Every record after the import, in archive order.
    created, updated
        The file's records that are new, and those that change a stored one.
    unchanged
        Ids of the file's records equal to the stored ones.
    deleted
        Ids of stored records the import removes (``replace`` only).
    """

    merged: list[ItemT] = field(default_factory=list)
    created: list[ItemT] = field(default_factory=list)
    updated: list[ItemT] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)


def merge(
    stored: Sequence[ItemT], imported: Sequence[ItemT], mode: Mode, *, keep_extra: bool
) -> Change[ItemT]:
    """Combine the stored records with a file's records.

    Parameters
    ----------
    stored
        The station's records, in archive order.
    imported
        The file's records (ids unique), in file order.
    mode
        ``upsert`` or ``replace``.
    keep_extra
        Whether an updated record keeps its stored ``extra`` (the file had no such column).

    Returns
    -------
    Change
        The records after the import and the ids created, updated, unchanged and deleted.
    """
    old = {item.id: item for item in stored}
    new = {item.id: item for item in imported}
    change: Change[ItemT] = Change()
    for item in stored:
        fresh = new.get(item.id)
        if fresh is None:
            if mode == "replace":
                change.deleted.append(item.id)
            else:
                change.merged.append(item)
            continue
        if keep_extra:
            fresh = fresh.model_copy(update={"extra": item.extra})
        change.merged.append(fresh)
        if _same(fresh, item):
            change.unchanged.append(item.id)
        else:
            change.updated.append(fresh)
    for item in imported:
        if item.id not in old:
            change.merged.append(item)
            change.created.append(item)
    return change


def _same(a: ItemT, b: ItemT) -> bool:
    return a.model_dump(mode="json", by_alias=True) == b.model_dump(mode="json", by_alias=True)
