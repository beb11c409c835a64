"""Keep secrets out of the access log: the key of a signed link is replaced by ``***``.

Feed links and the workers' phone links carry it as ``key=``; a language switch of the phone
page carries the page's own address, key included, percent-encoded in its ``next``.
"""

from __future__ import annotations

import logging
import re

_KEY = re.compile(r"((?:[?&]|%3F|%26)key(?:=|%3D))[^&%\s]*", re.IGNORECASE)


def redact(path: str) -> str:
    """A request path with its ``key`` query value hidden.

    Parameters
    ----------
    path
        Path and query string as logged, e.g. ``/api/v1/feeds/…/sw01.ics?key=9a1e…``.

    Returns
    -------
    str
        The same path with ``key=***`` (also inside a percent-encoded ``next``).
    """
    return _KEY.sub(r"\1***", path)


class RedactFeedKeys(logging.Filter):
    """A filter for uvicorn's access log (its arguments: client, method, path, version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Hide the key in the logged path; never drops a record."""
        if isinstance(record.args, tuple) and len(record.args) >= 3:
            args = list(record.args)
            if isinstance(args[2], str):
                args[2] = redact(args[2])
                record.args = tuple(args)
        return True


def install() -> None:
    """Add the filter to uvicorn's access log once."""
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactFeedKeys) for f in access.filters):
        access.addFilter(RedactFeedKeys())
