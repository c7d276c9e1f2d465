"""The official's English name and title: an English letter addresses them so, and the
English case page shows them; the Russian letter and page keep the Russian ones, and so does
everything when no English name is entered. The letter counts name the group likewise."""

from __future__ import annotations

import io
from typing import Any

import pypdf
import pytest
from django.test import Client

from vigil.accounts.models import User
from vigil.cases.models import Case

pytestmark = pytest.mark.django_db


def _name_in_english(case: Case) -> None:
    case.officials.update(name_en="Igor Krasnov", title_en="Prosecutor General of Russia")


def _letter(client: Any, case: Case, language: str) -> str:
    page = client.get(f"/cases/{case.slug}/write/?lang={language}")
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {key: value for key, value in data.items() if value not in (None, False, "")}
    data.update(language=language, shown_language=language, send="pdf", signature="Dina")
    response = client.post(f"/cases/{case.slug}/write/", data)
    assert response["Content-Type"] == "application/pdf", response.content[:2000]
    return str(pypdf.PdfReader(io.BytesIO(response.content)).pages[0].extract_text())


def test_an_english_letter_addresses_the_official_in_english_once_entered(
    client: Any, russian_member: User, abroad: Case
) -> None:
    client.force_login(russian_member)
    assert "Генеральный прокурор" in _letter(client, abroad, "en")  # none entered yet

    _name_in_english(abroad)
    english = _letter(client, abroad, "en")
    assert "Igor Krasnov" in english and "Prosecutor General of Russia" in english
    assert "Генеральный прокурор" not in english
    russian = _letter(client, abroad, "ru")
    assert "Генеральный прокурор" in russian and "Igor Krasnov" not in russian


def test_the_english_case_page_shows_the_english_name(client: Any, abroad: Case) -> None:
    _name_in_english(abroad)
    english = client.get("/en/cases/abroad/").content.decode()
    assert "Igor Krasnov" in english and "Генеральный прокурор" not in english
    assert "Dear Prosecutor General" in english
    russian = client.get("/cases/abroad/").content.decode()
    assert "Генеральный прокурор" in russian and "Igor Krasnov" not in russian


def test_the_letter_counts_name_the_group_in_the_pages_language(
    signed_in_staff: Any, russian_member: User, abroad: Case, kazan: Any
) -> None:
    member = Client()  # signed_in_staff is the default client
    member.force_login(russian_member)
    _letter(member, abroad, "ru")
    kazan.name_en = "Kazan group"
    kazan.save(update_fields=["name_en"])
    english = signed_in_staff.get("/en/cases/letters/").content.decode()
    assert "Kazan group" in english and kazan.name not in english
    assert kazan.name in signed_in_staff.get("/cases/letters/").content.decode()


def test_the_case_page_names_the_languages_an_official_reads(client: Any, abroad: Case) -> None:
    english = client.get(f"/en/cases/{abroad.slug}/").content.decode()
    assert "Reads: Russian, English" in english and "ru,en" not in english
    russian = client.get(f"/cases/{abroad.slug}/").content.decode()
    assert "Русский, Английский" in russian and "ru,en" not in russian
