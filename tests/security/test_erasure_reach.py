"""Erasure reaches what a person left through the directory's suggestion form."""

from __future__ import annotations

import importlib
from collections.abc import Callable

import pytest
from django.apps import apps

from tests.directory.factories import seed_000
from vigil.accounts.models import User
from vigil.core import personal_data
from vigil.directory.models import Suggestion
from vigil.directory.services import suggest_correction

pytestmark = pytest.mark.django_db


def test_erasure_removes_the_contact_address_of_suggestions(
    make_user: Callable[..., User],
) -> None:
    entry = seed_000()
    person = make_user("helper@example.org")
    mine = suggest_correction(entry, text="New phone.", contact_email="Helper@Example.org")
    other = suggest_correction(entry, text="New mail.", contact_email="other@example.org")
    # A suggestion from before the index existed: the migration indexes it.
    Suggestion.objects.filter(pk=mine.pk).update(contact_email_index=None)
    migration = importlib.import_module(
        "vigil.directory.migrations.0009_suggestion_contact_email_index"
    )
    migration.index_contact_emails(apps, None)
    assert personal_data.copy_of(person)["directory"]["suggestions"][0]["text"] == "New phone."

    personal_data.erase(person)
    mine.refresh_from_db()
    other.refresh_from_db()
    assert (mine.contact_email, mine.text) == ("", "New phone.")
    assert other.contact_email == "other@example.org"
