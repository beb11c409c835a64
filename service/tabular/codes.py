"""Codes of the scenario format and the Chinese words a coordinator writes for them.

Category and group names are those of the shared spec (``养老为老服务``, ``孤寡/独居老人``); a few
common short forms are accepted too. Look-ups ignore case, spaces and full-width forms.
"""

from __future__ import annotations

import unicodedata
from typing import get_args

from service import vocabulary
from service.wire.common import DAYS
from service.wire.scenario import Category, Group

CATEGORY_CODES: tuple[str, ...] = get_args(Category)
GROUP_CODES: tuple[str, ...] = get_args(Group)

CATEGORY_NAMES: dict[str, str] = vocabulary.CATEGORY_NAMES["zh"]
GROUP_NAMES: dict[str, str] = vocabulary.GROUP_NAMES["zh"]

_CATEGORY_ALIASES = {
    "社会救助": "social_assistance",
    "养老服务": "elderly_care",
    "为老服务": "elderly_care",
    "儿童关爱": "child_protection",
    "扶残助残": "disability_support",
    "婚姻家庭": "marriage_family",
    "社区治理": "community_governance",
    "社区慈善": "community_charity",
    "志愿服务": "volunteer_service",
    "社区社会组织培育": "social_org_cultivation",
    "社工人才培育": "talent_cultivation",
    "资源链接": "resource_linkage",
    "社区资源链接": "resource_linkage",
    "其他": "other",
}
_GROUP_ALIASES = {
    "孤寡": "elderly_alone",
    "独居老人": "elderly_alone",
    "孤寡老人": "elderly_alone",
    "孤寡/独居": "elderly_alone",
    "低收入家庭": "low_income",
    "失能老人": "disabled_elderly",
    "失智老人": "disabled_elderly",
    "残疾人": "disabled",
    "残障": "disabled",
    "其他群体": "other",
}
DAY_NAMES: dict[str, str] = dict(
    zip(DAYS, ("周一", "周二", "周三", "周四", "周五", "周六", "周日"), strict=True)
)
"""The Chinese name of each weekday code (written on export)."""

_DAY_WORDS: dict[str, str] = {
    **{day: day for day in DAYS},
    **{
        english: day
        for day, english in zip(
            DAYS,
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
            strict=True,
        )
    },
    **{
        f"{prefix}{digit}": day
        for day, digit in zip(DAYS, "一二三四五六日", strict=True)
        for prefix in ("周", "星期", "礼拜")
    },
    "周天": "sun",
    "星期天": "sun",
    "礼拜天": "sun",
    "tues": "tue",
    "thur": "thu",
    "thurs": "thu",
}
WEEKDAYS = "工作日"
"""The word for monday to friday."""

KIND_NAMES = {"goods": "物资", "funds": "资金"}
"""The Chinese name of each resource kind (written on export)."""

_KIND_WORDS = {
    "goods": "goods",
    "funds": "funds",
    "物资": "goods",
    "实物": "goods",
    "资金": "funds",
}
_TRUE = {"是", "true", "yes", "y", "1", "t", "√", "✓", "对", "必须"}
_FALSE = {"否", "false", "no", "n", "0", "f", "×", "✗", "不", "非必须"}


def fold(text: str) -> str:
    """The form in which words are compared: NFKC (full-width → ASCII), lower case, no spaces.

    Parameters
    ----------
    text
        A cell's word.

    Returns
    -------
    str
        The folded word.
    """
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


def _table(codes: tuple[str, ...], *names: dict[str, str]) -> dict[str, str]:
    table = {fold(code): code for code in codes}
    for mapping in names:
        for key, value in mapping.items():
            if key in codes:
                table[fold(value)] = key
            else:
                table[fold(key)] = value
    return table


_CATEGORIES = _table(CATEGORY_CODES, CATEGORY_NAMES, _CATEGORY_ALIASES)
_GROUPS = _table(GROUP_CODES, GROUP_NAMES, _GROUP_ALIASES)
_DAYS = {fold(word): day for word, day in _DAY_WORDS.items()}


def category(word: str) -> str | None:
    """The category code of a code or Chinese name, or None."""
    return _CATEGORIES.get(fold(word))


def group(word: str) -> str | None:
    """The group code of a code or Chinese name, or None."""
    return _GROUPS.get(fold(word))


def day(word: str) -> str | None:
    """The weekday code (``mon``) of ``mon``, ``Monday``, ``周一``, ``星期一`` …, or None."""
    return _DAYS.get(fold(word))


def kind(word: str) -> str | None:
    """``goods`` or ``funds`` of a code or Chinese word, or None."""
    return _KIND_WORDS.get(fold(word))


def boolean(word: str) -> bool | None:
    """True for 是/true/yes/1, False for 否/false/no/0, None for anything else."""
    folded = fold(word)
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    return None
