"""The audit of household reads, written in batches off the request path.

Every read of a need is an audit row. Writing those rows inside the read's own request (an
INSERT and a COMMIT, on SQLite under the one write lock) made every page of needs a write
transaction. :class:`AuditLog` instead keeps the rows of reads in memory and a background
thread writes them, in one transaction, every ``flush_seconds`` (0.2 s by default) and once
more when the app stops (its lifespan), so a stopped service loses none. A failed write keeps
the rows for the next try. What a hard crash (``kill -9``, power loss) can lose is the last
interval's reads. Changes of needs (create, update, delete) are still audited in their own
transaction, all or nothing with the change.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from service.storage import repository
from service.storage.models import AuditAction

log = logging.getLogger("mulin.api.audit")

FLUSH_SECONDS = 0.2
"""How often the background thread writes the waiting rows."""


class AuditLog:
    """Audit rows waiting to be written, and the thread that writes them.

    Parameters
    ----------
    engine
        The database the rows go to.
    flush_seconds
        Pause between two writes of the waiting rows.
    """

    def __init__(self, engine: Engine, flush_seconds: float = FLUSH_SECONDS) -> None:
        self._engine = engine
        self._flush_seconds = flush_seconds
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._waiting: list[dict[str, Any]] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def record(
        self,
        *,
        token_id: str,
        action: AuditAction,
        entity: str,
        entity_ids: list[str],
        station_id: str | None,
    ) -> None:
        """Keep one audit row per record for the next write; the time is taken now.

        Parameters
        ----------
        token_id
            Who.
        action
            read, create, update or delete.
        entity
            What kind of record (``need``).
        entity_ids
            Which records.
        station_id
            Whose.
        """
        rows = repository.audit_rows(
            token_id=token_id,
            action=action,
            entity=entity,
            entity_ids=entity_ids,
            station_id=station_id,
        )
        with self._lock:
            self._waiting.extend(rows)

    @property
    def waiting(self) -> int:
        """How many rows wait to be written."""
        with self._lock:
            return len(self._waiting)

    def flush(self) -> int:
        """Write every waiting row in one transaction now.

        Returns
        -------
        int
            How many rows were written (0 when the write failed: they wait for the next try).
        """
        with self._write_lock:
            with self._lock:
                rows, self._waiting = self._waiting, []
            if not rows:
                return 0
            try:
                with Session(self._engine) as session:
                    repository.insert_audit_rows(session, rows)
                    session.commit()
            except Exception:
                with self._lock:
                    self._waiting[:0] = rows
                log.exception("writing %d audit rows failed; kept for the next try", len(rows))
                return 0
            return len(rows)

    def start(self) -> None:
        """Start the thread that writes the waiting rows every ``flush_seconds``."""
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(
                target=self._flush_forever, name="mulin-audit", daemon=True
            )
            self._thread.start()

    def close(self) -> None:
        """Stop the thread and write what waits (the app's shutdown)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self.flush()
        left = self.waiting
        if left:
            log.error("%d audit rows could not be written at shutdown", left)

    def _flush_forever(self) -> None:
        while not self._stop.wait(self._flush_seconds):
            self.flush()
