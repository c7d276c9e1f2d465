"""Suggestions from the public, the editors' review queue, the entry editor and its history."""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable
from html import unescape
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import RequestFactory
from django.utils import timezone, translation
from django.utils.formats import date_format

from vigil.accounts.models import User
from vigil.accounts.roles import Role
from vigil.directory import views
from vigil.directory.models import Channel, Contact, Organisation, Region, Revision, Suggestion

from .factories import region_tree, seed_000

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _region_tree(db: Any) -> None:
    region_tree()


SLUG = "amnesty-international-russia"
EN_PAGE = f"/en/directory/{SLUG}/"


@pytest.fixture
def entry() -> Organisation:
    return seed_000()


@pytest.fixture
def editor(make_user: Callable[..., User]) -> User:
    return make_user("editor@example.org", Role.DIRECTORY_EDITOR, name="Ирина Редакторова")


def text_of(response: Any) -> str:
    html = re.sub(r"<script.*?</script>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def editor_post_data(entry: Organisation | None) -> dict[str, Any]:
    """What the browser would post back from the editor page, untouched."""
    request = RequestFactory().get("/")
    data: dict[str, Any] = {}

    def add(form: Any) -> None:
        for bound in form:
            value = bound.value()
            if value is None:
                continue
            if isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(v) for v in value]
            else:
                data[bound.html_name] = str(value)

    for item in views._editor_forms(request, entry).values():
        if hasattr(item, "management_form"):
            add(item.management_form)
            for form in item.forms:
                add(form)
        else:
            add(item)
    return data


# --- suggestions ---------------------------------------------------------------------------
def test_suggestion_form_is_on_the_page(client: Any, entry: Any) -> None:
    html = client.get(EN_PAGE).content.decode()
    assert f'action="/en/directory/{SLUG}/suggest/"' in html
    assert "Suggest a correction" in html
    assert 'name="website"' in html and 'class="hp" aria-hidden="true"' in html
    assert "never published and never passed on" in html


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"text": "", "contact_email": "a@example.org"}, "Write what should change in this entry."),
        ({"text": "   ", "contact_email": ""}, "Write what should change in this entry."),
        ({"text": "x" * 5001}, "Ensure this value has at most 5000 characters"),
        (
            {"text": "The phone changed.", "contact_email": "not-an-address"},
            "Enter a valid e-mail address, or leave this field empty.",
        ),
    ],
)
def test_bad_suggestion_shows_errors_keeps_input_saves_nothing(
    client: Any, entry: Any, data: dict[str, str], error: str
) -> None:
    response = client.post(f"{EN_PAGE}suggest/", data)
    assert response.status_code == 200
    assert error in text_of(response)
    assert 'aria-invalid="true"' in response.content.decode()
    if data.get("contact_email"):
        assert f'value="{data["contact_email"]}"' in response.content.decode()
    if data["text"].strip() and len(data["text"]) < 100:
        assert data["text"] in response.content.decode()
    assert Suggestion.objects.count() == 0


def test_bad_suggestion_errors_in_russian(client: Any, entry: Any) -> None:
    response = client.post(f"/directory/{SLUG}/suggest/", {"text": ""})
    assert response.status_code == 200
    assert response["Content-Language"] == "ru"
    assert Suggestion.objects.count() == 0


def test_honeypot_saves_nothing_but_thanks(client: Any, entry: Any) -> None:
    response = client.post(
        f"{EN_PAGE}suggest/",
        {"text": "Buy cheap watches", "website": "http://spam.example"},
        follow=True,
    )
    assert response.status_code == 200
    assert "Thank you." in text_of(response)
    assert Suggestion.objects.count() == 0


