"""A household's personal data on request (PIPL): everything Mulin keeps of it, and its erasure.

The export gathers the household's needs in the archive, the visit records of those needs
(notes included) and how the household appears in the station's stored plan jobs. Erasure
deletes its needs and their visit records, and in every stored job of the station replaces
the household id by ``erased`` and drops its needs' locations and ``extra`` from the stored
scenario (whose SHA-256 is recomputed: such a job can no longer be replayed as it was).
Both are audited with the token; nothing of the household is logged.
"""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session

from service.api.jobs import sha256_text
from service.api.records import record_public, records_of
from service.storage import convert, repository
from service.storage.models import Station
from service.wire.scenario import Scenario

ERASED = "erased"


def _needs_of(session: Session, station: Station, household: str) -> list[Any]:
    archive = repository.load_archive(session, station)
    return [row for row in archive.needs if row.household == household]


def _jobs_naming(session: Session, station: Station, household: str) -> list[Any]:
    jobs = repository.station_jobs(session, station.id)
    named = '"household":' + json.dumps(household, ensure_ascii=False)
    return [job for job in jobs if named in job.scenario_json]


def export_household(
    session: Session, station: Station, household: str, token_id: str
) -> dict[str, Any]:
    """Everything of one household: needs, visit records, the plans that name it (audited).

    Returns
    -------
    dict
        ``needs`` (wire objects), ``records`` (with notes), ``plans`` (job id, week, the
        household's needs in that week and its planned visits).
    """
    needs = _needs_of(session, station, household)
    plans: list[dict[str, Any]] = []
    records: list[dict[str, Any]] = []
    for job in _jobs_naming(session, station, household):
        scenario = Scenario.model_validate_json(job.scenario_json)
        ids = {need.id for need in scenario.needs if need.household == household}
        visits = []
        if job.plan_json is not None:
            plan = json.loads(job.plan_json)
            visits = [v for v in plan.get("visits", []) if v.get("need_id") in ids]
        plans.append(
            {
                "plan_id": str(job.id),
                "week_start": job.week_start.isoformat(),
                "need_ids": sorted(ids),
                "visits": visits,
            }
        )
        for row in records_of(session, job.id):
            if row.need_id in ids:
                records.append(record_public(row).model_dump(mode="json"))
    repository.record_access(
        session,
        token_id=token_id,
        action="read",
        entity="household_export",
        entity_ids=[household],
        station_id=station.id,
    )
    session.commit()
    return {
        "household": household,
        "station_id": station.id,
        "needs": [
            convert.row_to_need(row).model_dump(mode="json", by_alias=True, exclude_none=True)
            for row in needs
        ],
        "records": records,
        "plans": plans,
    }


def erase_household(
    session: Session, station: Station, household: str, token_id: str
) -> dict[str, int]:
    """Erase one household from the archive, its visit records and the stored jobs (audited).

    Returns
    -------
    dict
        How many needs, records and jobs were changed.
    """
    needs = _needs_of(session, station, household)
    for row in needs:
        session.delete(row)
    records = 0
    jobs = _jobs_naming(session, station, household)
    for job in jobs:
        scenario = json.loads(job.scenario_json)
        ids = set()
        for need in scenario.get("needs", []):
            if need.get("household") == household:
                ids.add(need["id"])
                need["household"] = ERASED
                need.pop("location", None)
                need.pop("extra", None)
        records += repository.delete_records(session, job.id, ids)
        text = Scenario.model_validate(scenario).model_dump_json(by_alias=True, exclude_none=True)
        job.scenario_json = text
        job.scenario_sha256 = sha256_text(text)
        session.add(job)
    repository.record_access(
        session,
        token_id=token_id,
        action="delete",
        entity="household",
        entity_ids=[household],
        station_id=station.id,
    )
    session.commit()
    return {"needs": len(needs), "records": records, "plans": len(jobs)}
