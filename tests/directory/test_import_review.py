"""The review queue of imports: drafts beside their source text, publish; editions accepted
or declined; staff only; Russian."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client

from vigil.accounts.models import User
from vigil.accounts.roles import Role
from vigil.directory.imports import import_source
from vigil.directory.models import Channel, ImportProposal, Organisation

LAYOUTS = Path(__file__).parent / "fixtures" / "layouts"
pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(make_user: Callable[..., User]) -> User:
    return make_user("editor@example.org", Role.DIRECTORY_EDITOR, name="Ирина Редакторова")


def test_staff_read_a_draft_beside_its_source_and_publish_it_in_russian(
    client: Client, editor: User, make_user: Callable[..., User]
) -> None:
    import_source([LAYOUTS / "06-person-first.txt"])
    draft = Organisation.objects.get()
    assert not draft.is_published
    assert client.get("/directory/review/imports/").status_code == 302  # sign in first
    client.force_login(make_user("member@example.org"))
    assert client.get("/directory/review/imports/").status_code == 403
    assert client.post(f"/directory/review/imports/{draft.pk}/publish/").status_code == 403
    client.force_login(editor)
    page = client.get("/directory/review/imports/").content.decode()
    assert "Импорт на проверку" in page and "Исходный текст" in page
    assert "ul. Sadovaya 12" in page and "Ivan Zorkin" in page  # source text and parsed fields
    response = client.post(f"/directory/review/imports/{draft.pk}/publish/", follow=True)
    assert "опубликован" in response.content.decode()
    draft.refresh_from_db()
    assert draft.is_published and draft.revisions.first().summary == "Published after review"


def test_staff_accept_an_edition_keeping_both_sources(client: Client, editor: User) -> None:
    first = (LAYOUTS / "16-phone-note-hotline.txt").read_text(encoding="utf-8")
    second = first.replace("Fax: 095-473-94-14", "Fax: 095-473-94-14\nContact: Lidia Rozova")
    import_source([("first.txt", first.encode())])
    summary = import_source([("second.txt", second.encode())])
    assert (summary.published, summary.to_review) == (0, 1)
    proposal = ImportProposal.objects.get()
    organisation = proposal.organisation
    assert not organisation.contacts.exists()  # never written over
    client.force_login(editor)
    page = client.get("/en/directory/review/imports/").content.decode()
    assert "Lidia Rozova" in page
    client.post(f"/en/directory/review/editions/{proposal.pk}/", {"decision": "accept"})
    assert organisation.contacts.get().name == "Lidia Rozova"
    assert Channel.objects.get(value="095-473-94-13").note == "hotline, Mon-Fri 9:00-21:00"
    organisation.refresh_from_db()
    assert "first" not in organisation.original_text  # the texts, not the file names
    assert organisation.original_text.count("Moscow Crisis Centre for Women") == 2
    assert import_source([("second.txt", second.encode())]).unchanged == 1


def test_a_declined_edition_changes_nothing(client: Client, editor: User) -> None:
    first = (LAYOUTS / "18-contact-name-comma-role.txt").read_text(encoding="utf-8")
    import_source([("a.txt", first.encode())])
    import_source([("b.txt", first.replace("0752-71-00-11", "0752-71-00-99").encode())])
    proposal = ImportProposal.objects.get()
    client.force_login(editor)
    client.post(f"/en/directory/review/editions/{proposal.pk}/", {"decision": "decline"})
    proposal.refresh_from_db()
    assert proposal.status == "declined"
    assert not Channel.objects.filter(value="0752-71-00-99").exists()


def test_a_draft_records_why_it_is_one_and_the_queue_shows_it_in_both_languages(
    client: Client, editor: User
) -> None:
    import_source([LAYOUTS / "06-person-first.txt"])
    draft = Organisation.objects.get()
    assert draft.import_reasons == [{"code": "first_line"}, {"code": "name_in_text"}]
    client.force_login(editor)
    russian = client.get("/directory/review/imports/").content.decode()
    assert "Почему это черновик" in russian
    assert "Первая строка — не название организации." in russian
    assert "Название найдено в тексте, а не отдельной строкой." in russian
    english = client.get("/en/directory/review/imports/").content.decode()
    assert "Why it is a draft" in english
    assert "The first line is not the organisation&#x27;s name." in english


def test_the_lines_left_unparsed_are_counted_among_the_reasons() -> None:
    text = (LAYOUTS / "06-person-first.txt").read_text(encoding="utf-8")
    text = text.replace("Tel: 8632-65-43-21", "Tel: 8632-65-43-21\n\nzzz one\n\nqqq two")
    import_source([("left.txt", text.encode())])
    draft = Organisation.objects.get()
    assert draft.import_reasons == [
        {"code": "first_line"},
        {"code": "name_in_text"},
        {"code": "lines_left", "count": 2},
    ]
    assert draft.unparsed_lines == ["zzz one", "qqq two"]


def test_reason_labels_in_russian_with_their_count() -> None:
    from django.utils import translation

    from vigil.directory.import_reasons import reason_labels

    with translation.override("ru"):
        labels = reason_labels(
            [{"code": "name_in_text"}, {"code": "lines_left", "count": 3}, {"code": "new"}]
        )
    assert labels == [
        "Название найдено в тексте, а не отдельной строкой.",
        "3 строки остались неразобранными.",
        "new",
    ]
