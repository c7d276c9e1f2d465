"""Events pages: the list, an event, organising, replies, attendee lists and calendar feeds."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from vigil.audit.services import record
from vigil.core.links import request_root
from vigil.core.permissions import can, public, require
from vigil.core.throttle import throttled
from vigil.directory.models import Region
from vigil.groups.models import Group

from . import selectors, services
from .forms import CancelEventForm, EventForm, VisitorRsvpForm
from .models import Event

PAGE_SIZE = 30


def _event(request: HttpRequest, pk: int, **kwargs: Any) -> Event:
    """The event, or 404.  A signed-in person who may not see it (a members-only event of
    another group) gets the same 404 as for an id that does not exist: no 403 tells them
    that it does."""
    event = selectors.event_for_page(pk)
    if event is None:
        raise Http404(pk)
    if request.user.is_authenticated and not can(request.user, "events.view_event", event):
        raise Http404(pk)
    return event


def _errors(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


# --- lists ---------------------------------------------------------------------------------
@public
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    show_past = request.GET.get("when") == "past"
    events = selectors.past(request.user) if show_past else selectors.upcoming(request.user)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "events/index.html",
        {
            "page": page,
            "show_past": show_past,
            "can_add": can(request.user, "events.add_event"),
            "regions": selectors.regions_with_events(),
        },
    )


@public
@require_safe
def group(request: HttpRequest, slug: str) -> HttpResponse:
    """A group's events and its calendar address (the private one for its members)."""
    organiser = get_object_or_404(Group, slug=slug)
    return render(
        request,
        "events/group.html",
        {
            "group": organiser,
            "events": selectors.group_events(organiser, request.user),
            "feed_url": request.build_absolute_uri(
                selectors.group_feed_url(organiser, request.user)
            ),
            "private_feed": selectors.member_feed_is_private(organiser, request.user),
        },
    )