def test_good_suggestion_is_saved_and_thanked(client: Any, entry: Any) -> None:
    response = client.post(
        f"{EN_PAGE}suggest/",
        {"text": "The Moscow phone is now +7 495 123-45-67.", "contact_email": "Ann@Example.org"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{EN_PAGE}#suggest"
    suggestion = Suggestion.objects.get()
    assert suggestion.organisation == entry
    assert suggestion.text == "The Moscow phone is now +7 495 123-45-67."
    assert suggestion.contact_email.lower() == "ann@example.org"
    assert suggestion.status == Suggestion.Status.OPEN
    page = client.get(response["Location"])
    assert "Thank you. A directory editor will read your suggestion" in text_of(page)


def test_get_on_suggest_goes_back_to_the_page(client: Any, entry: Any) -> None:
    response = client.get(f"{EN_PAGE}suggest/")
    assert response.status_code == 302 and response["Location"] == EN_PAGE


def test_editor_reviews_suggestions(client: Any, entry: Any, editor: User, member: User) -> None:
    client.post(f"{EN_PAGE}suggest/", {"text": "Boris Suvorov has left."})
    client.post(f"{EN_PAGE}suggest/", {"text": "Spam-ish but human."})
    first, second = Suggestion.objects.order_by("pk")

    assert client.get("/en/directory/review/").status_code == 302  # anonymous: sign in
    client.force_login(member)
    assert client.get("/en/directory/review/").status_code == 403
    assert (
        client.post(f"/en/directory/review/{first.pk}/", {"decision": "accept"}).status_code == 403
    )

    client.force_login(editor)
    queue = client.get("/en/directory/review/")
    assert queue.status_code == 200
    assert "Boris Suvorov has left." in text_of(queue)
    response = client.post(
        f"/en/directory/review/{first.pk}/", {"decision": "accept", "note": "Contact removed."}
    )
    assert response.status_code == 302
    client.post(f"/en/directory/review/{second.pk}/", {"decision": "decline"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Suggestion.Status.ACCEPTED
    assert first.reviewed_by == editor and first.reviewed_at is not None
    assert first.review_note == "Contact removed."
    assert second.status == Suggestion.Status.DECLINED
    assert "Boris Suvorov has left." not in text_of(client.get("/en/directory/review/"))
    accepted = client.get("/en/directory/review/?status=accepted")
    assert "Boris Suvorov has left." in text_of(accepted) and "Contact removed." in text_of(
        accepted
    )
    # No decision: nothing changes.
    third = Suggestion.objects.create(organisation=entry, text="Third")
    client.post(f"/en/directory/review/{third.pk}/", {"note": "?"})
    third.refresh_from_db()
    assert third.status == Suggestion.Status.OPEN


# --- the editor: who may ----------------------------------------------------------------------
@pytest.mark.parametrize("path", ["edit/", "history/"])
def test_editor_pages_permissions(
    client: Any, entry: Any, editor: User, member: User, path: str
) -> None:
    anonymous = client.get(f"{EN_PAGE}{path}")
    assert anonymous.status_code == 302 and "/account/login/" in anonymous["Location"]
    client.force_login(member)
    assert client.get(f"{EN_PAGE}{path}").status_code == 403
    assert client.post(f"{EN_PAGE}{path}", {}).status_code == 403
    client.force_login(editor)
    assert client.get(f"{EN_PAGE}{path}").status_code == 200


def test_new_entry_permissions(client: Any, member: User, editor: User) -> None:
    assert client.get("/en/directory/new/").status_code == 302
    client.force_login(member)
    assert client.get("/en/directory/new/").status_code == 403
    client.force_login(editor)
    assert client.get("/en/directory/new/").status_code == 200


def test_staff_may_edit_too(signed_in_staff: Any, entry: Any) -> None:
    assert signed_in_staff.get(f"{EN_PAGE}edit/").status_code == 200


# --- the editor: saving -------------------------------------------------------------------
def test_editor_form_shows_the_entry(client: Any, entry: Any, editor: User) -> None:
    client.force_login(editor)
    html = client.get(f"{EN_PAGE}edit/").content.decode()
    assert 'value="Amnesty International - Russia"' in html
    assert "Boris Suvorov" in html and "812-247-40-46" in html
    assert "Amnesty International Bulletin" in html
    assert 'name="offices-TOTAL_FORMS" value="4"' in html
    assert " style=" not in html and "<script>" not in html


def test_unchanged_save_keeps_everything(client: Any, entry: Any, editor: User) -> None:
    client.force_login(editor)
    before = {
        "offices": entry.offices.count(),
        "contacts": entry.contacts.count(),
        "channels": Channel.objects.count(),
        "publications": entry.publications.count(),
    }
    response = client.post(f"{EN_PAGE}edit/", editor_post_data(entry))
    assert response.status_code == 302, text_of(response)[:2000]
    entry.refresh_from_db()
    assert entry.last_updated == datetime.date(1996, 3, 1)
    assert entry.offices.count() == before["offices"]
    assert entry.contacts.count() == before["contacts"]
    assert Channel.objects.count() == before["channels"]
    assert entry.publications.count() == before["publications"]
    assert Channel.objects.filter(withheld=True, kind="email").count() == 2
    assert sorted(entry.regions.values_list("slug", flat=True)) == ["moscow", "nis", "russia-west"]


def test_edit_saves_through_the_service_with_a_revision_and_history_diff(
    client: Any, entry: Any, editor: User
) -> None:
    client.force_login(editor)
    data = editor_post_data(entry)
    data["name_en"] = "Amnesty International Russia"
    data["aliases"] = "AI Russia\nAI-Moscow"
    data["updated_month"] = "11"
    data["updated_year"] = "2026"
    data["mark_verified"] = "on"
    data["summary"] = "Checked by phone"
    data["offices-0-phones"] = "095-291-29-04\n+7 495 916-00-00"
    # Boris Suvorov no longer public; a new contact in St. Petersburg.
    data.pop("contacts-0-is_published")
    data["contacts-4-name"] = "Olga Petrova"
    data["contacts-4-role"] = "Director"
    data["contacts-4-office"] = str(entry.offices.get(position=1).pk)
    data["contacts-4-emails"] = "olga@example.org"
    # Remove the publication.
    data["publications-0-DELETE"] = "on"

    response = client.post(f"{EN_PAGE}edit/", data)
    assert response.status_code == 302, text_of(response)[:3000]
    assert response["Location"] == EN_PAGE
    entry.refresh_from_db()
    assert entry.name_en == "Amnesty International Russia"
    assert entry.aliases == ["AI Russia", "AI-Moscow"]
    assert entry.last_updated == datetime.date(2026, 11, 1)
    assert entry.verified_at is not None and not entry.is_stale()
    assert entry.publications.count() == 0
    phone = Channel.objects.get(value="+7 495 916-00-00")
    assert phone.office == entry.offices.get(position=0) and phone.normalised == "+74959160000"
    assert not Contact.objects.get(name="Boris Suvorov").is_published
    olga = Contact.objects.get(name="Olga Petrova")
    assert olga.office == entry.offices.get(position=1) and olga.role == "Director"
    assert olga.channels.get().value == "olga@example.org"

    baseline, revision = Revision.objects.filter(organisation=entry).order_by("pk")
    assert baseline.snapshot["name_en"] == "Amnesty International - Russia"
    assert revision.author == editor
    assert revision.summary == "Checked by phone"
    assert revision.snapshot["name_en"] == "Amnesty International Russia"

    # A second edit: the history shows who, when and the field-level difference.
    data = editor_post_data(entry)
    data["mission"] = "Works for the release of prisoners of conscience."
    data["summary"] = "Shorter mission"
    assert client.post(f"{EN_PAGE}edit/", data).status_code == 302
    assert Revision.objects.filter(organisation=entry).count() == 3

    history = client.get(f"{EN_PAGE}history/")
    assert history.status_code == 200
    text = text_of(history)
    assert "Shorter mission" in text and "Checked by phone" in text
    assert "Ирина Редакторова" in text
    assert "What it works for" in text
    assert "Works for the release of prisoners of conscience." in text
    # The first edit's changes, against the entry as it was before.
    assert "Amnesty International - Russia" in text and "+7 495 916-00-00" in text
    html = history.content.decode()
    assert "<del>" in html and "<ins>" in html
    # Times in the editor's own zone.
    editor.time_zone = "Asia/Vladivostok"
    editor.save()
    with timezone.override(ZoneInfo("Asia/Vladivostok")), translation.override("en"):
        expected = date_format(timezone.localtime(revision.created_at), "DATETIME_FORMAT")
    assert expected in text_of(client.get(f"{EN_PAGE}history/"))


def test_public_page_after_edit_hides_the_unpublished_contact(
    client: Any, entry: Any, editor: User
) -> None:
    client.force_login(editor)
    data = editor_post_data(entry)
    data.pop("contacts-1-is_published")
    assert client.post(f"{EN_PAGE}edit/", data).status_code == 302
    client.logout()
    assert "Lashizeva" not in client.get(EN_PAGE).content.decode()


def test_invalid_edit_shows_errors_and_saves_nothing(client: Any, entry: Any, editor: User) -> None:
    client.force_login(editor)
    data = editor_post_data(entry)
    data["name_ru"] = ""
    data["name_en"] = ""
    data["updated_month"] = "3"
    data["updated_year"] = ""
    data["offices-0-emails"] = "not an address"
    response = client.post(f"{EN_PAGE}edit/", data)
    assert response.status_code == 200
    text = text_of(response)
    assert "The entry is not saved yet" in text
    assert "Give the name in Russian, in English, or both." in text
    assert "Enter the year too, or clear the month." in text
    assert "“not an address” is not an e-mail address." in text
    assert Revision.objects.count() == 0
    entry.refresh_from_db()
    assert entry.name_en == "Amnesty International - Russia"


def test_new_entry(client: Any, editor: User) -> None:
    client.force_login(editor)
    data = editor_post_data(None)
    data.update(
        {
            "name_ru": "Мемориал",
            "name_en": "",
            "mission": "Память и права человека.",
            "regions": ["moscow"],
            "updated_month": "1",
            "updated_year": "2020",
            "is_published": "on",
            "offices-0-city": "Москва",
            "offices-0-phones": "(495) 225-31-18",
            "publications-0-title": "Бюллетень",
        }
    )

    data["regions"] = [str(Region.objects.get(slug="moscow").pk)]
    response = client.post("/en/directory/new/", data)
    assert response.status_code == 302, text_of(response)[:3000]
    entry = Organisation.objects.get(name_ru="Мемориал")
    assert entry.slug == "memorial"
    assert response["Location"] == "/en/directory/memorial/"
    assert entry.offices.get().channels.get().normalised == "+74952253118"
    assert entry.publications.get().title == "Бюллетень"
    revision = Revision.objects.get(organisation=entry)
    assert revision.summary == "Entry created" and revision.author == editor
    client.logout()
    page = client.get("/directory/memorial/")
    assert page.status_code == 200 and "Мемориал" in text_of(page)
    assert "Мемориал" in text_of(client.get("/directory/region/nis/"))


# --- the back office ------------------------------------------------------------------------
def test_back_office_shows_the_directory(signed_in_staff: Any, entry: Any) -> None:
    Suggestion.objects.create(organisation=entry, text="Phone changed")
    signed_in_staff.post(f"{EN_PAGE}edit/", editor_post_data(entry))
    base = "/en/back-office/directory"
    for model in ("organisation", "office", "contact", "region", "topic", "suggestion", "revision"):
        assert signed_in_staff.get(f"{base}/{model}/").status_code == 200, model
    assert signed_in_staff.get(f"{base}/organisation/{entry.pk}/change/").status_code == 200
    suggestion = Suggestion.objects.get()
    page = signed_in_staff.get(f"{base}/suggestion/{suggestion.pk}/change/")
    assert page.status_code == 200
    revision = Revision.objects.filter(organisation=entry).first()
    assert revision is not None
    assert signed_in_staff.get(f"{base}/revision/{revision.pk}/change/").status_code == 200
    assert signed_in_staff.get(f"{base}/revision/add/").status_code == 403
    response = signed_in_staff.post(
        f"{base}/suggestion/{suggestion.pk}/change/",
        {"status": "accepted", "review_note": "Done"},
    )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.ACCEPTED
    assert suggestion.reviewed_at is not None and suggestion.review_note == "Done"


def test_renaming_a_large_region_says_the_search_follows(
    signed_in_staff: Any, entry: Any, monkeypatch: Any
) -> None:
    """A region shown by more entries than a request reindexes: staff are told the search
    catches up in the background; a small one says nothing of the kind."""
    from vigil.directory import signals

    moscow = Region.objects.get(slug="moscow")

    def rename(region: Region, name: str, language: str = "/en") -> str:
        response = signed_in_staff.post(
            f"{language}/back-office/directory/region/{region.pk}/change/",
            {
                "parent": region.parent_id or "",
                "slug": region.slug,
                "kind": region.kind,
                "iso_code": region.iso_code,
                "name_en": name,
                "name_ru": region.name_ru,
                "source_names": json.dumps(region.source_names),
            },
            follow=True,
        )
        assert response.status_code == 200
        return text_of(response)

    assert "in the background" not in rename(moscow, "Moscow City")
    monkeypatch.setattr(signals, "REINDEX_IN_REQUEST", 0)
    page = rename(moscow, "Moskva")
    assert "The search is being updated in the background for the 1 entry" in page
    page = rename(moscow, "Moskwa", language="")
    assert "Поиск обновляется в фоновом режиме для 1 записи" in page
    assert Region.objects.get(pk=moscow.pk).name_en == "Moskwa"
