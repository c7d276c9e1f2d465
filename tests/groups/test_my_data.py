"""A member's own data: leave, a JSON copy, erasure."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import PASSWORD
from tests.groups.conftest import sign_in
from vigil.accounts.models import User
from vigil.audit.models import AuditEvent
from vigil.core import personal_data
from vigil.directory.models import Region
from vigil.groups import selectors
from vigil.groups.models import Application, Group, Membership

pytestmark = pytest.mark.django_db


def test_download_holds_the_members_data(client: Any, kazan: Group, kazan_member: User) -> None:
    sign_in(client, kazan_member)
    response = client.get("/en/groups/my-data/vigil-my-data.json")
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["account"]["email"] == kazan_member.email
    assert data["account"]["roles"] == ["member"]
    assert data["groups"]["memberships"][0]["group"] == str(kazan)
    # Every app that registered its part is in the copy, the events too (empty here).
    assert data["events"] == {"replies": []}


def test_anonymous_visitors_are_sent_to_sign_in(client: Any, db: Any) -> None:
    response = client.get("/en/groups/my-data/")
    assert response.status_code == 302 and "/account/login/" in response["Location"]


def test_leaving_a_group(client: Any, kazan: Group, kazan_member: User) -> None:
    sign_in(client, kazan_member)
    assert client.post("/en/groups/kazan-1/leave/").status_code == 302
    assert not Membership.objects.filter(user=kazan_member, left_at__isnull=True).exists()
    assert client.get("/en/groups/kazan-1/").content.decode().count("Next meetings") == 0
    again = client.post("/en/groups/kazan-1/leave/", follow=True)
    assert "not a member" in again.content.decode()


def test_erasure_removes_applications_memberships_and_the_account(
    client: Any, kazan: Group, kazan_member: User
) -> None:
    Application.objects.create(
        region=Region.objects.get(slug="kazan"), name="Алексей", email=kazan_member.email,
        city="Казань", consent_at=kazan.created_at, status="accepted",
    )  # fmt: skip
    sign_in(client, kazan_member)
    refused = client.post("/en/groups/my-data/", {})
    assert "Tick the box" in refused.content.decode()
    assert Application.objects.count() == 1
    client.post("/en/groups/my-data/", {"confirm": "on"})
    assert Application.objects.count() == 0
    assert not Membership.objects.filter(user=kazan_member).exists()
    erased = User.objects.get(pk=kazan_member.pk)
    assert erased.name == "" and not erased.is_active and erased.email.endswith(".invalid")
    assert User.objects.get_by_email("kazan-member@example.org") is None
    assert list(selectors.current_members(kazan)) == []
    assert not erased.role_assignments.exists() and not erased.has_usable_password()
    event = AuditEvent.objects.get(action="delete", target_id=str(erased.pk))
    assert event.actor_id == erased.pk and event.detail["erased"] == "account"
    assert event.detail["roles"] == []  # the groups' erasure took the member role first
    # Signed out, and the old password opens nothing.
    assert client.get("/en/groups/my-data/").status_code == 302
    again = client.post(
        "/en/account/login/", {"username": "kazan-member@example.org", "password": PASSWORD}
    )
    assert again.status_code == 200 and "_auth_user_id" not in client.session


def test_erasure_is_all_or_nothing(kazan: Group, kazan_member: User) -> None:
    """One app refusing rolls back what the others already erased."""

    def refuse(user: User) -> None:
        raise RuntimeError("refused")

    personal_data.register("zz-refuses", erase=refuse, order=personal_data.ACCOUNT_LAST + 1)
    try:
        with pytest.raises(RuntimeError):
            personal_data.erase(kazan_member)
    finally:
        personal_data.unregister("zz-refuses")
    kept = User.objects.get(pk=kazan_member.pk)
    assert kept.is_active and kept.name and kept.email == "kazan-member@example.org"
    assert Membership.objects.filter(user=kazan_member).exists()
    assert not AuditEvent.objects.filter(action="delete").exists()


def test_the_account_is_erased_after_every_app() -> None:
    names = [source.name for source in personal_data.sources()]
    assert names[-1] == "account"
    assert {"groups", "events"} <= set(names[:-1])
