"""Personal API tokens: issued in the back office and shown once, stored hashed, scoped,
expiring, revocable, audited for people's data, limited per token."""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from vigil.accounts.models import User
from vigil.accounts.roles import Role
from vigil.accounts.services import revoke_role
from vigil.api import tokens
from vigil.api.models import ApiToken, Scope
from vigil.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

PEOPLE = "/api/v1/people/"


def test_back_office_issues_a_token_shown_once_and_stores_only_its_hash(
    signed_in_staff: Any, staff: User
) -> None:
    expires = (timezone.now() + datetime.timedelta(days=30)).strftime("%Y-%m-%d %H:%M")
    response = signed_in_staff.post(
        "/back-office/api/apitoken/add/",
        {"name": "mailer", "scopes": ["read_public", "read_people"], "expires_at": expires,
         "per_minute": "60"},
    )  # fmt: skip
    assert response.status_code == 200, response.content
    assert "no-store" in response["Cache-Control"]
    raw = re.search(rb"vigil_[A-Za-z0-9_-]{43}", response.content).group().decode()  # type: ignore[union-attr]
    token = ApiToken.objects.get()
    assert token.owner == staff and token.scopes == ["read_public", "read_people"]
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(ApiToken.objects.values().get())
    listing = signed_in_staff.get("/back-office/api/apitoken/").content.decode()
    detail = signed_in_staff.get(f"/back-office/api/apitoken/{token.pk}/change/").content.decode()
    assert token.prefix in listing and raw not in listing and raw not in detail


def test_back_office_refuses_a_token_living_longer_than_a_year(signed_in_staff: Any) -> None:
    expires = (timezone.now() + datetime.timedelta(days=400)).strftime("%Y-%m-%d %H:%M")
    response = signed_in_staff.post(
        "/back-office/api/apitoken/add/",
        {"name": "x", "scopes": ["read_public"], "expires_at": expires, "per_minute": "60"},
    )
    assert response.status_code == 200 and not ApiToken.objects.exists()


def test_staff_see_only_their_own_tokens(
    signed_in_staff: Any, make_user: Callable[..., User]
) -> None:
    other = make_user("other-staff@example.org", Role.STAFF)
    theirs, _raw = tokens.issue(other, name="theirs", scopes=["read_public"])
    assert theirs.prefix not in signed_in_staff.get("/back-office/api/apitoken/").content.decode()
    assert signed_in_staff.get(f"/back-office/api/apitoken/{theirs.pk}/change/").status_code in (
        302,
        403,
        404,
    )


def test_a_member_cannot_hold_a_token(member: User) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        tokens.issue(member, name="x", scopes=["read_public"])


def test_a_token_reads_people_only_with_the_people_scope(
    client: Any, bearer: Callable[..., dict[str, str]]
) -> None:
    assert client.get(PEOPLE, **bearer(Scope.READ_PUBLIC)).status_code == 403
    assert client.get(PEOPLE).status_code == 401
    assert client.get(PEOPLE, **bearer(Scope.READ_PEOPLE)).status_code == 200


def test_every_use_of_a_people_scope_is_audited(
    client: Any, staff: User, bearer: Callable[..., dict[str, str]]
) -> None:
    headers = bearer(Scope.READ_PEOPLE)
    client.get(PEOPLE, **headers)
    client.get(PEOPLE, **headers)
    events = AuditEvent.objects.filter(actor=staff, detail__via="api")
    assert events.count() == 2
    assert events.first().path == PEOPLE  # type: ignore[union-attr]


def test_expired_revoked_and_unknown_tokens_are_refused(
    client: Any, staff: User, bearer: Callable[..., dict[str, str]]
) -> None:
    headers = bearer(Scope.READ_PEOPLE)
    token = ApiToken.objects.get()
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    assert client.get(PEOPLE, **headers).status_code == 401
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + datetime.timedelta(1))
    assert client.get(PEOPLE, **headers).status_code == 200
    tokens.revoke(token)
    assert client.get(PEOPLE, **headers).status_code == 401
    bad = {"HTTP_AUTHORIZATION": "Bearer vigil_" + "x" * 43}
    assert client.get("/api/v1/petitions/", **bad).status_code == 401


def test_a_token_stops_when_its_owner_is_no_longer_staff(
    client: Any, staff: User, bearer: Callable[..., dict[str, str]]
) -> None:
    headers = bearer(Scope.READ_PEOPLE)
    revoke_role(staff, Role.STAFF)
    assert client.get(PEOPLE, **headers).status_code == 401


def test_last_use_is_noted(client: Any, bearer: Callable[..., dict[str, str]]) -> None:
    headers = bearer(Scope.READ_PUBLIC)
    assert ApiToken.objects.get().last_used_at is None
    client.get("/api/v1/petitions/", **headers)
    assert ApiToken.objects.get().last_used_at is not None


def test_each_token_has_its_own_limit(client: Any, bearer: Callable[..., dict[str, str]]) -> None:
    slow = bearer(Scope.READ_PUBLIC, per_minute=2)
    other = bearer(Scope.READ_PUBLIC, per_minute=2)
    answers = [client.get("/api/v1/petitions/", **slow).status_code for _ in range(3)]
    assert answers == [200, 200, 429]
    refused = client.get("/api/v1/petitions/", **slow)
    assert refused["Content-Type"] == "application/problem+json"
    assert int(refused["Retry-After"]) > 0
    assert client.get("/api/v1/petitions/", **other).status_code == 200


def test_the_back_office_revokes_a_token(
    signed_in_staff: Any, client: Any, staff: User, bearer: Callable[..., dict[str, str]]
) -> None:
    headers = bearer(Scope.READ_PEOPLE)
    token = ApiToken.objects.get()
    response = signed_in_staff.post(
        "/back-office/api/apitoken/",
        {"action": "revoke", "_selected_action": [str(token.pk)]},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert signed_in_staff.get(PEOPLE, **headers).status_code == 401


def test_token_pages_are_in_russian(signed_in_staff: Any) -> None:
    page = signed_in_staff.get("/back-office/api/apitoken/add/").content.decode()
    assert "Права" in page and "Чтение данных о людях" in page
