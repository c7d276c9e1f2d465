"""Public campaign pages: the list and one campaign with its "take action" blocks, and the
campaign's picture.  Reads go through :mod:`selectors`; drafts are a plain 404 for the public."""

from __future__ import annotations

import mimetypes

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from vigil.core.permissions import can, public

from . import selectors
from .forms import CampaignFilterForm
from .models import Campaign

PAGE_SIZE = 20


@public
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    form = CampaignFilterForm(request.GET or None)
    phase = form.cleaned_data.get("status", "") if form.is_valid() else ""
    campaigns = selectors.public_campaigns(phase, timezone.now())
    page = Paginator(campaigns, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "campaigns/index.html",
        {"form": form, "page": page, "phase": phase},
    )


@public
@require_safe
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = selectors.campaign_for(request.user, slug)
    if campaign is None:
        raise Http404(slug)
    now = timezone.now()
    return render(
        request,
        "campaigns/detail.html",
        {
            "campaign": campaign,
            "phase_display": Campaign.Status(campaign.phase(now)).label,
            "actions": selectors.take_action(campaign, request.user, now),
            "is_preview": campaign.is_draft,
            "can_edit": can(request.user, "campaigns.change_campaign", campaign),
        },
    )


@public
@require_safe
def image(request: HttpRequest, slug: str) -> FileResponse:
    """The picture is served by Vigil itself after the same check as the page."""
    campaign = selectors.image_campaign(request.user, slug)
    if campaign is None:
        raise Http404(slug)
    try:
        handle = campaign.hero_image.open("rb")
    except FileNotFoundError as exc:
        raise Http404(slug) from exc
    kind = mimetypes.guess_type(campaign.hero_image.name or "")[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=kind)
    # A draft's picture must not sit in a shared cache once the campaign is withdrawn.
    response["Cache-Control"] = "private, no-store" if campaign.is_draft else "public, max-age=300"
    return response
