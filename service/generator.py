"""Synthetic towns for demos, tests and benchmarks: a seeded ``mulin.scenario/1`` generator.

The town follows the municipal plan: one social work station at the town centre, one social
work room per village or community, resident social workers at the station, professional social
workers based in village rooms, a liaison and a handful of volunteers per village, a charity
resource library, and a needs archive skewed towards the elderly, children and the disabled.
Beyond the rules' minimum, the number of social workers grows with the requested visits so that
capacity stays a little short of demand, as it is in practice: a planner must choose.

With ``peer_expressible`` the town is one that public routing solvers can state exactly (one
worker per visit, one visit per need, no resources, one shift a day, no weekly cap); with
``capacity`` below 1 it has fewer social workers than the calibration, so more goes unserved.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar, get_args

import numpy as np
from numpy.random import Generator

from service.wire.common import (
    DAYS,
    Day,
    Location,
    ResourceAmount,
    StaffKey,
    minutes_to_time,
    time_to_minutes,
)
from service.wire.scenario import (
    SCENARIO_FORMAT,
    Category,
    Group,
    Need,
    Resource,
    Scenario,
    Shift,
    Station,
    Transport,
    Village,
    Window,
    Worker,
)

T = TypeVar("T")

DEFAULT_WEEK_START = dt.date(2026, 11, 23)
MAX_VILLAGES = 500
"""Largest town generated: the village name lists run out beyond it."""

# Town centre near Meili, Changshu.
_CENTRE_LAT = 31.703
_CENTRE_LON = 120.874
_KM_PER_DEGREE_LAT = 110.574
_KM_PER_DEGREE_LON_AT_EQUATOR = 111.320

_KM2_PER_VILLAGE = 100.0
_COMMUNITY_SHARE = 0.25
_COMMUNITY_RADIUS_KM = 4.0
_HOUSEHOLD_SCATTER_KM = 1.5
_CANDIDATES_PER_VILLAGE = 30

_MIN_STATION_SOCIAL_WORKERS = 4
_VILLAGES_PER_SOCIAL_WORKER = 2

# Capacity calibration: one professional social worker per this many requested visits (beyond
# the rules' minimum), placed where the households are, keeps a generated week a little short.
_VISITS_PER_SOCIAL_WORKER = 25.0

WEEKDAYS: tuple[Day, ...] = ("mon", "tue", "wed", "thu", "fri")
WEEKEND: tuple[Day, ...] = ("sat", "sun")
ALL_DAYS: tuple[Day, ...] = DAYS

CATEGORIES: tuple[Category, ...] = get_args(Category)
FREE_SKILLS: tuple[str, ...] = (
    "psychological_support",
    "sign_language",
    "first_aid",
    "rehabilitation",
    "legal_aid",
)

# --- names ----------------------------------------------------------------------------------

_SURNAMES = tuple(
    "陈王李张刘杨黄赵吴周徐孙马朱胡郭何高林罗钱顾陆沈蒋姚邵曹金季殷缪归浦言瞿邹严薛戴"
)
# fmt: off
_GIVEN_NAMES = (
    "静", "敏", "伟", "芳", "丽", "强", "磊", "洋", "艳", "勇",
    "军", "杰", "娟", "涛", "明", "超", "霞", "平", "刚", "燕",
    "秀英", "桂兰", "建华", "志强", "海燕", "晓燕", "文杰", "国平", "红梅", "丽华",
    "建国", "玉兰", "雪芳", "亚萍", "振华", "春燕", "晓东", "卫东", "美琴", "凤英",
    "佳怡", "子涵", "浩然", "思远", "梦琪", "一鸣", "嘉欣", "欣怡",
)
# fmt: on
_VILLAGE_HEADS = tuple(
    "赵李钱孙周吴郑王冯陈褚卫蒋沈韩杨朱秦许何吕施张孔曹严华金魏陶姜谢邹喻柏水窦章苏潘"
)
_VILLAGE_TAILS = tuple("市桥泾塘浜港湾巷庄墩渡埭圩舍宅坝家浦")
_COMMUNITY_HEADS = tuple("新东西南北金银花梅汇永兴和福康锦瑞春长星")
_COMMUNITY_TAILS = tuple("华园苑城湖河桥港塘溪丰安江")

# --- needs archive ----------------------------------------------------------------------------

_GROUP_WEIGHTS: dict[Group, float] = {
    "elderly_alone": 0.16,
    "empty_nest": 0.14,
    "disabled_elderly": 0.08,
    "left_behind_child": 0.09,
    "child_in_difficulty": 0.06,
    "disabled": 0.11,
    "low_income": 0.14,
    "migrant": 0.08,
    "special_family": 0.05,
    "domestic_violence": 0.02,
    "other": 0.07,
}
# Urban communities house the migrants; left-behind children live in the villages.
_COMMUNITY_GROUP_FACTOR: dict[Group, float] = {"migrant": 3.0, "left_behind_child": 0.3}
_SECOND_GROUPS: dict[Group, tuple[Group, ...]] = {
    "elderly_alone": ("low_income", "disabled_elderly"),
    "empty_nest": ("low_income",),
    "disabled_elderly": ("low_income", "special_family"),
    "left_behind_child": ("low_income",),
    "child_in_difficulty": ("low_income", "disabled"),
    "disabled": ("low_income",),
    "low_income": ("disabled", "special_family"),
    "migrant": ("low_income", "child_in_difficulty"),
    "special_family": ("empty_nest",),
    "domestic_violence": ("low_income",),
    "other": (),
}
_SECOND_GROUP_PROBABILITY = 0.3
_ELDERLY: tuple[Group, ...] = ("elderly_alone", "empty_nest", "disabled_elderly")
_CHILDREN: tuple[Group, ...] = ("left_behind_child", "child_in_difficulty")

_CATEGORY_WEIGHTS: dict[Group, dict[Category, float]] = {
    "elderly_alone": {
        "elderly_care": 0.7,
        "social_assistance": 0.1,
        "needs_assessment": 0.1,
        "resource_linkage": 0.1,
    },
    "empty_nest": {"elderly_care": 0.75, "policy_publicity": 0.1, "needs_assessment": 0.15},
    "disabled_elderly": {"elderly_care": 0.7, "disability_support": 0.2, "resource_linkage": 0.1},
    "left_behind_child": {"child_protection": 0.85, "volunteer_service": 0.15},
    "child_in_difficulty": {"child_protection": 0.8, "social_assistance": 0.2},
    "disabled": {"disability_support": 0.8, "resource_linkage": 0.1, "needs_assessment": 0.1},
    "low_income": {
        "social_assistance": 0.6,
        "resource_linkage": 0.2,
        "needs_assessment": 0.1,
        "resource_assessment": 0.1,
    },
    "migrant": {
        "policy_publicity": 0.35,
        "social_assistance": 0.3,
        "community_governance": 0.2,
        "marriage_family": 0.15,
    },
    "special_family": {"marriage_family": 0.4, "elderly_care": 0.3, "social_assistance": 0.3},
    "domestic_violence": {"marriage_family": 1.0},
    "other": {
        "community_charity": 0.2,
        "volunteer_service": 0.2,
        "community_governance": 0.2,
        "social_org_cultivation": 0.1,
        "talent_cultivation": 0.1,
        "resource_assessment": 0.1,
        "other": 0.1,
    },
}

_PRIORITY_WEIGHTS = (0.07, 0.17, 0.32, 0.29, 0.15)
_MANDATORY_PROBABILITY = 0.7  # of the priority-1 needs
_VISIT_WEIGHTS = (0.55, 0.3, 0.15)
_PAIR_VISIT_WEIGHTS = (0.75, 0.25)
_SECOND_NEED_PROBABILITY = 0.12
_LIAISON_MAX_DURATION = 60
_DURATIONS = (30, 45, 60, 75, 90, 105, 120)
_DURATION_WEIGHTS = (0.1, 0.2, 0.3, 0.1, 0.17, 0.05, 0.08)

_StaffKind = Literal["any", "pair", "social_worker", "liaison", "social_worker_liaison"]
_STAFF: dict[_StaffKind, dict[StaffKey, int]] = {
    "any": {"any": 1},
    "pair": {"social_worker": 1, "volunteer": 1},
    "social_worker": {"social_worker": 1},
    "liaison": {"liaison": 1},
    "social_worker_liaison": {"social_worker": 1, "liaison": 1},
}
_STAFF_WEIGHTS: dict[_StaffKind, float] = {
    "any": 0.55,
    "pair": 0.25,
    "social_worker": 0.12,
    "liaison": 0.04,
    "social_worker_liaison": 0.04,
}
_CHILD_STAFF_WEIGHTS: dict[_StaffKind, float] = {
    "any": 0.3,
    "pair": 0.45,
    "social_worker": 0.2,
    "social_worker_liaison": 0.05,
}

_WindowDays = Literal["weekdays", "all", "weekdays_sat", "three_weekdays", "weekend_plus_one"]
_WINDOW_DAY_WEIGHTS: dict[_WindowDays, float] = {
    "weekdays": 0.62,
    "all": 0.15,
    "weekdays_sat": 0.1,
    "three_weekdays": 0.08,
    "weekend_plus_one": 0.05,
}
_WEEKDAY_WINDOW_WEIGHTS: dict[_WindowDays, float] = {
    "weekdays": 0.75,
    "all": 0.1,
    "weekdays_sat": 0.1,
    "three_weekdays": 0.05,
}
_WINDOW_SPANS: dict[tuple[str, str], float] = {
    ("09:00", "16:00"): 0.35,
    ("08:30", "17:00"): 0.2,
    ("09:00", "12:00"): 0.12,
    ("14:00", "17:00"): 0.12,
    ("13:30", "16:30"): 0.08,
    ("10:00", "15:00"): 0.13,
}
# A team (or a liaison on a half-day) needs room to meet: their windows are wide.
_TEAM_WINDOW_SPANS: dict[tuple[str, str], float] = {
    ("09:00", "16:00"): 0.5,
    ("08:30", "17:00"): 0.3,
    ("10:00", "15:00"): 0.2,
}
_WINDOW_SLACK_MINUTES = 30

_PREFERRED_PROBABILITY = 0.1
_EXCLUDED_PROBABILITY = 0.03
_RESOURCE_PROBABILITY = 0.3
_SECOND_RESOURCE_PROBABILITY = 0.2

# --- workers ----------------------------------------------------------------------------------

_SOCIAL_WORKER_SHIFTS: tuple[list[Shift], ...] = (
    [("08:30", "11:30"), ("13:30", "17:00")],
    [("08:00", "11:30"), ("13:00", "16:30")],
    [("09:00", "12:00"), ("13:30", "17:30")],
)
_SOCIAL_WORKER_CATEGORY_WEIGHTS: dict[Category, float] = {
    "elderly_care": 0.2,
    "social_assistance": 0.15,
    "child_protection": 0.12,
    "disability_support": 0.1,
    "resource_linkage": 0.08,
    "marriage_family": 0.07,
    "policy_publicity": 0.06,
    "community_governance": 0.05,
    "community_charity": 0.05,
    "resource_assessment": 0.04,
    "volunteer_service": 0.03,
    "social_org_cultivation": 0.02,
    "talent_cultivation": 0.01,
    "other": 0.02,
}
_SOCIAL_WORKER_FREE_SKILLS: dict[str, float] = {
    "psychological_support": 0.45,
    "first_aid": 0.3,
    "rehabilitation": 0.15,
    "legal_aid": 0.15,
    "sign_language": 0.06,
}
_VOLUNTEER_SKILLS = (
    "elderly_care",
    "community_charity",
    "child_protection",
    "policy_publicity",
    "first_aid",
    "disability_support",
)
_LIAISON_SKILLS = ("social_assistance", "resource_linkage", "elderly_care", "needs_assessment")
# A liaison keeps to the same half-day (or both) on the days they do social work.
_LIAISON_SHIFTS: tuple[tuple[Shift, ...], ...] = (
    (("08:30", "11:30"),),
    (("13:30", "16:30"),),
    (("08:30", "11:30"), ("13:30", "16:30")),
)
_LIAISON_SHIFT_WEIGHTS = (0.35, 0.35, 0.3)
_VOLUNTEER_STARTS = ("08:30", "09:00", "13:30", "14:00")
_VOLUNTEER_LENGTHS = (150, 180)
# Retired volunteers come on weekdays; those with jobs at weekends and perhaps one weekday.
_RETIRED_VOLUNTEER_SHARE = 0.6
_VOLUNTEERS_PER_VILLAGE = (2, 3, 4)
_VOLUNTEERS_PER_VILLAGE_WEIGHTS = (0.2, 0.4, 0.4)


@dataclass(frozen=True)
class _ResourceKind:
    """A kind of charity goods or funds the resource library may hold."""

    id: str
    name: str
    kind: Literal["goods", "funds"]
    unit: str
    groups: tuple[Group, ...] | None
    quantities: tuple[int, ...]


_RESOURCE_KINDS = (
    _ResourceKind(
        "rice-5kg",
        "5公斤大米",
        "goods",
        "bag",
        ("low_income", "elderly_alone", "empty_nest", "disabled_elderly", "special_family"),
        (1, 1, 2),
    ),
    _ResourceKind(
        "medical-fund",
        "医疗救助金",
        "funds",
        "yuan",
        ("low_income", "disabled", "disabled_elderly", "special_family"),
        (500, 800, 1000, 1500, 2000),
    ),
    _ResourceKind(
        "cooking-oil",
        "5升食用油",
        "goods",
        "bottle",
        ("low_income", "elderly_alone", "disabled", "migrant"),
        (1,),
    ),
    _ResourceKind(
        "winter-quilt",
        "冬季棉被",
        "goods",
        "piece",
        ("elderly_alone", "disabled_elderly", "low_income", "disabled"),
        (1,),
    ),
    _ResourceKind(
        "school-kit",
        "爱心书包文具套装",
        "goods",
        "kit",
        ("child_in_difficulty", "left_behind_child"),
        (1,),
    ),
    _ResourceKind(
        "walking-aid", "助行器", "goods", "piece", ("disabled", "disabled_elderly"), (1,)
    ),
    _ResourceKind("nutrition-pack", "营养餐包", "goods", "box", None, (1, 2)),
    _ResourceKind("heating-subsidy", "冬季取暖补贴", "funds", "yuan", None, (200, 300, 500)),
)
_FIXED_RESOURCES = 2
_OPTIONAL_RESOURCES = (3, 6)
_STOCK_FACTOR = (0.55, 1.15)
_FUNDS_STEP = 100


# --- small helpers ----------------------------------------------------------------------------


def _pick(rng: Generator, options: Sequence[T], weights: Sequence[float] | None = None) -> T:
    """Pick one option, uniformly or by (unnormalised) weights."""
    if weights is None:
        return options[int(rng.integers(len(options)))]
    p = np.asarray(weights, dtype=float)
    return options[int(rng.choice(len(options), p=p / p.sum()))]


def _pick_weighted(rng: Generator, weights: dict[T, float]) -> T:
    """Pick one key of a weight table by its weight."""
    return _pick(rng, list(weights), list(weights.values()))


def _sample(
    rng: Generator, options: Sequence[T], k: int, weights: Sequence[float] | None = None
) -> list[T]:
    """Pick ``k`` distinct options, returned in their original order."""
    p = None if weights is None else np.asarray(weights, dtype=float) / sum(weights)
    chosen = rng.choice(len(options), size=min(k, len(options)), replace=False, p=p)
    return [options[int(i)] for i in sorted(chosen)]


def _offset(origin: Location, east_km: float, north_km: float) -> Location:
    """Move ``east_km`` east and ``north_km`` north of ``origin`` (flat earth: short range)."""
    km_per_lon = _KM_PER_DEGREE_LON_AT_EQUATOR * math.cos(math.radians(origin.lat))
    return Location(
        lat=round(origin.lat + north_km / _KM_PER_DEGREE_LAT, 5),
        lon=round(origin.lon + east_km / km_per_lon, 5),
    )


def _east_north(point: Location, origin: Location) -> tuple[float, float]:
    """Kilometres east and north of ``origin`` (flat earth: short range)."""
    km_per_lon = _KM_PER_DEGREE_LON_AT_EQUATOR * math.cos(math.radians(origin.lat))
    return (
        (point.lon - origin.lon) * km_per_lon,
        (point.lat - origin.lat) * _KM_PER_DEGREE_LAT,
    )


def _scatter(rng: Generator, origin: Location, radius_km: float) -> Location:
    """Draw a point uniformly from the disc of ``radius_km`` around ``origin``."""
    r = radius_km * math.sqrt(float(rng.random()))
    angle = 2 * math.pi * float(rng.random())
    return _offset(origin, r * math.cos(angle), r * math.sin(angle))


def _width(count: int, least: int) -> int:
    """Digits for zero-padded ids so that every id of a list has the same length."""
    return max(least, len(str(count)))


def _person_name(rng: Generator, taken: set[str]) -> str:
    """Draw a Chinese personal name not yet in ``taken``, and add it there."""
    for _ in range(50):
        name = _pick(rng, _SURNAMES) + _pick(rng, _GIVEN_NAMES)
        if name not in taken:
            break
    else:
        name = f"{name}{len(taken)}"
    taken.add(name)
    return name


# --- geography --------------------------------------------------------------------------------


def _town_radius_km(villages: int) -> float:
    """Radius of the disc that gives every village its share of the town's area."""
    return math.sqrt(villages * _KM2_PER_VILLAGE / math.pi)


