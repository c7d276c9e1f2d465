"""Reads for the roundtable pages and the staff page of a partner organisation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from vigil.campaigns.models import Partnership
from vigil.core.fields import blind_index_for
from vigil.directory.models import Organisation
from vigil.events.models import Event

from .models import Invitation, Roundtable


def roundtables() -> QuerySet[Roundtable]:
    return Roundtable.objects.select_related("event", "campaign").annotate(
        invited=Count("invitations", distinct=True),
        accepted=Count(
            "invitations",
            filter=Q(invitations__answer=Invitation.Answer.ACCEPTED),
            distinct=True,
        ),
    )


def roundtable_for_page(pk: int) -> Roundtable | None:
    return Roundtable.objects.select_related("event", "campaign", "closed_by").filter(pk=pk).first()


def invitations(roundtable: Roundtable) -> list[Invitation]:
    return list(roundtable.invitations.select_related("organisation", "contact"))


def attendees(roundtable: Roundtable) -> list[dict[str, Any]]:
    """Who came, with their organisation: the invitees ticked, then people without one."""
    rows: list[dict[str, Any]] = [
        {"name": str(i.name), "organisation": i.organisation, "organisation_name": ""}
        for i in roundtable.invitations.filter(attended=True).select_related("organisation")
    ]
    rows += [
        {"name": str(a.name), "organisation": a.organisation,
         "organisation_name": a.organisation_name}
        for a in roundtable.walk_ins.select_related("organisation")
    ]  # fmt: skip
    return rows


def answer_counts(roundtable: Roundtable) -> dict[str, int]:
    counts = dict.fromkeys(Invitation.Answer.values, 0)
    for row in roundtable.invitations.values("answer").annotate(n=Count("pk")):
        counts[row["answer"]] = row["n"]
    return counts


def contacts_with_email(organisation: Organisation) -> list[tuple[Any, str]]:
    """The organisation's published contacts and the first e-mail of each, for invitations."""
    found = []
    for contact in organisation.contacts.filter(is_published=True).prefetch_related("channels"):
        email = next(
            (c.value for c in contact.channels.all() if c.kind == "email" and not c.withheld), ""
        )
        found.append((contact, email))
    return found


def published_organisation(slug: str) -> Organisation | None:
    if not slug:
        return None
    return Organisation.objects.filter(is_published=True, slug=slug).first()


def organisations_named_like(text: str, limit: int = 20) -> list[Organisation]:
    """Published organisations whose name contains ``text``, for staff choosing one."""
    words = text.split()
    if not words:
        return []
    found = Organisation.objects.filter(is_published=True)
    for word in words[:5]:
        found = found.filter(Q(name_ru__icontains=word) | Q(name_en__icontains=word))
    return list(found.order_by("name_ru", "pk")[:limit])


def organisation_named(text: str) -> tuple[Organisation | None, str]:
    """The published organisation called exactly ``text`` (either language), else the text."""
    text = text.strip()
    if not text:
        return None, ""
    found = (
        Organisation.objects.filter(is_published=True)
        .filter(Q(name_ru__iexact=text) | Q(name_en__iexact=text))
        .order_by("pk")
        .first()
    )
    return (found, "") if found is not None else (None, text)


# --- a partner's page ----------------------------------------------------------------------
@dataclass
class PartnerOverview:
    organisation: Organisation
    partnerships: list[Partnership] = field(default_factory=list)
    invitations: list[Invitation] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)


def partners() -> QuerySet[Organisation]:
    """Organisations the network has worked with: a campaign, a roundtable or an event."""
    return (
        Organisation.objects.filter(
            Q(partnerships__isnull=False) | Q(invitations__isnull=False) | Q(events__isnull=False)
        )
        .distinct()
        .order_by("name_ru", "name_en", "pk")
    )


def partner_overview(organisation: Organisation) -> PartnerOverview:
    return PartnerOverview(
        organisation=organisation,
        partnerships=list(
            Partnership.objects.filter(organisation=organisation)
            .select_related("campaign", "contact")
            .order_by("-campaign__starts_at")
        ),
        invitations=list(
            Invitation.objects.filter(organisation=organisation)
            .select_related("roundtable__event")
            .order_by("-roundtable__event__starts_at")
        ),
        events=list(organisation.events.order_by("-starts_at")),
    )


# --- a person's own data -------------------------------------------------------------------
def data_of(user: Any) -> dict[str, Any]:
    index = blind_index_for(Invitation, "email_index", str(user.email or ""))
    rows = Invitation.objects.filter(email_index=index).select_related("roundtable__event")
    return {
        "invitations": [
            {
                "roundtable": str(i.roundtable.event.title),
                "starts_at": i.roundtable.event.starts_at.isoformat(),
                "answer": i.answer,
                "came": i.attended,
            }
            for i in rows
        ]
    }
