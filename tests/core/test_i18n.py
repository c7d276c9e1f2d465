"""One rule for "the viewer reads English": ``core.i18n.in_english``, used wherever content
stored in both languages is picked or ordered."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.utils import translation

from vigil.cases.countries import country_name
from vigil.core.i18n import in_english, in_language, mail_language
from vigil.directory.models import Region
from vigil.directory.selectors import month_year


@pytest.mark.parametrize(
    ("language", "english"), [("en", True), ("en-gb", True), ("ru", False), (None, False)]
)
def test_in_english_follows_the_active_language(language: str | None, english: bool) -> None:
    with translation.override(language):
        assert in_english() is english


def test_every_bilingual_choice_follows_the_one_rule() -> None:
    region = Region(name_ru="Тверская область", name_en="")
    with translation.override("en"):
        assert country_name("DE") == "Germany"
        assert month_year(datetime.date(1996, 3, 1)) == "March 1996"
        assert region.name == "Тверская область" == in_language(region.name_ru, region.name_en)
        region.name_en = "Tver Oblast"
        assert region.name == "Tver Oblast"
    with translation.override("ru"):
        assert country_name("DE") == "Германия"
        assert month_year(datetime.date(1996, 3, 1)) == "март 1996"
        assert region.name == "Тверская область"


def test_mail_is_written_in_the_persons_language_or_in_russian() -> None:
    written_in = [mail_language(code) for code in ("en", "ru", "de", "")]
    assert written_in == ["en", "ru", "ru", "ru"]


#: Where the rules may be spelled out: the rules themselves.
OWN = "core/i18n.py"


def _spelled_again(pattern: re.Pattern[str]) -> list[str]:
    root = Path(__file__).resolve().parents[2] / "vigil"
    found = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root).as_posix()
        if relative != OWN:
            found += [f"{relative}: {m.group(0)}" for m in pattern.finditer(path.read_text())]
    return found


def test_no_module_spells_the_english_rule_again() -> None:
    """A rule lives in one place: picking by ``get_language()...startswith("en")`` inline
    drifts from ``in_english`` (the fallback for no active language, for one)."""
    assert _spelled_again(re.compile(r"get_language\(\)[^\n]*\)\s*\.startswith\(\s*[\"']en")) == []


def test_no_module_spells_the_mail_language_rule_again() -> None:
    """``mail_language`` is the one fallback for a stored language the site does not write."""
    assert _spelled_again(re.compile(r"in (?:dict\(settings\.)?LANGUAGES\)? else")) == []
