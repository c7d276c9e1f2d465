"""A contact's role as the handbook writes it ("Contact", "Coordinator") reads in the page's
language; a role the directory does not know is shown as written."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from tests.directory.factories import seed_000
from vigil.directory.contact_roles import role_label
from vigil.directory.models import Contact


@pytest.mark.parametrize(
    ("role", "russian", "english"),
    [
        ("Contact", "Контактное лицо", "Contact"),
        ("Coordinator", "Координатор", "Coordinator"),
        ("director", "Директор", "Director"),
        ("Contact person", "Контактное лицо", "Contact"),
        ("Координатор", "Координатор", "Coordinator"),
        ("Hausmeister", "Hausmeister", "Hausmeister"),
    ],
)
def test_role_labels_in_both_languages(role: str, russian: str, english: str) -> None:
    with translation.override("ru"):
        assert role_label(role) == russian
    with translation.override("en"):
        assert role_label(role) == english


@pytest.mark.django_db
def test_the_contact_line_on_a_russian_page() -> None:
    organisation = seed_000()
    contact = Contact.objects.create(
        organisation=organisation, name="Марина Лебедева", role="Contact"
    )
    with translation.override("ru"):
        html = render_to_string("directory/_contact.html", {"contact": contact})
    assert "Контактное лицо:" in html and "Contact" not in html
