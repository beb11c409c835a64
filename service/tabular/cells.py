"""Readers of one cell: a spreadsheet value → the wire value, or :class:`CellProblem`.

Lists are split on ``;`` ``；`` ``,`` ``，`` ``、`` and line breaks. Weekdays, categories,
groups, kinds and yes/no accept the codes and the Chinese words of :mod:`service.tabular.codes`.
Empty cells never reach a reader: the layout decides what an empty cell means.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from typing import Any

from service.tabular import codes
from service.tabular.problems import CellProblem, Localized
from service.tabular.source import Cell
from service.wire.common import DAYS

MAX_CELL_CHARS = 10_000
MAX_INT = 2**63 - 1
LIST_SEPARATORS = re.compile(r"[;；,，、\r\n]+")
_INTEGER = re.compile(r"^[+-]?\d+(\.0*)?$")
_DECIMAL = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$")
_CLOCK = re.compile(r"^(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?$")
_CHINESE_CLOCK = re.compile(r"^(\d{1,2})[点时](?:(\d{1,2})分?|(半))?$")
_HOUR = re.compile(r"^(\d{1,2})$")
_DAY_RANGE = re.compile(r"^(.+?)[-–—~至到](.+)$")
_AMOUNT = re.compile(r"^(.+?)\s*[:：×*]\s*([^:：×*]*)$")
_EVERY_DAY = {"每天", "每日", "全周", "daily", "everyday"}
_WEEKDAYS = {codes.WEEKDAYS, "weekdays"}
_NONE = {"无", "none", "-", "—"}


def _string(value: Cell) -> str:
    """The text of a cell (numbers as written), checked for length and NUL."""
    if isinstance(value, bool | dt.datetime | dt.date | dt.time | dt.timedelta):
        raise CellProblem("cell.text", value=str(value))
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    else:
        text = str(value)
    if len(text) > MAX_CELL_CHARS:
        raise CellProblem("cell.too_long", limit=MAX_CELL_CHARS)
    if "\x00" in text:
        raise CellProblem("cell.nul")
    return text.strip()


def text(value: Cell) -> str:
    """Free text or an id; numbers become their digits (``1.0`` → ``1``)."""
    return _string(value)


def integer(value: Cell) -> int:
    """A whole number: ``60``, ``60.0``, ``"60"``; at most 2**63 - 1 in size."""
    if isinstance(value, int) and not isinstance(value, bool):
        found = value
    elif isinstance(value, float) and value.is_integer():
        found = int(value)
    elif isinstance(value, str) and _INTEGER.match(codes.fold(value)):
        found = int(codes.fold(value).partition(".")[0])
    else:
        raise CellProblem("cell.integer", value=str(value))
    if abs(found) > MAX_INT:
        raise CellProblem("cell.too_big", value=found)
    return found


def number(value: Cell) -> float:
    """A finite decimal number (latitude, longitude)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        found = float(value)
    elif isinstance(value, str) and _DECIMAL.match(codes.fold(value)):
        found = float(codes.fold(value))
    else:
        raise CellProblem("cell.number", value=str(value))
    if not math.isfinite(found):
        raise CellProblem("cell.number", value=str(value))
    return found


