"""Signed links of a worker's phone page: the key, its expiry, and the limits on attempts.

A worker records their visits of a plan at ``/w/{plan_id}/{worker_id}?key=…&until=YYYY-MM-DD``
without a token. The key is HMAC-SHA256 (the feed secret, ``MULIN_FEED_SECRET``) over a purpose
prefix, the plan, the worker and the expiry date, so a calendar feed key opens no phone page and
a link cannot be stretched past its week: it lasts until the Sunday of the plan's week plus the
carry-over grace (``MULIN_CARRY_OVER_GRACE_DAYS``), when the visits left unrecorded come back
into the next week anyway.

Attempts are limited in this process (:class:`AttemptLimiter`): a client address sending too many
bad keys in a minute gets 429 for the rest of that minute, and so does a link writing too often.
Several service processes each count on their own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

PURPOSE = "mulin.record-link.v1"
"""Prefix of the signed message: keeps these keys apart from the calendar feeds' keys."""
RECORD_PATH = "/w/{plan_id}/{worker_id}"
BAD_KEYS_PER_MINUTE = 10
"""Wrong, expired or malformed links a client address may try per minute."""
WRITES_PER_MINUTE = 30
"""Records one link may write per minute."""


def link_expiry(week_start: dt.date, grace_days: int) -> dt.date:
    """The last day a phone link of a week's plan works.

    Parameters
    ----------
    week_start
        The Monday of the plan's week.
    grace_days
        ``settings.carry_over_grace_days``.

    Returns
    -------
    datetime.date
        The Sunday of the week plus the grace days.
    """
    return week_start + dt.timedelta(days=6 + grace_days)


def record_key(secret: bytes, plan_id: uuid.UUID, worker_id: str, until: dt.date) -> str:
    """The key of a worker's phone link of a plan.

    Parameters
    ----------
    secret
        The feed secret.
    plan_id
        The plan job's id.
    worker_id
        The worker's id.
    until
        The link's last day.

    Returns
    -------
    str
        HMAC-SHA256 of ``"{PURPOSE}:{plan_id}:{worker_id}:{until}"`` (UTF-8) in hex.
    """
    message = f"{PURPOSE}:{plan_id}:{worker_id}:{until.isoformat()}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def record_path(secret: bytes, plan_id: uuid.UUID, worker_id: str, until: dt.date) -> str:
    """The path and query of a worker's phone link (prefix it with the service's address).

    Parameters
    ----------
    secret
        The feed secret.
    plan_id
        The plan job's id.
    worker_id
        The worker's id.
    until
        The link's last day (:func:`link_expiry`).

    Returns
    -------
    str
        ``/w/{plan_id}/{worker_id}?key=…&until=YYYY-MM-DD``.
    """
    path = RECORD_PATH.format(plan_id=plan_id, worker_id=quote(worker_id, safe=""))
    query = urlencode({"key": record_key(secret, plan_id, worker_id, until), "until": until})
    return f"{path}?{query}"


@dataclass(frozen=True)
class SignedLink:
    """A phone link whose key is right and whose day has not passed."""

    plan_id: uuid.UUID
    worker_id: str
    until: dt.date


def check_link(
    secret: bytes,
    plan_id: str,
    worker_id: str,
    key: str | None,
    until: str | None,
    today: dt.date,
) -> SignedLink | None:
    """The link a request names, if its key is right and it has not expired.

    Parameters
    ----------
    secret
        The feed secret.
    plan_id, worker_id
        From the path.
    key, until
        From the query (missing: None).
    today
        The service's date.

    Returns
    -------
    SignedLink or None
        None for a malformed plan id or date, a wrong key, or a day after ``until``.
    """
    if key is None or until is None or len(key) > 128:
        return None
    try:
        job_id = uuid.UUID(plan_id)
        last_day = dt.date.fromisoformat(until)
    except ValueError:
        return None
    expected = record_key(secret, job_id, worker_id, last_day)
    if not hmac.compare_digest(key.encode(), expected.encode()) or today > last_day:
        return None
    return SignedLink(job_id, worker_id, last_day)


@dataclass
class AttemptLimiter:
    """At most ``limit`` attempts per key in any ``window`` seconds (in this process).

    Parameters
    ----------
    limit
        Attempts allowed in a window.
    window
        Seconds.
    max_keys
        Keys remembered at most; beyond, the oldest are forgotten (bounded memory).
    clock
        Monotonic seconds (tests pass their own).
    """

    limit: int
    window: float = 60.0
    max_keys: int = 10_000
    clock: Callable[[], float] = time.monotonic
    _seen: dict[str, deque[float]] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._seen.get(key)
        if times is None:
            if len(self._seen) >= self.max_keys:
                del self._seen[next(iter(self._seen))]
            times = self._seen[key] = deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def exhausted(self, key: str) -> bool:
        """Whether the key has used up its attempts of the current window."""
        with self._lock:
            return len(self._recent(key, self.clock())) >= self.limit

    def spend(self, key: str) -> bool:
        """Count one attempt; False (nothing counted) when the key had none left."""
        with self._lock:
            now = self.clock()
            times = self._recent(key, now)
            if len(times) >= self.limit:
                return False
            times.append(now)
            return True


@dataclass
class PhoneLimits:
    """The two limits of the phone pages: bad keys per client address, writes per link."""

    bad_keys: AttemptLimiter = field(
        default_factory=lambda: AttemptLimiter(limit=BAD_KEYS_PER_MINUTE)
    )
    writes: AttemptLimiter = field(default_factory=lambda: AttemptLimiter(limit=WRITES_PER_MINUTE))