def _spread_points(
    rng: Generator, count: int, inner_km: float, outer_km: float, placed: list[tuple[float, float]]
) -> list[tuple[float, float]]:
    """Place ``count`` points (east, north in km) in an annulus, kept apart.

    Best-candidate sampling: of a few uniform candidates, each point is the one farthest from
    the points placed so far, which spreads villages like real ones without a grid.
    """
    points: list[tuple[float, float]] = []
    for _ in range(count):
        r = np.sqrt(rng.uniform(inner_km**2, outer_km**2, size=_CANDIDATES_PER_VILLAGE))
        angle = 2 * np.pi * rng.random(_CANDIDATES_PER_VILLAGE)
        x, y = r * np.cos(angle), r * np.sin(angle)
        others = np.asarray(placed + points).reshape(-1, 2)
        gap = np.hypot(x[:, None] - others[None, :, 0], y[:, None] - others[None, :, 1])
        best = int(np.argmax(gap.min(axis=1))) if len(others) else 0
        points.append((float(x[best]), float(y[best])))
    return points


def _village_names(rng: Generator, villages: int, communities: int) -> list[str]:
    """Draw unique names: ``communities`` 社区 first, then villages (村)."""
    community_names = [h + t + "社区" for h in _COMMUNITY_HEADS for t in _COMMUNITY_TAILS]
    village_names = [h + t + "村" for h in _VILLAGE_HEADS for t in _VILLAGE_TAILS]
    rural = villages - communities
    chosen = [community_names[int(i)] for i in rng.permutation(len(community_names))[:communities]]
    chosen += [village_names[int(i)] for i in rng.permutation(len(village_names))[:rural]]
    return chosen


