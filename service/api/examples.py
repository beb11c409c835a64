"""Examples of the OpenAPI document: one station's week, shaped like scenarios/tiny.json.

The station is 梅李镇社会工作站 with the villages 赵市村 and 李桥社区; households appear by their
archive ids only (``h001``), never by name, phone or address. Each request example is valid for
its model (``tests/api/test_api_openapi.py`` checks this), so /docs can send it as it is.
"""

from __future__ import annotations

from typing import Any

WEEK = "2026-11-23"
STATION_ID = "meili"

LOCATION = {"lat": 31.7, "lon": 120.87}
TRAVEL = {"detour_factor": 1.3, "speed_kmh": {"walk": 4.5, "ebike": 15.0, "car": 30.0}}
STATION = {"id": STATION_ID, "name": "梅李镇社会工作站", "location": LOCATION}
VILLAGE = {
    "id": "v01",
    "name": "赵市村",
    "kind": "village",
    "location": {"lat": 31.708, "lon": 120.862},
}
COMMUNITY = {
    "id": "v02",
    "name": "李桥社区",
    "kind": "community",
    "location": {"lat": 31.696, "lon": 120.876},
}
WORKER = {
    "id": "sw01",
    "name": "陈静",
    "role": "social_worker",
    "skills": ["elderly_care", "child_protection", "psychological_support"],
    "languages": ["mandarin", "changshu"],
    "transport": "ebike",
    "availability": {"mon": [["09:00", "12:00"]], "tue": [["09:00", "12:00"], ["14:00", "17:00"]]},
    "max_minutes_per_week": 1200,
    "max_visits_per_day": 3,
    "max_travel_minutes": 30,
}
VOLUNTEER = {
    "id": "vol001",
    "name": "王芳",
    "role": "volunteer",
    "skills": ["volunteer_service"],
    "languages": ["mandarin", "changshu"],
    "base": {"lat": 31.708, "lon": 120.862},
    "transport": "walk",
    "availability": {"mon": [["09:00", "11:00"]]},
    "max_visits_per_day": 1,
    "max_travel_minutes": 30,
}
RESOURCE = {
    "id": "rice-5kg",
    "name": "5公斤大米",
    "kind": "goods",
    "unit": "bag",
    "available": 20,
    "eligible_groups": ["low_income", "elderly_alone"],
}
NEED = {
    "id": "n001",
    "household": "h001",
    "village": "v01",
    "location": {"lat": 31.709, "lon": 120.861},
    "groups": ["elderly_alone"],
    "category": "elderly_care",
    "priority": 1,
    "visits": 2,
    "duration_minutes": 60,
    "window": {"days": ["mon", "tue", "wed", "thu", "fri"], "from": "09:00", "to": "12:00"},
    "staff": {"social_worker": 1},
    "skills": ["elderly_care"],
    "languages": ["changshu"],
    "resources": [{"id": "rice-5kg", "quantity": 1}],
    "mandatory": True,
}
CHILD_NEED = {
    "id": "n002",
    "household": "h002",
    "village": "v01",
    "groups": ["left_behind_child"],
    "category": "child_protection",
    "priority": 2,
    "duration_minutes": 45,
    "window": {"days": ["mon", "tue"], "from": "09:00", "to": "11:00"},
    "staff": {"social_worker": 1, "volunteer": 1},
}
SCENARIO = {
    "format": "mulin.scenario/1",
    "name": "梅李镇 2026年第48周",
    "week_start": WEEK,
    "station": STATION,
    "villages": [VILLAGE, COMMUNITY],
    "travel": TRAVEL,
    "workers": [WORKER, VOLUNTEER],
    "resources": [RESOURCE],
    "needs": [NEED, CHILD_NEED],
}
OPTIONS = {"seed": 0, "workers": 1, "language": "zh"}
PLAN_ID = "0f8e4c52-7d0a-4b7e-9c61-3a2b5d9e8f10"

STATION_CREATE = {**STATION, "scenario_name": "梅李镇 每周派单", "travel": TRAVEL}
STATION_UPDATE = {"name": "梅李镇社会工作站", "scenario_name": "梅李镇 冬季派单", "version": 1}
STATION_PUBLIC = {**STATION_CREATE, "version": 2}
VILLAGE_UPDATE = {"name": "赵市村", "location": {"lat": 31.7082, "lon": 120.8619}, "version": 1}
WORKER_UPDATE = {
    "availability": {"wed": [["14:00", "17:00"]]},
    "max_visits_per_day": 2,
    "version": 1,
}
RESOURCE_UPDATE = {"available": 15, "version": 1}
NEED_UPDATE = {
    "priority": 2,
    "window": {"days": ["tue", "thu"], "from": "14:00", "to": "16:30"},
    "version": 1,
}
STATION_PLAN_REQUEST = {"week_start": WEEK, "time_limit": 10.0, "options": OPTIONS}
SCENARIO_PLAN_REQUEST = {"time_limit": 10.0, "options": OPTIONS, "scenario": SCENARIO}
PLAN_ACCEPTED = {"id": PLAN_ID, "status": "queued"}
URGENT_NEED = {
    "id": "n006",
    "household": "h006",
    "village": "v02",
    "groups": ["elderly_alone"],
    "category": "social_assistance",
    "priority": 1,
    "duration_minutes": 30,
    "window": {"days": ["wed", "thu"], "from": "14:00", "to": "16:00"},
    "staff": {"any": 1},
    "mandatory": True,
}
REPLAN_REQUEST = {
    "from_day": "wed",
    "absent": [{"worker_id": "vol001", "from_day": "wed", "until_day": "fri"}],
    "done": [{"need_id": "n001", "visit": 1}],
    "locked": [{"need_id": "n001", "visit": 2}],
    "urgent_needs": [URGENT_NEED],
    "time_limit": 10.0,
    "options": OPTIONS,
}
PLAN_JOB = {
    "id": PLAN_ID,
    "station_id": STATION_ID,
    "status": "running",
    "progress": 0.4,
    "phase": "improve",
    "week_start": WEEK,
    "time_limit": 10.0,
    "seed": 0,
    "workers": 1,
    "language": "zh",
    "ortools_version": "9.15.6755",
    "scenario_sha256": "5d41402abc4b2a76b9719d911017c592" * 2,
    "error": None,
    "created_at": "2026-11-20T08:30:00Z",
    "updated_at": "2026-11-20T08:30:04Z",
    "plan": None,
}
SCENARIO_IMPORTED = {
    "station": {**STATION_PUBLIC, "scenario_name": SCENARIO["name"], "version": 1},
    "villages": 2,
    "workers": 2,
    "resources": 1,
    "needs": 2,
    "warnings": [],
}


def schema_examples(*examples: dict[str, Any]) -> dict[str, Any]:
    """The ``json_schema_extra`` of a model: its examples, in the JSON schema's own keyword.

    Parameters
    ----------
    *examples
        JSON values of the model, most typical first.

    Returns
    -------
    dict
        ``{"examples": [...]}``, merged into the model's JSON schema by pydantic.
    """
    return {"examples": list(examples)}


def page(item: dict[str, Any], count: int) -> dict[str, Any]:
    """An example page of a list answer: one item and the count of all.

    Parameters
    ----------
    item
        The example of one item, with its version.
    count
        How many match in all.

    Returns
    -------
    dict
        ``{"data": [item], "count": count}``.
    """
    return {"data": [item], "count": count}
