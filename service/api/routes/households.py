"""A household's personal data on the station's request (PIPL): export it, or erase it.

``GET /api/v1/stations/{id}/households/{household}/export`` and
``DELETE /api/v1/stations/{id}/households/{household}``: coordinators of the station (and city
administrators); viewers get 403. Both are audited (``household_export``, ``household``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from service.api.deps import CallerDep, SessionDep, WritableStation, not_found
from service.api.errors import ERROR_RESPONSES, WRITE_RESPONSES
from service.api.households import erase_household, export_household

router = APIRouter(tags=["households"])
Household = Annotated[str, Path(min_length=1, max_length=100, description="The household id.")]


@router.get("/stations/{station_id}/households/{household}/export", responses=ERROR_RESPONSES)
def export(
    session: SessionDep, caller: CallerDep, station: WritableStation, household: Household
) -> dict[str, Any]:
    """Everything kept of one household: its needs, visit records (notes too) and plans."""
    found = export_household(session, station, household, caller.token_id)
    if not found["needs"] and not found["plans"]:
        raise not_found("household")
    return found


@router.delete("/stations/{station_id}/households/{household}", responses=WRITE_RESPONSES)
def erase(
    session: SessionDep, caller: CallerDep, station: WritableStation, household: Household
) -> dict[str, int]:
    """Erase one household: its needs, their records, and its traces in stored plans."""
    erased = erase_household(session, station, household, caller.token_id)
    if not any(erased.values()):
        raise not_found("household")
    return erased