def _make_villages(rng: Generator, count: int, centre: Location) -> list[Village]:
    """Place communities near the centre and villages over the rest of the town's disc."""
    communities = int(count * _COMMUNITY_SHARE)
    radius = _town_radius_km(count)
    inner = min(_COMMUNITY_RADIUS_KM, radius / 2)
    points = _spread_points(rng, communities, 0.5, inner, [(0.0, 0.0)])
    points += _spread_points(rng, count - communities, inner, radius, [(0.0, 0.0), *points])
    names = _village_names(rng, count, communities)
    width = _width(count, 2)
    return [
        Village(
            id=f"v{i + 1:0{width}d}",
            name=names[i],
            kind="community" if i < communities else "village",
            location=_offset(centre, x, y),
        )
        for i, (x, y) in enumerate(points)
    ]


# --- workers ----------------------------------------------------------------------------------


def _local_languages(rng: Generator, changshu: float) -> list[str]:
    """Draw Mandarin, usually the Changshu dialect, now and then a migrants' dialect."""
    languages = ["mandarin"]
    if rng.random() < changshu:
        languages.append("changshu")
    if rng.random() < 0.06:
        languages.append("subei")
    elif rng.random() < 0.05:
        languages.append("anhui")
    return languages


def _social_worker_skills(rng: Generator) -> list[str]:
    """Draw needs assessment, three to five service categories and professional skills."""
    categories = list(_SOCIAL_WORKER_CATEGORY_WEIGHTS)
    skills: list[str] = ["needs_assessment"]
    skills += _sample(
        rng, categories, int(rng.integers(3, 6)), list(_SOCIAL_WORKER_CATEGORY_WEIGHTS.values())
    )
    skills += [code for code, p in _SOCIAL_WORKER_FREE_SKILLS.items() if rng.random() < p]
    return skills


