"""The demo: one open petition and its consent text, loaded once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from vigil.petitions.models import ConsentText, Petition


@pytest.mark.django_db
def test_load_demo_adds_one_open_petition_once() -> None:
    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())
    assert ConsentText.objects.count() == 1
    petition = Petition.objects.get()
    assert petition.is_open() and petition.title_en and petition.text_ru
