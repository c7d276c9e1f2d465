"""Every URL of the groups, events, coordination, partners and action points apps, as every
kind of person.

The URLs are read from the URL resolver (the ``groups``, ``events``, ``coordination``,
``partners`` and ``actionpoints`` namespaces), so a URL added later is walked too, and the test
fails until EXPECTED says who may open it and ``build_world`` says what to put in its path.

Path parameters point at group A's things: group A, an application to group A, a members-only
event organised by group A alone, an action point group A owns; and at a roundtable with a
partner organisation.  Each role asks with GET, and with POST (empty body) where the
view takes it; each request runs in a savepoint that is rolled back, so one request (an RSVP,
leaving a group) does not change what the next one sees.

A response *lets in* when it is 2xx, or 3xx to anywhere but the sign-in page; it *keeps out*
when it is a redirect to sign in, 403, 404 or another 4xx.  405 means the view does not take
that method at all.  The test fails when:

* a role outside a URL's entry is let in (GET or POST): an unexpected allow;
* a role inside a URL's entry is kept out on GET: the table or the view is wrong;
* a page shown to someone outside group A carries group A's private things (a meeting's
  decisions, the title of its members-only event), whatever the status code.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone, translation

from vigil.accounts.models import User
from vigil.actionpoints import services as point_services
from vigil.directory.models import Organisation
from vigil.events import selectors as event_selectors
from vigil.events import services as event_services
from vigil.events.models import Event, Rsvp
from vigil.groups import services as group_services
from vigil.groups.models import Application, Meeting, Membership
from vigil.partners import services as partner_services

from .network import Network, build_network, make_event, sign_in

NAMESPACES = ("groups", "events", "coordination", "partners", "actionpoints")

# --- who is who ----------------------------------------------------------------------------
ANONYMOUS = "anonymous visitor"
SUPPORTER = "supporter"
MEMBER_A = "member of group A"
MEMBER_B = "member of group B"
COORDINATOR_A = "coordinator of group A"
REGIONAL_A = "regional coordinator of A's region"
REGIONAL_OTHER = "regional coordinator of another region"
STAFF = "national staff"

ROLES = [ANONYMOUS, SUPPORTER, MEMBER_A, MEMBER_B, COORDINATOR_A, REGIONAL_A, REGIONAL_OTHER, STAFF]
#: The network fixture's people behind each role.
PEOPLE = {
    SUPPORTER: "supporter",
    MEMBER_A: "member_a",
    MEMBER_B: "member_b",
    COORDINATOR_A: "coordinator_a",
    REGIONAL_A: "regional_a",
    REGIONAL_OTHER: "regional_other",
    STAFF: "staff",
}

EVERYONE = frozenset(ROLES)
#: The address carries a signed token: holding the link is the permission (mail links, feeds).
TOKEN = EVERYONE
SIGNED_IN = EVERYONE - {ANONYMOUS}
#: Those who manage group A: its coordinator, the regional coordinator over it, national staff.
MANAGE_A = frozenset({COORDINATOR_A, REGIONAL_A, STAFF})
#: Those who see group A's inside: its members and those who manage it.
INSIDE_A = MANAGE_A | {MEMBER_A}
#: Those who organise group A's events: its coordinator and staff (not regional coordinators).
ORGANISE_A = frozenset({COORDINATOR_A, STAFF})
COORDINATORS = frozenset({REGIONAL_A, REGIONAL_OTHER, STAFF})
STAFF_ONLY = frozenset({STAFF})
ROUNDTABLE_URLS = (
    "roundtable",
    "agenda",
    "invite",
    "attendance",
    "minutes",
    "close",
    "minutes_pdf",
)

# --- who may open what (path parameters point at group A's things) -------------------------
EXPECTED: dict[str, frozenset[str]] = {
    # groups
    "groups:index": EVERYONE,
    "groups:join": EVERYONE,
    # Public page: anyone sees name and city; the leak check guards what only insiders see.
    "groups:detail": EVERYONE,
    "groups:unsubscribe": TOKEN,
    "groups:applications": COORDINATORS | {COORDINATOR_A},
    "groups:application": MANAGE_A,
    "groups:edit": MANAGE_A,
    "groups:log_meeting": MANAGE_A,
    "groups:write": MANAGE_A,
    "groups:leave": SIGNED_IN,  # POST only; a non-member is sent back to the group's page
    "groups:my_data": SIGNED_IN,
    "groups:my_data_download": SIGNED_IN,
    # events (the event is members-only and organised by group A alone)
    "events:index": EVERYONE,
    "events:feed": EVERYONE,
    "events:region_feed": EVERYONE,
    "events:group_feed": EVERYONE,
    "events:group_feed_private": TOKEN,
    "events:group": EVERYONE,
    "events:rsvp_cancel_link": TOKEN,
    "events:rsvp_confirm": TOKEN,
    "events:new": ORGANISE_A,  # any group's coordinator, and staff
    "events:detail": INSIDE_A,
    "events:rsvp": INSIDE_A,
    "events:withdraw": INSIDE_A,
    "events:edit": ORGANISE_A,
    "events:cancel": ORGANISE_A,
    "events:attendees": ORGANISE_A,
    # coordination
    "coordination:dashboard": COORDINATORS,
    "coordination:export_csv": COORDINATORS,
    # partners and roundtables: national staff; the invitee's link is the permission
    "partners:index": STAFF_ONLY,
    "partners:partner": STAFF_ONLY,
    "partners:roundtables": STAFF_ONLY,
    "partners:new": STAFF_ONLY,
    "partners:roundtable": STAFF_ONLY,
    "partners:agenda": STAFF_ONLY,
    "partners:invite": STAFF_ONLY,
    "partners:withdraw": STAFF_ONLY,
    "partners:attendance": STAFF_ONLY,
    "partners:minutes": STAFF_ONLY,
    "partners:close": STAFF_ONLY,
    "partners:minutes_pdf": STAFF_ONLY,
    "partners:answer": TOKEN,
    # action points (the point is owned by group A): staff, and group A's coordinator
    "actionpoints:board": frozenset({COORDINATOR_A, STAFF}),
    "actionpoints:new": STAFF_ONLY,
    "actionpoints:detail": ORGANISE_A,
    "actionpoints:edit": STAFF_ONLY,
    "actionpoints:progress": ORGANISE_A,
    "actionpoints:feed": TOKEN,
}

#: URLs whose address is itself the key: the leak check does not apply to them.
CAPABILITY_URLS = {
    "groups:unsubscribe",
    "events:group_feed_private",
    "events:rsvp_cancel_link",
    "events:rsvp_confirm",
    "partners:answer",
    "actionpoints:feed",
}

#: Text only group A's insiders may read, planted in the fixtures.
SECRETS = ("СЕКРЕТ-решение-группы-А", "СЕКРЕТ-собрание-группы-А", "СЕКРЕТ-пункт-группы-А")


# --- what goes in the path -----------------------------------------------------------------
@dataclass
class World:
    network: Network
    values: dict[str, dict[str, Any]]


def build_world(make_user: Callable[..., User]) -> World:
    network = build_network(make_user)
    a = network.a
    Meeting.objects.filter(group=a, held_on=network.today).update(decisions=SECRETS[0])
    secret_event = make_event(SECRETS[1], a, days=15, visibility=Event.Visibility.MEMBERS)
    application = Application.objects.create(
        group=a, region=a.region, name="Анна Заявкина", email="applicant@example.org",
        city="Москва", consent_at=timezone.now(),
    )  # fmt: skip
    visitor_reply = Rsvp.objects.create(
        event=network.public_event, name="Гость", email="guest@example.org",
        status=Rsvp.Status.CONFIRMED,
    )  # fmt: skip
    unconfirmed_reply = Rsvp.objects.create(
        event=network.public_event, name="Гостья", email="guest2@example.org",
        status=Rsvp.Status.PENDING,
    )  # fmt: skip
    member_a = network.people["member_a"]
    membership = Membership.objects.get(group=a, user=member_a, left_at__isnull=True)
    staff = network.people["staff"]
    partner = Organisation.objects.create(name_ru="Партнёр", slug="partner-ngo")
    roundtable = partner_services.create_roundtable(
        by=staff, organisers=[a], title="Круглый стол", description="", venue="Зал",
        address="", starts_at=secret_event.starts_at, ends_at=secret_event.ends_at,
        time_zone="Europe/Moscow", visibility=Event.Visibility.MEMBERS, capacity=None,
    )  # fmt: skip
    invitation = partner_services.invite(
        roundtable, by=staff, name="Гость", email="partner@example.org", organisation=partner
    ).invitation
    point = point_services.create_point(
        by=staff, owners=[point_services.OwnerSpec(group=a)], title_ru=SECRETS[2]
    )
    defaults = {"slug": a.slug, "pk": secret_event.pk}
    values: dict[str, dict[str, Any]] = {
        "groups:application": {"pk": application.pk},
        "groups:unsubscribe": {"token": group_services.unsubscribe_token(membership)},
        "events:region_feed": {"slug": a.region.slug},
        "events:group_feed_private": {
            "slug": a.slug,
            "token": event_selectors.member_feed_token(member_a, a),
        },
        "events:rsvp_cancel_link": {"token": event_selectors.rsvp_cancel_token(visitor_reply)},
        "events:rsvp_confirm": {"token": event_services.confirm_token(unconfirmed_reply)},
        "partners:partner": {"slug": partner.slug},
        "partners:answer": {"token": partner_services.invitation_token(invitation)},
        "partners:withdraw": {"pk": roundtable.pk, "invitation": invitation.pk},
        "actionpoints:feed": {"token": point_services.feed_token(network.people["coordinator_a"])},
        **{f"partners:{name}": {"pk": roundtable.pk} for name in ROUNDTABLE_URLS},
        **{f"actionpoints:{name}": {"pk": point.pk} for name in ("detail", "edit", "progress")},
    }
    return World(network, {"*": defaults, **values})


def routes() -> Iterator[tuple[str, list[str]]]:
    """(namespaced name, path parameter names) of every URL in NAMESPACES."""

    def walk(patterns: list[Any], namespace: str | None) -> Iterator[tuple[str, list[str]]]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and namespace in NAMESPACES:
                assert entry.name, f"an unnamed URL in {namespace}: {entry.pattern}"
                converters = getattr(entry.pattern, "converters", None)
                names = list(converters or entry.pattern.regex.groupindex)
                yield f"{namespace}:{entry.name}", names

    yield from walk(get_resolver().url_patterns, None)


def address(world: World, name: str, params: list[str]) -> str:
    given = {**world.values["*"], **world.values.get(name, {})}
    missing = [p for p in params if p not in given]
    assert not missing, f"say in build_world's values what {missing} of {name} should be"
    with translation.override("ru"):  # the default language: no prefix
        return reverse(name, kwargs={p: given[p] for p in params})


# --- what a response means -----------------------------------------------------------------
LET_IN, KEPT_OUT, NO_SUCH_METHOD = "let in", "kept out", "method not accepted"


def outcome(answer: Answer) -> str:
    response = answer.response
    code = response.status_code
    if code == 405:
        return NO_SUCH_METHOD
    if 200 <= code < 300:
        return LET_IN
    if 300 <= code < 400:
        target = urlsplit(response["Location"]).path
        return KEPT_OUT if resolve(target).view_name == "accounts:login" else LET_IN
    return KEPT_OUT


def body(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


@dataclass
class Answer:
    response: Any
    text: str

    @property
    def status_code(self) -> int:
        return int(self.response.status_code)


def ask(client: Client, method: str, url: str) -> Answer:
    """One request whose writes are rolled back; the client's cookies are kept as they were."""
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        response = client.get(url) if method == "GET" else client.post(url, {})
        answer = Answer(response, body(response))  # read inside the savepoint: streams may query
        transaction.set_rollback(True)
    client.cookies = cookies
    return answer


