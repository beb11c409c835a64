"""The four kinds of archive records (villages, workers, resources, needs), handled alike.

Each kind pairs a table with its wire model and converters. Writes are validated as whole wire
objects, then checked against the rest of the station's archive with the cross-reference rules
of ``service.loading``, so the archive always exports as a valid scenario. Needs are household
records: every read and change of one is written to the audit table (reads through the app's
:class:`~service.api.audit.AuditLog`, in batches; changes in their own transaction).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from fastapi import HTTPException
from pydantic import BaseModel, ValidationError
from sqlmodel import Session

from service.api.audit import AuditLog
from service.api.auth import Caller
from service.api.deps import not_found
from service.api.errors import check_storable, invalid_from_messages, invalid_from_validation
from service.loading import check_references
from service.storage import convert, repository
from service.storage.models import Need, Resource, Station, Village, Worker, utcnow
from service.wire import scenario as wire

RowT = TypeVar("RowT", Village, Worker, Resource, Need)
WireT = TypeVar("WireT", wire.Village, wire.Worker, wire.Resource, wire.Need)

_KEYS = ("station_id", "id", "position", "version")
_WRITTEN = "updated_at"
"""The column of rows that keep when they were last changed (resources)."""


@dataclass(frozen=True)
class Kind(Generic[RowT, WireT]):
    """One kind of archive record.

    Parameters
    ----------
    name
        Singular name used in messages and the audit log (``need``).
    table
        The storage table.
    wire
        The wire model.
    to_row
        ``(station_id, wire object, position)`` → new row.
    from_row
        Row → wire object.
    audited
        Whether reads and changes are written to the audit table.
    """

    name: str
    table: type[RowT]
    wire: type[WireT]
    to_row: Callable[[str, WireT, int], RowT]
    from_row: Callable[[RowT], WireT]
    audited: bool = False


VILLAGES: Kind[Village, wire.Village] = Kind(
    "village", Village, wire.Village, convert.village_to_row, convert.row_to_village
)
WORKERS: Kind[Worker, wire.Worker] = Kind(
    "worker", Worker, wire.Worker, convert.worker_to_row, convert.row_to_worker
)
RESOURCES: Kind[Resource, wire.Resource] = Kind(
    "resource", Resource, wire.Resource, convert.resource_to_row, convert.row_to_resource
)
NEEDS: Kind[Need, wire.Need] = Kind(
    "need", Need, wire.Need, convert.need_to_row, convert.row_to_need, audited=True
)


def public(kind: Kind[RowT, WireT], row: RowT) -> dict[str, Any]:
    """A row as its wire object's fields plus ``version``, ready for an ``XPublic`` model."""
    return {**dict(kind.from_row(row)), "version": row.version}


def _audit(
    session: Session,
    kind: Kind[RowT, WireT],
    caller: Caller,
    action: Literal["read", "create", "update", "delete"],
    station_id: str,
    ids: list[str],
    audit: AuditLog | None = None,
) -> None:
    """Audit rows of the records: to ``audit`` when given (reads), else in ``session``."""
    if not (kind.audited and ids):
        return
    if audit is not None:
        audit.record(
            token_id=caller.token_id,
            action=action,
            entity=kind.name,
            entity_ids=ids,
            station_id=station_id,
        )
    else:
        repository.record_access(
            session,
            token_id=caller.token_id,
            action=action,
            entity=kind.name,
            entity_ids=ids,
            station_id=station_id,
        )


