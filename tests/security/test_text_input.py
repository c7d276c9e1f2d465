"""One normalisation for every person-facing text field (issue 14, point 10)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from typing import Any

import pytest
from django import forms
from django.test import Client

import vigil
from vigil.core.forms import TextFormMixin
from vigil.core.text import normalise
from vigil.groups.models import Application

pytestmark = pytest.mark.django_db
JOIN = "/en/groups/join/"


def _join_fields(client: Client) -> dict[str, str]:
    page = client.get(JOIN).content.decode()
    region = re.search(r'<option value="(\d+)"', page)
    assert region is not None
    return {"region": region.group(1), "city": "Kazan", "languages": "ru", "consent": "on"}


def _post(client: Client, body: str | bytes, charset: str = "") -> Any:
    content_type = "application/x-www-form-urlencoded" + (f"; charset={charset}" if charset else "")
    data = body.encode() if isinstance(body, str) else body
    return client.generic("POST", JOIN, data, content_type=content_type)


def test_text_is_nfc_and_names_lose_bidi_and_invisible_characters() -> None:
    assert normalise("Сергеи\u0306") == "Сергей"  # й composed
    assert normalise("Ivan\u202efdp.exe", name=True) == "Ivanfdp.exe"
    assert normalise("An\u200bna\u2066", name=True) == "Anna"
    assert normalise("line one\nline two\u202e") == "line one\nline two"


def test_invalid_utf8_is_refused_with_the_form_shown_again(client: Client) -> None:
    from urllib.parse import urlencode

    fields = urlencode(_join_fields(client))
    body = f"name=Iv%FFan&email=ivan%40example.org&{fields}"
    response = _post(client, body)
    assert response.status_code in (200, 400)
    page = response.content.decode()
    assert "could not be read" in page
    assert 'value="ivan@example.org"' in page  # what was typed is still there
    assert not Application.objects.exists()
    russian = client.generic(
        "POST", "/groups/join/", body.encode(), content_type="application/x-www-form-urlencoded"
    )
    assert "не удалось прочитать" in russian.content.decode()


def test_a_body_in_another_charset_is_read_not_refused(client: Client) -> None:
    from urllib.parse import urlencode

    fields = _join_fields(client)
    body = urlencode({"name": "Иван", "email": "ivan@example.org", **fields}, encoding="cp1251")
    response = _post(client, body, charset="windows-1251")
    assert response.status_code == 200
    assert Application.objects.get().name == "Иван"


def test_a_name_with_bidi_controls_is_stored_clean(client: Client) -> None:
    from urllib.parse import urlencode

    fields = _join_fields(client)
    body = urlencode({"name": "Ivan\u202efdp.exe", "email": "i@example.org", **fields})
    assert _post(client, body).status_code == 200
    assert Application.objects.get().name == "Ivanfdp.exe"


def _vigil_forms() -> list[type[forms.BaseForm]]:
    found = []
    for module in pkgutil.walk_packages(vigil.__path__, "vigil."):
        if not module.name.endswith(".forms"):
            continue
        loaded = importlib.import_module(module.name)
        for _name, value in inspect.getmembers(loaded, inspect.isclass):
            if issubclass(value, forms.BaseForm) and value.__module__ == module.name:
                found.append(value)
    return found


def test_every_form_of_vigil_uses_the_one_normalisation() -> None:
    found = _vigil_forms()
    assert len(found) > 40
    missing = [f"{f.__module__}.{f.__name__}" for f in found if not issubclass(f, TextFormMixin)]
    assert not missing, f"forms without vigil.core.forms.TextFormMixin: {missing}"