# --- the tests -----------------------------------------------------------------------------
def test_the_table_covers_every_url_and_nothing_else() -> None:
    found = {name for name, _params in routes()}
    assert {n.split(":")[0] for n in found} == set(NAMESPACES)
    assert sorted(found - EXPECTED.keys()) == [], "say in EXPECTED who may open these"
    assert sorted(EXPECTED.keys() - found) == [], "these URLs are gone: drop them from EXPECTED"


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role.replace(" ", "-").replace("'", ""))
def test_every_url_as(role: str, client: Client, make_user: Callable[..., User]) -> None:
    world = build_world(make_user)
    if role != ANONYMOUS:
        sign_in(client, world.network.people[PEOPLE[role]])
    problems: list[str] = []
    walked = 0
    for name, params in routes():
        if name not in EXPECTED:
            continue  # the coverage test above names it
        url = address(world, name, params)
        allowed = role in EXPECTED[name]
        for method in ("GET", "POST"):
            response = ask(client, method, url)
            result = outcome(response)
            if result == NO_SUCH_METHOD:
                continue
            walked += 1
            where = f"{method} {url} ({name}) → {response.status_code}"
            if result == LET_IN and not allowed:
                problems.append(f"UNEXPECTED ALLOW: {where}")
            if result == KEPT_OUT and allowed and method == "GET":
                problems.append(f"unexpected deny: {where}")
            if role not in INSIDE_A and name not in CAPABILITY_URLS:
                leaked = [s for s in SECRETS if s in response.text]
                if leaked:
                    problems.append(f"LEAK of {leaked}: {where}")
    assert walked >= len(EXPECTED)
    assert problems == [], "\n".join(problems)


