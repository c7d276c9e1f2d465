"""Django's own strings that its Russian catalog lacks are translated by Vigil's."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models.fields import BLANK_CHOICE_LABEL
from django.utils import translation
from django.utils.translation import gettext


@pytest.mark.parametrize("text", ["- Select an option -", "Filter by %(field_name)s"])
def test_django_strings_are_russian(committed_catalog: Any, text: str) -> None:
    with translation.override("ru"):
        translated = gettext(text)
    assert translated != text
    assert not any("a" <= c.lower() <= "z" for c in translated.replace("%(field_name)s", ""))


def test_a_russian_form_offers_a_russian_blank_choice(committed_catalog: Any) -> None:
    with translation.override("ru"):
        assert str(BLANK_CHOICE_LABEL) == "— Выберите —"
