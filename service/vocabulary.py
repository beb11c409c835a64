"""Names of the spec's service categories and vulnerable groups, in Chinese and English.

One place for the words every surface shows (console, workbook, spreadsheet import); the
Chinese names are those of the shared spec.
"""

from __future__ import annotations

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


def labelled(language: Language) -> dict[str, str]:
    """``category.<code>`` and ``group.<code>`` label keys with their names in ``language``."""
    return {
        **{f"category.{code}": name for code, name in CATEGORY_NAMES[language].items()},
        **{f"group.{code}": name for code, name in GROUP_NAMES[language].items()},
    }
