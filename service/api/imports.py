"""Spreadsheet import and export of a station's needs or resources, all or nothing.

An import reads the file with :mod:`service.tabular`, merges it with the stored records
(``upsert`` or ``replace``), checks the whole archive it would leave with the cross-reference
rules of ``service.loading`` and, only when no row has a problem, writes the change in one
transaction. Rows that are well-formed but cannot be served as written are stored and listed
as warnings. Needs are household records: each need created, updated or deleted (and each one
exported) gets an audit entry; logs name counts and the station, never a household's data.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException
from sqlmodel import Session

from service.api import archive
from service.api.archive import Kind
from service.api.auth import Caller
from service.api.errors import unstorable_values
from service.loading import MAX_PROBLEMS, check_references
from service.messages import Language
from service.storage import convert, repository
from service.storage.models import Archive, AuditAction, Station
from service.tabular.layout import NEEDS, RESOURCES, Layout
from service.tabular.merge import Change, Mode, merge
from service.tabular.problems import RowError, file_error
from service.tabular.reading import Parsed, parse
from service.tabular.references import Origin, reference_errors, reference_warnings
from service.tabular.writing import xlsx_bytes
from service.wire import scenario as wire

log = logging.getLogger("mulin.api")

_KEYS = ("station_id", "id", "position", "version")


@dataclass(frozen=True)
class Target:
    """One importable kind of record: its archive kind and its spreadsheet layout.

    Parameters
    ----------
    kind
        The archive kind (table, wire model, converters, whether audited).
    layout
        The spreadsheet layout; its ``name`` (``needs``, ``resources``) is the archive's list.
    """

    kind: Kind[Any, Any]
    layout: Layout[Any]


NEED_TARGET = Target(archive.NEEDS, NEEDS)
RESOURCE_TARGET = Target(archive.RESOURCES, RESOURCES)


@dataclass(frozen=True)
class ImportCounts:
    """What an import did (or, for a dry run, would do).

    Parameters
    ----------
    rows
        Data rows in the file.
    created, updated, unchanged, deleted
        Records created, changed, left as they were, and deleted.
    warnings
        Records the archive keeps that cannot be served as written, by row.
    """

    rows: int
    created: int
    updated: int
    unchanged: int
    deleted: int
    warnings: list[RowError]


class ImportRejected(Exception):
    """The file has problems: nothing was changed.

    Parameters
    ----------
    errors
        Every problem, by row and column; past :data:`service.loading.MAX_PROBLEMS` only
        counted, in a last file-level entry.
    """

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} problem(s)")
        if len(errors) > MAX_PROBLEMS:
            more = file_error(
                "file.more_problems", count=len(errors) - MAX_PROBLEMS, limit=MAX_PROBLEMS
            )
            errors = [*errors[:MAX_PROBLEMS], more]
        self.errors = errors


def _stored(target: Target, store: Archive) -> list[Any]:
    return list(getattr(store, target.layout.name))


def _storable_errors(parsed: Parsed[Any]) -> list[RowError]:
    """Values a row holds that no column can store (free ``extra`` JSON: NaN, huge numbers)."""
    errors = []
    for imported in parsed.rows:
        for loc, message in unstorable_values(imported.item.model_dump(by_alias=True)):
            key = parsed.layout.column_of(loc, parsed.columns)
            header = parsed.header(key) if key in parsed.columns else None
            errors.append(RowError(imported.row, header, "value.other", {"detail": message}))
    return errors


def _after(store: Archive, target: Target, merged: list[Any]) -> wire.Scenario:
    """The station's archive as a scenario, with this kind's records replaced by ``merged``."""
    scenario = convert.archive_scenario(store)
    setattr(scenario, target.layout.name, merged)
    return scenario


def _check(
    session: Session, station: Station, target: Target, parsed: Parsed[Any], mode: Mode
) -> tuple[Change[Any], list[Any], list[RowError]]:
    """The change, the stored rows and the warnings; raises :class:`ImportRejected` on problems."""
    store = repository.load_archive(session, station)
    rows = _stored(target, store)
    errors = list(parsed.errors) + _storable_errors(parsed)
    change = merge(
        [target.kind.from_row(row) for row in rows],
        [imported.item for imported in parsed.rows],
        mode,
        keep_extra="extra" not in parsed.columns,
    )
    file_rows = {imported.item.id: imported.row for imported in parsed.rows}
    origin = Origin(
        need_rows=file_rows if target.kind is archive.NEEDS else {},
        resource_rows=file_rows if target.kind is archive.RESOURCES else {},
        header=parsed.header,
    )
    after = _after(store, target, change.merged)
    found = reference_errors(after, origin)
    if errors:
        found = [error for error in found if error.row is not None]
    errors += found
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: e.row or 0))
    return change, rows, reference_warnings(after, origin)


def import_table(
    session: Session,
    caller: Caller,
    station: Station,
    target: Target,
    upload: tuple[bytes, str | None],
    *,
    mode: Mode,
    dry_run: bool,
) -> ImportCounts:
    """Import a spreadsheet of needs or resources into a station's archive.

    Parameters
    ----------
    session
        The database session (committed unless ``dry_run``).
    caller
        Who imports (named in the audit entries).
    station
        The station.
    target
        :data:`NEED_TARGET` or :data:`RESOURCE_TARGET`.
    upload
        The file's bytes and its name as uploaded.
    mode
        ``upsert``: create or update by id; ``replace``: the station's records of this kind
        become exactly the file's rows.
    dry_run
        Check only: count what would change, save nothing.

    Returns
    -------
    ImportCounts
        Rows read and records created, updated, unchanged and deleted.

    Raises
    ------
    ImportRejected
        When any row has a problem (nothing is changed).
    HTTPException
        409 when the archive changed meanwhile so that the result is inconsistent.
    """
    data, filename = upload
    parsed = parse(target.layout, data, filename)
    change, rows, warnings = _check(session, station, target, parsed, mode)
    counts = ImportCounts(
        rows=len(parsed.rows),
        created=len(change.created),
        updated=len(change.updated),
        unchanged=len(change.unchanged),
        deleted=len(change.deleted),
        warnings=warnings,
    )
    if dry_run:
        session.rollback()
        return counts
    _write(session, caller, station, target, change, {row.id: row for row in rows})
    log.info(
        "%s imported into station %s: %d created, %d updated, %d deleted",
        target.layout.name,
        station.id,
        counts.created,
        counts.updated,
        counts.deleted,
    )
    return counts


def _write(
    session: Session,
    caller: Caller,
    station: Station,
    target: Target,
    change: Change[Any],
    rows: dict[str, Any],
) -> None:
    kind = target.kind
    for row_id in change.deleted:
        session.delete(rows[row_id])
    for item in change.updated:
        row = rows[item.id]
        fresh = kind.to_row(station.id, item, row.position)
        for name, value in fresh.model_dump().items():
            if name not in _KEYS:
                setattr(row, name, value)
        session.add(row)
    position = repository.next_position(session, kind.table, station.id)
    for offset, item in enumerate(change.created):
        session.add(kind.to_row(station.id, item, position + offset))
    session.flush()
    problems = check_references(convert.archive_scenario(repository.load_archive(session, station)))
    if problems:
        session.rollback()
        raise HTTPException(
            status_code=409,
            detail="the archive changed during the import: read it again and retry",
        )
    if kind.audited:
        done: list[tuple[AuditAction, list[str]]] = [
            ("create", [item.id for item in change.created]),
            ("update", [item.id for item in change.updated]),
            ("delete", change.deleted),
        ]
        for action, ids in done:
            if ids:
                repository.record_access(
                    session,
                    token_id=caller.token_id,
                    action=action,
                    entity=kind.name,
                    entity_ids=ids,
                    station_id=station.id,
                )
    session.commit()


def export_table(
    session: Session,
    caller: Caller,
    station: Station,
    target: Target,
    language: Language,
) -> bytes:
    """A station's needs or resources as an .xlsx workbook in the import layout.

    Parameters
    ----------
    session
        The database session (committed: the audit entries of an export of needs).
    caller
        Who reads.
    station
        The station.
    target
        :data:`NEED_TARGET` or :data:`RESOURCE_TARGET`.
    language
        ``zh`` (Chinese headers and words) or ``en`` (English headers and codes).

    Returns
    -------
    bytes
        The workbook.
    """
    rows = _stored(target, repository.load_archive(session, station))
    items = [target.kind.from_row(row) for row in rows]
    if target.kind.audited and rows:
        repository.record_access(
            session,
            token_id=caller.token_id,
            action="read",
            entity=target.kind.name,
            entity_ids=[row.id for row in rows],
            station_id=station.id,
        )
    session.commit()
    return xlsx_bytes(target.layout, items, language)


def problems_body(errors: list[RowError], language: Language) -> list[dict[str, Any]]:
    """The 422 answer's entries: FastAPI's ``loc``/``msg``/``type``/``path`` plus the row error.

    Parameters
    ----------
    errors
        The row errors.
    language
        The language of the messages.

    Returns
    -------
    list of dict
        One entry per error: ``loc`` (``["body", "file", row, column]``), ``msg``, ``type``
        (``row_error``, or a warning's code), ``path``, ``row``, ``column``, ``record`` and
        ``message``.
    """
    body = []
    for error in errors:
        loc: list[str | int] = ["body", "file"]
        loc += [part for part in (error.row, error.column) if part is not None]
        path = "file" if error.row is None else f"file[{error.row}]"
        message = error.message(language)
        body.append(
            {
                "loc": loc,
                "msg": message,
                "type": error.key.removeprefix("warn.") if error.is_warning else "row_error",
                "path": path if error.column is None else f"{path}.{error.column}",
                **error.as_dict(language),
            }
        )
    return body
