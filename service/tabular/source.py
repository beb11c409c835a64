"""Bytes of an uploaded file → a table: the header row and the non-empty data rows, numbered.

CSV is read as UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode text"), or
GB18030 (what Chinese Excel writes as "CSV"). xlsx is read with openpyxl in read-only mode,
after the zip's unpacked size is checked. Anything else, empty, damaged or binary, raises
:class:`TableUnreadable` with a message for the coordinator; no input raises anything else.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
import warnings
import zipfile
from collections.abc import Generator, Iterable
from dataclasses import dataclass
from typing import IO, Any, Literal

from openpyxl import load_workbook

from service.tabular.codes import fold
from service.tabular.problems import TableUnreadable

Cell = str | int | float | bool | dt.datetime | dt.date | dt.time | dt.timedelta | None
"""A cell's value: text (stripped) from CSV; text, numbers, booleans or times from xlsx."""

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_XLSX_BYTES = 20 * 1024 * 1024
"""Largest .xlsx accepted: 20,000 rows of needs take about 2 MB."""
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
"""Largest total unpacked size of an xlsx file's parts (a guard against zip bombs)."""
MAX_COLUMNS = 100
"""Columns read from an xlsx sheet; the layouts have about 25."""
MAX_SHEET_ROW = 1_048_576
"""Excel's last row: a sheet claiming rows beyond it is broken."""
ROW_SLACK = 1000
"""Rows a sheet may span beyond ``max_rows`` data rows (header, blank lines) before it is refused:
a sheet of a million empty rows is refused by its dimension, without reading the rows."""
CSV_FIELD_LIMIT = 131_072
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BOMS = (b"\xff\xfe", b"\xfe\xff")
Rows = Generator[tuple[int, tuple[Cell, ...]], None, None]


@dataclass(frozen=True)
class Table:
    """A read table.

    Parameters
    ----------
    header_row
        The spreadsheet row of the header (the first non-empty row).
    header
        The header cells as written (stripped); None for an empty one.
    rows
        ``(row number, cells)`` of every non-empty row after the header.
    """

    header_row: int
    header: list[str | None]
    rows: list[tuple[int, tuple[Cell, ...]]]


def file_format(data: bytes, filename: str | None) -> Literal["csv", "xlsx"]:
    """Whether the bytes are an xlsx workbook or CSV text: the content first, then the name.

    Parameters
    ----------
    data
        The file.
    filename
        Its name as uploaded, if known.

    Returns
    -------
    str
        ``xlsx`` or ``csv``.

    Raises
    ------
    TableUnreadable
        For an old ``.xls`` workbook, or a file named ``.xlsx`` that is not one.
    """
    if data.startswith(_ZIP):
        return "xlsx"
    if data.startswith(_OLE):
        raise TableUnreadable("file.xls")
    suffix = (filename or "").lower().rpartition(".")[2]
    if suffix in ("xlsx", "xlsm"):
        raise TableUnreadable("file.xlsx_broken")
    if suffix == "xls":
        raise TableUnreadable("file.xls")
    return "csv"


def read_table(
    data: bytes, filename: str | None, sheet_names: Iterable[str], max_rows: int
) -> Table:
    """Read an uploaded file as a table.

    Parameters
    ----------
    data
        The file's bytes.
    filename
        Its name as uploaded (the extension helps tell CSV from xlsx), if known.
    sheet_names
        Names of the xlsx sheet to prefer (``需求``, ``needs``); else the first sheet is read.
    max_rows
        Most non-empty data rows accepted.

    Returns
    -------
    Table
        The header and the non-empty rows.

    Raises
    ------
    TableUnreadable
        When the file is empty, too large, not a table, damaged, has no header or no data
        rows, or more than ``max_rows`` data rows.
    """
    if len(data) > MAX_FILE_BYTES:
        raise TableUnreadable("file.too_large", limit=MAX_FILE_BYTES)
    if not data.strip():
        raise TableUnreadable("file.empty")
    if file_format(data, filename) == "xlsx":
        if len(data) > MAX_XLSX_BYTES:
            raise TableUnreadable("file.too_large", limit=MAX_XLSX_BYTES)
        rows = _xlsx_rows(data, sheet_names, max_rows + ROW_SLACK)
    else:
        rows = _csv_rows(data)
    try:
        return _table(rows, max_rows)
    finally:
        rows.close()


