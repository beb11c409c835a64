"""The sentence dictionaries: the same keys and placeholders in both languages, day runs."""

from __future__ import annotations

import string

import pytest

from service.messages import LANGUAGES, TEXT, Language, days_text, say


def placeholders(template: str) -> set[str]:
    """The ``{name}`` fields of a format string."""
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


def test_both_languages_are_listed() -> None:
    """TEXT holds exactly the languages of LANGUAGES, Chinese first (the default)."""
    assert LANGUAGES == ("zh", "en")
    assert set(TEXT) == set(LANGUAGES)


def test_every_key_exists_in_both_languages() -> None:
    """No sentence is missing from either dictionary."""
    assert set(TEXT["zh"]) == set(TEXT["en"])


@pytest.mark.parametrize("key", sorted(TEXT["en"]))
def test_placeholders_agree_between_languages(key: str) -> None:
    """A key's Chinese and English sentences take the same placeholders."""
    assert placeholders(TEXT["zh"][key]) == placeholders(TEXT["en"][key])


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_sentence_formats_with_its_placeholders(language: Language) -> None:
    """Filling each sentence's own placeholders leaves no brace behind."""
    for key, template in TEXT[language].items():
        text = say(language, key, **dict.fromkeys(placeholders(template), "X"))
        assert "{" not in text and "}" not in text, key


def test_say_refuses_a_missing_value() -> None:
    """A placeholder left without a value is an error, not a sentence with a hole."""
    with pytest.raises(KeyError):
        say("en", "reason.excluded")


@pytest.mark.parametrize(
    ("language", "days", "text"),
    [
        ("en", (1, 2, 3), "Tue–Thu"),
        ("zh", (1, 2, 3), "周二–周四"),
        ("en", (0, 1, 2, 3, 4, 5, 6), "Mon–Sun"),
        ("zh", (0, 1, 2, 3, 4, 5, 6), "周一–周日"),
    ],
)
def test_days_text_collapses_runs(language: Language, days: tuple[int, ...], text: str) -> None:
    """Three or more consecutive days become one run ``first–last``."""
    assert days_text(language, days) == text


@pytest.mark.parametrize(
    ("language", "days", "text"),
    [
        ("en", (0, 2, 4), "Mon, Wed, Fri"),
        ("zh", (0, 2, 4), "周一、周三、周五"),
        ("en", (1, 2), "Tue–Wed"),
        ("zh", (1, 2), "周二、周三"),
        ("en", (5,), "Sat"),
        ("en", (), ""),
    ],
)
def test_days_text_keeps_lone_days_apart(
    language: Language, days: tuple[int, ...], text: str
) -> None:
    """Days not in a run stay separate; two days in Chinese are listed, not joined by a dash."""
    assert days_text(language, days) == text


@pytest.mark.parametrize("language", LANGUAGES)
def test_days_text_sorts_and_mixes_runs_with_lone_days(language: Language) -> None:
    """Unordered input is sorted; a run and a lone day are separated by the list separator."""
    expected = {"en": "Mon–Wed, Fri", "zh": "周一–周三、周五"}[language]
    assert days_text(language, [4, 2, 0, 1]) == expected
