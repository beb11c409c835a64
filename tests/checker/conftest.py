"""A small valid scenario and a hand-written valid plan for it.

Geometry: the station sits at (31.70, 120.87); village v01 is 0.01° north of it (1.112 km),
village v02 0.02° east. Travel minutes below were worked out by hand from the spec's formula
(detour 1.3; ebike 15 km/h, car 30 km/h, walk 4.5 km/h):

- station ↔ v01: ebike 6, car 3
- v01 → n003 (31.712, 120.872): ebike 2; n003 → station: ebike 8
- li01 lives in v02 and serves n002 there: 0
"""

from __future__ import annotations

from typing import Any

import pytest

from service.wire.plan import Plan
from service.wire.scenario import Scenario

STATION = {"lat": 31.70, "lon": 120.87}
V01 = {"lat": 31.71, "lon": 120.87}
V02 = {"lat": 31.70, "lon": 120.89}


def scenario_data() -> dict[str, Any]:
    """Return the scenario as JSON data."""
    window = {"days": ["mon", "tue", "wed", "thu", "fri"], "from": "09:00", "to": "16:00"}
    return {
        "format": "mulin.scenario/1",
        "name": "Test town, week 1",
        "week_start": "2026-11-23",
        "station": {"id": "st", "name": "测试镇社会工作站", "location": STATION},
        "villages": [
            {"id": "v01", "name": "赵市村", "location": V01},
            {"id": "v02", "name": "东社区", "kind": "community", "location": V02},
        ],
        "workers": [
            {
                "id": "sw01",
                "name": "陈静",
                "role": "social_worker",
                "skills": ["elderly_care", "psychological_support"],
                "languages": ["mandarin", "changshu"],
                "availability": {
                    "mon": [["08:30", "11:30"], ["13:30", "17:00"]],
                    "wed": [["08:30", "17:00"]],
                },
                "max_minutes_per_week": 1200,
                "max_visits_per_day": 6,
                "max_travel_minutes": 40,
            },
            {
                "id": "vol01",
                "name": "王芳",
                "role": "volunteer",
                "skills": ["first_aid"],
                "transport": "car",
                "availability": {"mon": [["08:00", "12:00"]], "wed": [["08:00", "12:00"]]},
            },
            {
                "id": "li01",
                "name": "李强",
                "role": "liaison",
                "base": V02,
                "transport": "walk",
                "availability": {"tue": [["09:00", "12:00"]]},
            },
        ],
        "resources": [
            {
                "id": "rice-5kg",
                "name": "5 kg rice",
                "kind": "goods",
                "unit": "bag",
                "available": 40,
                "eligible_groups": ["low_income", "elderly_alone"],
            }
        ],
        "needs": [
            {
                "id": "n001",
                "household": "h001",
                "village": "v01",
                "groups": ["elderly_alone"],
                "category": "elderly_care",
                "priority": 1,
                "visits": 2,
                "duration_minutes": 60,
                "window": window,
                "staff": {"social_worker": 1, "volunteer": 1},
                "skills": ["psychological_support"],
                "languages": ["changshu"],
                "resources": [{"id": "rice-5kg", "quantity": 1}],
                "mandatory": True,
            },
            {
                "id": "n002",
                "household": "h002",
                "village": "v02",
                "category": "policy_publicity",
                "priority": 2,
                "duration_minutes": 45,
                "window": {"days": ["tue"], "from": "09:00", "to": "12:00"},
            },
            {
                "id": "n003",
                "household": "h003",
                "village": "v01",
                "location": {"lat": 31.712, "lon": 120.872},
                "groups": ["low_income"],
                "category": "social_assistance",
                "priority": 3,
                "duration_minutes": 30,
                "window": {"days": ["mon"], "from": "09:00", "to": "16:00"},
            },
            {
                "id": "n004",
                "household": "h004",
                "village": "v02",
                "category": "community_governance",
                "priority": 4,
                "duration_minutes": 60,
                "window": {"days": ["thu"], "from": "09:00", "to": "12:00"},
                "staff": {"liaison": 1},
            },
        ],
    }


def plan_data() -> dict[str, Any]:
    """Return the valid plan as JSON data."""
    return {
        "format": "mulin.plan/1",
        "scenario": "Test town, week 1",
        "status": "feasible",
        "solver": {"name": "hand", "wall_seconds": 0},
        "visits": [
            {
                "need_id": "n001",
                "visit": 1,
                "day": "mon",
                "start": "09:30",
                "end": "10:30",
                "worker_ids": ["sw01", "vol01"],
                "resources": [{"id": "rice-5kg", "quantity": 1}],
            },
            {
                "need_id": "n003",
                "visit": 1,
                "day": "mon",
                "start": "10:45",
                "end": "11:15",
                "worker_ids": ["sw01"],
            },
            {
                "need_id": "n001",
                "visit": 2,
                "day": "wed",
                "start": "09:30",
                "end": "10:30",
                "worker_ids": ["sw01", "vol01"],
            },
            {
                "need_id": "n002",
                "visit": 1,
                "day": "tue",
                "start": "09:30",
                "end": "10:15",
                "worker_ids": ["li01"],
            },
        ],
        "routes": [
            # sw01 mon: station -6-> n001 -2-> n003 -8-> station
            _route("sw01", "mon", 0, [("n001", 1), ("n003", 1)], 16, 90),
            _route("vol01", "mon", 0, [("n001", 1)], 6, 60),
            _route("sw01", "wed", 0, [("n001", 2)], 12, 60),
            _route("vol01", "wed", 0, [("n001", 2)], 6, 60),
            _route("li01", "tue", 0, [("n002", 1)], 0, 45),
        ],
        "unmet": [
            {
                "need_id": "n004",
                "missing_visits": 1,
                "reasons": [{"code": "no_shared_availability", "message": "No liaison on thu."}],
            }
        ],
        "metrics": {
            "visits_requested": 5,
            "visits_planned": 4,
            "coverage_by_priority": {"1": 1.0, "2": 1.0, "3": 1.0, "4": 0.0},
            "travel_minutes": 40,
            "service_minutes": 315,
        },
    }


def _route(
    worker: str, day: str, shift: int, stops: list[tuple[str, int]], travel: int, service: int
) -> dict[str, Any]:
    return {
        "worker_id": worker,
        "day": day,
        "shift": shift,
        "stops": [{"need_id": n, "visit": v} for n, v in stops],
        "travel_minutes": travel,
        "service_minutes": service,
    }


@pytest.fixture
def scenario() -> Scenario:
    """Build the valid scenario."""
    return Scenario.model_validate(scenario_data())


@pytest.fixture
def plan() -> Plan:
    """Build the valid plan for :func:`scenario`."""
    return Plan.model_validate(plan_data())
