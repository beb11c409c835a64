"""Column layouts of the needs archive and the resource library, Chinese and English headers.

A layout names its columns, reads a row's cells into a wire document (the JSON shape of
``service.wire.scenario.Need`` or ``Resource``), writes a wire object back as cells, and tells
which column a pydantic error location belongs to. Headers match ignoring case, spaces and
full-width forms (``时长（分钟）`` is ``时长(分钟)``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Generic, TypeVar

from service.messages import Language
from service.tabular import cells, codes
from service.tabular.messages import say
from service.tabular.source import Cell
from service.wire import scenario as wire

ItemT = TypeVar("ItemT", wire.Need, wire.Resource)
Reader = Callable[[Cell], Any]
Loc = tuple[int | str, ...]


@dataclass(frozen=True)
class Column:
    """One column of a layout.

    Parameters
    ----------
    key
        The field it fills (``duration_minutes``; ``social_worker`` … for the staff counts).
    zh, en
        Its header in Chinese and in English (written on export; both accepted on import).
    read
        The cell reader.
    required
        Whether every row must fill it (and the file must have it).
    aliases
        Other headers accepted on import.
    """

    key: str
    zh: str
    en: str
    read: Reader
    required: bool = False
    aliases: tuple[str, ...] = ()

    def header(self, language: Language) -> str:
        """The header written in ``language``."""
        return self.zh if language == "zh" else self.en

    def names(self) -> tuple[str, ...]:
        """Every header accepted on import."""
        return (self.zh, self.en, *self.aliases)


@dataclass(frozen=True)
class Layout(Generic[ItemT]):
    """The columns of one kind of record and its conversions.

    Parameters
    ----------
    name
        ``needs`` or ``resources``.
    model
        The wire model a row becomes.
    columns
        The columns in export order.
    pairs
        Columns that are filled together or not at all (latitude and longitude).
    sheet_names
        xlsx sheet names read in preference to the first sheet.
    assemble
        Read cell values (key → value, empty cells left out) → wire document.
    to_cells
        Wire object and language → key → cell value (None for empty).
    column_of
        Pydantic error location and the keys the file has → the key of the column to blame.
    """

    name: str
    model: type[ItemT]
    columns: tuple[Column, ...]
    pairs: tuple[tuple[str, str], ...]
    sheet_names: tuple[str, ...]
    assemble: Callable[[dict[str, Any]], dict[str, Any]]
    to_cells: Callable[[ItemT, Language], dict[str, Any]]
    column_of: Callable[[Loc, Collection[str]], str | None]

    def column(self, key: str) -> Column:
        """The column of a key."""
        return self.by_key[key]

    @cached_property
    def by_key(self) -> dict[str, Column]:
        """Every column by its key."""
        return {column.key: column for column in self.columns}

    def match(self, header: str) -> Column | None:
        """The column a header names (Chinese, English or an alias), or None."""
        wanted = codes.fold(header)
        for candidate in self.columns:
            if wanted in {codes.fold(name) for name in candidate.names()}:
                return candidate
        return None

    def header_language(self, headers: Collection[str]) -> Language:
        """``en`` when more of the headers are English than Chinese, else ``zh``."""
        folded = {codes.fold(header) for header in headers}
        english = sum(codes.fold(column.en) in folded for column in self.columns)
        chinese = sum(codes.fold(column.zh) in folded for column in self.columns)
        return "en" if english > chinese else "zh"


# --- writing cells --------------------------------------------------------------------------


def joined(items: list[str], language: Language) -> str | None:
    """A list cell (``、`` between Chinese items, ``, `` between English ones); None if empty."""
    return ("、" if language == "zh" else ", ").join(items) or None


def _group_cell(groups: list[str], language: Language) -> str | None:
    names = [codes.GROUP_NAMES[g] for g in groups] if language == "zh" else list(groups)
    return joined(names, language)


def _extra_cell(extra: Any) -> str | None:
    return None if extra is None else json.dumps(extra, ensure_ascii=False)


def _yes_no(value: bool, language: Language) -> str:
    return say(language, "yes" if value else "no")


# --- needs ----------------------------------------------------------------------------------

STAFF_KEYS: tuple[str, ...] = ("social_worker", "volunteer", "liaison", "any")
_WINDOW_KEYS = {"days": "days", "from": "from", "from_": "from", "to": "to"}


def _assemble_need(values: dict[str, Any]) -> dict[str, Any]:
    document = {
        key: values[key]
        for key in ("id", "household", "village", "category", "priority", "duration_minutes")
    }
    document["window"] = {"days": values["days"], "from": values["from"], "to": values["to"]}
    if "lat" in values and "lon" in values:
        document["location"] = {"lat": values["lat"], "lon": values["lon"]}
    staff = {key: values[key] for key in STAFF_KEYS if key in values}
    if staff:
        document["staff"] = staff
    for key in (
        "groups",
        "visits",
        "skills",
        "languages",
        "preferred_workers",
        "excluded_workers",
        "resources",
        "mandatory",
        "extra",
    ):
        if key in values:
            document[key] = values[key]
    return document


def _need_cells(need: wire.Need, language: Language) -> dict[str, Any]:
    amounts = "; ".join(f"{a.id}:{a.quantity}" for a in need.resources) or None
    days = [codes.DAY_NAMES[d] for d in need.window.days] if language == "zh" else need.window.days
    staff: dict[str, int] = {str(key): count for key, count in need.staff.items()}
    return {
        "id": need.id,
        "household": need.household,
        "village": need.village,
        "lat": None if need.location is None else need.location.lat,
        "lon": None if need.location is None else need.location.lon,
        "groups": _group_cell(list(need.groups), language),
        "category": codes.CATEGORY_NAMES[need.category] if language == "zh" else need.category,
        "priority": need.priority,
        "visits": need.visits,
        "duration_minutes": need.duration_minutes,
        "days": joined(list(days), language),
        "from": need.window.from_,
        "to": need.window.to,
        **{key: staff.get(key) for key in STAFF_KEYS},
        "skills": joined(need.skills, language),
        "languages": joined(need.languages, language),
        "preferred_workers": joined(need.preferred_workers, language),
        "excluded_workers": joined(need.excluded_workers, language),
        "resources": amounts,
        "mandatory": _yes_no(need.mandatory, language),
        "extra": _extra_cell(need.extra),
    }


def _need_column(loc: Loc, present: Collection[str]) -> str | None:
    head = loc[0] if loc else None
    if head is None:
        return "visits"
    if head == "location":
        return str(loc[1]) if len(loc) > 1 and loc[1] in ("lat", "lon") else "lat"
    if head == "window":
        return _WINDOW_KEYS.get(str(loc[1]), "days") if len(loc) > 1 else "to"
    if head == "staff":
        if len(loc) > 1 and loc[1] in STAFF_KEYS:
            return str(loc[1])
        return next((key for key in STAFF_KEYS if key in present), "any")
    return str(head)


NEEDS: Layout[wire.Need] = Layout(
    name="needs",
    model=wire.Need,
    columns=(
        Column("id", "需求编号", "id", cells.text, required=True, aliases=("编号",)),
        Column("household", "户编号", "household", cells.text, required=True),
        Column(
            "village", "村社区", "village", cells.text, required=True, aliases=("村/社区", "村")
        ),
        Column("lat", "纬度", "lat", cells.number, aliases=("latitude",)),
        Column("lon", "经度", "lon", cells.number, aliases=("longitude", "lng")),
        Column("groups", "群体", "groups", cells.groups),
        Column("category", "服务类别", "category", cells.category, required=True),
        Column("priority", "优先级", "priority", cells.integer, required=True),
        Column("visits", "次数", "visits", cells.integer, aliases=("探访次数",)),
        Column(
            "duration_minutes",
            "时长(分钟)",
            "duration_minutes",
            cells.integer,
            required=True,
            aliases=("时长", "duration"),
        ),
        Column("days", "可服务日", "days", cells.days, required=True),
        Column("from", "开始", "from", cells.time_of_day, required=True, aliases=("开始时间",)),
        Column("to", "结束", "to", cells.time_of_day, required=True, aliases=("结束时间",)),
        Column("social_worker", "社工", "social_worker", cells.integer),
        Column("volunteer", "志愿者", "volunteer", cells.integer),
        Column("liaison", "联络员", "liaison", cells.integer),
        Column("any", "不限角色", "any", cells.integer),
        Column("skills", "技能", "skills", cells.words),
        Column("languages", "语言", "languages", cells.words),
        Column("preferred_workers", "偏好工作者", "preferred_workers", cells.words),
        Column("excluded_workers", "排除工作者", "excluded_workers", cells.words),
        Column("resources", "物资", "resources", cells.amounts),
        Column("mandatory", "必须", "mandatory", cells.boolean, aliases=("必办",)),
        Column("extra", "扩展数据", "extra", cells.json_value),
    ),
    pairs=(("lat", "lon"),),
    sheet_names=("需求", "needs", "需求档案"),
    assemble=_assemble_need,
    to_cells=_need_cells,
    column_of=_need_column,
)
"""The needs archive (需求档案): one household's need per row."""


