"""The enumeration guard: no public form tells who signed, joined, replied or has an account.

For every public form that takes an e-mail address, the answer for a new address, a pending
one (signed or replied, not confirmed; an application waiting), a confirmed one (a counted
signature, a member, a place at the event, an account) and an erased one is the same, byte for
byte, apart from the CSRF token (the forms: signing a petition, asking for one's petition
data, joining a group, replying to an event, open or full, a password reset, a directory
suggestion and the supporters' sign-up): the status, the redirect, the cookies (the message shown
next) and the page the visitor lands on.  What differs goes only to that mailbox.
"""

from __future__ import annotations

import datetime
import itertools
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.utils import timezone

from tests.directory.factories import region_tree, seed_000
from vigil.accounts.models import User
from vigil.accounts.services import create_user
from vigil.core import personal_data
from vigil.core.crypto import normalise_email
from vigil.core.fields import blind_index_for
from vigil.directory.models import Region
from vigil.events import services as events
from vigil.events.models import Event, Rsvp
from vigil.groups import joining as group_joining
from vigil.groups import services as groups
from vigil.groups.models import Group, Membership
from vigil.petitions import services as petitions
from vigil.petitions.models import ConsentText, Petition, Signature

pytestmark = pytest.mark.django_db

STATES = ("new", "pending", "confirmed", "erased")
BASE_URL = "http://testserver"
_addresses = itertools.count(1)
_ips = itertools.count(1)

CSRF_FIELD = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+(")')


# --- comparing answers ---------------------------------------------------------------------
def _page(content: bytes, email: str) -> str:
    text = content.decode()
    text = CSRF_FIELD.sub(r"\1CSRF\2", text)
    # A form shown again echoes what was typed: that is the visitor's own input, not news.
    return text.replace(email, "EMAIL")


def _cookies(response: Any) -> list[tuple[str, str]]:
    # Random or timestamped values; the message a cookie carries shows on the landing page.
    varying = {settings.CSRF_COOKIE_NAME, settings.SESSION_COOKIE_NAME, "messages"}
    return sorted(
        (name, "" if name in varying else morsel.value) for name, morsel in response.cookies.items()
    )


def answer(post: Callable[[Client, str, str], Any], email: str) -> tuple[Any, ...]:
    """Everything a visitor sees after sending the form: the answer and the page it leads to."""
    client = Client()
    response = post(client, email, f"10.77.{next(_ips) % 250}.{1 + next(_ips) % 250}")
    seen: list[Any] = [
        response.status_code,
        response.get("Location", ""),
        _cookies(response),
        _page(response.content, email),
    ]
    if response.status_code in (301, 302, 303):
        landing = client.get(response["Location"])
        seen += [landing.status_code, _cookies(landing), _page(landing.content, email)]
    return tuple(seen)


def assert_same_answers(
    post: Callable[[Client, str, str], Any], make_state: Callable[[str, str], None]
) -> None:
    # Every address is put in its state first, so that what is public anyway (a petition's
    # count, an event's free places) is the same for all the answers.
    emails = {state: f"{state}-{next(_addresses)}@example.org" for state in STATES}
    for state, email in emails.items():
        make_state(state, email)
    answers = {state: answer(post, email) for state, email in emails.items()}
    first = answers["new"]
    assert first[0] in (200, 302), first
    for state in STATES[1:]:
        assert answers[state] == first, f"the answer for a {state} address differs"


def erase_account(user: User) -> None:
    with transaction.atomic():
        personal_data.erase(user)


# --- petitions ----------------------------------------------------------------------------
@pytest.fixture
def petition(db: Any) -> Petition:
    ConsentText.objects.create(version=1, text_ru="Согласие.", text_en="Consent.")
    return Petition.objects.create(
        slug="free-them",
        title_ru="Освободите их",
        title_en="Free them",
        target="Прокурору",
        text_ru="Текст.",
        text_en="Text.",
        goal=10,
        closes_at=timezone.now() + datetime.timedelta(days=30),
    )


def make_signer(petition: Petition) -> Callable[[str, str], None]:
    def make(state: str, email: str) -> None:
        if state == "new":
            return
        signed = petitions.sign(
            petition, name="Анна", email=email, country="Россия", city="Тверь",
            consent_version=1, language="ru", ip="10.9.9.9",
        )  # fmt: skip
        if state in ("confirmed", "erased"):
            petitions.confirm(Signature.objects.get(pk=signed.signature_id))
        if state == "erased":
            petitions.erase_my_data(
                blind_index_for(Signature, "email_index", normalise_email(email)) or ""
            )

    return make


@pytest.mark.parametrize("language", ["", "en/"])
def test_signing_a_petition_answers_the_same_for_every_address(
    petition: Petition, language: str
) -> None:
    def post(client: Client, email: str, ip: str) -> Any:
        data = {
            "name": "Анна Каренина", "email": email, "country": "Россия", "city": "Тверь",
            "phone": "", "consent": "on", "consent_version": 1, "website": "",
        }  # fmt: skip
        return client.post(f"/{language}petitions/{petition.slug}/sign/", data, REMOTE_ADDR=ip)

    assert_same_answers(post, make_signer(petition))


def test_asking_for_my_petition_data_answers_the_same_for_every_address(
    petition: Petition,
) -> None:
    def post(client: Client, email: str, ip: str) -> Any:
        return client.post("/petitions/my-data/", {"email": email}, REMOTE_ADDR=ip)

    assert_same_answers(post, make_signer(petition))


# --- groups --------------------------------------------------------------------------------
@pytest.fixture
def kazan_group(db: Any, make_user: Callable[..., User]) -> Group:
    region_tree()
    group = groups.create_group(
        number=501, name="Казань-1", slug="kazan-1", city="Казань",
        region=Region.objects.get(slug="kazan"),
    )  # fmt: skip
    coordinator = make_user("coordinator@example.org", name="Рустам Хайруллин")
    groups.add_member(group, coordinator, Membership.Role.COORDINATOR)
    return group


def test_joining_a_group_answers_the_same_for_every_address(kazan_group: Group) -> None:
    region = Region.objects.get(slug="kazan")

    def make(state: str, email: str) -> None:
        if state == "pending":
            group_joining.apply_to_join(
                name="Дина", email=email, city="Казань", region=region, consent=True
            )
        elif state in ("confirmed", "erased"):
            user = create_user(email=email, password="x" * 20, name="Дина")
            groups.add_member(kazan_group, user)
            if state == "erased":
                erase_account(user)

    def post(client: Client, email: str, ip: str) -> Any:
        data = {
            "name": "Дина Гарипова", "email": email, "city": "Казань", "region": region.pk,
            "languages": "русский", "consent": "on",
        }  # fmt: skip
        return client.post("/groups/join/", data, REMOTE_ADDR=ip)

    assert_same_answers(post, make)


# --- events --------------------------------------------------------------------------------
def _confirm_reply(rsvp: Rsvp) -> None:
    """A visitor follows the link in their mail (a reply counts from then on)."""
    confirm = getattr(events, "confirm_reply", None)
    if confirm is not None:
        confirm(rsvp, base_url=BASE_URL)


@pytest.mark.parametrize("capacity", [None, 1], ids=["open", "full"])
def test_replying_to_an_event_answers_the_same_for_every_address(
    kazan_group: Group, capacity: int | None
) -> None:
    coordinator = Membership.objects.get(group=kazan_group).user
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=10)
    event = events.create_event(
        by=coordinator, organisers=[kazan_group], title="Пикет", kind=Event.Kind.VIGIL,
        description="", venue="Площадь", address="Казань", starts_at=start,
        ends_at=start + datetime.timedelta(hours=2), time_zone="Europe/Moscow",
        visibility=Event.Visibility.PUBLIC, capacity=capacity,
    )  # fmt: skip

    def make(state: str, email: str) -> None:
        if state == "new":
            return
        reply = events.rsvp_visitor(
            event, name="Гость", email=email, language="ru", base_url=BASE_URL
        ).rsvp
        if state in ("confirmed", "erased"):
            _confirm_reply(reply)
        if state == "erased":
            events.cancel_rsvp(reply, base_url=BASE_URL)

    def post(client: Client, email: str, ip: str) -> Any:
        data = {"name": "Гость Гостев", "email": email, "website": ""}
        return client.post(f"/events/{event.pk}/rsvp/", data, REMOTE_ADDR=ip)

    assert_same_answers(post, make)