def test_the_walk_would_notice_an_open_door(client: Client, make_user: Callable[..., User]) -> None:
    """The classification itself, and the rollback between requests."""
    world = build_world(make_user)
    edit = address(world, "groups:edit", ["slug"])
    assert outcome(ask(client, "GET", edit)) == KEPT_OUT  # anonymous: sent to sign in
    member_a = world.network.people["member_a"]
    sign_in(client, member_a)
    assert outcome(ask(client, "GET", edit)) == KEPT_OUT  # 403
    assert outcome(ask(client, "GET", address(world, "groups:index", []))) == LET_IN
    leave = address(world, "groups:leave", ["slug"])
    assert outcome(ask(client, "GET", leave)) == NO_SUCH_METHOD
    assert outcome(ask(client, "POST", leave)) == LET_IN
    # Leaving was rolled back: member A is still in group A, and still signed in.
    assert Membership.objects.filter(
        group=world.network.a, user=member_a, left_at__isnull=True
    ).exists()
    assert ask(client, "GET", address(world, "groups:my_data", [])).status_code == 200
    # The leak check looks for text that insiders really are shown.
    assert SECRETS[0] in ask(client, "GET", address(world, "groups:detail", ["slug"])).text
    assert SECRETS[1] in ask(client, "GET", address(world, "events:detail", ["pk"])).text
    client.logout()
    sign_in(client, world.network.people["coordinator_a"])
    assert SECRETS[2] in ask(client, "GET", address(world, "actionpoints:detail", ["pk"])).text
