"""Every label of the exported workbook and calendar, in Chinese and English: one dictionary each.

Day names, role names and plan statuses come from :mod:`service.messages`; everything else an
export shows is here. Labels name ids, villages, workers (staff) and resources, never a
resident's name, phone number or address.
"""

from __future__ import annotations

from service.messages import Language, say
from service.vocabulary import labelled

LABELS: dict[Language, dict[str, str]] = {
    "zh": {
        "sheet.summary": "概要",
        "sheet.unmet": "未满足需求",
        "sheet.resources": "资源",
        "summary.item": "项目",
        "summary.value": "值",
        "summary.scenario": "场景",
        "summary.station": "社会工作站",
        "summary.week": "周",
        "summary.status": "状态",
        "summary.solver": "求解器",
        "summary.visits_planned": "已安排探访",
        "summary.visits_requested": "需求探访",
        "summary.coverage": "覆盖率",
        "summary.travel": "路程（分钟）",
        "summary.service": "服务（分钟）",
        "summary.unmet": "未满足需求数",
        "summary.workers": "出勤工作人员",
        "summary.units_given": "已发放资源（单位）",
        "summary.units_requested": "需求资源（单位）",
        "summary.priority": "优先级",
        "summary.total": "合计",
        "col.date": "日期",
        "col.start": "开始",
        "col.end": "结束",
        "col.need": "需求编号",
        "col.visit": "第几次",
        "col.household": "户编号",
        "col.village": "村/社区",
        "col.priority": "优先级",
        "col.category": "服务类别",
        "col.workers": "工作人员",
        "col.team": "同行人员",
        "col.resources": "发放资源",
        "col.shift": "班次",
        "col.stop": "顺序",
        "col.route_travel": "本班路程（分钟）",
        "col.route_service": "本班服务（分钟）",
        "col.missing_visits": "缺少探访",
        "col.missing_resources": "缺少资源",
        "col.reasons": "原因",
        "col.resource": "资源编号",
        "col.name": "名称",
        "col.kind": "类型",
        "col.unit": "单位",
        "col.requested": "需求",
        "col.given": "已发放",
        "col.stock": "库存",
        "col.left": "剩余",
        "kind.goods": "物资",
        "kind.funds": "资金",
        "none": "无",
        "week": "{start} 至 {end}",
        "calendar.name": "{worker} {week} 探访安排",
        "calendar.summary": "{category} {household}",
        "calendar.need": "需求 {need}，第 {visit}/{visits} 次，优先级 {priority}",
        "calendar.village": "村/社区：{village}",
        "calendar.team": "同行：{team}",
        "calendar.resources": "发放：{resources}",
    },
    "en": {
        "sheet.summary": "Summary",
        "sheet.unmet": "Unmet",
        "sheet.resources": "Resources",
        "summary.item": "Item",
        "summary.value": "Value",
        "summary.scenario": "Scenario",
        "summary.station": "Station",
        "summary.week": "Week",
        "summary.status": "Status",
        "summary.solver": "Solver",
        "summary.visits_planned": "Visits planned",
        "summary.visits_requested": "Visits requested",
        "summary.coverage": "Coverage",
        "summary.travel": "Travel (min)",
        "summary.service": "Service (min)",
        "summary.unmet": "Unmet needs",
        "summary.workers": "Workers on duty",
        "summary.units_given": "Resource units given",
        "summary.units_requested": "Resource units requested",
        "summary.priority": "Priority",
        "summary.total": "Total",
        "col.date": "Date",
        "col.start": "Start",
        "col.end": "End",
        "col.need": "Need",
        "col.visit": "Visit",
        "col.household": "Household",
        "col.village": "Village",
        "col.priority": "Priority",
        "col.category": "Category",
        "col.workers": "Workers",
        "col.team": "Team members",
        "col.resources": "Resources to hand over",
        "col.shift": "Shift",
        "col.stop": "Stop",
        "col.route_travel": "Route travel (min)",
        "col.route_service": "Route service (min)",
        "col.missing_visits": "Missing visits",
        "col.missing_resources": "Missing resources",
        "col.reasons": "Reasons",
        "col.resource": "Resource",
        "col.name": "Name",
        "col.kind": "Kind",
        "col.unit": "Unit",
        "col.requested": "Requested",
        "col.given": "Given",
        "col.stock": "Stock",
        "col.left": "Left",
        "kind.goods": "goods",
        "kind.funds": "funds",
        "none": "none",
        "week": "{start} to {end}",
        "calendar.name": "{worker}: visits, week of {week}",
        "calendar.summary": "{category} {household}",
        "calendar.need": "Need {need}, visit {visit} of {visits}, priority {priority}",
        "calendar.village": "Village: {village}",
        "calendar.team": "Team: {team}",
        "calendar.resources": "Hand over: {resources}",
    },
}
for _language, _names in LABELS.items():
    _names.update(labelled(_language))


def label(language: Language, key: str, **values: object) -> str:
    """The label ``key`` in ``language`` with ``values`` filled in.

    Parameters
    ----------
    language
        ``zh`` or ``en``.
    key
        A key of :data:`LABELS`.
    **values
        Values for the placeholders.

    Returns
    -------
    str
        The label.
    """
    return LABELS[language][key].format(**values)


def day_name(language: Language, day_index: int) -> str:
    """The short name of a weekday (0 is Monday): ``周一`` or ``Mon``.

    Parameters
    ----------
    language
        ``zh`` or ``en``.
    day_index
        0 (Monday) to 6 (Sunday).

    Returns
    -------
    str
        The day's name.
    """
    return say(language, f"day.{day_index}")


def status_name(language: Language, status: str) -> str:
    """A plan status (``optimal``, ``feasible``, ``infeasible``) for people to read.

    Parameters
    ----------
    language
        ``zh`` or ``en``.
    status
        The plan's status.

    Returns
    -------
    str
        The status in words.
    """
    return say(language, f"status.{status}")
