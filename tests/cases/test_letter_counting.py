"""A letter counts once per writer, case, official and month, whatever the downloads; the
coordination dashboard shows the same count as the letters page."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from vigil.accounts.models import User
from vigil.cases import selectors
from vigil.cases.models import Case, Letter
from vigil.coordination import selectors as coordination
from vigil.groups.models import Group

from .test_letters_and_pages import letter_data

pytestmark = pytest.mark.django_db


def test_two_downloads_count_one_letter(client: Any, russian_member: User, abroad: Case) -> None:
    client.force_login(russian_member)
    for _attempt in range(3):
        response = client.post("/cases/abroad/write/", letter_data(abroad))
        assert response["Content-Type"] == "application/pdf"
    assert Letter.objects.count() == 1
    assert [row["letters"] for row in selectors.letter_counts()] == [1]
    assert selectors.letter_count(abroad) == 1


def test_a_new_month_is_a_new_letter(client: Any, russian_member: User, abroad: Case) -> None:
    client.force_login(russian_member)
    client.post("/cases/abroad/write/", letter_data(abroad))
    last_month = timezone.now() - datetime.timedelta(days=40)
    Letter.objects.update(written_at=last_month, month=last_month.date().replace(day=1))
    client.post("/cases/abroad/write/", letter_data(abroad))
    assert Letter.objects.count() == 2


def test_keeping_a_copy_on_the_second_download_keeps_it(
    client: Any, russian_member: User, abroad: Case
) -> None:
    client.force_login(russian_member)
    client.post("/cases/abroad/write/", letter_data(abroad))
    client.post("/cases/abroad/write/", letter_data(abroad, keep_text="on"))
    letter = Letter.objects.get()
    assert letter.kept and "освободить Ивана Петрова" in letter.text


def test_dashboard_reads_the_letters_written_through_the_site(
    client: Any,
    russian_member: User,
    make_user: Any,
    abroad: Case,
    death_penalty_ru: Case,
    kazan: Group,
    staff: User,
) -> None:
    from vigil.groups import services as group_services
    from vigil.groups.models import Membership

    others = [make_user(name=f"Член {n}") for n in range(3)]
    for person in others:
        group_services.add_member(kazan, person, Membership.Role.MEMBER)
    for person in [russian_member, *others]:
        client.force_login(person)
        client.post("/cases/abroad/write/", letter_data(abroad))
        client.post("/cases/abroad/write/", letter_data(abroad))  # downloaded twice
    board = coordination.dashboard(Group.objects.filter(pk=kazan.pk), staff)
    [row] = board.rows
    assert row.letters_total == 4
    assert row.letters == {abroad.title: 4}
    assert board.letters_total == 4
