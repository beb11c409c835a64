"""Labels of the recording pages (the worker's phone page, the plan page's records), zh and en.

Kept apart from :mod:`service.console.labels`, which merges them into its dictionaries.
"""

from __future__ import annotations

from service.messages import Language

RECORD_TEXT: dict[Language, dict[str, str]] = {
    "zh": {
        "phone.brand": "睦邻 · 探访记录",
        "phone.title": "{name} 的本周探访",
        "phone.intro": "{week} 这一周的探访。每次探访后请记录结果；本链接有效至 {until}。",
        "phone.none": "本计划中没有您的探访。",
        "phone.saved": "已保存探访 {visit} 的记录。",
        "phone.household": "户编号",
        "phone.category": "服务类别",
        "phone.partners": "同行人员",
        "phone.alone": "独自前往",
        "phone.goods": "需发放的物资",
        "phone.no_goods": "无",
        "phone.status": "记录",
        "phone.too_many": "尝试次数过多，请一分钟后再试。",
        "phone.links": "工作人员手机记录链接",
        "phone.links_hint": (
            "把链接发给工作人员，在手机上记录每次探访的结果（无需令牌，有效至 {until}）。"
        ),
        "phone.link_of": "{name}（{worker}）的探访记录",
        "phone.expired": "链接已于 {until} 过期。",
        "record.title": "探访记录",
        "record.intro": "为每次探访记录完成、未完成（及原因）或部分完成；再次记录会覆盖原记录。",
        "record.summary": "已记录 {recorded} / {total} 次探访。",
        "record.reason": "未完成原因",
        "record.reason_none": "（未完成时选择）",
        "record.minutes": "实际时长（分钟，可选）",
        "record.note": "备注（可选，仅本站可见；再次记录会替换）",
        "record.buttons": "{need} 第 {visit} 次探访的结果",
        "recorded.done": "完成",
        "recorded.missed": "未完成",
        "recorded.partly_done": "部分完成",
        "recorded.none": "尚未记录",
        "record.bad_status": "请按“完成”“未完成”或“部分完成”之一。",
        "record.bad_visit": "找不到这次探访。",
        "record.reason_needed": "未完成的探访请选择原因。",
        "record.bad_minutes": "实际时长须为分钟数（整数）。",
        "record.saved": "已保存 {visit} 的记录。",
        "record.when": "时间",
        "record.visit": "探访",
        "record.team": "人员",
        "record.current": "当前记录",
        "record.form": "记录",
        "reason.household_away": "对象不在家",
        "reason.refused": "对象拒绝",
        "reason.worker_absent": "工作人员缺勤",
        "reason.weather": "天气原因",
        "reason.other": "其他原因",
    },
    "en": {
        "phone.brand": "Mulin · visit records",
        "phone.title": "{name}'s visits this week",
        "phone.intro": (
            "Your visits of the week of {week}. Record each visit when it is over; this link "
            "works until {until}."
        ),
        "phone.none": "You have no visits in this plan.",
        "phone.saved": "The record of visit {visit} is saved.",
        "phone.household": "Household id",
        "phone.category": "Service category",
        "phone.partners": "With",
        "phone.alone": "on your own",
        "phone.goods": "Goods to hand over",
        "phone.no_goods": "none",
        "phone.status": "Record",
        "phone.too_many": "Too many attempts: please try again in a minute.",
        "phone.links": "Workers' phone links for recording visits",
        "phone.links_hint": (
            "Send a link to its worker: they record each visit's outcome on their phone "
            "(no token; it works until {until})."
        ),
        "phone.link_of": "Visit records of {name} ({worker})",
        "phone.expired": "The links expired on {until}.",
        "record.title": "Visit records",
        "record.intro": (
            "Record each visit as done, missed (and why) or partly done; recording it again "
            "replaces the record."
        ),
        "record.summary": "{recorded} of {total} visits recorded.",
        "record.reason": "Reason if missed",
        "record.reason_none": "(choose when missed)",
        "record.minutes": "Actual minutes (optional)",
        "record.note": "Note (optional, seen by the station only; recording again replaces it)",
        "record.buttons": "Outcome of visit {visit} of {need}",
        "recorded.done": "Done",
        "recorded.missed": "Missed",
        "recorded.partly_done": "Partly done",
        "recorded.none": "not recorded yet",
        "record.bad_status": "Press one of Done, Missed or Partly done.",
        "record.bad_visit": "There is no such visit.",
        "record.reason_needed": "A missed visit needs a reason: choose one.",
        "record.bad_minutes": "Actual minutes must be a whole number.",
        "record.saved": "The record of {visit} is saved.",
        "record.when": "When",
        "record.visit": "Visit",
        "record.team": "Team",
        "record.current": "Current record",
        "record.form": "Record",
        "reason.household_away": "household away",
        "reason.refused": "refused",
        "reason.worker_absent": "worker absent",
        "reason.weather": "weather",
        "reason.other": "other reason",
    },
}