def _social_worker(
    rng: Generator, worker_id: str, names: set[str], base: Location | None, transport: Transport
) -> Worker:
    """Draw a professional social worker on weekday shifts."""
    shifts = _pick(rng, _SOCIAL_WORKER_SHIFTS)
    return Worker(
        id=worker_id,
        name=_person_name(rng, names),
        role="social_worker",
        skills=_social_worker_skills(rng),
        languages=_local_languages(rng, 0.75 if base is None else 0.9),
        base=base,
        transport=transport,
        availability={day: list(shifts) for day in WEEKDAYS},
        max_minutes_per_week=int(rng.integers(1800, 2101) // 30 * 30),
        max_visits_per_day=int(rng.integers(5, 8)),
        max_travel_minutes=int(rng.integers(40, 61) // 5 * 5),
    )


def _liaison(rng: Generator, worker_id: str, names: set[str], village: Village) -> Worker:
    """Draw a village cadre who visits in their own village on three to five weekdays."""
    days = _sample(rng, WEEKDAYS, int(rng.integers(3, 6)))
    shifts = _pick(rng, _LIAISON_SHIFTS, _LIAISON_SHIFT_WEIGHTS)
    transport: Transport = "walk" if rng.random() < 0.3 else "ebike"
    skills = ["community_governance", "policy_publicity"]
    skills += _sample(rng, _LIAISON_SKILLS, int(rng.integers(1, 3)))
    return Worker(
        id=worker_id,
        name=_person_name(rng, names),
        role="liaison",
        skills=skills,
        languages=["mandarin", "changshu"],
        base=village.location,
        transport=transport,
        availability={day: list(shifts) for day in days},
        max_visits_per_day=int(rng.integers(2, 4)),
        max_travel_minutes=30,
    )


def _volunteer_days(rng: Generator) -> list[Day]:
    """Draw two or three days: weekdays for a retired volunteer, else mostly the weekend."""
    if rng.random() < _RETIRED_VOLUNTEER_SHARE:
        return _sample(rng, WEEKDAYS, int(rng.integers(2, 4)))
    return [*_sample(rng, WEEKDAYS, int(rng.integers(0, 2))), *WEEKEND]


def _volunteer(rng: Generator, worker_id: str, names: set[str], village: Village) -> Worker:
    """Draw a volunteer with two or three short shifts, many at weekends."""
    days = _volunteer_days(rng)
    start = time_to_minutes(_pick(rng, _VOLUNTEER_STARTS))
    end = start + _pick(rng, _VOLUNTEER_LENGTHS)
    shift: Shift = (minutes_to_time(start), minutes_to_time(end))
    skills = ["volunteer_service"]
    skills += _sample(rng, _VOLUNTEER_SKILLS, int(rng.integers(0, 3)))
    if rng.random() < 0.04:
        skills.append("sign_language")
    transport: Transport = "walk" if rng.random() < 0.2 else "ebike"
    return Worker(
        id=worker_id,
        name=_person_name(rng, names),
        role="volunteer",
        skills=skills,
        languages=_local_languages(rng, 0.9),
        base=village.location,
        transport=transport,
        availability={day: [shift] for day in days},
        max_visits_per_day=2,
        max_travel_minutes=30,
    )


def _social_worker_counts(villages: list[Village], visits: int, capacity: float) -> tuple[int, int]:
    """Count the station's and the village rooms' social workers.

    The rules' minimum (four at the station, one per two villages), or more in a busy week:
    the station's share follows the communities around it, the rooms' share the villages,
    both scaled by ``capacity``.
    """
    central = sum(v.kind == "community" for v in villages) / len(villages)
    station = round(visits * central / _VISITS_PER_SOCIAL_WORKER * capacity)
    rooms = round(visits * (1 - central) / _VISITS_PER_SOCIAL_WORKER * capacity)
    least_rooms = math.ceil(len(villages) / _VILLAGES_PER_SOCIAL_WORKER)
    return max(_MIN_STATION_SOCIAL_WORKERS, station), max(least_rooms, rooms)


def _rooms_with_social_worker(
    rng: Generator, villages: list[Village], centre: Location, count: int
) -> list[Village]:
    """Choose the village rooms of ``count`` professional social workers (a room may get two).

    Each choice is the village farthest from the station and the rooms chosen so far, so the
    outlying villages the station cannot reach have a social worker nearby.
    """
    east_north = np.array([_east_north(v.location, centre) for v in villages])
    gap = np.hypot(east_north[:, 0], east_north[:, 1])
    chosen: list[int] = []
    for _ in range(count):
        # The random kilometre breaks ties, and picks among villages that all have a room.
        far = int(np.argmax(gap + rng.random(len(villages))))
        chosen.append(far)
        gap = np.minimum(gap, np.hypot(*(east_north - east_north[far]).T))
    return [villages[i] for i in sorted(chosen)]


def _cover_skills_and_languages(station_workers: list[Worker]) -> None:
    """Make sure someone at the station holds every skill code and migrants' dialect."""
    held = {code for worker in station_workers for code in worker.skills}
    for code in (*CATEGORIES, *FREE_SKILLS):
        if code not in held:
            least = min(station_workers, key=lambda w: len(w.skills))
            least.skills.append(code)
    for index, dialect in enumerate(("subei", "anhui")):
        worker = station_workers[index % len(station_workers)]
        if dialect not in worker.languages:
            worker.languages.append(dialect)


def _make_workers(
    rng: Generator, villages: list[Village], centre: Location, visits: int, capacity: float
) -> tuple[list[Worker], dict[str, list[Worker]]]:
    """Draw station and village social workers, one liaison and 2–4 volunteers a village.

    Returns every worker, and the workers based in each village by village id.
    """
    names: set[str] = set()
    station_count, room_count = _social_worker_counts(villages, visits, capacity)
    rooms = _rooms_with_social_worker(rng, villages, centre, room_count)
    sw_width = _width(station_count + len(rooms), 2)
    station = [
        _social_worker(
            rng, f"sw{i + 1:0{sw_width}d}", names, None, "car" if rng.random() < 0.6 else "ebike"
        )
        for i in range(station_count)
    ]
    _cover_skills_and_languages(station)
    in_rooms = [
        _social_worker(
            rng,
            f"sw{station_count + i + 1:0{sw_width}d}",
            names,
            room.location,
            "ebike" if rng.random() < 0.5 else "car",
        )
        for i, room in enumerate(rooms)
    ]
    li_width = _width(len(villages), 2)
    liaisons = [
        _liaison(rng, f"li{i + 1:0{li_width}d}", names, village)
        for i, village in enumerate(villages)
    ]
    homes = [
        village
        for village in villages
        for _ in range(_pick(rng, _VOLUNTEERS_PER_VILLAGE, _VOLUNTEERS_PER_VILLAGE_WEIGHTS))
    ]
    vol_width = _width(len(homes), 3)
    volunteers = [
        _volunteer(rng, f"vol{i + 1:0{vol_width}d}", names, village)
        for i, village in enumerate(homes)
    ]
    locals_by_village: dict[str, list[Worker]] = {village.id: [] for village in villages}
    for village, worker in zip(
        [*rooms, *villages, *homes], [*in_rooms, *liaisons, *volunteers], strict=True
    ):
        locals_by_village[village.id].append(worker)
    return station + in_rooms + liaisons + volunteers, locals_by_village


# --- needs ------------------------------------------------------------------------------------


def _groups(rng: Generator, village: Village) -> list[Group]:
    """Draw a primary vulnerable group, sometimes with a second one."""
    weights = dict(_GROUP_WEIGHTS)
    if village.kind == "community":
        for group, factor in _COMMUNITY_GROUP_FACTOR.items():
            weights[group] *= factor
    primary = _pick_weighted(rng, weights)
    groups = [primary]
    if _SECOND_GROUPS[primary] and rng.random() < _SECOND_GROUP_PROBABILITY:
        groups.append(_pick(rng, _SECOND_GROUPS[primary]))
    return groups


def _staff(rng: Generator, primary: Group) -> dict[StaffKey, int]:
    """Draw who one visit needs; children and violence cases need a professional."""
    if primary == "domestic_violence":
        return dict(_STAFF["social_worker"])
    weights = _CHILD_STAFF_WEIGHTS if primary in _CHILDREN else _STAFF_WEIGHTS
    return dict(_STAFF[_pick_weighted(rng, weights)])


def _need_skills(rng: Generator, groups: list[Group], category: Category, pro: bool) -> list[str]:
    """Draw the skills a visit must bring: sometimes the category, or a professional skill."""
    skills: list[str] = []
    if rng.random() < (0.3 if pro else 0.1):
        skills.append(category)
    primary = groups[0]
    psychological = {"domestic_violence": 1.0, "special_family": 0.5}.get(primary, 0.08)
    if rng.random() < psychological:
        skills.append("psychological_support")
    if primary == "domestic_violence" and rng.random() < 0.3:
        skills.append("legal_aid")
    if "disabled" in groups and rng.random() < 0.12:
        skills.append("sign_language")
    if "disabled" in groups and rng.random() < 0.1:
        skills.append("rehabilitation")
    if primary in _ELDERLY and rng.random() < (0.15 if primary == "disabled_elderly" else 0.04):
        skills.append("first_aid")
    return skills


def _need_languages(rng: Generator, primary: Group) -> list[str]:
    """Draw the languages: old people may speak only Changshu dialect, migrants their own."""
    if primary in _ELDERLY and rng.random() < 0.35:
        return ["changshu"]
    if primary == "migrant" and rng.random() < 0.35:
        return ["subei"] if rng.random() < 0.7 else ["anhui"]
    return []


def _window_days(rng: Generator, weekday_staff: bool) -> list[Day]:
    """Draw the days on which the household can be visited (always at least three).

    Social workers and liaisons work on weekdays only, so their visits get at least three.
    """
    kind = _pick_weighted(rng, _WEEKDAY_WINDOW_WEIGHTS if weekday_staff else _WINDOW_DAY_WEIGHTS)
    if kind == "weekdays":
        return list(WEEKDAYS)
    if kind == "all":
        return list(ALL_DAYS)
    if kind == "weekdays_sat":
        return [*WEEKDAYS, "sat"]
    if kind == "three_weekdays":
        return _sample(rng, WEEKDAYS, 3)
    return [_pick(rng, WEEKDAYS), *WEEKEND]


def _window(rng: Generator, duration: int, staff: dict[StaffKey, int], wide: bool) -> Window:
    """Draw a window on weekdays (some weekends) long enough for the visit."""
    if wide:
        return Window(days=list(WEEKDAYS), from_="08:30", to="17:00")
    team = sum(staff.values()) > 1 or "liaison" in staff
    start, end = _pick_weighted(rng, _TEAM_WINDOW_SPANS if team else _WINDOW_SPANS)
    if time_to_minutes(end) - time_to_minutes(start) < duration + _WINDOW_SLACK_MINUTES:
        start, end = "09:00", "16:00"
    weekday_staff = "social_worker" in staff or "liaison" in staff
    return Window(days=_window_days(rng, weekday_staff), from_=start, to=end)


def _fits(worker: Worker, staff: dict[StaffKey, int]) -> bool:
    return "any" in staff or worker.role in staff


@dataclass(frozen=True)
class _Home:
    """A household of the needs archive."""

    household: str
    village: Village
    location: Location


@dataclass(frozen=True)
class _Town:
    """What the needs draw on: the villages, who is based in each, and the resource kinds."""

    villages: list[Village]
    locals_by_village: dict[str, list[Worker]]
    resources: list[_ResourceKind]
    peer_expressible: bool = False


def _continuity(rng: Generator, need: Need, locals_: list[Worker]) -> tuple[list[str], list[str]]:
    """Draw preferred and excluded workers among those based in the village."""
    preferred: list[str] = []
    excluded: list[str] = []
    suitable = [w for w in locals_ if _fits(w, need.staff)]
    if suitable and rng.random() < _PREFERRED_PROBABILITY:
        preferred.append(_pick(rng, suitable).id)
    others = [w for w in locals_ if w.id not in preferred]
    if others and not need.mandatory and rng.random() < _EXCLUDED_PROBABILITY:
        excluded.append(_pick(rng, others).id)
    return preferred, excluded


def _requested_resources(
    rng: Generator, groups: list[Group], kinds: list[_ResourceKind]
) -> list[ResourceAmount]:
    """Draw one or two resources the household is eligible for, if it asks for any."""
    eligible = [k for k in kinds if k.groups is None or set(k.groups) & set(groups)]
    weight = 1.5 if "low_income" in groups else 1.0
    if not eligible or rng.random() >= _RESOURCE_PROBABILITY * weight:
        return []
    count = 2 if rng.random() < _SECOND_RESOURCE_PROBABILITY else 1
    return [
        ResourceAmount(id=kind.id, quantity=_pick(rng, kind.quantities))
        for kind in _sample(rng, eligible, count)
    ]


def _visits(rng: Generator, staff: dict[StaffKey, int], most: int) -> int:
    """Draw the visits this week, at most ``most``; a worker pair rarely comes twice."""
    weights = _PAIR_VISIT_WEIGHTS if staff == _STAFF["pair"] else _VISIT_WEIGHTS
    return min(most, 1 + int(rng.choice(len(weights), p=np.asarray(weights) / sum(weights))))


def _need(rng: Generator, need_id: str, home: _Home, most_visits: int, town: _Town) -> Need:
    """Draw one household's need by the archive's proportions, with at most ``most_visits``."""
    village = home.village
    groups = _groups(rng, village)
    primary = groups[0]
    category = _pick_weighted(rng, _CATEGORY_WEIGHTS[primary])
    priority = 1 + int(rng.choice(5, p=np.asarray(_PRIORITY_WEIGHTS) / sum(_PRIORITY_WEIGHTS)))
    mandatory = priority == 1 and rng.random() < _MANDATORY_PROBABILITY
    duration = _pick(rng, _DURATIONS, _DURATION_WEIGHTS)
    staff = _staff(rng, primary)
    visits = _visits(rng, staff, most_visits)
    skills = _need_skills(rng, groups, category, "social_worker" in staff)
    languages = _need_languages(rng, primary)
    if staff == _STAFF["liaison"]:
        # A liaison brings no professional skill and works half-days: a short, plain visit.
        skills, duration = [], min(duration, _LIAISON_MAX_DURATION)
    window = _window(rng, duration, staff, wide=mandatory)
    if mandatory:
        # A mandatory case is one any local worker can take, so a generated week stays feasible.
        staff, skills, languages, visits = {"any": 1}, [], [], min(visits, 2)
    need = Need(
        id=need_id,
        household=home.household,
        village=village.id,
        location=home.location,
        groups=groups,
        category=category,
        priority=priority,
        visits=visits,
        duration_minutes=duration,
        window=window,
        staff=staff,
        skills=skills,
        languages=languages,
        mandatory=mandatory,
    )
    need.preferred_workers, need.excluded_workers = _continuity(
        rng, need, town.locals_by_village[village.id]
    )
    need.resources = _requested_resources(rng, groups, town.resources)
    return _peer_need(need) if town.peer_expressible else need


def _make_needs(rng: Generator, visits: int, town: _Town) -> list[Need]:
    """Draw needs until their visits add up to ``visits``; some households have two needs."""
    needs: list[Need] = []
    homes: list[_Home] = []
    remaining = visits
    width = _width(visits, 4)
    while remaining > 0:
        if homes and rng.random() < _SECOND_NEED_PROBABILITY:
            home = _pick(rng, homes)
        else:
            village = _pick(rng, town.villages)
            location = _scatter(rng, village.location, _HOUSEHOLD_SCATTER_KM)
            home = _Home(f"h{len(homes) + 1:0{width}d}", village, location)
            homes.append(home)
        needs.append(_need(rng, f"n{len(needs) + 1:0{width}d}", home, remaining, town))
        remaining -= needs[-1].visits
    return needs


# --- towns the public routing solvers can express --------------------------------------------


def _peer_need(need: Need) -> Need:
    """One worker, one visit, nothing handed over, not mandatory, no preferred worker.

    A team (social worker + volunteer, or + liaison) keeps its professional, the social worker.
    """
    roles: list[StaffKey] = [key for key in need.staff if key != "any"]
    single: StaffKey = "social_worker" if "social_worker" in roles else (roles or ["any"])[0]
    return need.model_copy(
        update={
            "staff": {single: 1},
            "visits": 1,
            "resources": [],
            "mandatory": False,
            "preferred_workers": [],
        }
    )


def _peer_worker(worker: Worker) -> Worker:
    """One shift a day, from the first shift's start to the last one's end; no weekly cap."""
    availability: dict[Day, list[Shift]] = {
        day: [(min(a for a, _ in shifts), max(b for _, b in shifts))]
        for day, shifts in worker.availability.items()
    }
    return worker.model_copy(update={"availability": availability, "max_minutes_per_week": None})


# --- resources --------------------------------------------------------------------------------


def _resource_kinds(rng: Generator) -> list[_ResourceKind]:
    """Choose the library: rice and the medical fund always, three to six other kinds."""
    optional = _RESOURCE_KINDS[_FIXED_RESOURCES:]
    low, high = _OPTIONAL_RESOURCES
    return [
        *_RESOURCE_KINDS[:_FIXED_RESOURCES],
        *_sample(rng, optional, int(rng.integers(low, high + 1))),
    ]


def _stock(rng: Generator, kinds: list[_ResourceKind], needs: list[Need]) -> list[Resource]:
    """Stock the library: mostly somewhat below what was asked, so some resources run out."""
    asked = {kind.id: 0 for kind in kinds}
    for need in needs:
        for amount in need.resources:
            asked[amount.id] += amount.quantity
    resources = []
    for kind in kinds:
        low, high = _STOCK_FACTOR
        available = int(asked[kind.id] * float(rng.uniform(low, high)))
        if asked[kind.id] == 0:
            available = 5 * max(kind.quantities)
        if kind.kind == "funds":
            available = available // _FUNDS_STEP * _FUNDS_STEP
        resources.append(
            Resource(
                id=kind.id,
                name=kind.name,
                kind=kind.kind,
                unit=kind.unit,
                available=available,
                eligible_groups=None if kind.groups is None else list(kind.groups),
            )
        )
    return resources


# --- entry point ------------------------------------------------------------------------------


def _check_arguments(villages: int, needs: int, week_start: dt.date) -> None:
    if villages < 1:
        raise ValueError("villages < 1 not understood.")
    if villages > MAX_VILLAGES:
        raise ValueError(f"villages > {MAX_VILLAGES} not understood.")
    if needs < 0:
        raise ValueError("needs < 0 not understood.")
    if week_start.weekday() != 0:
        raise ValueError(f"week_start {week_start.isoformat()} is not a Monday.")


def generate_town(
    villages: int,
    needs: int,
    seed: int,
    *,
    week_start: dt.date = DEFAULT_WEEK_START,
    name: str | None = None,
    peer_expressible: bool = False,
    capacity: float = 1.0,
) -> Scenario:
    """Generate a synthetic town's week shaped by the municipal rules.

    Parameters
    ----------
    villages
        Number of villages and communities (about a quarter are urban communities near the
        centre); each covers about 100 km² of the town.
    needs
        Target number of requested visits, the sum of ``need.visits`` over all needs; need
        records are drawn until their visits reach it, the last one capped.
    seed
        Seed of the random generator; the same arguments give the identical scenario.
    week_start
        The Monday of the planned week.
    name
        Scenario name; by default one naming the size and seed.
    peer_expressible
        Make a town that public routing solvers can express exactly: every visit needs one
        worker (``{"any": 1}`` or one of a single role; a team keeps its social worker), every
        need one visit, no resources requested or stocked, no mandatory need and no preferred
        worker, every worker one shift a day (first start to last end) and no weekly minute
        cap. Roles, skills, languages, exclusions, ranges, daily visit caps, multi-day windows
        and priorities are kept. Off, the town is exactly the default one.
    capacity
        Factor on the calibrated number of social workers (the rules' minimum still holds):
        below 1 a scarcer town, where more visits cannot be served.

    Returns
    -------
    Scenario
        A valid scenario (it passes :func:`service.loading.parse_scenario`).

    Raises
    ------
    ValueError
        When ``villages`` is not from 1 to ``MAX_VILLAGES``, ``needs`` is negative,
        ``week_start`` is not a Monday, or ``capacity`` is not positive.
    """
    _check_arguments(villages, needs, week_start)
    if not capacity > 0:
        raise ValueError("capacity <= 0 not understood.")
    rng = np.random.default_rng(seed)
    centre = Location(lat=_CENTRE_LAT, lon=_CENTRE_LON)
    village_list = _make_villages(rng, villages, centre)
    workers, locals_by_village = _make_workers(rng, village_list, centre, needs, capacity)
    kinds = _resource_kinds(rng)
    town = _Town(village_list, locals_by_village, kinds, peer_expressible)
    need_list = _make_needs(rng, needs, town)
    if peer_expressible:
        workers = [_peer_worker(worker) for worker in workers]
    return Scenario(
        format=SCENARIO_FORMAT,
        name=name or f"Generated town: {villages} villages, {needs} visits, seed {seed}",
        week_start=week_start,
        station=Station(id="station", name="镇社会工作站", location=centre),
        villages=village_list,
        workers=workers,
        resources=[] if peer_expressible else _stock(rng, kinds, need_list),
        needs=need_list,
    )


__all__ = ["DEFAULT_WEEK_START", "MAX_VILLAGES", "generate_town"]
