"""Names of every code Mulin shows people, in Chinese and English: one vocabulary.

Service categories and vulnerable groups (the Chinese names are those of the shared spec),
skills, languages, units, solver phases, reasons and change reasons. Every surface (console,
workbook, spreadsheet import, plan sentences) takes its words from here; a code the
vocabulary does not know is shown as it is (:func:`label`).
"""

from __future__ import annotations

from typing import Literal

from service.messages import Language

CATEGORY_NAMES: dict[Language, dict[str, str]] = {
    "zh": {
        "policy_publicity": "政策宣传",
        "needs_assessment": "需求评估",
        "resource_assessment": "资源评估",
        "social_assistance": "社会救助服务",
        "elderly_care": "养老为老服务",
        "child_protection": "儿童关爱保护",
        "disability_support": "扶残助残服务",
        "marriage_family": "婚姻家庭服务",
        "community_governance": "社区治理服务",
        "community_charity": "社区慈善服务",
        "volunteer_service": "社区志愿服务",
        "social_org_cultivation": "社区社会组织培育服务",
        "talent_cultivation": "社工人才培育服务",
        "resource_linkage": "社区资源链接服务",
        "other": "其他领域社会服务",
    },
    "en": {
        "policy_publicity": "Policy publicity",
        "needs_assessment": "Needs assessment",
        "resource_assessment": "Resource assessment",
        "social_assistance": "Social assistance",
        "elderly_care": "Elderly care",
        "child_protection": "Child protection",
        "disability_support": "Disability support",
        "marriage_family": "Marriage and family",
        "community_governance": "Community governance",
        "community_charity": "Community charity",
        "volunteer_service": "Community volunteering",
        "social_org_cultivation": "Community organisation cultivation",
        "talent_cultivation": "Social-work talent cultivation",
        "resource_linkage": "Community resource linkage",
        "other": "Other social services",
    },
}
GROUP_NAMES: dict[Language, dict[str, str]] = {
    "zh": {
        "low_income": "困难家庭",
        "elderly_alone": "孤寡/独居老人",
        "empty_nest": "空巢老人",
        "disabled_elderly": "失能失智老人",
        "special_family": "计生特殊家庭",
        "child_in_difficulty": "困境儿童",
        "left_behind_child": "留守儿童",
        "disabled": "残障人士",
        "migrant": "流动人口",
        "domestic_violence": "家暴受害者",
        "other": "其他",
    },
    "en": {
        "low_income": "low income",
        "elderly_alone": "elderly living alone",
        "empty_nest": "empty-nest elderly",
        "disabled_elderly": "disabled elderly",
        "special_family": "special family",
        "child_in_difficulty": "child in difficulty",
        "left_behind_child": "left-behind child",
        "disabled": "disabled",
        "migrant": "migrant",
        "domestic_violence": "domestic violence",
        "other": "other",
    },
}


