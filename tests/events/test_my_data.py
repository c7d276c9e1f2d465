"""A person's replies in their copy of their data, and withdrawn when they are erased."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import override_settings

from tests.conftest import SmtpSink
from tests.events.conftest import make_event, sign_in
from vigil.accounts.models import User
from vigil.core import personal_data
from vigil.events import selectors, services
from vigil.events.models import Event, Rsvp
from vigil.groups.models import Group

pytestmark = pytest.mark.django_db


def test_the_copy_holds_member_and_visitor_replies(
    client: Any, coordinator: User, group_member: User, group: Group
) -> None:
    vigil = make_event(coordinator, [group])
    concert = make_event(coordinator, [group], title="Concert", days=20)
    services.rsvp_member(vigil, group_member)
    # Before joining, the same person replied as a visitor from the same address.
    services.rsvp_visitor(concert, name="Pavel", email="GroupMember@example.org", language="en")
    sign_in(client, group_member)
    data = json.loads(client.get("/en/groups/my-data/vigil-my-data.json").content)
    replies = data["events"]["replies"]
    assert [(r["event"], r["as_visitor"]) for r in replies] == [
        ("Candlelight vigil", False),
        ("Concert", True),
    ]
    assert replies[1]["name"] == "Pavel" and "email" not in replies[0]


def test_someone_elses_replies_are_not_in_the_copy(
    coordinator: User, group_member: User, event: Event
) -> None:
    services.rsvp_member(event, coordinator)
    assert selectors.data_of(group_member) == {"replies": []}


@override_settings(VIGIL_BASE_URL="https://vigil.example.org")
def test_erasure_withdraws_the_replies_and_the_next_in_line_gets_the_place(
    coordinator: User,
    group_member: User,
    group: Group,
    make_user: Callable[..., User],
    smtp_server: SmtpSink,
    run_tasks: Callable[[], None],
) -> None:
    full = make_event(coordinator, [group], capacity=1)
    services.rsvp_member(full, group_member)
    vera = services.rsvp_visitor(full, name="Вера", email="vera@example.org", language="en")
    services.confirm_reply(vera.rsvp)
    other = make_event(coordinator, [group], title="Concert", days=20)
    services.rsvp_visitor(other, name="Pavel", email="groupmember@example.org", language="en")
    run_tasks()
    smtp_server.envelopes.clear()
    smtp_server.messages.clear()
    personal_data.erase(group_member)
    assert not Rsvp.objects.filter(user=group_member).exists()
    assert not other.rsvps.exists()  # the visitor reply from the same address went too
    promoted = full.rsvps.get()
    assert promoted.status == Rsvp.Status.CONFIRMED and promoted.promoted_at is not None
    run_tasks()
    assert [e[1] for e in smtp_server.envelopes] == [["vera@example.org"]]
    body = smtp_server.messages[0].get_payload(decode=True).decode()  # type: ignore[union-attr]
    # Mail sent without a request links to the configured address of the site.
    assert f"https://vigil.example.org/en/events/{full.pk}/" in body
