"""Every date and time field of Vigil's forms renders a value the browser accepts
(``yyyy-MM-dd``, ``yyyy-MM-ddTHH:mm``, ``HH:mm``) in both languages."""

from __future__ import annotations

import datetime
import importlib
import pkgutil
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django import forms
from django.utils import translation

import vigil
from vigil.core.widgets import ISO_WIDGETS


def _form_modules() -> None:
    for module in pkgutil.walk_packages(vigil.__path__, "vigil."):
        if module.name.endswith((".forms", ".views")):
            importlib.import_module(module.name)


def _subclasses(cls: type) -> Iterator[type]:
    sub: type
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def vigil_forms() -> list[type[forms.BaseForm]]:
    _form_modules()
    # The back office's forms use the admin's own date widgets (text, in the locale's format,
    # which the admin reads back): they are not <input type="date">.
    from django.contrib import admin

    back_office = {model_admin.form for model_admin in admin.site._registry.values()}
    found = {
        c
        for c in _subclasses(forms.BaseForm)
        if c.__module__.startswith("vigil.")
        and ".admin" not in c.__module__
        and c not in back_office
    }
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


TEMPORAL = (forms.DateField, forms.DateTimeField, forms.TimeField)


def test_every_date_and_time_field_uses_an_iso_widget() -> None:
    checked, wrong = 0, []
    for form in vigil_forms():
        for name, field in form.base_fields.items():  # type: ignore[attr-defined]
            if isinstance(field, TEMPORAL):
                checked += 1
                if not isinstance(field.widget, ISO_WIDGETS):
                    wrong.append(f"{form.__module__}.{form.__qualname__}.{name}")
    assert checked >= 5  # the walk found the forms
    assert wrong == []


@pytest.mark.parametrize("language", ["ru", "en"])
def test_iso_values_in_both_languages(language: str) -> None:
    class Sample(forms.Form):
        day = forms.DateField(widget=ISO_WIDGETS[0]())
        moment = forms.DateTimeField(widget=ISO_WIDGETS[1]())
        time = forms.TimeField(widget=ISO_WIDGETS[2]())

    initial: dict[str, Any] = {
        "day": datetime.date(2026, 12, 3),
        "moment": datetime.datetime(2026, 12, 3, 18, 30),
        "time": datetime.time(19, 0),
    }
    with translation.override(language):
        html = str(Sample(initial=initial))
        bound = Sample({"day": "2026-12-03", "moment": "2026-12-03T18:30", "time": "19:00"})
        assert bound.is_valid(), bound.errors
    assert re.search(r'type="date"[^>]*value="2026-12-03"', html)
    assert re.search(r'type="datetime-local"[^>]*value="2026-12-03T18:30"', html)
    assert re.search(r'type="time"[^>]*value="19:00"', html)


def test_the_meeting_form_keeps_its_date_in_russian() -> None:
    from vigil.groups.forms import MeetingForm

    with translation.override("ru"):
        html = str(MeetingForm(initial={"held_on": datetime.date(2026, 12, 3)})["held_on"])
    assert 'value="2026-12-03"' in html and "03.12.2026" not in html
