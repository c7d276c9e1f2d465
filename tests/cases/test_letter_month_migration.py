"""Migrations cases.0002 and 0003: letters written before it get their month, and repeats (the same
writer, case, official and month, from repeated downloads) become one letter."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from vigil.accounts.models import User
from vigil.cases.models import Case, Letter

BEFORE = "0001_initial"  # before 0002_letter_month and 0003_letter_counted_once_a_month


@pytest.mark.django_db(transaction=True)
def test_repeated_downloads_become_one_letter(
    make_user: Callable[..., User], make_case: Callable[..., Case], region_tree: Any
) -> None:
    writer = make_user(name="Писатель")
    case = make_case("AZ", Case.Category.OTHER, slug="old-letters")
    official = case.officials.get()
    call_command("migrate", "cases", BEFORE, verbosity=0)
    try:
        november = datetime.datetime(2026, 11, 5, 12, 0, tzinfo=datetime.UTC)
        rows = [
            (november, False),
            (november + datetime.timedelta(days=1), True),  # the copy kept the second time
            (november + datetime.timedelta(days=30), False),  # December: another letter
        ]
        with connection.cursor() as cursor:
            for written_at, kept in rows:
                cursor.execute(
                    "INSERT INTO cases_letter (case_id, official_id, writer_id, channel, "
                    "language, written_at, text, kept) VALUES (%s, %s, %s, 'post', 'ru', %s, "
                    "'', %s)",
                    [case.pk, official.pk, writer.pk, written_at, kept],
                )
    finally:
        call_command("migrate", "cases", verbosity=0)
    letters = list(Letter.objects.order_by("written_at"))
    assert [(letter.month, letter.kept) for letter in letters] == [
        (datetime.date(2026, 11, 1), True),
        (datetime.date(2026, 12, 1), False),
    ]