# --- resources ------------------------------------------------------------------------------


def _assemble_resource(values: dict[str, Any]) -> dict[str, Any]:
    return dict(values)


def _resource_cells(resource: wire.Resource, language: Language) -> dict[str, Any]:
    groups = resource.eligible_groups
    return {
        "id": resource.id,
        "name": resource.name,
        "kind": codes.KIND_NAMES[resource.kind] if language == "zh" else resource.kind,
        "unit": resource.unit,
        "available": resource.available,
        "eligible_groups": None
        if groups is None
        else (_group_cell(list(groups), language) or say(language, "none")),
        "extra": _extra_cell(resource.extra),
    }


def _resource_column(loc: Loc, present: Collection[str]) -> str | None:
    return str(loc[0]) if loc else None


RESOURCES: Layout[wire.Resource] = Layout(
    name="resources",
    model=wire.Resource,
    columns=(
        Column("id", "编号", "id", cells.text, required=True, aliases=("资源编号",)),
        Column("name", "名称", "name", cells.text, required=True),
        Column("kind", "类型", "kind", cells.kind, required=True),
        Column("unit", "单位", "unit", cells.text, required=True),
        Column("available", "库存", "available", cells.integer, required=True),
        Column("eligible_groups", "适用群体", "eligible_groups", cells.groups_or_none),
        Column("extra", "扩展数据", "extra", cells.json_value),
    ),
    pairs=(),
    sheet_names=("资源", "resources", "资源库"),
    assemble=_assemble_resource,
    to_cells=_resource_cells,
    column_of=_resource_column,
)
"""The resource library (资源库): one charity good or fund per row."""
