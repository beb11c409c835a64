"""An uploaded file → validated wire objects, one per row, and every problem by row and column.

Headers are matched first (unknown, repeated and missing columns are errors and stop the
reading); then each row's cells are read, the row becomes a wire document validated by its
pydantic model, and ids are checked for repeats within the file. Empty rows are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic

from pydantic import ValidationError

from service.messages import Language
from service.tabular.invalid import problem_of
from service.tabular.layout import ItemT, Layout
from service.tabular.problems import CellProblem, RowError, TableUnreadable, shortened
from service.tabular.source import Cell, Table, read_table

MAX_ROWS = 20_000
"""Most data rows one file may hold."""


@dataclass(frozen=True)
class ImportedRow(Generic[ItemT]):
    """A row that became a valid wire object."""

    row: int
    item: ItemT


@dataclass(frozen=True)
class Parsed(Generic[ItemT]):
    """What a file holds: valid rows, every problem, and how its columns are named.

    Parameters
    ----------
    layout
        The layout the file was read with.
    rows
        The rows that became valid wire objects, in file order.
    errors
        Every problem found, in row order.
    columns
        Key → the header as written in the file, for the columns the file has.
    header_language
        The language most of the headers are in.
    header_row
        The spreadsheet row of the header (0 when the file could not be read).
    """

    layout: Layout[ItemT]
    rows: list[ImportedRow[ItemT]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    header_language: Language = "zh"
    header_row: int = 0

    def header(self, key: str) -> str:
        """The header of a column as the file writes it, or as it would in the file's language."""
        return self.columns.get(key) or self.layout.column(key).header(self.header_language)


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index (``0`` → ``A``, ``26`` → ``AA``)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def parse(
    layout: Layout[ItemT], data: bytes, filename: str | None = None, max_rows: int = MAX_ROWS
) -> Parsed[ItemT]:
    """Read an uploaded ``.csv`` or ``.xlsx`` file with a layout.

    Parameters
    ----------
    layout
        :data:`service.tabular.layout.NEEDS` or :data:`service.tabular.layout.RESOURCES`.
    data
        The file's bytes (any bytes: unreadable input becomes an error, never an exception).
    filename
        The uploaded name; its extension helps tell CSV from xlsx.
    max_rows
        Most data rows accepted.

    Returns
    -------
    Parsed
        The valid rows and every problem; the file is good when ``errors`` is empty.
    """
    try:
        table = read_table(data, filename, layout.sheet_names, max_rows)
    except TableUnreadable as unreadable:
        return Parsed(layout=layout, errors=[unreadable.error])
    keys, errors = _match_headers(layout, table)
    columns = {key: str(table.header[index]) for index, key in keys.items()}
    language = layout.header_language(columns.values())
    parsed = Parsed(
        layout=layout,
        errors=errors,
        columns=columns,
        header_language=language,
        header_row=table.header_row,
    )
    _check_columns(parsed)
    if parsed.errors:
        return parsed
    _unnamed_values(parsed, table, keys)
    seen: dict[str, int] = {}
    for number, row in table.rows:
        _read_row(parsed, number, {key: _at(row, index) for index, key in keys.items()}, seen)
    parsed.errors.sort(key=lambda e: e.row or 0)
    return parsed


def _at(row: tuple[Cell, ...], index: int) -> Cell:
    return row[index] if index < len(row) else None


def _match_headers(layout: Layout[ItemT], table: Table) -> tuple[dict[int, str], list[RowError]]:
    keys: dict[int, str] = {}
    errors: list[RowError] = []
    first: dict[str, int] = {}
    for index, header in enumerate(table.header):
        if header is None:
            continue
        column = layout.match(header)
        if column is None:
            shown = shortened(header)
            errors.append(RowError(table.header_row, header, "header.unknown", {"header": shown}))
        elif column.key in first:
            other = column_letter(first[column.key])
            errors.append(
                RowError(
                    table.header_row, header, "header.twice", {"header": header, "other": other}
                )
            )
        else:
            first[column.key] = index
            keys[index] = column.key
    return keys, errors


def _check_columns(parsed: Parsed[Any]) -> None:
    row = parsed.header_row
    for column in parsed.layout.columns:
        if column.required and column.key not in parsed.columns:
            header = column.header(parsed.header_language)
            parsed.errors.append(RowError(row, header, "header.missing", {"header": header}))
    for first, second in parsed.layout.pairs:
        if (first in parsed.columns) != (second in parsed.columns):
            names = {"first": parsed.header(first), "second": parsed.header(second)}
            missing = second if first in parsed.columns else first
            parsed.errors.append(RowError(row, parsed.header(missing), "header.pair", names))


def _unnamed_values(parsed: Parsed[Any], table: Table, keys: dict[int, str]) -> None:
    """One error per column that holds values but has no (known) header."""
    reported: set[int] = set()
    for number, row in table.rows:
        for index, value in enumerate(row):
            if value is not None and index not in keys and index not in reported:
                reported.add(index)
                letter = column_letter(index)
                parsed.errors.append(RowError(number, letter, "header.unnamed", {"column": letter}))


def _read_row(
    parsed: Parsed[ItemT], number: int, raw: dict[str, Cell], seen: dict[str, int]
) -> None:
    layout = parsed.layout
    values: dict[str, Any] = {}
    errors: list[RowError] = []
    for key, value in raw.items():
        column = layout.column(key)
        if value is None:
            if column.required:
                errors.append(RowError(number, parsed.header(key), "cell.required"))
            continue
        try:
            values[key] = column.read(value)
        except CellProblem as problem:
            errors.append(RowError(number, parsed.header(key), problem.key, problem.values))
    for first, second in layout.pairs:
        if (first in raw) and (raw[first] is None) != (raw[second] is None):
            missing = first if raw[first] is None else second
            names = {"first": parsed.header(first), "second": parsed.header(second)}
            errors.append(RowError(number, parsed.header(missing), "row.pair", names))
    item_id = values.get("id")
    if isinstance(item_id, str):
        if item_id in seen:
            errors.append(
                RowError(
                    number,
                    parsed.header("id"),
                    "row.duplicate",
                    {"id": item_id, "other": seen[item_id]},
                )
            )
        else:
            seen[item_id] = number
    if not errors:
        errors = _validate(parsed, number, values)
    parsed.errors.extend(errors)


def _validate(parsed: Parsed[ItemT], number: int, values: dict[str, Any]) -> list[RowError]:
    layout = parsed.layout
    try:
        item = layout.model.model_validate(layout.assemble(values))
    except ValidationError as error:
        found = []
        for entry in error.errors(include_url=False):
            key = layout.column_of(tuple(entry["loc"]), values.keys())
            known = key is not None and key in {c.key for c in layout.columns}
            header = parsed.header(key) if key is not None and known else None
            message, details = problem_of(dict(entry))
            found.append(RowError(number, header, message, details))
        return found
    parsed.rows.append(ImportedRow(number, item))
    return []
