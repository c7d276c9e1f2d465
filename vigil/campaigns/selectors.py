"""Reads for the campaign pages and the home page's block.

A campaign page gathers objects that belong to other apps, and shows each only as that app's
own public surfaces would: documents through ``publications.selectors.public_documents`` (so an
embargoed document appears at its moment, never before), cases that are published, petitions
that are published, events the viewer may see (``events.selectors.upcoming``), organisations
the directory shows.  Nothing here has its own idea of "public".
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils import timezone, translation

from vigil.actionpoints.selectors import PublicResult, public_results
from vigil.cases.selectors import published_cases
from vigil.core.permissions import can
from vigil.directory.selectors import visible_organisations
from vigil.events.selectors import upcoming
from vigil.petitions.models import Petition
from vigil.petitions.selectors import Count, count_of, with_counts
from vigil.publications.selectors import LibraryEntry, entries_for, public_documents

from .models import Campaign, Partnership

PREVIEW = "campaigns.preview_campaign"


def public_campaigns(phase: str = "", now: datetime.datetime | None = None) -> QuerySet[Campaign]:
    """Campaigns anyone may see, running ones first, newest first within each; ``phase``
    ("active" or "ended", as decided at ``now``) narrows the list."""
    now = now or timezone.now()
    campaigns = Campaign.objects.published()
    if phase == Campaign.Status.ACTIVE:
        campaigns = campaigns.running(now)
    elif phase == Campaign.Status.ENDED:
        campaigns = campaigns.finished(now)
    running = Q(status=Campaign.Status.ACTIVE) & (Q(ends_at__isnull=True) | Q(ends_at__gt=now))
    return campaigns.annotate(
        running=Case(
            When(running, then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    ).order_by("-running", "-starts_at", "-pk")


def running_campaigns(limit: int = 3, now: datetime.datetime | None = None) -> list[Campaign]:
    """The home page's block: running campaigns, newest first."""
    return list(
        Campaign.objects.running(now or timezone.now()).order_by("-starts_at", "-pk")[:limit]
    )


def campaign_for(user: Any, slug: str) -> Campaign | None:
    """The campaign this reader may open, or None (the page answers a plain 404): drafts only
    for staff."""
    campaigns = Campaign.objects.all() if can(user, PREVIEW) else Campaign.objects.published()
    return campaigns.filter(slug=slug).first()


def image_campaign(user: Any, slug: str) -> Campaign | None:
    """The campaign whose picture this reader may fetch: the same rule as its page."""
    campaign = campaign_for(user, slug)
    return campaign if campaign is not None and campaign.hero_image else None


@dataclass
class TakeAction:
    """What a campaign page offers, each list already cut to what this reader may see."""

    cases: list[Any] = field(default_factory=list)
    petitions: list[tuple[Petition, Count, bool]] = field(default_factory=list)
    events: list[Any] = field(default_factory=list)
    documents: list[LibraryEntry] = field(default_factory=list)
    partners: list[Partnership] = field(default_factory=list)
    #: Public action points with their progress (``actionpoints.selectors.public_results``).
    results: list[PublicResult] = field(default_factory=list)
    #: Linked items this reader does not see (counted for staff only, else 0).
    hidden: int = 0

    @property
    def is_empty(self) -> bool:
        return not (self.cases or self.petitions or self.events or self.documents)


def take_action(campaign: Campaign, user: Any, now: datetime.datetime | None = None) -> TakeAction:
    now = now or timezone.now()
    petitions = list(
        with_counts(
            Petition.objects.filter(campaigns=campaign, is_published=True).order_by(
                "closes_at", "pk"
            )
        )
    )
    # Open petitions first: those can still be signed.
    petitions.sort(key=lambda p: not p.is_open(now))
    documents = public_documents(now).filter(campaigns=campaign)
    language = translation.get_language() or "ru"
    result = TakeAction(
        cases=list(published_cases().filter(campaigns=campaign)),
        petitions=[(p, count_of(p), p.is_open(now)) for p in petitions],
        events=list(upcoming(user, now=now).filter(campaigns=campaign)),
        documents=entries_for(documents.values_list("index_number", flat=True), language, now=now),
        partners=list(
            Partnership.objects.filter(
                campaign=campaign, organisation__in=visible_organisations(user)
            ).select_related("organisation")
        ),
        results=public_results(campaign, now),
    )
    if can(user, PREVIEW):
        linked = (
            campaign.cases.count()
            + campaign.petitions.count()
            + campaign.events.count()
            + campaign.documents.count()
            + campaign.partners.count()
        )
        shown = (
            len(result.cases)
            + len(result.petitions)
            + len(result.events)
            + documents.count()
            + len(result.partners)
        )
        result.hidden = max(0, linked - shown)
    return result
