"""Problems of an imported table: where (row, column) and what (a message key and its values).

A problem is kept language-free and rendered in Chinese or English when it is shown, so one
reading of a file can answer in either language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from service.messages import Language
from service.tabular.messages import say

SHOWN_CHARS = 60
"""Longest cell text quoted in a message."""


def shortened(value: object) -> object:
    """Text cut to :data:`SHOWN_CHARS` characters (with ``…``) for a message; others as they are."""
    if isinstance(value, str) and len(value) > SHOWN_CHARS:
        return value[:SHOWN_CHARS] + "…"
    return value


class Localized(dict[str, str]):
    """A placeholder value that differs by language: ``Localized(zh=…, en=…)``."""


def _localize(values: dict[str, Any], language: Language) -> dict[str, Any]:
    return {
        name: value[language] if isinstance(value, Localized) else value
        for name, value in values.items()
    }


class CellProblem(ValueError):
    """Raised by a cell reader: what is wrong with the value (a message key and its values).

    Parameters
    ----------
    key
        A key of :data:`service.tabular.messages.TEXT`.
    **values
        Its placeholders' values.
    """

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = {name: shortened(value) for name, value in values.items()}


@dataclass(frozen=True)
class RowError:
    """One problem of an imported file.

    Parameters
    ----------
    row
        The spreadsheet row (1-based; the header is usually row 1); None for the whole file.
    column
        The column's header as written in the file (or the expected header of a missing
        column); None when the problem is not one column's.
    key
        The message key.
    values
        The message's placeholder values.
    record
        The id of a stored need the problem is about, when it is no row of the file.
    """

    row: int | None
    column: str | None
    key: str
    values: dict[str, Any] = field(default_factory=dict)
    record: str | None = None

    @property
    def is_warning(self) -> bool:
        """Whether this is a warning (the row is kept) rather than a problem (it is refused)."""
        return self.key.startswith("warn.")

    def problem(self, language: Language) -> str:
        """What is wrong, without the place."""
        return say(language, self.key, **_localize(self.values, language))

    def message(self, language: Language) -> str:
        """The whole sentence, naming the row and the column when there are any."""
        problem = self.problem(language)
        if self.row is None and self.record is not None:
            return say(language, "at.need", need=self.record, problem=problem)
        if self.row is None:
            return say(language, "at.file", problem=problem)
        if self.column is None:
            return say(language, "at.row", row=self.row, problem=problem)
        return say(language, "at.cell", row=self.row, column=self.column, problem=problem)

    def as_dict(self, language: Language) -> dict[str, Any]:
        """``{"row", "column", "record", "message"}`` in ``language``."""
        return {
            "row": self.row,
            "column": self.column,
            "record": self.record,
            "message": self.message(language),
        }


class TableUnreadable(ValueError):
    """The file cannot be read as a table at all (empty, junk, broken xlsx, bad encoding).

    Parameters
    ----------
    key
        A ``file.*`` key of :data:`service.tabular.messages.TEXT`.
    **values
        Its placeholders' values.
    """

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.error = RowError(None, None, key, dict(values))


def file_error(key: str, **values: object) -> RowError:
    """A problem of the whole file."""
    return RowError(None, None, key, dict(values))
