"""Every sentence Mulin shows people, in Chinese (default) and English: one dictionary each.

Messages name ids, villages, roles, skills and resources, never a resident's name, phone number
or address.
"""

from __future__ import annotations

from collections.abc import Callable
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
        "lack.skill": "无人具备「{code}」技能",
        "lack.language": "无人会说{code}",
        "lack.together": "没有一组人员能同时具备所需的角色、技能和语言",
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
        "reason.not_eligible": (
            "{resource} 只发给群体 {eligible}，该户不在其中，不予发放（{quantity} {unit}）。"
        ),
        "reason.too_few_days": (
            "需要 {visits} 次探访，每次在不同的日子，但时段只有 {days} 天；"
            "多出的 {extra} 次无法安排。"
        ),
        "reason.window_too_short": (
            "时段只有 {minutes} 分钟，短于一次探访的 {duration} 分钟，无法安排。"
        ),
        "warning.not_eligible": (
            "需求 {need} 申请的资源 {resource} 只发给群体 {eligible}，该户不在其中：不予发放。"
        ),
        "warning.too_few_days": (
            "需求 {need} 要 {visits} 次探访，但时段只有 {days} 天：最多安排 {days} 次。"
        ),
        "warning.window_too_short": (
            "需求 {need} 的时段只有 {minutes} 分钟，短于一次探访的 {duration} 分钟：无法安排。"
        ),
        "warning.preferred_and_excluded": (
            "需求 {need} 同时把工作人员 {worker} 列为首选和排除：按排除处理，不派此人。"
        ),
        "shortage.role": "{role}",
        "shortage.skill": "具备「{code}」技能的工作人员",
        "shortage.language": "会说{code}的工作人员",
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
        "summary.warnings": "档案记录提示（已接受，按能做到的安排）",
        "summary.written": "计划已写入",
        "status.optimal": "最优",
        "status.feasible": "可行",
        "status.infeasible": "有必办需求无法满足",
        "progress": "求解中",
        "invalid.scenario": "场景文件无效",
        "invalid.plan": "计划文件无效",
        "check.valid": "计划有效",
        "check.invalid": "计划违反规则 {count} 处",
        "serve.database": "数据库：{url}",
        "serve.demo.loaded": (
            "已载入演示工作站 “{station}”：{villages} 个村社、{workers} 名工作人员、"
            "{needs} 条需求（来自 {path}）。"
        ),
        "serve.demo.kept": "演示工作站 “{station}” 已存在，其数据保持不变。",
        "serve.demo.token": "工作站 “{station}” 的协调员令牌 {token_id}（只显示这一次）：",
        "serve.docs": "接口文档：{url}",
        "serve.try": "试一试：",
        "serve.port_in_use": "无法在 {address} 上启动服务：端口已被占用。",
        "serve.bad_address": "无法在 {address} 上启动服务：{reason}",
        "serve.bad_database": "数据库不可用（{url}）：{reason}",
        "serve.bad_demo": "演示场景无效（{path}）：{reason}",
        "serve.bad_settings": "MULIN_* 设置无效：{reason}",
        "queue.no_broker": (
            "未设置 MULIN_BROKER_URL：mulin worker 需要任务队列（如 redis://127.0.0.1:6379/0）。"
        ),
        "queue.worker": "工作进程 {name}：同时求解 {concurrency} 个计划，队列 {queues}。",
        "batch.started": "批次 {batch}：{jobs} 个工作站已排队，{refused} 个未排（{week}）。",
        "batch.refused": "工作站 {station} 未排：{reason}",
        "batch.progress": "已完成 {ended}/{total}（成功 {done}，失败 {failed}）",
        "batch.row": "{station}  {status}  一二级覆盖 {coverage}  未满足 {unmet}  计划 {plan}",
        "batch.embedded": "未设置 MULIN_BROKER_URL：在本进程内逐站求解（同时 {pool} 个）。",
        "invalid.replan": "重排请求无效",
        "replan.summary": (
            "与原计划相比：{kept} 次不变，{changed} 次改时间或人员，{moved} 次改日期，"
            "{dropped} 次取消，{added} 次新增"
        ),
        "replan.left_out": "从{day}起其时间窗内已无可安排的日子",
        "replan.days_left": "从{day}起时间窗内只剩 {days} 天可安排",
        "replan.stock": "所需物资已发完，或只能在首次走访时发放",
        "change.worker_absent": "{workers} 当天缺勤",
        "change.missed": "{day}的走访没有完成，重新安排",
        "change.urgent_need": "新增的紧急需求",
        "change.made_room": "时间让给了更紧急的走访",
        "change.newly_served": "调整后腾出的时间用于原先没排上的走访",
        "change.rearranged": "为配合以上调整而重新安排",
        "change.and_why": "{said}；没有别人能接手：{because}",
        "worker.named": "{name}（{id}）",
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
        "lack.skill": "nobody has the skill {code}",
        "lack.language": "nobody speaks {code}",
        "lack.together": "no team combines the roles, skills and language it needs",
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
        "reason.not_eligible": (
            "{resource} is only for groups {eligible}, and this household is in none of them: "
            "{quantity} {unit} not handed over."
        ),
        "reason.too_few_days": (
            "{visits} visits, each on a different day, but the window has {days} day(s): "
            "{extra} cannot be planned."
        ),
        "reason.window_too_short": (
            "The window is {minutes} min long, shorter than one {duration}-min visit."
        ),
        "warning.not_eligible": (
            "Need {need} asks for resource {resource}, which is only for groups {eligible}; "
            "the household is in none of them: not handed over."
        ),
        "warning.too_few_days": (
            "Need {need} asks for {visits} visits but its window has {days} day(s): at most "
            "{days} can be planned."
        ),
        "warning.window_too_short": (
            "Need {need} has a {minutes}-min window, shorter than one {duration}-min visit: "
            "it cannot be planned."
        ),
        "warning.preferred_and_excluded": (
            "Need {need} lists worker {worker} as both preferred and excluded: the exclusion holds."
        ),
        "shortage.role": "{role}",
        "shortage.skill": "worker with the skill {code}",
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
        "summary.warnings": "Records accepted but not servable as written",
        "summary.written": "Plan written to",
        "status.optimal": "optimal",
        "status.feasible": "feasible",
        "status.infeasible": "a mandatory need cannot be served",
        "progress": "Solving",
        "invalid.scenario": "Invalid scenario",
        "invalid.plan": "Invalid plan",
        "check.valid": "The plan is valid",
        "check.invalid": "The plan breaks {count} rule(s)",
        "serve.database": "Database: {url}",
        "serve.demo.loaded": (
            'Loaded the demo station "{station}": {villages} villages, {workers} workers, '
            "{needs} needs (from {path})."
        ),
        "serve.demo.kept": (
            'The demo station "{station}" exists already; its data is left as it is.'
        ),
        "serve.demo.token": (
            'Coordinator token {token_id} of station "{station}" (shown only this once):'
        ),
        "serve.docs": "API docs: {url}",
        "serve.try": "Try it:",
        "serve.port_in_use": "Cannot serve on {address}: the port is in use.",
        "serve.bad_address": "Cannot serve on {address}: {reason}",
        "serve.bad_database": "The database is not usable ({url}): {reason}",
        "serve.bad_demo": "Invalid demo scenario ({path}): {reason}",
        "serve.bad_settings": "Invalid MULIN_* settings: {reason}",
        "queue.no_broker": (
            "MULIN_BROKER_URL is not set: mulin worker needs a task queue "
            "(redis://127.0.0.1:6379/0, say)."
        ),
        "queue.worker": "Worker {name}: {concurrency} plans at once, queues {queues}.",
        "batch.started": "Batch {batch}: {jobs} stations queued, {refused} not ({week}).",
        "batch.refused": "Station {station} not queued: {reason}",
        "batch.progress": "Ended {ended}/{total} (done {done}, failed {failed})",
        "batch.row": (
            "{station}  {status}  priority 1-2 covered {coverage}  unmet {unmet}  plan {plan}"
        ),
        "batch.embedded": (
            "MULIN_BROKER_URL is not set: the stations are solved in this process ({pool} at once)."
        ),
        "invalid.replan": "Invalid re-plan request",
        "replan.summary": (
            "Against the plan in force: {kept} kept, {changed} with a new time or team, "
            "{moved} moved to another day, {dropped} dropped, {added} added"
        ),
        "replan.left_out": "no day of its window is left from {day} on",
        "replan.days_left": "only {days} day(s) of its window are left from {day} on",
        "replan.stock": "the goods ran out, or can only be handed over at the first visit",
        "change.worker_absent": "{workers} absent that day",
        "change.missed": "the visit on {day} was not done; planned again",
        "change.urgent_need": "a new urgent need",
        "change.made_room": "its time went to more urgent visits",
        "change.newly_served": "time freed by the changes serves a visit left out before",
        "change.rearranged": "rearranged to make the changes above fit",
        "change.and_why": "{said}; nobody else could take it: {because}",
        "worker.named": "{name} ({id})",
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


def worded(language: Language, build: Callable[[Language], str]) -> tuple[str, dict[Language, str]]:
    """One sentence in ``language`` and in every language, for a ``message``/``messages`` pair.

    Parameters
    ----------
    language
        The language of the plan (its ``message``).
    build
        Makes the sentence in a given language.

    Returns
    -------
    tuple of str and dict
        The sentence in ``language``, and ``language → sentence`` for every language.
    """
    every = {each: build(each) for each in LANGUAGES}
    return every[language], every


def in_language(language: Language, message: str, messages: dict[Language, str] | None) -> str:
    """A plan's sentence in ``language`` when the plan carries it, else as the plan wrote it."""
    return (messages or {}).get(language, message)


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