# --- one event -----------------------------------------------------------------------------
def _event_page(
    request: HttpRequest,
    event: Event,
    visitor_form: VisitorRsvpForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    open_for_replies = event.accepts_replies()
    context = {
        "event": event,
        "places": selectors.places(event),
        "my_rsvp": selectors.rsvp_of(event, user),
        "open_for_replies": open_for_replies,
        "can_change": can(user, "events.change_event", event),
        "can_see_attendees": can(user, "events.view_rsvp", event),
        "visitor_form": visitor_form
        or (VisitorRsvpForm() if event.is_public and not user.is_authenticated else None),
    }
    return render(request, "events/detail.html", context, status=status)


@require("events.view_event", get_object=_event)
@require_safe
def detail(request: HttpRequest, pk: int, obj: Event) -> HttpResponse:
    return _event_page(request, obj)


def _organiser_form(request: HttpRequest, event: Event | None) -> HttpResponse:
    groups = selectors.groups_for_organiser(request.user)
    if event is not None:
        # Groups already organising stay listed, even those this coordinator does not lead.
        groups = (groups | event.organisers.all()).distinct()
    if request.method == "POST":
        form = EventForm(request.POST, groups=groups)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if event is None:
                    saved = services.create_event(
                        by=request.user,
                        organisers=data["organisers"],
                        partners=data["partners"],
                        region=data["region"],
                        **form.event_fields(),
                    )
                    messages.success(request, _("The event is published."))
                else:
                    saved = services.update_event(
                        event,
                        by=request.user,
                        organisers=data["organisers"],
                        partners=data["partners"],
                        region=data["region"],
                        base_url=request_root(request),
                        **form.event_fields(),
                    )
                    messages.success(request, _("The event is saved."))
                return redirect(saved)
            except ValidationError as error:
                form.add_error(None, error)
    else:
        initial: dict[str, Any] = {"visibility": Event.Visibility.PUBLIC}
        if event is not None:
            initial = EventForm.initial_for(event)
        elif groups.count() == 1:
            only = groups.get()
            initial.update(organisers=[only], time_zone=only.meeting_timezone)
        form = EventForm(initial=initial, groups=groups)
    return render(
        request,
        "events/edit.html",
        {"form": form, "event": event, "zones": selectors.zone_names()},
    )


@require("events.add_event")
@require_http_methods(["GET", "HEAD", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    return _organiser_form(request, None)


@require("events.change_event", get_object=_event)
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request: HttpRequest, pk: int, obj: Event) -> HttpResponse:
    if obj.is_cancelled:
        messages.error(request, _("This event is cancelled: it can no longer be changed."))
        return redirect(obj)
    return _organiser_form(request, obj)


@require("events.cancel_event", get_object=_event)
@require_http_methods(["GET", "HEAD", "POST"])
def cancel(request: HttpRequest, pk: int, obj: Event) -> HttpResponse:
    form = CancelEventForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            told = services.cancel_event(
                obj, by=request.user, note=form.cleaned_data["note"], base_url=request_root(request)
            )
        except ValidationError as error:
            for message in _errors(error):
                messages.error(request, message)
        else:
            messages.success(
                request,
                ngettext(
                    "The event is cancelled. %(count)d person who replied is told by e-mail.",
                    "The event is cancelled. %(count)d people who replied are told by e-mail.",
                    told,
                )
                % {"count": told},
            )
        return redirect(obj)
    return render(request, "events/cancel.html", {"event": obj, "form": form})


@require("events.view_rsvp", get_object=_event)
@require_safe
def attendees(request: HttpRequest, pk: int, obj: Event) -> HttpResponse:
    rows = selectors.attendees(obj)
    record(actor=request.user, action="list", target=obj, request=request, what="attendees")
    return render(
        request,
        "events/attendees.html",
        {"event": obj, "rows": rows, "places": selectors.places(obj)},
    )


# --- replies -------------------------------------------------------------------------------
@require("events.view_event", get_object=_event)
@throttled("rsvp", address_field="email")
@require_POST
def rsvp(request: HttpRequest, pk: int, obj: Event) -> HttpResponse:
    """One click for a signed-in person; name and e-mail for a visitor (public events)."""
    base_url = request_root(request)
    if request.user.is_authenticated:
        try:
            reply = services.rsvp_member(obj, request.user, base_url=base_url)
        except ValidationError as error:
            for message in _errors(error):
                messages.error(request, message)
            return redirect(obj)
        _reply_message(request, reply, visitor=False)
        return redirect(obj)
    form = VisitorRsvpForm(request.POST)
    if not form.is_valid():
        return _event_page(request, obj, visitor_form=form, status=400)
    if form.is_spam():
        # A robot is thanked like a person: nothing tells it that it was found out.
        messages.success(request, str(VISITOR_REPLIED))
        return redirect(obj)
    try:
        services.rsvp_visitor(
            obj,
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
            language=get_language() or "ru",
            base_url=base_url,
        )
    except ValidationError as error:
        for message in _errors(error):
            form.add_error(None, message)
        return _event_page(request, obj, visitor_form=form, status=400)
    # One answer for every address and every event, full or not: whether this address had
    # replied, and whether it has a place, is told to its mailbox only.
    messages.success(request, str(VISITOR_REPLIED))
    return redirect(obj)


#: What a visitor is told after replying, whoever they are.
VISITOR_REPLIED = gettext_lazy(
    "Thank you. We have sent you an e-mail: your reply counts once you follow the link in it, "
    "and the e-mail tells you whether you have a place or are on the waiting list."
)


def _reply_message(request: HttpRequest, reply: services.Reply, *, visitor: bool) -> None:
    if reply.waiting:
        text = _(
            "The event is full: you are on the waiting list. If a place frees up, it is yours "
            "and we will tell you by e-mail."
        )
    else:
        text = _("You have a place. See you there!")
    if visitor:
        text += " " + _("We have sent you an e-mail with a link to cancel, if you cannot come.")
    elif not reply.created:
        text = _("You had already replied.") + " " + text
    if reply.waiting:
        messages.warning(request, text)
    else:
        messages.success(request, text)


@require("events.view_event", get_object=_event)
@throttled("rsvp")
@require_POST
def withdraw(request: HttpRequest, pk: int, obj: Event) -> HttpResponse:
    """A signed-in person takes back their reply."""
    mine = selectors.rsvp_of(obj, request.user)
    if mine is None:
        messages.error(request, _("You had not replied to this event."))
    else:
        services.cancel_rsvp(mine, base_url=request_root(request))
        messages.success(request, _("Your reply is cancelled."))
    return redirect(obj)


@public
@throttled("mail-link")
@require_http_methods(["GET", "HEAD", "POST"])
def rsvp_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link in a visitor's first mail: a page with one button (mail scanners open links;
    a GET changes nothing), and the POST confirms the reply."""
    found = services.reply_for_confirm_token(token)
    if found is None:
        return render(request, "events/rsvp_gone.html", {"expired": True}, status=404)
    if request.method == "POST":
        try:
            reply = services.confirm_reply(found, base_url=request_root(request))
        except ValidationError as error:
            for message in _errors(error):
                messages.error(request, message)
            return redirect(found.event)
        _reply_message(request, reply, visitor=True)
        return redirect(found.event)
    return render(request, "events/rsvp_confirm.html", {"rsvp": found, "event": found.event})


@public
@throttled("mail-link")
@require_http_methods(["GET", "HEAD", "POST"])
def rsvp_cancel_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link in a confirmation mail: a page that asks, then cancels on POST.

    A GET changes nothing (mail scanners open links); the button does.
    """
    found = selectors.rsvp_for_token(token)
    if found is None:
        return render(request, "events/rsvp_gone.html", status=404)
    if request.method == "POST":
        services.cancel_rsvp(found, base_url=request_root(request))
        messages.success(request, _("Your reply is cancelled. Thank you for telling us."))
        return redirect("events:index")
    return render(request, "events/rsvp_cancel.html", {"rsvp": found, "event": found.event})


# --- calendar feeds (RFC 5545) -------------------------------------------------------------
def _calendar_response(content: bytes, filename: str, *, private: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store" if private else "public, max-age=900"
    if private:
        response["X-Robots-Tag"] = "noindex"
    return response


@public
@require_safe
def feed_all(request: HttpRequest) -> HttpResponse:
    return _calendar_response(selectors.public_feed(request_root(request)), "vigil-events.ics")


@public
@require_safe
def feed_region(request: HttpRequest, slug: str) -> HttpResponse:
    place = get_object_or_404(Region, slug=slug)
    return _calendar_response(
        selectors.region_feed(place, request_root(request)), f"vigil-events-{place.slug}.ics"
    )


@public
@require_safe
def feed_group(request: HttpRequest, slug: str) -> HttpResponse:
    organiser = get_object_or_404(Group, slug=slug)
    return _calendar_response(
        selectors.group_feed(organiser, request_root(request)), f"vigil-{organiser.slug}.ics"
    )


@public
@require_safe
def feed_group_private(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """A member's feed: the token names the member, membership is checked on every fetch.

    A token of someone who has left gets the public feed: no members-only event, no meeting.
    """
    organiser = get_object_or_404(Group, slug=slug)
    member = selectors.member_for_token(token, organiser)
    return _calendar_response(
        selectors.group_feed(organiser, request_root(request), member=member),
        f"vigil-{organiser.slug}.ics",
        private=True,
    )
