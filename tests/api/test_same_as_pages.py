"""One rule, one place: every list endpoint returns exactly what its page's selector gives,
for every kind of person (anonymous, supporter, member, group coordinator, staff), on the demo
data plus records each rule must hide (members-only event, unpublished entry, draft campaign,
unpublished case, embargoed document and its translation, a document waiting for review).
People's data (attendances, people, signatures) is read with a staff token only: a session
of any kind is refused."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests.conftest import current_totp
from vigil.accounts import selectors as account_selectors
from vigil.accounts.demo import DEMO_PASSWORD
from vigil.accounts.models import User
from vigil.api import tokens
from vigil.api.models import Scope
from vigil.campaigns import selectors as campaign_selectors
from vigil.campaigns.models import Campaign
from vigil.cases import selectors as case_selectors
from vigil.cases.models import Case
from vigil.directory import selectors as directory_selectors
from vigil.directory.models import Organisation
from vigil.events import selectors as event_selectors
from vigil.events import services as event_services
from vigil.events.models import Event, Rsvp
from vigil.groups import selectors as group_selectors
from vigil.petitions import selectors as petition_selectors
from vigil.petitions import services as petition_services
from vigil.publications import selectors as publication_selectors
from vigil.publications.models import Document

pytestmark = pytest.mark.django_db

PEOPLE = {
    "anonymous": None,
    "supporter": "supporter@vigil.example",
    "member": "member@vigil.example",
    "coordinator": "kazan@vigil.example",
    "staff": "staff@vigil.example",
}


def _pages(client: Client, path: str, headers: dict[str, str]) -> Iterator[dict[str, Any]]:
    url: str | None = path
    while url:
        response = client.get(url, **headers)  # type: ignore[arg-type]
        assert response.status_code == 200, (url, response.content[:300])
        body = response.json()
        yield body
        url = (body["_links"].get("next") or {}).get("href")


def _ids(client: Client, path: str, key: str, headers: dict[str, str]) -> set[int]:
    found: list[int] = []
    for body in _pages(client, f"{path}?per_page=2", headers):
        for item in body["_embedded"][key]:
            found.append(int(item["identifiers"][0].rsplit("-", 1)[1]))
    assert len(found) == len(set(found)), "a record came twice across pages"
    return set(found)


def _add_hidden_records() -> None:
    """One of each thing some rule must hide from somebody."""
    event = Event.objects.filter(visibility=Event.Visibility.PUBLIC).first()
    assert event is not None
    hidden = Event.objects.get(pk=event.pk)
    hidden.pk = None
    hidden.uid = __import__("uuid").uuid4()
    hidden.visibility = Event.Visibility.MEMBERS
    hidden.starts_at = timezone.now() + datetime.timedelta(days=3)
    hidden.ends_at = hidden.starts_at + datetime.timedelta(hours=2)
    hidden.save()
    hidden.organisers.set(event.organisers.all())
    Organisation.objects.create(name_ru="Скрытая организация", slug="hidden-entry",
                                is_published=False)  # fmt: skip
    Campaign.objects.create(slug="draft-campaign", title_ru="Черновик", status="draft")
    Case.objects.create(
        slug="unpublished-case", title_ru="Неопубликованное дело", people="И. П.", country="RU",
        category=Case.Category.values[0], summary_ru="Текст",
    )  # fmt: skip
    _add_documents()


def _add_documents() -> None:
    """Beside the demo's document: two more public ones (so the list has pages), one under
    embargo with a translation of its own (hidden by its original's embargo), one waiting
    for review."""
    demo_document = Document.objects.get()
    made = {}
    embargo = timezone.now() + datetime.timedelta(days=7)
    hiding: dict[str, dict[str, Any]] = {
        "040": {}, "041": {}, "042": {"embargo_at": embargo}, "043": {"needs_review": True}
    }  # fmt: skip
    for number, hidden in hiding.items():
        copy = Document.objects.get(pk=demo_document.pk)
        copy.pk = None
        copy.index_number = f"EUR 46/{number}/2003"
        for name, value in hidden.items():
            setattr(copy, name, value)
        copy.save()
        made[number] = copy
    translation = Document.objects.get(pk=made["042"].pk)
    translation.pk = None
    translation.language = "ru" if made["042"].language != "ru" else "en"
    translation.original = made["042"]
    translation.embargo_at = None
    translation.save()


@pytest.fixture
def demo() -> None:
    call_command("load_demo", stdout=StringIO())
    _add_hidden_records()


def _client_for(email: str | None) -> tuple[Client, Any]:
    client = Client()
    if email is None:
        return client, AnonymousUser()
    user = User.objects.get_by_email(email)
    assert user is not None
    client.post("/en/account/login/", {"username": email, "password": DEMO_PASSWORD})
    if user.needs_two_factor:
        response = client.post("/en/account/two-factor/", {"token": current_totp(user)})
        assert response.status_code == 302
    return client, user


def test_every_list_endpoint_matches_its_pages_selector(demo: None) -> None:
    lists: dict[str, tuple[str, Callable[[Any], Any]]] = {
        "/api/v1/petitions/": ("osdi:petitions", lambda u: petition_selectors.open_petitions()),
        "/api/v1/events/": ("osdi:events", lambda u: event_selectors.upcoming(u)),
        "/api/v1/groups/": ("osdi:groups", lambda u: group_selectors.public_groups()),
        "/api/v1/directory/organisations": (
            "osdi:organisations", lambda u: directory_selectors.visible_organisations(u)
        ),
        "/api/v1/campaigns/": (
            "osdi:advocacy_campaigns", lambda u: campaign_selectors.public_campaigns()
        ),
        "/api/v1/directory/regions": ("osdi:regions", lambda u: directory_selectors.all_regions()),
        "/api/v1/cases/": ("osdi:cases", lambda u: case_selectors.published_cases()),
        "/api/v1/documents/": (
            "osdi:documents", lambda u: publication_selectors.library({}, timezone.now())
        ),
    }  # fmt: skip
    event = event_selectors.upcoming().first()
    assert event is not None
    _reply(event)
    seen_differences = set()
    for kind, email in PEOPLE.items():
        client, user = _client_for(email)
        for path, (key, selector) in lists.items():
            expected = set(selector(user).values_list("pk", flat=True))
            assert _ids(client, path, key, {}) == expected, (kind, path)
            seen_differences.add((path, frozenset(expected)))
        attendances = f"/api/v1/events/{event.pk}/attendances"
        assert client.get(attendances).status_code == 401, kind  # people's data: tokens only
    # The hidden records really are hidden from someone and shown to someone.
    events = {ids for path, ids in seen_differences if path == "/api/v1/events/"}
    organisations = {ids for path, ids in seen_differences if "organisations" in path}
    assert len(events) > 1 and len(organisations) > 1
    listed = {path: ids for path, ids in seen_differences}
    for path in ("/api/v1/directory/regions", "/api/v1/cases/", "/api/v1/documents/"):
        assert len(listed[path]) > 2, (path, "the list should take more than one page")
    assert Case.objects.get(slug="unpublished-case").pk not in listed["/api/v1/cases/"]
    hidden_documents = Document.objects.exclude(pk__in=listed["/api/v1/documents/"])
    assert hidden_documents.count() == 3  # embargoed, its translation, waiting for review
    _people_and_signatures_match_the_back_office_reads(event)


def _reply(event: Event) -> None:
    """Three visitors reply to ``event``; two confirm from the mail, one does not yet."""
    for n in range(3):
        event_services.rsvp_visitor(
            event, name=f"Гость {n}", email=f"guest{n}@example.org", language="ru"
        )
    for rsvp in Rsvp.objects.filter(event=event, status=Rsvp.Status.PENDING)[:2]:
        event_services.confirm_reply(rsvp)


def _people_and_signatures_match_the_back_office_reads(event: Event) -> None:
    consent = petition_selectors.current_consent()
    assert consent is not None
    for petition in petition_selectors.open_petitions():
        for n in range(3):
            petition_services.sign(
                petition, name=f"Подписант {n}", email=f"signer{n}@example.org", country="RU",
                city="Казань", consent_version=consent.version, language="ru", ip=f"192.0.2.{n}",
            )  # fmt: skip
    staff = User.objects.get_by_email("staff@vigil.example")
    _token, raw = tokens.issue(staff, name="t", scopes=[Scope.READ_PEOPLE])
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    client = Client()
    assert _ids(client, "/api/v1/people/", "osdi:people", headers) == set(
        account_selectors.people().values_list("pk", flat=True)
    )
    # Attendances: the attendee page's list, and the replies whose mail has not confirmed
    # them yet, which the API shows as OSDI's "needs action".
    path = f"/api/v1/events/{event.pk}/attendances"
    pending = set(event.rsvps.filter(status=Rsvp.Status.PENDING).values_list("pk", flat=True))
    attendees = {rsvp.pk for rsvp in event_selectors.attendees(event)}
    assert len(attendees) >= 2 and len(pending) >= 1
    assert _ids(client, path, "osdi:attendances", headers) == attendees | pending
    for petition in petition_selectors.open_petitions():
        path = f"/api/v1/petitions/{petition.slug}/signatures"
        assert petition_selectors.signatures_for_staff(petition).count() >= 3
        assert _ids(client, path, "osdi:signatures", headers) == set(
            petition_selectors.signatures_for_staff(petition).values_list("pk", flat=True)
        )
