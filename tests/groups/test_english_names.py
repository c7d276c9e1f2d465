"""A group's English name: shown on the English pages and in English mail, the Russian one
everywhere else, and the Russian one on English pages when no English name is entered."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import translation

from tests.conftest import SmtpSink
from vigil.directory.models import Region
from vigil.groups.models import Group

pytestmark = pytest.mark.django_db


def _page(client: Any, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return str(response.content.decode())


def test_english_pages_show_the_english_name_and_russian_pages_the_russian_one(
    client: Any, kazan: Group, moscow: Group
) -> None:
    kazan.name_en = "Kazan-1 group"
    kazan.save(update_fields=["name_en"])

    english = _page(client, "/en/groups/kazan-1/")
    assert "Kazan-1 group" in english and "Казань-1" not in english
    listing = _page(client, "/en/groups/")
    assert "Kazan-1 group" in listing
    # No English name entered: the English page keeps the Russian one.
    assert "Москва-1" in listing and "Москва-1" in _page(client, "/en/groups/moscow-1/")

    russian = _page(client, "/groups/kazan-1/")
    assert "Казань-1" in russian and "Kazan-1 group" not in russian


def test_the_model_falls_back_to_russian(kazan: Group) -> None:
    with translation.override("en"):
        assert kazan.display_name == "Казань-1" and str(kazan).endswith("Казань-1")
        kazan.name_en = "Kazan-1 group"
        assert kazan.display_name == "Kazan-1 group" and str(kazan).endswith("Kazan-1 group")
    with translation.override("ru"):
        assert kazan.display_name == "Казань-1"


def _mails_to(smtp_server: SmtpSink, address: str) -> list[Any]:
    return [
        m
        for m, (_frm, to) in zip(smtp_server.messages, smtp_server.envelopes, strict=True)
        if address in to
    ]


def _apply(client: Any, prefix: str, email: str) -> None:
    client.post(
        f"{prefix}/groups/join/",
        {
            "name": "Dina Garipova",
            "email": email,
            "city": "Kazan",
            "region": Region.objects.get(slug="kazan").pk,
            "consent": "on",
        },
    )


def test_the_english_mail_names_the_group_in_english(
    client: Any, kazan: Group, smtp_server: SmtpSink, run_tasks: Callable[[], None]
) -> None:
    kazan.name_en = "Kazan-1 group"
    kazan.save(update_fields=["name_en"])
    _apply(client, "/en", "dina@example.org")
    _apply(client, "", "vera@example.org")
    run_tasks()
    [english] = _mails_to(smtp_server, "dina@example.org")
    english_body = english.get_payload(decode=True).decode()
    assert "Kazan-1 group" in english_body and "Казань-1" not in english_body
    [russian] = _mails_to(smtp_server, "vera@example.org")
    russian_body = russian.get_payload(decode=True).decode()
    assert "Казань-1" in russian_body and "Kazan-1 group" not in russian_body


def test_a_group_in_its_regions_city_shows_the_city_in_the_viewers_language(
    client: Any, kazan: Group, make_group: Callable[..., Group]
) -> None:
    elsewhere = make_group(region_slug="kazan", city="Набережные Челны")
    with translation.override("en"):
        assert (kazan.display_city, kazan.city_is_region) == ("Kazan", True)
        assert (elsewhere.display_city, elsewhere.city_is_region) == ("Набережные Челны", False)
    english = _page(client, "/en/groups/")
    assert "Kazan" in english and "Казань<" not in english.replace("</td>", "<")
    lead = _page(client, "/en/groups/kazan-1/").split('class="lead">')[1].split("</p>")[0]
    assert lead.endswith("· Kazan") and "Казань" not in lead
    russian = _page(client, "/groups/kazan-1/")
    assert "Казань" in russian
