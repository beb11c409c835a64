"""Wire objects → an .xlsx workbook or a CSV file in a layout, ready to edit and import back.

The first sheet holds the records (Chinese or English headers, values in the same language);
an .xlsx has a second sheet listing the codes and their Chinese names. Every text cell is
written as text, never as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from service.messages import Language
from service.tabular import codes
from service.tabular.layout import ItemT, Layout
from service.tabular.messages import say

_SHEET_TITLES = {"needs": ("需求", "needs"), "resources": ("资源", "resources")}
_CODE_LISTS = (
    ("category", codes.CATEGORY_NAMES),
    ("groups", codes.GROUP_NAMES),
    ("days", codes.DAY_NAMES),
    ("kind", codes.KIND_NAMES),
)


def table_rows(
    layout: Layout[ItemT], items: Sequence[ItemT], language: Language
) -> tuple[list[str], list[list[Any]]]:
    """The header and the cells of each item, in the layout's column order.

    The ``extra`` column is written only when some item has ``extra`` data.

    Parameters
    ----------
    layout
        The layout.
    items
        The wire objects, in the order to write.
    language
        ``zh`` for Chinese headers and words, ``en`` for English headers and codes.

    Returns
    -------
    tuple of (list of str, list of rows)
        The header and one list of cell values (None for empty) per item.
    """
    cells = [layout.to_cells(item, language) for item in items]
    columns = [
        column
        for column in layout.columns
        if column.key != "extra" or any(row.get("extra") is not None for row in cells)
    ]
    header = [column.header(language) for column in columns]
    return header, [[row.get(column.key) for column in columns] for row in cells]


def put_cell(sheet: Any, row: int, column: int, value: Any) -> Any:
    """Write one cell so that text stays text: never a live formula, no illegal characters.

    Every workbook Mulin writes puts its cells through here: text starting with ``=``, ``+``,
    ``-`` or ``@`` is stored as a string, not evaluated by Excel.

    Parameters
    ----------
    sheet
        An openpyxl worksheet.
    row, column
        1-based position.
    value
        Text, a number, a date or None.

    Returns
    -------
    openpyxl.cell.Cell
        The cell written.
    """
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def xlsx_bytes(layout: Layout[ItemT], items: Sequence[ItemT], language: Language = "zh") -> bytes:
    """An .xlsx workbook of the items: the records sheet and a sheet of codes.

    Parameters
    ----------
    layout
        The layout.
    items
        The wire objects.
    language
        The language of the headers and of the words written for codes.

    Returns
    -------
    bytes
        The workbook.
    """
    header, rows = table_rows(layout, items, language)
    book = Workbook()
    sheet = book.active
    sheet.title = _SHEET_TITLES[layout.name][0 if language == "zh" else 1]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, row in enumerate(rows, start=2):
        for index, value in enumerate(row, start=1):
            put_cell(sheet, number, index, value)
    sheet.freeze_panes = "A2"
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(
            10, 2 * len(name) + 2
        )
    _codes_sheet(book, language)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _codes_sheet(book: Any, language: Language) -> None:
    sheet = book.create_sheet(say(language, "sheet.codes"))
    titles = [say(language, key) for key in ("codes.field", "codes.code", "codes.name")]
    rows = [titles] + [
        [field, code, name] for field, names in _CODE_LISTS for code, name in names.items()
    ]
    for number, row in enumerate(rows, start=1):
        for index, value in enumerate(row, start=1):
            put_cell(sheet, number, index, value)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter in ("A", "B", "C"):
        sheet.column_dimensions[letter].width = 24


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


def csv_bytes(layout: Layout[ItemT], items: Sequence[ItemT], language: Language = "zh") -> bytes:
    """A CSV file of the items, UTF-8 with a BOM (so that Excel reads Chinese correctly).

    Parameters
    ----------
    layout
        The layout.
    items
        The wire objects.
    language
        The language of the headers and of the words written for codes.

    Returns
    -------
    bytes
        The file.
    """
    header, rows = table_rows(layout, items, language)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([_csv_text(value) for value in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
