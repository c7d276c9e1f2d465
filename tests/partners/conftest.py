"""A network with staff, a group and its coordinator, two partner organisations with contacts,
a running campaign, and a roundtable for it (starting in a week, or over: ``held``)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from tests.coordination.network import Network, build_network
from vigil.accounts.models import User
from vigil.campaigns.models import Campaign
from vigil.directory.models import Channel, Contact, Organisation
from vigil.events.models import Event
from vigil.partners import services
from vigil.partners.models import Roundtable


@dataclass
class Partners:
    network: Network
    staff: User
    open_door: Organisation
    free_word: Organisation
    campaign: Campaign


def make_partner(name_ru: str, name_en: str, slug: str, person: str, email: str) -> Organisation:
    organisation = Organisation.objects.create(name_ru=name_ru, name_en=name_en, slug=slug)
    contact = Contact.objects.create(organisation=organisation, name=person, role="Director")
    Channel.objects.create(contact=contact, kind=Channel.Kind.EMAIL, value=email, normalised=email)
    return organisation


@pytest.fixture
def partners(make_user: Callable[..., User]) -> Partners:
    return build_partners(make_user)


def build_partners(make_user: Callable[..., User]) -> Partners:
    network = build_network(make_user)
    campaign = Campaign.objects.create(
        slug="journalists", title_ru="Свободу журналистам", title_en="Free the journalists",
        status=Campaign.Status.ACTIVE,
    )  # fmt: skip
    return Partners(
        network=network,
        staff=network.people["staff"],
        open_door=make_partner(
            "Открытая дверь", "Open Door", "open-door", "Марина Лебедева", "marina@example.org"
        ),
        free_word=make_partner(
            "Свободное слово", "Free Word", "free-word", "Олег Ветров", "oleg@example.org"
        ),
        campaign=campaign,
    )


def plan(p: Partners, *, days: float = 7, **fields: Any) -> Roundtable:
    starts = timezone.now() + datetime.timedelta(days=days)
    values: dict[str, Any] = {
        "title": "Круглый стол: журналисты под стражей",
        "description": "",
        "venue": "Ресурсный центр",
        "address": "Москва",
        "starts_at": starts,
        "ends_at": starts + datetime.timedelta(hours=3),
        "time_zone": "Europe/Moscow",
        "visibility": Event.Visibility.MEMBERS,
        "capacity": None,
        **fields,
    }
    return services.create_roundtable(
        by=p.staff, campaign=p.campaign, organisers=[p.network.a], **values
    )


def held(roundtable: Roundtable) -> Roundtable:
    """Move the roundtable into the past, as if it took place yesterday."""
    starts = timezone.now() - datetime.timedelta(days=1)
    Event.objects.filter(pk=roundtable.event_id).update(
        starts_at=starts, ends_at=starts + datetime.timedelta(hours=3)
    )
    roundtable.refresh_from_db()
    roundtable.event.refresh_from_db()
    return roundtable
