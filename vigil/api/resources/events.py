"""OSDI events and attendances.

The list is the events page's (``events.selectors.upcoming`` for the caller), an event is shown
under ``events.view_event``, attendances under ``events.view_rsvp`` (people scope), and a new
attendance is the public reply form's: ``events.services.rsvp_visitor``, with its waiting list
and confirmation mail.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Router, Schema, Status

from vigil.core.links import request_root
from vigil.core.permissions import can, ensure
from vigil.events import selectors, services
from vigil.events.forms import VisitorRsvpForm
from vigil.events.models import Event, Rsvp

from .. import osdi
from ..access import ACTIONS_WRITE, PEOPLE_READ, PUBLIC_READ, caller_of
from ..listing import listing
from ..pagination import MAX_PK
from ..problems import Problem

router = Router(tags=["events"])


class Location(Schema):
    venue: str
    address_lines: list[str]
    region: str


class EventOut(osdi.Dated):
    title: str
    title_en: str
    description: str
    description_en: str
    type: str
    start_date: datetime.datetime
    end_date: datetime.datetime
    time_zone: str
    location: Location
    status: str
    visibility: str
    capacity: int | None
    total_accepted: int
    total_waiting: int
    browser_url: str


class AttendanceOut(osdi.Dated):
    status: str
    person: osdi.PersonOut


class AttendanceIn(Schema):
    person: osdi.PersonIn
    language: str = "ru"


#: OSDI's attendance statuses: a place is "accepted", the waiting list "tentative", a visitor's
#: reply whose e-mail has not confirmed it yet "needs action".
STATUS = {
    Rsvp.Status.CONFIRMED: "accepted",
    Rsvp.Status.WAITING: "tentative",
    Rsvp.Status.PENDING: "needs action",
}


def event_out(request: HttpRequest, event: Event) -> dict[str, Any]:
    places = selectors.places(event)
    return {
        "identifiers": osdi.identifiers("event", event.pk),
        "created_date": event.created_at,
        "modified_date": event.updated_at,
        "title": event.title,
        "title_en": event.title_en,
        "description": event.description,
        "description_en": event.description_en,
        "type": event.kind,
        "start_date": event.starts_at,
        "end_date": event.ends_at,
        "time_zone": event.time_zone,
        "location": {
            "venue": event.venue,
            "address_lines": [event.address] if event.address else [],
            "region": event.region.name if event.region is not None else "",
        },
        "status": "cancelled" if event.is_cancelled else "confirmed",
        "visibility": "public" if event.is_public else "private",
        "capacity": event.capacity,
        "total_accepted": places["confirmed"] or 0,
        "total_waiting": places["waiting"] or 0,
        "browser_url": request.build_absolute_uri(event.get_absolute_url()),
    }


def attendance_out(rsvp: Rsvp) -> dict[str, Any]:
    user = rsvp.user
    return {
        "identifiers": osdi.identifiers("attendance", rsvp.pk),
        "created_date": rsvp.created_at,
        "modified_date": rsvp.promoted_at or rsvp.created_at,
        "status": STATUS.get(rsvp.status, rsvp.status),  # type: ignore[call-overload]
        "person": osdi.person_out(
            user.pk if user else None,
            user.name if user else rsvp.name,
            user.email if user else rsvp.email,
            language=rsvp.language,
        ),
    }


def _event_for(request: HttpRequest, pk: int, user: Any) -> Event:
    event = selectors.event_for_page(pk)
    if event is None or not can(user, "events.view_event", event):
        raise Problem(404)
    return event


@listing(router, "/", name="events", item=EventOut, serialise=event_out, modified=["updated_at"],
         auth=PUBLIC_READ)  # fmt: skip
def list_events(request: HttpRequest) -> QuerySet[Event]:
    """Events not yet over that the caller may see, as on the events page."""
    return selectors.upcoming(caller_of(request).user)


@router.get("/{pk}", auth=PUBLIC_READ, response=EventOut)
def get_event(request: HttpRequest, pk: int = Path(..., ge=1, le=MAX_PK)) -> dict[str, Any]:
    return event_out(request, _event_for(request, pk, caller_of(request).user))


@listing(router, "/{pk}/attendances", name="attendances", item=AttendanceOut,
         serialise=lambda _request, rsvp: attendance_out(rsvp),
         modified=["created_at", "promoted_at"], auth=PEOPLE_READ)  # fmt: skip
def list_attendances(request: HttpRequest, pk: int = Path(..., ge=1, le=MAX_PK)) -> QuerySet[Rsvp]:
    user = caller_of(request).user
    event = _event_for(request, pk, user)
    ensure(user, "events.view_rsvp", event)
    return event.rsvps.select_related("user")


@router.post("/{pk}/attendances", auth=ACTIONS_WRITE, response={202: osdi.Accepted})
def create_attendance(
    request: HttpRequest, body: AttendanceIn, pk: int = Path(..., ge=1, le=MAX_PK)
) -> Status[dict[str, Any]]:
    """Reply for someone to a public event, as the event page's form does: the person gets a
    mail to confirm, and then a place or the waiting list.  The same answer for a known
    address."""
    event = _event_for(request, pk, AnonymousUser())
    form = VisitorRsvpForm({"name": body.person.full_name(), "email": body.person.email()})
    if not form.is_valid():
        errors = [
            {"loc": ["body", field], "msg": str(message)}
            for field, messages in form.errors.items()
            for message in messages
        ]
        raise Problem(422, errors=errors)
    try:
        services.rsvp_visitor(
            event,
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
            language=body.language,
            base_url=request_root(request),
        )
    except PermissionDenied:
        raise Problem(404) from None
    except ValidationError as error:
        raise Problem(409, " ".join(error.messages)) from None
    return Status(
        202,
        {
            "status": "received",
            "detail": _("The person has been sent an e-mail to confirm their reply."),
        },
    )
