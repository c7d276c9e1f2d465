"""A member's own data: leave, a JSON copy, erasure."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.groups.conftest import sign_in
from vigil.accounts.models import User
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
    assert data["memberships"][0]["group"] == str(kazan)


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
