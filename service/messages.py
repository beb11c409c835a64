"""Every sentence Mulin shows people, in Chinese (default) and English: one dictionary each.

Messages name ids, villages, roles, skills and resources, never a resident's name, phone number
or address.
"""

from __future__ import annotations

from typing import Literal

Language = Literal["zh", "en"]
LANGUAGES: tuple[Language, ...] = ("zh", "en")

TEXT: dict[Language, dict[str, str]] = {
    "zh": {
        "day.0": "周一",
        "day.1": "周二",
        "day.2": "周三",
        "day.3": "周四",
        "day.4": "周五",
        "day.5": "周六",
        "day.6": "周日",
        "role.0": "社工",
        "role.1": "志愿者",
        "role.2": "联络员",
        "role.3": "工作人员",
        "list.sep": "、",
        "lack.role": "{role}不足",
        "lack.skill": "无人具备技能 {code}",
        "lack.language": "无人会说 {code}",
        "reason.no_qualified_worker": "没有符合条件的工作人员：{lacking}。",
        "reason.excluded": "只有被排除的工作人员（{ids}）符合条件；请另行安排人员或复核排除名单。",
        "reason.out_of_range": (
            "{workers} 名工作人员符合条件，但在路程上限内{lacking}：最近的一位距离 {nearest} 分钟，"
            "其上限为 {limit} 分钟。"
        ),
        "reason.no_shared_availability": (
            "{workers} 名符合条件的工作人员在范围内，但在需求时段内只有 {count} 天能凑齐人手"
            "（{days}），需要 {visits} 天。"
        ),
        "reason.no_shared_availability.none": (
            "{workers} 名符合条件的工作人员在范围内，但在需求时段内没有一天能凑齐人手。"
        ),
        "reason.capacity_exhausted": (
            "{workers} 名符合条件的工作人员在{days}有空，但时间已用于 {busy} 次"
            "优先级 {priorities} 的探访。"
        ),
        "reason.capacity_exhausted.idle": (
            "{workers} 名符合条件的工作人员在{days}有空，但行程与时段无法再排入这次探访。"
        ),
        "reason.resource_out_of_stock": "{resource} 库存已发完，少发 {quantity} {unit}。",
        "shortage.role": "{role}",
        "shortage.skill": "具备 {code} 技能的工作人员",
        "shortage.language": "会说 {code} 的工作人员",
        "shortage": ("如再有一名{what}（{days}，{villages}），可多服务 {visits} 次未满足的探访。"),
        "summary.title": "周计划",
        "summary.priority": "优先级",
        "summary.planned": "已安排",
        "summary.requested": "需求",
        "summary.bound": "上界",
        "summary.coverage": "覆盖率",
        "summary.total": "合计",
        "summary.status": "状态",
        "summary.travel": "路程（分钟）",
        "summary.service": "服务（分钟）",
        "summary.gap": "与上界差距",
        "summary.time": "用时（秒）",
        "summary.unmet": "未满足需求",
        "summary.shortages": "人手缺口",
        "summary.written": "计划已写入",
        "status.optimal": "最优",
        "status.feasible": "可行",
        "status.infeasible": "有必办需求无法满足",
        "progress": "求解中",
        "invalid.scenario": "场景文件无效",
        "invalid.plan": "计划文件无效",
        "check.valid": "计划有效",
        "check.invalid": "计划违反规则 {count} 处",
    },
    "en": {
        "day.0": "Mon",
        "day.1": "Tue",
        "day.2": "Wed",
        "day.3": "Thu",
        "day.4": "Fri",
        "day.5": "Sat",
        "day.6": "Sun",
        "role.0": "social worker",
        "role.1": "volunteer",
        "role.2": "liaison",
        "role.3": "worker",
        "list.sep": ", ",
        "lack.role": "not enough {role}s",
        "lack.skill": "nobody has skill {code}",
        "lack.language": "nobody speaks {code}",
        "reason.no_qualified_worker": "No worker qualifies: {lacking}.",
        "reason.excluded": (
            "Only excluded workers ({ids}) qualify; assign someone else or review the exclusion."
        ),
        "reason.out_of_range": (
            "{workers} qualified worker(s), but within range {lacking}: the nearest who could "
            "help is {nearest} min away, beyond their {limit}-min limit."
        ),
        "reason.no_shared_availability": (
            "{workers} qualified worker(s) in range, but a full team is free inside the window on "
            "only {count} day(s) ({days}) of the {visits} needed."
        ),
        "reason.no_shared_availability.none": (
            "{workers} qualified worker(s) in range, but no day when a full team is free inside "
            "the window."
        ),
        "reason.capacity_exhausted": (
            "{workers} qualified worker(s) within range were free on {days}; their time went to "
            "{busy} visit(s) of priority {priorities}."
        ),
        "reason.capacity_exhausted.idle": (
            "{workers} qualified worker(s) within range were free on {days}, but their routes and "
            "windows leave no room for this visit."
        ),
        "reason.resource_out_of_stock": "{resource} ran out: {quantity} {unit} short.",
        "shortage.role": "{role}",
        "shortage.skill": "worker with skill {code}",
        "shortage.language": "worker who speaks {code}",
        "shortage": (
            "One more {what} on {days} in {villages} would have served {visits} more unmet visits."
        ),
        "summary.title": "Weekly plan",
        "summary.priority": "Priority",
        "summary.planned": "Planned",
        "summary.requested": "Requested",
        "summary.bound": "Bound",
        "summary.coverage": "Coverage",
        "summary.total": "Total",
        "summary.status": "Status",
        "summary.travel": "Travel (min)",
        "summary.service": "Service (min)",
        "summary.gap": "Gap to bound",
        "summary.time": "Time (s)",
        "summary.unmet": "Unmet needs",
        "summary.shortages": "Shortages",
        "summary.written": "Plan written to",
        "status.optimal": "optimal",
        "status.feasible": "feasible",
        "status.infeasible": "a mandatory need cannot be served",
        "progress": "Solving",
        "invalid.scenario": "Invalid scenario",
        "invalid.plan": "Invalid plan",
        "check.valid": "The plan is valid",
        "check.invalid": "The plan breaks {count} rule(s)",
    },
}


def say(language: Language, key: str, **values: object) -> str:
    """The sentence ``key`` in ``language`` with ``values`` filled in.

    Parameters
    ----------
    language
        ``zh`` or ``en``.
    key
        A key of :data:`TEXT`.
    **values
        Values for the placeholders.

    Returns
    -------
    str
        The sentence.
    """
    return TEXT[language][key].format(**values)


def days_text(language: Language, days: tuple[int, ...] | list[int]) -> str:
    """Day indices as a list of day names, runs shortened (``Tue–Thu``)."""
    names: list[str] = []
    ordered = sorted(days)
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        first, last = say(language, f"day.{ordered[i]}"), say(language, f"day.{ordered[j]}")
        names.append(
            first
            if i == j
            else (f"{first}、{last}" if j == i + 1 and language == "zh" else f"{first}–{last}")
        )
        i = j + 1
    return say(language, "list.sep").join(names)
