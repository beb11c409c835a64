"""Keep secrets out of the access log: the key of a calendar feed link is replaced by ``***``."""

from __future__ import annotations

import logging
import re

_KEY = re.compile(r"([?&]key=)[^&\s]*")


def redact(path: str) -> str:
    """A request path with its ``key`` query value hidden.

    Parameters
    ----------
    path
        Path and query string as logged, e.g. ``/api/v1/feeds/…/sw01.ics?key=9a1e…``.

    Returns
    -------
    str
        The same path with ``key=***``.
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