def _table(rows: Rows, max_rows: int) -> Table:
    header_row = 0
    header: list[str | None] = []
    found: list[tuple[int, tuple[Cell, ...]]] = []
    for number, raw in rows:
        if number > max_rows + ROW_SLACK:
            raise TableUnreadable(
                "file.sheet_too_big", rows=f"{number}+", limit=max_rows + ROW_SLACK
            )
        cells = tuple(_clean(value) for value in raw)
        if all(value is None for value in cells):
            continue
        if not header_row:
            header_row, header = number, [_header(value) for value in cells]
            continue
        if len(found) >= max_rows:
            raise TableUnreadable("file.too_many_rows", limit=max_rows)
        found.append((number, cells))
    if not header_row:
        raise TableUnreadable("file.no_header")
    if not found:
        raise TableUnreadable("file.no_rows")
    while header and header[-1] is None:
        header.pop()
    return Table(header_row=header_row, header=header, rows=found)


def _clean(value: Any) -> Cell:
    if isinstance(value, str):
        text = value.strip()
        return text or None
    if isinstance(value, bool | int | float | dt.datetime | dt.date | dt.time | dt.timedelta):
        return value
    return None if value is None else str(value).strip() or None


def _header(value: Cell) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


# --- CSV ------------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    if data.startswith(_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise TableUnreadable("file.encoding") from None
    if b"\x00" in data:
        raise TableUnreadable("file.binary")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableUnreadable("file.encoding")


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    controls = sum(
        1 for char in sample if unicodedata.category(char) == "Cc" and char not in "\t\r\n"
    )
    return controls > 0


def _delimiter(text: str) -> str:
    first = text.lstrip("\r\n").partition("\n")[0]
    if "," in first:
        return ","
    for candidate in ("\t", ";"):
        if candidate in first:
            return candidate
    return ","


def _csv_rows(data: bytes) -> Rows:
    text = _decode(data)
    if _looks_binary(text):
        raise TableUnreadable("file.binary")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=False)
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            yield number, tuple(record)
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise TableUnreadable("file.cell_huge", row=number + 1, limit=CSV_FIELD_LIMIT) from None
        raise TableUnreadable("file.csv_broken", detail=str(error)) from None


# --- xlsx -----------------------------------------------------------------------------------


def _trimmed(values: tuple[Any, ...]) -> tuple[Any, ...]:
    """A sheet row without its trailing empty cells (rows come padded to ``MAX_COLUMNS``)."""
    end = len(values)
    while end and values[end - 1] is None:
        end -= 1
    return values[:end]


def _check_zip(data: bytes, most_rows: int) -> None:
    """Refuse a zip bomb, or a sheet of more than ``most_rows`` rows, before openpyxl reads it.

    openpyxl scans a whole sheet for its size when the sheet does not declare it; the rows are
    counted here instead, stopping as soon as there are too many (a million empty rows are
    refused in well under a second).
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > MAX_UNPACKED_BYTES:
                raise TableUnreadable("file.xlsx_huge", limit=MAX_UNPACKED_BYTES)
            for info in archive.infolist():
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    with archive.open(info) as part:
                        rows = _count_rows(part, most_rows)
                    if rows > most_rows:
                        raise TableUnreadable(
                            "file.sheet_too_big", rows=f"{rows}+", limit=most_rows
                        )
    except TableUnreadable:
        raise
    except Exception:  # damaged zip, unsupported compression, truncated parts
        raise TableUnreadable("file.xlsx_broken") from None


def _count_rows(part: IO[bytes], most_rows: int) -> int:
    """``<row`` elements in a sheet's XML, counted up to one more than ``most_rows``."""
    count, tail = 0, b""
    while count <= most_rows:
        chunk = part.read(1 << 20)
        if not chunk:
            break
        text = tail + chunk
        count += text.count(b"<row")
        tail = text[-3:]  # too short to hold "<row" itself: nothing is counted twice
    return count


def _xlsx_rows(data: bytes, sheet_names: Iterable[str], most_rows: int) -> Rows:
    """The rows of the chosen sheet, refused unread when it spans over ``most_rows`` rows."""
    _check_zip(data, most_rows)
    wanted = {fold(name) for name in sheet_names}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on damaged input
        raise TableUnreadable("file.xlsx_broken") from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sheets = list(book.worksheets)
            if not sheets:
                raise TableUnreadable("file.no_sheet")
            chosen = next((s for s in sheets if fold(str(s.title)) in wanted), sheets[0])
            claimed = chosen.max_row if hasattr(chosen, "reset_dimensions") else None
            if isinstance(claimed, int) and claimed > most_rows:
                raise TableUnreadable("file.sheet_too_big", rows=claimed, limit=most_rows)
            if hasattr(chosen, "reset_dimensions"):
                # A dimension may also claim too few rows: the rows are counted as they are read.
                chosen.reset_dimensions()
            cells = chosen.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True)
            for number, values in enumerate(cells, start=1):
                if number > MAX_SHEET_ROW:
                    raise TableUnreadable("file.xlsx_broken")
                yield number, _trimmed(values)
    except TableUnreadable:
        raise
    except Exception:  # damaged workbook or sheet XML, unsupported zip features
        raise TableUnreadable("file.xlsx_broken") from None
    finally:
        book.close()
