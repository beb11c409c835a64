"""The one vocabulary: every code named in both languages, and plan sentences that use it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, get_args

import pytest

from service import generator
from service.planning import PlanOptions, plan_week
from service.vocabulary import UNIT_SINGULAR_EN, Kind, label, names_of, unit_of
from service.wire.scenario import Scenario

KINDS: tuple[Kind, ...] = get_args(Kind)
CJK = re.compile(r"[\u2e80-\u9fff\uff00-\uffef]")
TINY = Path(__file__).resolve().parents[1] / "scenarios" / "tiny.json"


@pytest.mark.parametrize("kind", KINDS)
def test_every_code_has_a_chinese_and_an_english_name(kind: Kind) -> None:
    """Both languages know the same codes; English names hold no Chinese, Chinese ones do."""
    chinese, english = names_of("zh", kind), names_of("en", kind)
    assert chinese and set(chinese) == set(english)
    assert [code for code, name in english.items() if CJK.search(name)] == []
    assert [code for code, name in chinese.items() if not CJK.search(name)] == []


def test_an_unknown_code_is_shown_as_it_is() -> None:
    """The raw code is the fallback, in either language."""
    assert label("zh", "skill", "beekeeping") == "beekeeping"
    assert label("en", "unit", "crate") == "crate"
    assert label("zh", "skill", "sign_language") == "手语"
    assert label("en", "language", "subei") == "Subei dialect"


def test_english_units_agree_with_their_quantity() -> None:
    """One bag, three bags; Chinese units do not change."""
    assert unit_of("en", "bag", 1) == "bag" and unit_of("en", "bag", 3) == "bags"
    assert unit_of("en", "yuan", 1) == "yuan" and unit_of("zh", "bag", 3) == "袋"
    assert set(UNIT_SINGULAR_EN) <= set(names_of("en", "unit"))


def test_the_generators_codes_are_all_named() -> None:
    """Every skill, language and unit a generated town uses has a name in the vocabulary."""
    town = generator.generate_town(4, 60, 5)
    skills = {s for w in town.workers for s in w.skills} | {s for n in town.needs for s in n.skills}
    spoken = {x for w in town.workers for x in w.languages}
    spoken |= {x for n in town.needs for x in n.languages}
    units = {r.unit for r in town.resources}
    assert skills - set(names_of("zh", "skill")) == set()
    assert spoken - set(names_of("zh", "language")) == set()
    assert units - set(names_of("zh", "unit")) == set()


def tiny_with_a_signer_needed() -> Scenario:
    """The tiny town, its first need asking for sign language that nobody has."""
    document: dict[str, Any] = json.loads(TINY.read_text(encoding="utf-8"))
    document["needs"][0]["skills"] = ["sign_language"]
    return Scenario.model_validate(document)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_plan_sentences_name_skills_and_come_in_both_languages(language: str) -> None:
    """A reason names the skill by its word, not its code, with the sentence in each language."""
    plan = plan_week(
        tiny_with_a_signer_needed(),
        PlanOptions(time_limit=2, workers=1, language=language),  # type: ignore[arg-type]
    )
    unmet = next(u for u in plan.unmet if u.need_id == "n001")
    reason = next(r for r in unmet.reasons if r.code == "no_qualified_worker")
    assert reason.messages is not None
    assert reason.message == reason.messages[language]  # type: ignore[index]
    assert "手语" in reason.messages["zh"] and "sign_language" not in reason.messages["zh"]
    assert "sign language" in reason.messages["en"] and not CJK.search(reason.messages["en"])
    for item in plan.unmet:
        for each in item.reasons:
            assert each.messages is not None and set(each.messages) == {"zh", "en"}
    places = [village.name for village in tiny_with_a_signer_needed().villages]
    assert plan.metrics.shortages
    for shortage in plan.metrics.shortages:
        assert shortage.messages is not None
        english = shortage.messages["en"]
        for place in places:
            english = english.replace(place, "")
        assert not CJK.search(english), shortage.messages["en"]