FREE_SKILL_NAMES: dict[Language, dict[str, str]] = {
    "zh": {
        "psychological_support": "心理疏导",
        "sign_language": "手语",
        "first_aid": "急救",
        "rehabilitation": "康复护理",
        "legal_aid": "法律援助",
        "nursing": "护理",
        "counselling": "个案辅导",
        "dementia_care": "认知症照护",
        "tutoring": "课业辅导",
        "driving": "驾驶",
    },
    "en": {
        "psychological_support": "psychological support",
        "sign_language": "sign language",
        "first_aid": "first aid",
        "rehabilitation": "rehabilitation",
        "legal_aid": "legal aid",
        "nursing": "nursing",
        "counselling": "counselling",
        "dementia_care": "dementia care",
        "tutoring": "tutoring",
        "driving": "driving",
    },
}
LANGUAGE_NAMES: dict[Language, dict[str, str]] = {
    "zh": {
        "mandarin": "普通话",
        "changshu": "常熟话",
        "subei": "苏北话",
        "anhui": "安徽话",
        "wu": "吴语",
        "shanghainese": "上海话",
        "suzhou": "苏州话",
        "cantonese": "粤语",
        "minnan": "闽南话",
        "hakka": "客家话",
        "sichuanese": "四川话",
        "english": "英语",
        "sign": "手语",
    },
    "en": {
        "mandarin": "Mandarin",
        "changshu": "Changshu dialect",
        "subei": "Subei dialect",
        "anhui": "Anhui dialect",
        "wu": "Wu",
        "shanghainese": "Shanghainese",
        "suzhou": "Suzhou dialect",
        "cantonese": "Cantonese",
        "minnan": "Minnan",
        "hakka": "Hakka",
        "sichuanese": "Sichuanese",
        "english": "English",
        "sign": "sign language",
    },
}
UNIT_NAMES: dict[Language, dict[str, str]] = {
    "zh": {
        "bag": "袋",
        "piece": "件",
        "yuan": "元",
        "kit": "套",
        "set": "套",
        "box": "箱",
        "bottle": "瓶",
        "pack": "包",
        "kg": "公斤",
        "jin": "斤",
        "litre": "升",
        "copy": "份",
        "portion": "份",
        "hour": "小时",
        "time": "次",
        "person": "人",
    },
    "en": {
        "bag": "bags",
        "piece": "pieces",
        "yuan": "yuan",
        "kit": "kits",
        "set": "sets",
        "box": "boxes",
        "bottle": "bottles",
        "pack": "packs",
        "kg": "kg",
        "jin": "jin",
        "litre": "litres",
        "copy": "copies",
        "portion": "portions",
        "hour": "hours",
        "time": "times",
        "person": "people",
    },
}
UNIT_SINGULAR_EN: dict[str, str] = {
    "bag": "bag",
    "piece": "piece",
    "kit": "kit",
    "set": "set",
    "box": "box",
    "bottle": "bottle",
    "pack": "pack",
    "litre": "litre",
    "copy": "copy",
    "portion": "portion",
    "hour": "hour",
    "time": "time",
    "person": "person",
}
"""English names of one unit (``UNIT_NAMES["en"]`` holds the plurals)."""
PHASE_NAMES: dict[Language, dict[str, str]] = {
    "zh": {
        "queued": "排队等候",
        "starting": "读取档案、计算路程",
        "candidates": "筛选合格的人员",
        "baselines": "做出第一版安排",
        "exact": "精确求解",
        "search": "寻找更好的安排",
        "bound": "计算还能多排多少（上界）",
        "greedy": "做出第一版安排",
        "improve": "改进安排",
        "repair": "补排空出的探访",
        "diagnose": "分析未满足的原因",
        "done": "完成",
    },
    "en": {
        "queued": "waiting in the queue",
        "starting": "reading the archive, computing travel",
        "candidates": "finding who qualifies",
        "baselines": "making a first plan",
        "exact": "solving exactly",
        "search": "looking for a better plan",
        "bound": "computing how much more could be planned (bound)",
        "greedy": "making a first plan",
        "improve": "improving the plan",
        "repair": "filling the freed visits",
        "diagnose": "explaining what is unmet",
        "done": "done",
    },
}
REASON_NAMES: dict[Language, dict[str, str]] = {
    "zh": {
        "no_qualified_worker": "没有符合条件的人员",
        "excluded": "符合条件的人员都被排除",
        "out_of_range": "超出路程上限",
        "no_shared_availability": "凑不齐同时有空的人手",
        "capacity_exhausted": "人手已排满",
        "resource_out_of_stock": "物资库存不足",
        "not_eligible": "不符合物资发放对象",
        "too_few_days": "时段天数不够",
        "window_too_short": "时段太短",
    },
    "en": {
        "no_qualified_worker": "nobody qualifies",
        "excluded": "every qualified worker is excluded",
        "out_of_range": "out of travel range",
        "no_shared_availability": "no team free at the same time",
        "capacity_exhausted": "staff fully booked",
        "resource_out_of_stock": "out of stock",
        "not_eligible": "not eligible for the resource",
        "too_few_days": "too few days in the window",
        "window_too_short": "window too short",
    },
}
CHANGE_REASON_NAMES: dict[Language, dict[str, str]] = {
    "zh": {
        "worker_absent": "人员缺勤",
        "missed": "上次未完成",
        "urgent_need": "新增紧急需求",
        "made_room": "让给更紧急的探访",
        "newly_served": "新排上的探访",
        "rearranged": "配合调整",
    },
    "en": {
        "worker_absent": "worker absent",
        "missed": "missed before",
        "urgent_need": "new urgent need",
        "made_room": "made room for more urgent visits",
        "newly_served": "newly served",
        "rearranged": "rearranged",
    },
}

Kind = Literal["category", "group", "skill", "language", "unit", "phase", "reason", "change"]
_NAMES: dict[Kind, dict[Language, dict[str, str]]] = {
    "category": CATEGORY_NAMES,
    "group": GROUP_NAMES,
    "skill": {lang: {**CATEGORY_NAMES[lang], **FREE_SKILL_NAMES[lang]} for lang in ("zh", "en")},
    "language": LANGUAGE_NAMES,
    "unit": UNIT_NAMES,
    "phase": PHASE_NAMES,
    "reason": REASON_NAMES,
    "change": CHANGE_REASON_NAMES,
}

_PREFIX: dict[Kind, str] = {"reason": "unmet_reason", "change": "change_reason"}


def label(language: Language, kind: Kind, code: str) -> str:
    """The name of one code in ``language``; the code itself when the vocabulary lacks it.

    Parameters
    ----------
    language
        ``zh`` or ``en``.
    kind
        Which list the code belongs to (``skill``, ``language``, ``unit``, ``phase``…).
    code
        The code as it appears in a scenario or plan (``sign_language``, ``bag``).

    Returns
    -------
    str
        ``手语`` for ``("zh", "skill", "sign_language")``; ``xyz`` for an unknown ``xyz``.
    """
    return _NAMES[kind][language].get(code, code)


def unit_of(language: Language, code: str, quantity: int) -> str:
    """The name of a unit after ``quantity`` (``1 bag``, ``3 bags``; ``袋`` in Chinese)."""
    if language == "en" and quantity == 1:
        return UNIT_SINGULAR_EN.get(code, label(language, "unit", code))
    return label(language, "unit", code)


def names_of(language: Language, kind: Kind) -> dict[str, str]:
    """Every known code of ``kind`` with its name in ``language``."""
    return dict(_NAMES[kind][language])


def labelled(language: Language) -> dict[str, str]:
    """Label keys ``<prefix>.<code>`` of every code with its name in ``language``, for templates.

    The prefixes are the kinds, but ``unmet_reason`` and ``change_reason`` for reasons.
    """
    return {
        f"{_PREFIX.get(kind, kind)}.{code}": name
        for kind, names in _NAMES.items()
        for code, name in names[language].items()
    }
