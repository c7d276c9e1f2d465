"""Campaigns and their public action points.

Reads go through ``campaigns.selectors`` (``public_campaigns``; ``campaign_for`` decides who
opens a draft) and ``actionpoints.selectors.public_results``, as the campaign page does.  With
the content scope, a token publishes, ends or withdraws a campaign through
``campaigns.services.set_status`` under the back office's ``campaigns.change_campaign``.
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema

from vigil.actionpoints import selectors as point_selectors
from vigil.campaigns import selectors, services
from vigil.campaigns.models import Campaign
from vigil.core.permissions import ensure

from .. import osdi
from ..access import CONTENT_MANAGE, PUBLIC_READ, caller_of
from ..listing import listing
from ..problems import Problem

router = Router(tags=["campaigns"])


class CampaignOut(osdi.Dated):
    name: str
    title: str
    summary: str
    description: str
    status: str
    start_date: datetime.datetime
    end_date: datetime.datetime | None
    browser_url: str


class ActionPointOut(Schema):
    identifiers: list[str]
    title: str
    description: str
    status: str
    progress: int
    due_date: datetime.date | None
    updates: list[str]
    document: str | None


class StatusIn(Schema):
    status: Literal["draft", "active", "ended"]


def campaign_out(request: HttpRequest, campaign: Campaign) -> dict[str, Any]:
    return {
        "identifiers": osdi.identifiers("campaign", campaign.pk),
        "created_date": campaign.starts_at,
        "modified_date": campaign.updated_at,
        "name": campaign.slug,
        "title": campaign.title,
        "summary": campaign.summary,
        "description": campaign.body,
        "status": campaign.current_phase,
        "start_date": campaign.starts_at,
        "end_date": campaign.ends_at,
        "browser_url": request.build_absolute_uri(campaign.get_absolute_url()),
    }


def _campaign(request: HttpRequest, slug: str) -> Campaign:
    campaign = selectors.campaign_for(caller_of(request).user, slug)
    if campaign is None:
        raise Problem(404)
    return campaign


@listing(router, "/", name="advocacy_campaigns", item=CampaignOut, serialise=campaign_out,
         modified=["updated_at"], auth=PUBLIC_READ)  # fmt: skip
def list_campaigns(request: HttpRequest) -> QuerySet[Campaign]:
    return selectors.public_campaigns()


@router.get("/{slug}", auth=PUBLIC_READ, response=CampaignOut)
def get_campaign(request: HttpRequest, slug: str) -> dict[str, Any]:
    return campaign_out(request, _campaign(request, slug))


@router.get("/{slug}/action-points", auth=PUBLIC_READ, response=list[ActionPointOut])
def list_action_points(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """The campaign's public action points with their progress, as its page shows them."""
    campaign = _campaign(request, slug)
    return [
        {
            "identifiers": osdi.identifiers("action-point", result.point.pk),
            "title": result.point.title,
            "description": result.point.description,
            "status": result.point.status,
            "progress": result.point.progress,
            "due_date": result.point.due_on,
            "updates": [update.text for update in result.updates],
            "document": result.document.index_number if result.document else None,
        }
        for result in point_selectors.public_results(campaign)
    ]


@router.post("/{slug}/status", auth=CONTENT_MANAGE, response=CampaignOut)
def set_campaign_status(request: HttpRequest, slug: str, body: StatusIn) -> dict[str, Any]:
    user = caller_of(request).user
    campaign = _campaign(request, slug)
    ensure(user, "campaigns.change_campaign", campaign)
    return campaign_out(request, services.set_status(campaign, body.status))
