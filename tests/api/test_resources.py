"""Writes through the API go through the pages' services; reads keep to the pages' rules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache

from tests.events.conftest import make_event
from vigil.accounts.models import User
from vigil.api.models import Scope
from vigil.events.models import Event, Rsvp
from vigil.petitions.models import ConsentText, Petition, Signature

pytestmark = pytest.mark.django_db
JSON = "application/json"


def _signature(
    consent: ConsentText, email: str = "anna@example.org", **extra: Any
) -> dict[str, Any]:
    return {
        "person": {
            "given_name": "Анна Каренина",
            "email_addresses": [{"address": email}],
            "postal_addresses": [{"locality": "Тверь", "country": "Россия"}],
        },
        "consent_given": True,
        "consent_version": consent.version,
        **extra,
    }


def test_signing_through_the_api_is_the_web_forms_signing(
    client: Any, petition: Petition, consent: ConsentText, bearer: Callable[..., dict[str, str]],
) -> None:  # fmt: skip
    headers = bearer(Scope.WRITE_ACTIONS)
    path = f"/api/v1/petitions/{petition.slug}/signatures"
    first = client.post(path, _signature(consent), content_type=JSON, **headers)
    again = client.post(
        path, _signature(consent, "ANNA@example.org "), content_type=JSON, **headers
    )
    assert first.status_code == again.status_code == 202
    assert first.json() == again.json()  # nothing tells whether the address had signed
    signature = Signature.objects.get()  # de-duplicated by the same blind index
    assert signature.confirmed_at is None and signature.mail_due_at is not None  # double opt-in
    assert signature.consent.version == consent.version


def test_signing_needs_consent_and_the_current_version(
    client: Any, petition: Petition, consent: ConsentText, bearer: Callable[..., dict[str, str]]
) -> None:
    headers = bearer(Scope.WRITE_ACTIONS)
    path = f"/api/v1/petitions/{petition.slug}/signatures"
    refused = client.post(path, _signature(consent, consent_given=False), content_type=JSON,
                          HTTP_ACCEPT_LANGUAGE="en", **headers)  # fmt: skip
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["loc"] == ["body", "consent"]
    ConsentText.objects.create(version=2, text_ru="Новый", text_en="New")
    old = client.post(path, _signature(consent), content_type=JSON, **headers)
    assert old.status_code == 409 and old["Content-Type"] == "application/problem+json"
    assert not Signature.objects.exists()


def test_signing_needs_the_write_scope(
    client: Any, petition: Petition, consent: ConsentText, bearer: Callable[..., dict[str, str]]
) -> None:
    path = f"/api/v1/petitions/{petition.slug}/signatures"
    for headers in ({}, bearer(Scope.READ_PUBLIC, Scope.READ_PEOPLE)):
        response = client.post(path, _signature(consent), content_type=JSON, **headers)
        assert response.status_code in (401, 403)
    assert not Signature.objects.exists()


def test_signing_keeps_the_forms_rate_limits(
    client: Any, petition: Petition, consent: ConsentText, bearer: Callable[..., dict[str, str]]
) -> None:
    headers = bearer(Scope.WRITE_ACTIONS)
    path = f"/api/v1/petitions/{petition.slug}/signatures"
    cache.clear()
    answers = [
        client.post(path, _signature(consent, f"p{n}@example.org"), content_type=JSON,
                    REMOTE_ADDR="198.51.100.7", **headers).status_code
        for n in range(32)
    ]  # fmt: skip
    assert answers[0] == 202 and answers[-1] == 429


def test_signatures_are_read_with_the_people_scope_only(
    client: Any, petition: Petition, consent: ConsentText, bearer: Callable[..., dict[str, str]]
) -> None:
    path = f"/api/v1/petitions/{petition.slug}/signatures"
    assert client.get(path).status_code == 401
    assert client.get(path, **bearer(Scope.READ_PUBLIC, Scope.WRITE_ACTIONS)).status_code == 403
    client.post(path, _signature(consent), content_type=JSON, **bearer(Scope.WRITE_ACTIONS))
    body = client.get(path, **bearer(Scope.READ_PEOPLE)).json()
    (item,) = body["_embedded"]["osdi:signatures"]
    assert item["person"]["email_addresses"][0]["address"] == "anna@example.org"
    assert item["confirmed"] is False


def test_modified_since_gives_only_newer_signatures(
    client: Any, petition: Petition, consent: ConsentText, bearer: Callable[..., dict[str, str]]
) -> None:
    import datetime

    from django.utils import timezone

    path = f"/api/v1/petitions/{petition.slug}/signatures"
    write = bearer(Scope.WRITE_ACTIONS)
    client.post(path, _signature(consent, "old@example.org"), content_type=JSON, **write)
    Signature.objects.update(created_at=timezone.now() - datetime.timedelta(days=2))
    client.post(path, _signature(consent, "new@example.org"), content_type=JSON, **write)
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    body = client.get(path, {"modified_since": since}, **bearer(Scope.READ_PEOPLE)).json()
    emails = [
        s["person"]["email_addresses"][0]["address"] for s in body["_embedded"]["osdi:signatures"]
    ]
    assert emails == ["new@example.org"]


def test_attendances_keep_the_confirmation_and_the_waiting_list(
    client: Any, coordinator: User, group: Any, bearer: Callable[..., dict[str, str]]
) -> None:
    from vigil.events import services as event_services

    event = make_event(coordinator, [group], capacity=1)
    headers = bearer(Scope.WRITE_ACTIONS)
    path = f"/api/v1/events/{event.pk}/attendances"
    for n in range(2):
        person = {"given_name": f"Гость {n}", "email_addresses": [{"address": f"g{n}@example.org"}]}
        assert (
            client.post(path, {"person": person}, content_type=JSON, **headers).status_code == 202
        )
    listing = client.get(path, **bearer(Scope.READ_PEOPLE)).json()
    statuses = [a["status"] for a in listing["_embedded"]["osdi:attendances"]]
    assert statuses == ["needs action", "needs action"]  # the visitor's own mail confirms
    for rsvp in Rsvp.objects.order_by("pk"):
        event_services.confirm_reply(rsvp)
    listing = client.get(path, **bearer(Scope.READ_PEOPLE)).json()
    statuses = [a["status"] for a in listing["_embedded"]["osdi:attendances"]]
    assert statuses == ["accepted", "tentative"]


def test_a_members_only_event_is_not_found_for_a_token_nor_taken_replies(
    client: Any,
    coordinator: User,
    group: Any,
    bearer: Callable[..., dict[str, str]],
) -> None:
    event = make_event(coordinator, [group], visibility=Event.Visibility.MEMBERS)
    assert client.get(f"/api/v1/events/{event.pk}", **bearer(Scope.READ_PUBLIC)).status_code == 404
    body = {"person": {"given_name": "Гость", "email_addresses": [{"address": "g@example.org"}]}}
    response = client.post(f"/api/v1/events/{event.pk}/attendances", body, content_type=JSON,
                           **bearer(Scope.WRITE_ACTIONS))  # fmt: skip
    assert response.status_code == 404 and not Rsvp.objects.exists()


def test_content_scope_publishes_a_campaign(
    client: Any, bearer: Callable[..., dict[str, str]]
) -> None:
    from vigil.campaigns.models import Campaign

    Campaign.objects.create(slug="c1", title_ru="Кампания", status="draft")
    assert client.get("/api/v1/campaigns/c1").status_code == 404
    path = "/api/v1/campaigns/c1/status"
    refused = client.post(
        path, {"status": "active"}, content_type=JSON, **bearer(Scope.READ_PUBLIC)
    )
    assert refused.status_code == 403
    done = client.post(
        path, {"status": "active"}, content_type=JSON, **bearer(Scope.MANAGE_CONTENT)
    )
    assert done.status_code == 200 and done.json()["status"] == "active"
    assert client.get("/api/v1/campaigns/c1").status_code == 200


def test_groups_and_events_carry_their_english_names(
    client: Any, coordinator: User, group: Any, bearer: Callable[..., dict[str, str]]
) -> None:
    group.name_en = "Moscow group 1"
    group.save(update_fields=["name_en"])
    event = make_event(coordinator, [group], title="Пикет", title_en="Picket",
                       description="У памятника", description_en="At the monument")  # fmt: skip
    headers = bearer(Scope.READ_PUBLIC)
    listed = client.get("/api/v1/groups/", **headers).json()["_embedded"]["osdi:groups"]
    assert [(g["name"], g["name_en"]) for g in listed] == [(group.name, "Moscow group 1")]
    one = client.get(f"/api/v1/events/{event.pk}", **headers).json()
    assert (one["title"], one["title_en"]) == ("Пикет", "Picket")
    assert (one["description"], one["description_en"]) == ("У памятника", "At the monument")
