"""Choosing the letter's language on the write page gives the letter in that language:
salutation, body and closing, not only through the ?lang= link."""

from __future__ import annotations

import io
from typing import Any

import pypdf
import pytest

from vigil.accounts.models import User
from vigil.cases.models import Case, Letter

pytestmark = pytest.mark.django_db


def _form_values(response: Any) -> dict[str, Any]:
    form = response.context["form"]
    values = {name: form[name].value() for name in form.fields}
    values["shown_language"] = response.context["shown_language"]
    return {key: ("on" if value is True else value) for key, value in values.items() if value}


def test_choosing_english_in_the_form_gives_an_english_letter(
    client: Any, russian_member: User, abroad: Case
) -> None:
    client.force_login(russian_member)
    page = client.get("/cases/abroad/write/")
    data = _form_values(page)
    assert data["language"] == "ru" and "Прошу освободить" in data["body"]
    data.update(language="en", send="pdf")
    switched = client.post("/cases/abroad/write/", data)
    # The untouched Russian model letter is replaced by the English one, to read before sending.
    assert switched.status_code == 200 and switched["Content-Type"].startswith("text/html")
    assert not Letter.objects.exists()
    english = _form_values(switched)
    assert english["language"] == "en" and english["body"] == "I urge you to release Ivan Petrov."
    assert "Dear Prosecutor General" in switched.content.decode()
    english["send"] = "pdf"
    response = client.post("/cases/abroad/write/", english)
    assert response["Content-Type"] == "application/pdf"
    text = pypdf.PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Dear Prosecutor General" in text and "release Ivan Petrov" in text
    assert "Уважаем" not in text and "Прошу" not in text and "декабр" not in text.lower()


def test_a_letter_the_writer_changed_is_not_replaced(
    client: Any, russian_member: User, abroad: Case
) -> None:
    client.force_login(russian_member)
    data = _form_values(client.get("/cases/abroad/write/"))
    data.update(language="en", body="My own words for Ivan Petrov.", send="pdf")
    response = client.post("/cases/abroad/write/", data)
    assert response["Content-Type"] == "application/pdf"
    text = pypdf.PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "My own words" in text and "Dear Prosecutor General" in text


def test_the_language_button_switches_without_sending(
    client: Any, russian_member: User, abroad: Case
) -> None:
    client.force_login(russian_member)
    data = _form_values(client.get("/en/cases/abroad/write/"))
    assert data["language"] == "en"
    data.update(language="ru", switch="1")
    switched = client.post("/en/cases/abroad/write/", data)
    assert switched.status_code == 200 and not Letter.objects.exists()
    values = _form_values(switched)
    assert values["body"] == "Прошу освободить Ивана Петрова."
    assert "Уважаемый господин прокурор!" in switched.content.decode()
