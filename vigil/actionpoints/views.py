"""Action point pages: the board, a point with its progress, creating and editing, the feed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from vigil.campaigns.models import Campaign
from vigil.core.links import absolute_url, request_root
from vigil.core.permissions import can, public, require

from . import selectors, services
from .forms import ActionPointForm, BoardFilterForm, ProgressForm
from .models import ActionPoint

PAGE_SIZE = 50


def _point(request: HttpRequest, pk: int, **kwargs: Any) -> ActionPoint:
    found = selectors.point_for_page(pk)
    if found is None:
        raise Http404(pk)
    return found


@require("actionpoints.view_board")
@require_safe
def board(request: HttpRequest) -> HttpResponse:
    form = BoardFilterForm(request.GET or None)
    chosen = selectors.BoardFilter()
    if form.is_valid():
        data = form.cleaned_data
        chosen = selectors.BoardFilter(
            status=data["status"] or "open",
            group=data["group"].pk if data["group"] else None,
            organisation=data["organisation"].pk if data["organisation"] else None,
            user=data["user"].pk if data["user"] else None,
            campaign=data["campaign"].pk if data["campaign"] else None,
        )
    page = Paginator(selectors.board(request.user, chosen), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "actionpoints/board.html",
        {
            "form": form,
            "page": page,
            "can_manage": can(request.user, services.MANAGE),
            "feed_url": absolute_url(
                selectors.feed_path(services.feed_token(request.user)), request_root(request)
            ),
        },
    )


def _editor(request: HttpRequest, point: ActionPoint | None) -> HttpResponse:
    roundtable = selectors.roundtable_named(request.GET.get("roundtable", ""))
    if point is not None:
        roundtable = point.roundtable
    campaign = (
        Campaign.objects.filter(pk=request.GET["campaign"]).first()
        if request.GET.get("campaign", "").isdigit()
        else None
    )
    partners = selectors.partner_candidates(roundtable=roundtable, campaign=campaign, point=point)
    if point is not None:
        initial = ActionPointForm.initial_for(point)
    else:
        initial = {"campaign": campaign or (roundtable.campaign if roundtable else None)}
    form = ActionPointForm(request.POST or None, initial=initial, partners=partners)
    if request.method == "POST" and form.is_valid():
        try:
            if point is None:
                saved = services.create_point(
                    by=request.user,
                    owners=form.owners(),
                    roundtable=roundtable,
                    **form.point_fields(),
                )
                messages.success(request, _("The action point is added."))
            else:
                saved = services.update_point(
                    point, by=request.user, owners=form.owners(), **form.point_fields()
                )
                messages.success(request, _("The action point is saved."))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(roundtable if roundtable is not None and point is None else saved)
    return render(
        request,
        "actionpoints/edit.html",
        {"form": form, "point": point, "roundtable": roundtable},
    )


@require(services.MANAGE)
@require_http_methods(["GET", "HEAD", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    return _editor(request, None)


@require(services.MANAGE, get_object=_point)
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request: HttpRequest, pk: int, obj: ActionPoint) -> HttpResponse:
    return _editor(request, obj)


@require("actionpoints.view_point", get_object=_point)
@require_safe
def detail(request: HttpRequest, pk: int, obj: ActionPoint) -> HttpResponse:
    return render(
        request,
        "actionpoints/detail.html",
        {
            "point": obj,
            "updates": selectors.updates(obj),
            "form": ProgressForm(initial={"status": obj.status, "progress": obj.progress}),
            "can_update": can(request.user, "actionpoints.update_point", obj),
            "can_manage": can(request.user, services.MANAGE, obj),
        },
    )


@require("actionpoints.update_point", get_object=_point)
@require_POST
def progress(request: HttpRequest, pk: int, obj: ActionPoint) -> HttpResponse:
    form = ProgressForm(request.POST)
    if form.is_valid():
        try:
            services.record_progress(obj, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The progress is recorded."))
    else:
        messages.error(request, _("Choose a status, and progress from 0 to 100."))
    return redirect(obj)


@public
@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """Due dates as a calendar: the address names the person, and every fetch checks them."""
    user = services.user_for_feed_token(token)
    if user is None:
        raise Http404("feed")
    content = selectors.feed(user, request_root(request), _("Action points"))
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="action-points.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