def page(
    session: Session,
    kind: Kind[RowT, WireT],
    caller: Caller,
    station: Station,
    *,
    filters: dict[str, Any],
    offset: int,
    limit: int,
    audit: AuditLog | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """A page of a station's records and the count of all that match.

    Needs are audited: through ``audit`` when given (the routes), else in ``session``.
    """
    rows, count = repository.list_rows(
        session, kind.table, station.id, filters=filters, offset=offset, limit=limit
    )
    found = [public(kind, row) for row in rows]
    _audit(session, kind, caller, "read", station.id, [row.id for row in rows], audit)
    session.commit()
    return found, count


def _get(session: Session, kind: Kind[RowT, WireT], station: Station, row_id: str) -> RowT:
    row = repository.get_row(session, kind.table, station.id, row_id)
    if row is None:
        raise not_found(kind.name)
    return row


def read(
    session: Session,
    kind: Kind[RowT, WireT],
    caller: Caller,
    station: Station,
    row_id: str,
    audit: AuditLog | None = None,
) -> dict[str, Any]:
    """One record of a station; 404 when there is none.

    Needs are audited: through ``audit`` when given (the routes), else in ``session``.
    """
    row = _get(session, kind, station, row_id)
    found = public(kind, row)
    _audit(session, kind, caller, "read", station.id, [row.id], audit)
    session.commit()
    return found


def _check_version(row: RowT, *expected: int | None) -> None:
    for version in expected:
        if version is not None and version != row.version:
            raise HTTPException(
                status_code=409,
                detail=f"version {version} is stale: the stored version is {row.version}",
            )


def _need_references(session: Session, station: Station, need: wire.Need) -> None:
    """422 with body paths when a need names a village, worker or resource the archive lacks."""
    archive = repository.load_archive(session, station)
    archive.needs = []
    scenario = convert.archive_scenario(archive)
    scenario.needs = [need]
    problems = [p.removeprefix("needs[0].") for p in check_references(scenario)]
    if problems:
        raise invalid_from_messages(problems, prefix=("body",))


def _archive_consistent(session: Session, station: Station) -> None:
    """409 when a change would leave needs naming records the archive no longer has."""
    session.flush()
    scenario = convert.archive_scenario(repository.load_archive(session, station))
    problems = check_references(scenario)
    if problems:
        session.rollback()
        ids = [n.id for n in scenario.needs]
        shown = [_name_need(problem, ids) for problem in problems[:10]]
        raise HTTPException(
            status_code=409,
            detail="the change would leave the archive inconsistent: " + "; ".join(shown),
        )


def _name_need(problem: str, need_ids: list[str]) -> str:
    """``needs[3].village: …`` → ``need 'n004' village: …`` (the archive has no positions)."""
    if problem.startswith("needs["):
        index, _, rest = problem.removeprefix("needs[").partition("]")
        if index.isdigit() and int(index) < len(need_ids):
            return f"need {need_ids[int(index)]!r} {rest.lstrip('.')}"
    return problem


def create(
    session: Session,
    kind: Kind[RowT, WireT],
    caller: Caller,
    station: Station,
    body: WireT,
) -> dict[str, Any]:
    """Add a record to a station's archive; 409 when its id is taken."""
    check_storable(body)
    if repository.get_row(session, kind.table, station.id, body.id) is not None:
        raise HTTPException(status_code=409, detail=f"{kind.name} {body.id!r} already exists")
    if isinstance(body, wire.Need):
        _need_references(session, station, body)
    position = repository.next_position(session, kind.table, station.id)
    row = kind.to_row(station.id, body, position)
    session.add(row)
    _archive_consistent(session, station)
    _audit(session, kind, caller, "create", station.id, [row.id])
    session.commit()
    session.refresh(row)
    return public(kind, row)


def update(
    session: Session,
    kind: Kind[RowT, WireT],
    caller: Caller,
    station: Station,
    row_id: str,
    patch: BaseModel,
    if_match: int | None,
) -> dict[str, Any]:
    """Change some fields of a record; the result is validated as a whole wire object.

    409 when ``If-Match`` or the body's ``version`` is not the stored version, or when the
    record changes in between (the UPDATE itself checks the version).
    """
    row = _get(session, kind, station, row_id)
    changes = patch.model_dump(by_alias=True, exclude_unset=True)
    _check_version(row, if_match, changes.pop("version", None))
    merged = {**kind.from_row(row).model_dump(by_alias=True), **changes}
    try:
        new = kind.wire.model_validate(merged)
    except ValidationError as error:
        raise invalid_from_validation(error, prefix=("body",)) from None
    check_storable(new)
    if isinstance(new, wire.Need):
        _need_references(session, station, new)
    fresh = kind.to_row(station.id, new, row.position)
    for name, value in fresh.model_dump().items():
        if name not in _KEYS and name != _WRITTEN:
            setattr(row, name, value)
    if hasattr(row, _WRITTEN) and session.is_modified(row):
        setattr(row, _WRITTEN, utcnow())  # a resource's freshness: only when it changed
    session.add(row)
    _archive_consistent(session, station)
    _audit(session, kind, caller, "update", station.id, [row.id])
    session.commit()
    session.refresh(row)
    return public(kind, row)


def remove(
    session: Session,
    kind: Kind[RowT, WireT],
    caller: Caller,
    station: Station,
    row_id: str,
    if_match: int | None,
) -> None:
    """Delete a record; 409 when needs still name it or the version is stale."""
    row = _get(session, kind, station, row_id)
    _check_version(row, if_match)
    if kind.table is Village:
        users = repository.needs_referencing(session, station.id, row_id)
        if users:
            shown = ", ".join(repr(u) for u in users[:10])
            raise HTTPException(
                status_code=409, detail=f"village {row_id!r} still has needs: {shown}"
            )
    session.delete(row)
    _archive_consistent(session, station)
    _audit(session, kind, caller, "delete", station.id, [row_id])
    session.commit()