# --- accounts ------------------------------------------------------------------------------
def test_a_password_reset_answers_the_same_for_every_address(db: Any) -> None:
    def make(state: str, email: str) -> None:
        if state == "new":
            return
        user = create_user(email=email, password="x" * 20, name="Ольга")
        if state == "pending":  # an account not in use (closed, or not yet opened)
            User.objects.filter(pk=user.pk).update(is_active=False)
        if state == "erased":
            erase_account(user)

    def post(client: Client, email: str, ip: str) -> Any:
        return client.post("/account/password/reset/", {"email": email}, REMOTE_ADDR=ip)

    assert_same_answers(post, make)


# --- directory -----------------------------------------------------------------------------
def test_a_directory_suggestion_answers_the_same_for_every_address(
    db: Any, make_user: Callable[..., User]
) -> None:
    entry = seed_000()
    entry.is_published = True
    entry.save()
    from vigil.directory import services as directory

    def make(state: str, email: str) -> None:
        if state == "pending":
            directory.suggest_correction(entry, text="Телефон устарел.", contact_email=email)
        elif state in ("confirmed", "erased"):
            user = make_user(email)
            if state == "erased":
                erase_account(user)

    def post(client: Client, email: str, ip: str) -> Any:
        data = {"text": "Новый адрес офиса.", "contact_email": email, "website": ""}
        return client.post(f"/directory/{entry.slug}/suggest/", data, REMOTE_ADDR=ip)

    assert_same_answers(post, make)


# --- supporters ----------------------------------------------------------------------------
def test_signing_up_as_a_supporter_answers_the_same_for_every_address(db: Any) -> None:
    from vigil.supporters import services as supporters

    def make(state: str, email: str) -> None:
        if state == "pending":  # signed up, the link not followed yet
            supporters.sign_up(name="Лена", email=email, country="RU", language="ru")
        elif state in ("confirmed", "erased"):
            user = create_user(email=email, password="x" * 20, name="Лена")
            if state == "erased":
                erase_account(user)

    def post(client: Client, email: str, ip: str) -> Any:
        data = {"name": "Лена Светлова", "email": email, "country": "RU", "language": "ru"}
        return client.post("/supporters/", data, REMOTE_ADDR=ip)

    assert_same_answers(post, make)
