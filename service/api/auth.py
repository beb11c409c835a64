"""Bearer tokens and roles: who may see and change which station.

``city_admin`` sees and changes every station; ``station_coordinator`` its own station, read
and write; ``viewer`` its own station, read only. A station the caller may not see is treated
as absent (404), so that no answer tells it apart from one that does not exist.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlmodel import Session

from service.storage import repository
from service.storage.models import ROLES, ApiToken, Role

TOKEN_PREFIX = "mulin_"


@dataclass(frozen=True)
class Caller:
    """The authenticated caller of a request."""

    token_id: str
    role: Role
    station_id: str | None

    def can_see(self, station_id: str) -> bool:
        """Whether the caller may read anything of this station."""
        return self.role == "city_admin" or self.station_id == station_id

    @property
    def can_write(self) -> bool:
        """Whether the caller's role may change data at all (viewers may not)."""
        return self.role != "viewer"


def hash_token(secret: str) -> str:
    """The SHA-256 (hex) under which a token's secret is stored.

    Parameters
    ----------
    secret
        The bearer token as the client sends it.

    Returns
    -------
    str
        64 hex digits.
    """
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(session: Session, role: Role, station_id: str | None) -> tuple[ApiToken, str]:
    """Make and store a new token; only its hash is kept.

    Parameters
    ----------
    session
        The database session (committed).
    role
        ``city_admin``, ``station_coordinator`` or ``viewer``.
    station_id
        The station of a coordinator or viewer; None for a city admin.

    Returns
    -------
    tuple of (ApiToken, str)
        The stored token row and the secret to hand to its holder (shown once).

    Raises
    ------
    ValueError
        When the role and station do not fit together.
    """
    if role == "city_admin" and station_id is not None:
        raise ValueError("a city_admin token belongs to no station")
    if role != "city_admin" and not station_id:
        raise ValueError(f"a {role} token needs --station")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        id="tok_" + secrets.token_hex(6),
        role=role,
        station_id=station_id,
        token_sha256=hash_token(secret),
    )
    return repository.add_token(session, row), secret


def authenticate(session: Session, secret: str) -> Caller | None:
    """The caller holding this secret, or None for an unknown or revoked token."""
    token = repository.find_token(session, hash_token(secret))
    if token is None or token.revoked:
        return None
    for role in ROLES:
        if token.role == role:
            return Caller(token_id=token.id, role=role, station_id=token.station_id)
    return None
