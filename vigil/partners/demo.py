"""Demo partners: two partner NGOs (invented), a roundtable held with them three weeks ago for
the running campaign, with its agenda, who came, minutes, and three action points in different
states.  Running it again adds nothing."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.utils import timezone

from vigil.accounts.models import User
from vigil.actionpoints import services as points
from vigil.actionpoints.models import ActionPoint
from vigil.campaigns import services as campaigns
from vigil.campaigns.models import Campaign, Partnership
from vigil.directory.import_writes import import_entry
from vigil.directory.importer import parse_text
from vigil.directory.models import Organisation
from vigil.events.services import venue_time
from vigil.groups.models import Group

from . import services
from .models import Invitation, Roundtable

TITLE = "Круглый стол: совместная кампания в защиту журналистов"

#: Invented organisations, written like the handbook's entries (seed 000).
PARTNER_ENTRIES = [
    """Центр правовой помощи «Открытая дверь»

620014 Екатеринбург
ул. Примерная, 12, офис 3
Tel: 343-555-01-23
E-mail: door@example.org

Contact: Марина Лебедева, Director

The centre gives free legal advice to people detained for peaceful protest and to their
families, and trains volunteer lawyers in the Urals.
""",
    """Фонд «Свободное слово»

603000 Нижний Новгород
PO Box 77
Tel: 831-555-44-10
E-mail: slovo@example.org

Contact: Олег Ветров, Coordinator

The fund supports independent journalists under pressure: legal defence, emergency grants and
public campaigns for those in prison.
""",
]

MINUTES_RU = (
    "<p>Участники обсудили совместную кампанию в защиту журналистов, находящихся под стражей.</p>"
    "<ul><li>«Открытая дверь» готовит памятку о правах задержанных.</li>"
    "<li>«Свободное слово» собирает сведения о новых делах.</li>"
    "<li>Ресурсный центр готовит петицию и письма.</li></ul>"
)
MINUTES_EN = (
    "<p>The participants discussed a joint campaign for journalists in detention.</p>"
    "<ul><li>Open Door prepares a leaflet on detainees' rights.</li>"
    "<li>Free Word gathers information on new cases.</li>"
    "<li>The resource centre prepares a petition and letters.</li></ul>"
)


def _partner(text: str) -> Organisation:
    result = import_entry(parse_text(text))
    return Organisation.objects.get(slug=result.slug)


def load() -> Iterator[str]:
    if Roundtable.objects.filter(event__title=TITLE).exists():
        yield "Partners: the demo roundtable is there"
        return
    campaign = Campaign.objects.filter(slug="free-the-journalists").first()
    staff = User.objects.filter(email_index=User.objects.email_index("staff@vigil.example")).first()
    group = Group.objects.filter(slug="moscow-1").first()
    if campaign is None or staff is None or group is None:
        yield "Partners: the demo campaign, staff or group is missing, no roundtable"
        return
    open_door, free_word = (_partner(text) for text in PARTNER_ENTRIES)
    for organisation, role in ((open_door, Partnership.Role.CO_ORGANISER),
                               (free_word, Partnership.Role.EXPERT)):  # fmt: skip
        campaigns.save_partnership(
            campaign,
            organisation,
            role=role,
            contact=organisation.contacts.first(),
            note="Связь через координатора, встречи раз в месяц.",
        )
    local = datetime.datetime.combine(
        timezone.localdate() - datetime.timedelta(days=21), datetime.time(15, 0)
    )
    starts_at = venue_time(local, "Europe/Moscow")
    roundtable = services.create_roundtable(
        by=staff,
        campaign=campaign,
        organisers=[group],
        partners=[],
        region=None,
        title=TITLE,
        title_en="Roundtable: a joint campaign for journalists",
        description="Встреча ресурсного центра с российскими НКО.",
        description_en="A meeting of the resource centre with Russian NGOs.",
        venue="Ресурсный центр, зал для встреч",
        address="Москва",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=3),
        time_zone="Europe/Moscow",
        visibility="members",
        capacity=None,
    )
    services.set_agenda(
        roundtable,
        [
            ("Положение журналистов под стражей", "Journalists in detention"),
            ("Совместная кампания: кто что делает", "The joint campaign: who does what"),
        ],
        by=staff,
    )
    # The roundtable is over: the invitations are written as they stood after it.
    for organisation, email in ((open_door, "door@example.org"), (free_word, "slovo@example.org")):
        contact = organisation.contacts.first()
        invitation = Invitation(
            roundtable=roundtable,
            organisation=organisation,
            contact=contact,
            name=contact.name if contact else organisation.name,
            email=email,
            answer=Invitation.Answer.ACCEPTED,
            answered_at=starts_at - datetime.timedelta(days=5),
            invited_by=staff,
        )
        invitation.save()
        roundtable.event.partners.add(organisation)
    services.record_attendance(
        roundtable,
        by=staff,
        came=roundtable.invitations.values_list("pk", flat=True),
        walk_ins=[services.WalkIn("Анна Гостева", None, "Независимая журналистка")],
    )
    services.save_minutes(roundtable, by=staff, minutes_ru=MINUTES_RU, minutes_en=MINUTES_EN)
    services.close(roundtable, by=staff)
    today = timezone.localdate()
    leaflet = points.create_point(
        by=staff,
        owners=[points.OwnerSpec(organisation=open_door, contact=open_door.contacts.first())],
        roundtable=roundtable,
        title_ru="Памятка о правах задержанных",
        title_en="A leaflet on detainees' rights",
        due_on=today - datetime.timedelta(days=2),
        is_public=True,
    )
    points.record_progress(
        leaflet, by=staff, status=ActionPoint.Status.DONE,
        text_ru="Памятка напечатана и разослана группам.",
        text_en="The leaflet is printed and sent to the groups.",
    )  # fmt: skip
    cases = points.create_point(
        by=staff,
        owners=[points.OwnerSpec(organisation=free_word)],
        roundtable=roundtable,
        title_ru="Сведения о новых делах журналистов",
        title_en="Information on new cases of journalists",
        due_on=today + datetime.timedelta(days=10),
        is_public=True,
    )
    points.record_progress(
        cases, by=staff, status=ActionPoint.Status.IN_PROGRESS, progress=40,
        text_ru="Собраны сведения о трёх делах.", text_en="Three cases documented so far.",
    )  # fmt: skip
    points.create_point(
        by=staff,
        owners=[points.OwnerSpec(user=staff), points.OwnerSpec(group=group)],
        roundtable=roundtable,
        title_ru="Письма в защиту журналистов на встрече группы",
        title_en="Letters for the journalists at the group's meeting",
        due_on=today + datetime.timedelta(days=20),
    )
    yield f"Partners: roundtable “{TITLE}” at /partners/roundtables/{roundtable.pk}/"
    yield "Action points: three (done, in progress, planned) at /action-points/"
