"""Pydantic errors of a row's wire object → message keys of :mod:`service.tabular.messages`."""

from __future__ import annotations

from typing import Any

_BOUNDS = {
    "greater_than_equal": ("value.ge", "ge"),
    "greater_than": ("value.gt", "gt"),
    "less_than_equal": ("value.le", "le"),
    "less_than": ("value.lt", "lt"),
    "string_too_long": ("value.too_long", "max_length"),
    "string_too_short": ("value.too_short", "min_length"),
}
_PLAIN = {
    "missing": "value.missing",
    "staff_empty": "value.staff_empty",
    "staff_large": "value.staff_large",
    "duplicate_day": "value.duplicate_day",
}


def problem_of(error: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The message key and values for one entry of ``ValidationError.errors()``.

    Parameters
    ----------
    error
        A pydantic error (``type``, ``ctx``, ``input``, ``msg``).

    Returns
    -------
    tuple of (str, dict)
        The key and its placeholder values; ``value.other`` with pydantic's own text for
        errors without a sentence of their own.
    """
    kind = str(error.get("type"))
    context = error.get("ctx") or {}
    if kind in _BOUNDS:
        key, bound = _BOUNDS[kind]
        return key, {"limit": context.get(bound)}
    if kind in _PLAIN:
        return _PLAIN[kind], {}
    if kind == "literal_error":
        return "value.literal", {"value": error.get("input"), "allowed": context.get("expected")}
    if kind == "time_format":
        return "value.time", {"value": context.get("value")}
    if kind == "window_order":
        return "value.window", {"to": context.get("to"), "start": context.get("start")}
    return "value.other", {"detail": str(error.get("msg", kind))}
