"""One worker's visits of a plan as an iCalendar feed (RFC 5545) for their phone.

Times are local (``TZID=Asia/Shanghai``, UTC+8 without daylight saving time, with its
VTIMEZONE). Each event's UID depends on the week, need, visit number and worker only, so a
re-subscribed or refreshed feed of a re-planned week updates events instead of adding copies.
Residents appear only as household ids and village names.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, TimezoneStandard

from service.exports.common import PlanIndex, UnknownWorker, local_time
from service.exports.labels import label
from service.messages import Language
from service.wire.plan import Plan, PlannedVisit
from service.wire.scenario import Scenario

TZID = "Asia/Shanghai"
UTC_OFFSET = dt.timedelta(hours=8)
PRODID = "-//Mulin//weekly dispatch plan//ZH"


def event_uid(week_start: dt.date, need_id: str, visit: int, worker_id: str) -> str:
    """The UID of a worker's visit: the same in every plan of that week.

    Parameters
    ----------
    week_start
        The Monday of the planned week.
    need_id
        The need visited.
    visit
        The visit number (1 … the need's visits).
    worker_id
        The worker.

    Returns
    -------
    str
        ``{week_start}-{need_id}-{visit}-{worker_id}@mulin``.
    """
    return f"{week_start.isoformat()}-{need_id}-{visit}-{worker_id}@mulin"


def _vtimezone() -> Timezone:
    """VTIMEZONE of Asia/Shanghai: China Standard Time, UTC+8, no daylight saving time."""
    zone = Timezone()
    zone.add("tzid", TZID)
    standard = TimezoneStandard()
    standard.add("dtstart", dt.datetime(1970, 1, 1))
    standard.add("tzoffsetfrom", UTC_OFFSET)
    standard.add("tzoffsetto", UTC_OFFSET)
    standard.add("tzname", "CST")
    zone.add_component(standard)
    return zone


def _event(
    index: PlanIndex, language: Language, worker_id: str, visit: PlannedVisit, stamp: dt.datetime
) -> Event:
    week_start = index.scenario.week_start
    need = index.needs[visit.need_id]
    village = index.village_name(need)
    zone = ZoneInfo(TZID)
    team = [w for w in visit.worker_ids if w != worker_id]
    none = label(language, "none")
    lines = [
        label(
            language,
            "calendar.need",
            need=need.id,
            visit=visit.visit,
            visits=need.visits,
            priority=need.priority,
        ),
        label(language, "calendar.village", village=village),
        label(language, "calendar.team", team=index.workers_text(language, team) or none),
        label(
            language,
            "calendar.resources",
            resources=index.resources_text(language, visit.resources) or none,
        ),
    ]
    where = index.location(need)
    event = Event()
    event.add("uid", event_uid(week_start, visit.need_id, visit.visit, worker_id))
    event.add("dtstamp", stamp)
    event.add("dtstart", local_time(week_start, visit.day, visit.start, zone))
    event.add("dtend", local_time(week_start, visit.day, visit.end, zone))
    event.add(
        "summary",
        label(
            language,
            "calendar.summary",
            category=index.category(language, need),
            household=need.household,
        ),
    )
    event.add("location", village)
    event.add("geo", (where.lat, where.lon))
    event.add("description", "\n".join(lines))
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def worker_calendar(
    scenario: Scenario,
    plan: Plan,
    worker_id: str,
    language: Language = "zh",
    *,
    stamp: dt.datetime | None = None,
) -> bytes:
    """One worker's visits of a plan as an iCalendar document, one VEVENT per visit.

    Parameters
    ----------
    scenario
        The scenario the plan was made for.
    plan
        The plan.
    worker_id
        The worker whose visits are wanted (a worker without visits gets an empty calendar).
    language
        Language of the summaries and descriptions: ``zh`` (default) or ``en``.
    stamp
        The events' DTSTAMP; default now (UTC).

    Returns
    -------
    bytes
        The ``text/calendar`` document (UTF-8, CRLF line ends).

    Raises
    ------
    UnknownWorker
        When the scenario has no such worker.
    ExportError
        When the plan names needs, workers or resources the scenario lacks, or another
        scenario.
    """
    index = PlanIndex.build(scenario, plan)
    worker = index.workers.get(worker_id)
    if worker is None:
        raise UnknownWorker(worker_id)
    when = stamp if stamp is not None else dt.datetime.now(dt.UTC)
    week = scenario.week_start.isoformat()
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", label(language, "calendar.name", worker=worker.name, week=week))
    calendar.add("x-wr-timezone", TZID)
    calendar.add_component(_vtimezone())
    for visit in index.visits_of().get(worker_id, []):
        calendar.add_component(_event(index, language, worker_id, visit, when))
    document: bytes = calendar.to_ical()
    return document
