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
        "ledger.title": "{station} {year}年{month}月",
        "ledger.sheet.ledger": "台账",
        "ledger.sheet.households": "服务对象",
        "ledger.sheet.workers": "工作人员时长",
        "ledger.sheet.resources": "资源链接",
        "ledger.col.date": "日期",
        "ledger.col.village": "村/社区",
        "ledger.col.village_id": "村/社区编号",
        "ledger.col.household": "户编号",
        "ledger.col.need": "需求编号",
        "ledger.col.visit": "第几次",
        "ledger.col.category": "服务类别",
        "ledger.col.time": "计划时间",
        "ledger.col.workers": "工作人员（角色）",
        "ledger.col.planned_minutes": "计划分钟",
        "ledger.col.minutes": "实际分钟",
        "ledger.col.planned_resources": "计划发放",
        "ledger.col.given_resources": "实际发放",
        "ledger.col.status": "状态",
        "ledger.col.missed_reason": "未完成原因",
        "ledger.col.carried": "结转",
        "ledger.col.groups": "对象类别",
        "ledger.col.visits_done": "完成探访",
        "ledger.col.visits_partly": "部分完成",
        "ledger.col.hours": "服务时长（小时）",
        "ledger.col.worker": "工作人员编号",
        "ledger.col.name": "姓名",
        "ledger.col.role": "角色",
        "ledger.col.visits_planned": "计划探访",
        "ledger.col.social_worker_hours": "社工时长（小时）",
        "ledger.col.volunteer_hours": "志愿者时长（小时）",
        "ledger.col.paired": "双工联动探访",
        "ledger.col.resource": "资源编号",
        "ledger.col.resource_name": "名称",
        "ledger.col.kind": "类型",
        "ledger.col.unit": "单位",
        "ledger.col.planned_quantity": "计划发放",
        "ledger.col.given_quantity": "实际发放",
        "ledger.total": "合计",
        "ledger.paired_total": "双工联动探访（社工与志愿者同行，按次）",
        "ledger.yes": "是",
        "ledger.no": "否",
        "ledger.status.done": "已完成",
        "ledger.status.partly_done": "部分完成",
        "ledger.status.missed": "未完成",
        "ledger.status.not_recorded": "未记录",
        "ledger.reason.household_away": "对象不在家",
        "ledger.reason.refused": "对象拒绝",
        "ledger.reason.worker_absent": "工作人员缺勤",
        "ledger.reason.weather": "天气原因",
        "ledger.reason.other": "其他原因",
        "ledger.worker": "{id} {name}（{role}）",
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
        "ledger.title": "{station}, {year}-{month:02d}",
        "ledger.sheet.ledger": "Ledger",
        "ledger.sheet.households": "Households served",
        "ledger.sheet.workers": "Worker hours",
        "ledger.sheet.resources": "Resources",
        "ledger.col.date": "Date",
        "ledger.col.village": "Village",
        "ledger.col.village_id": "Village id",
        "ledger.col.household": "Household",
        "ledger.col.need": "Need",
        "ledger.col.visit": "Visit",
        "ledger.col.category": "Service category",
        "ledger.col.time": "Planned time",
        "ledger.col.workers": "Workers (role)",
        "ledger.col.planned_minutes": "Planned minutes",
        "ledger.col.minutes": "Actual minutes",
        "ledger.col.planned_resources": "Planned hand-over",
        "ledger.col.given_resources": "Handed over",
        "ledger.col.status": "Status",
        "ledger.col.missed_reason": "Missed because",
        "ledger.col.carried": "Carried over",
        "ledger.col.groups": "Groups",
        "ledger.col.visits_done": "Visits done",
        "ledger.col.visits_partly": "Partly done",
        "ledger.col.hours": "Hours",
        "ledger.col.worker": "Worker",
        "ledger.col.name": "Name",
        "ledger.col.role": "Role",
        "ledger.col.visits_planned": "Visits planned",
        "ledger.col.social_worker_hours": "Social-worker hours",
        "ledger.col.volunteer_hours": "Volunteer hours",
        "ledger.col.paired": "Social worker + volunteer visits",
        "ledger.col.resource": "Resource",
        "ledger.col.resource_name": "Name",
        "ledger.col.kind": "Kind",
        "ledger.col.unit": "Unit",
        "ledger.col.planned_quantity": "Planned",
        "ledger.col.given_quantity": "Handed over",
        "ledger.total": "Total",
        "ledger.paired_total": "Social worker + volunteer visits (each visit once)",
        "ledger.yes": "yes",
        "ledger.no": "no",
        "ledger.status.done": "done",
        "ledger.status.partly_done": "partly done",
        "ledger.status.missed": "missed",
        "ledger.status.not_recorded": "not recorded",
        "ledger.reason.household_away": "household away",
        "ledger.reason.refused": "refused",
        "ledger.reason.worker_absent": "worker absent",
        "ledger.reason.weather": "weather",
        "ledger.reason.other": "other",
        "ledger.worker": "{id} {name} ({role})",
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