def boolean(value: Cell) -> bool:
    """Yes or no: 是/否, true/false, yes/no, 1/0 (and Excel's TRUE/FALSE)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    found = codes.boolean(_string(value))
    if found is None:
        raise CellProblem("cell.boolean", value=str(value))
    return found


def _clock(hours: int, minutes: int, seconds: int = 0) -> str | None:
    if seconds or minutes > 59 or hours > 24 or (hours == 24 and minutes):
        return None
    return f"{hours:02d}:{minutes:02d}"


def _time_text(value: str) -> str | None:
    word = codes.fold(value)
    if match := _CLOCK.match(word):
        return _clock(int(match[1]), int(match[2]), int(match[3] or 0))
    if match := _CHINESE_CLOCK.match(word):
        return _clock(int(match[1]), 30 if match[3] else int(match[2] or 0))
    if match := _HOUR.match(word):
        return _clock(int(match[1]), 0)
    return None


def time_of_day(value: Cell) -> str:
    """A local time as ``HH:MM``: ``9:00``, ``09：00``, ``9点半``, an Excel time or day fraction."""
    found: str | None = None
    if isinstance(value, dt.datetime | dt.time):
        found = _clock(value.hour, value.minute, value.second + value.microsecond)
    elif isinstance(value, dt.timedelta):
        seconds = value.total_seconds()
        if 0 <= seconds <= 24 * 3600 and seconds % 60 == 0:
            found = _clock(int(seconds // 3600), int(seconds % 3600 // 60))
    elif isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 24:
        found = _clock(value, 0)
    elif isinstance(value, float) and 0 <= value <= 1:
        minutes = round(value * 24 * 60)
        found = _clock(minutes // 60, minutes % 60)
    elif isinstance(value, str):
        found = _time_text(_string(value))
    if found is None:
        raise CellProblem("cell.time", value=str(value))
    return found


def words(value: Cell) -> list[str]:
    """A list cell split on the list separators, blanks dropped."""
    return [word.strip() for word in LIST_SEPARATORS.split(_string(value)) if word.strip()]


def _day_span(word: str) -> list[str]:
    folded = codes.fold(word)
    if folded in _EVERY_DAY:
        return list(DAYS)
    if folded in _WEEKDAYS:
        return list(DAYS[:5])
    single = codes.day(word)
    if single is not None:
        return [single]
    match = _DAY_RANGE.match(folded)
    if match is None:
        raise CellProblem("cell.day", value=word)
    first, last = codes.day(match[1]), codes.day(match[2])
    order: list[str] = list(DAYS)
    if first is None or last is None or order.index(first) > order.index(last):
        raise CellProblem("cell.day_range", value=word)
    return order[order.index(first) : order.index(last) + 1]


def days(value: Cell) -> list[str]:
    """Weekday codes: ``mon, wed``, ``周一、周三``, ``周一至周五``, ``mon-fri``, ``工作日``."""
    return [day for word in words(value) for day in _day_span(word)]


def _allowed(names: dict[str, str]) -> Localized:
    return Localized(
        zh="、".join(f"{name}（{code}）" for code, name in names.items()),
        en=", ".join(names),
    )


def category(value: Cell) -> str:
    """A service category: its code (``elderly_care``) or Chinese name (``养老为老服务``)."""
    word = _string(value)
    found = codes.category(word)
    if found is None:
        raise CellProblem("cell.category", value=word, allowed=_allowed(codes.CATEGORY_NAMES))
    return found


def groups(value: Cell) -> list[str]:
    """Vulnerable groups by code (``elderly_alone``) or Chinese name (``独居老人``)."""
    found = []
    for word in words(value):
        code = codes.group(word)
        if code is None:
            raise CellProblem("cell.group", value=word, allowed=_allowed(codes.GROUP_NAMES))
        found.append(code)
    return found


def groups_or_none(value: Cell) -> list[str]:
    """Groups, where ``无``, ``none`` or ``-`` is the empty list (no group is eligible)."""
    if codes.fold(_string(value)) in _NONE:
        return []
    return groups(value)


def kind(value: Cell) -> str:
    """``goods`` (物资) or ``funds`` (资金)."""
    word = _string(value)
    found = codes.kind(word)
    if found is None:
        raise CellProblem("cell.kind", value=word)
    return found


def amounts(value: Cell) -> list[dict[str, Any]]:
    """Resource amounts ``rice-5kg:1; oil:2`` (a bare id means a quantity of 1)."""
    found: list[dict[str, Any]] = []
    for word in words(value):
        match = _AMOUNT.match(word)
        if match is None:
            found.append({"id": word, "quantity": 1})
            continue
        quantity = codes.fold(match[2])
        if not match[1].strip() or not quantity.isdigit():
            raise CellProblem("cell.amount", value=word)
        found.append({"id": match[1].strip(), "quantity": integer(quantity)})
    return found


def json_value(value: Cell) -> Any:
    """Free JSON (the ``extra`` member), written as JSON text."""
    try:
        return json.loads(_string(value))
    except (ValueError, RecursionError) as error:
        raise CellProblem("cell.json", detail=str(error)[:200]) from None
