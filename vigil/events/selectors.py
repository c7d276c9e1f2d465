"""Reads of events for pages and calendar feeds: who sees which event, and the feeds themselves.

Members-only events leave only through :func:`visible_events` (a signed-in viewer) and
:func:`group_feed` with a member's token, which is checked against current membership on every
fetch: calendar apps send no session cookie, so the token in the address is all there is.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as ICalEvent
from icalendar.enums import CLASS, STATUS

from vigil.accounts.roles import Role
from vigil.core.fields import blind_index_for
from vigil.core.permissions import can
from vigil.core.timezones import zone_choices
from vigil.directory.models import Region
from vigil.directory.selectors import descendant_ids
from vigil.groups.models import Group
from vigil.groups.rules import is_group_member, is_national_coordinator
from vigil.groups.selectors import groups_in_region, groups_of, upcoming_meetings

from .models import Event, Rsvp
from .rules import is_staff

FEED_SALT = "vigil.events.group-feed"
RSVP_SALT = "vigil.events.rsvp-cancel"
PRODID = "-//Vigil//Events//EN"
#: How long a meeting lasts in the feed when the group's rule says only when it starts.
MEETING_LENGTH = datetime.timedelta(hours=2)
#: Past events stay in feeds this long, so a calendar keeps last month's entries.
FEED_PAST = datetime.timedelta(days=90)


# --- who sees what -------------------------------------------------------------------------
def visible_events(user: Any = None) -> QuerySet[Event]:
    """Public events, and members-only events the viewer may see (the list form of the rule
    ``events.view_event``): their groups', their region's groups' when they coordinate one,
    and every one for staff and national coordinators."""
    events = Event.objects.all()
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return events.filter(visibility=Event.Visibility.PUBLIC)
    if is_staff(user) or is_national_coordinator(user):
        return events
    groups = set(groups_of(user).values_list("pk", flat=True))
    regions = Region.objects.filter(
        pk__in=user.role_assignments.filter(
            role=Role.REGIONAL_COORDINATOR,
            scope_type=ContentType.objects.get_for_model(Region),
        ).values("scope_id")
    )
    for region in regions:
        groups.update(groups_in_region(region).values_list("pk", flat=True))
    return events.filter(
        Q(visibility=Event.Visibility.PUBLIC) | Q(organisers__in=groups)
    ).distinct()


def upcoming(user: Any = None, *, now: datetime.datetime | None = None) -> QuerySet[Event]:
    """Events not yet over, soonest first (cancelled ones too: people need to know)."""
    return (
        visible_events(user)
        .filter(ends_at__gte=now or timezone.now())
        .select_related("region")
        .prefetch_related("organisers")
        .order_by("starts_at", "pk")
    )


def regions_with_events(*, now: datetime.datetime | None = None) -> list[Region]:
    """Regions with public events coming up (for the region feed links), by name."""
    regions = Region.objects.filter(
        events__visibility=Event.Visibility.PUBLIC, events__ends_at__gte=now or timezone.now()
    ).distinct()
    return sorted(regions, key=lambda r: r.name)


def past(user: Any = None, *, now: datetime.datetime | None = None) -> QuerySet[Event]:
    return (
        visible_events(user)
        .filter(ends_at__lt=now or timezone.now())
        .prefetch_related("organisers")
        .order_by("-starts_at", "-pk")
    )


def group_events(group: Group, user: Any = None) -> QuerySet[Event]:
    return upcoming(user).filter(organisers=group)


def event_for_page(pk: int) -> Event | None:
    return (
        Event.objects.filter(pk=pk)
        .select_related("region")
        .prefetch_related("organisers", "partners")
        .first()
    )


def places(event: Event) -> dict[str, int | None]:
    """Confirmed and waiting counts, and the places left (None: no limit)."""
    counts = event.rsvps.aggregate(
        confirmed=Count("pk", filter=Q(status=Rsvp.Status.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=Rsvp.Status.WAITING)),
    )
    left = None if event.capacity is None else max(0, event.capacity - counts["confirmed"])
    return {"confirmed": counts["confirmed"], "waiting": counts["waiting"], "left": left}


def rsvp_of(event: Event, user: Any) -> Rsvp | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return event.rsvps.filter(user=user).first()


def attendees(event: Event) -> list[Rsvp]:
    """The list for coordinators and staff only (the view checks ``events.view_rsvp``)."""
    return list(
        event.rsvps.exclude(status=Rsvp.Status.PENDING)
        .select_related("user")
        .order_by("status", "created_at", "pk")
    )


def groups_for_organiser(user: Any) -> QuerySet[Group]:
    """The groups this person may name as organisers: all for staff, else those they lead."""
    if is_staff(user):
        return Group.objects.all()
    allowed = [g.pk for g in groups_of(user) if can(user, "events.organise_for_group", g)]
    return Group.objects.filter(pk__in=allowed)


def zone_names() -> list[str]:
    """Russia's zones first, then the rest: the suggestions of the time-zone field."""
    return [name for name, _label in zone_choices()]


# --- the signed links ----------------------------------------------------------------------
def member_feed_token(user: Any, group: Group) -> str:
    return signing.Signer(salt=FEED_SALT).sign_object({"u": user.pk, "g": group.pk})


def member_for_token(token: str, group: Group) -> Any:
    """The member a feed token was made for, if the token is genuine and they still belong."""
    from vigil.accounts.models import User

    try:
        data = signing.Signer(salt=FEED_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if (
        not isinstance(data, dict)
        or data.get("g") != group.pk
        or not isinstance(data.get("u"), int)
    ):
        return None
    user = User.objects.filter(pk=data["u"], is_active=True).first()
    if user is None or not is_group_member(user, group):
        return None
    return user


def group_feed_url(group: Group, user: Any = None) -> str:
    """The group's calendar address for this viewer: a member's private one carries a token.

    The address is relative; the group page makes it absolute (``webcal://`` or ``https://``).
    """
    if member_feed_is_private(group, user):
        return reverse(
            "events:group_feed_private",
            kwargs={"slug": group.slug, "token": member_feed_token(user, group)},
        )
    return reverse("events:group_feed", kwargs={"slug": group.slug})


def member_feed_is_private(group: Group, user: Any) -> bool:
    """Whether :func:`group_feed_url` gives this viewer a private (member's) address."""
    return bool(getattr(user, "is_authenticated", False)) and bool(is_group_member(user, group))


def rsvp_cancel_token(rsvp: Rsvp) -> str:
    return signing.Signer(salt=RSVP_SALT).sign_object({"r": rsvp.pk, "e": rsvp.event_id})


def rsvp_for_token(token: str) -> Rsvp | None:
    try:
        data = signing.Signer(salt=RSVP_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or not all(isinstance(data.get(k), int) for k in "re"):
        return None
    return Rsvp.objects.filter(pk=data["r"], event_id=data["e"]).select_related("event").first()


# --- iCalendar (RFC 5545) ------------------------------------------------------------------
def _calendar(name: str) -> Calendar:
    calendar = Calendar.new(prodid=PRODID, name=name)
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    return calendar


def _location(event: Event) -> str:
    return ", ".join(part for part in (event.venue, event.address) if part)


def _event_component(event: Event, base_url: str, stamp: datetime.datetime) -> ICalEvent:
    return ICalEvent.new(
        uid=f"{event.uid}@vigil",
        stamp=stamp,
        # Wall-clock time at the venue with its TZID; the VTIMEZONE is added below.
        start=event.local_starts_at,
        end=event.local_ends_at,
        summary=event.display_title,
        location=_location(event) or None,
        url=base_url + event.get_absolute_url(),
        sequence=event.sequence,
        status=STATUS.CANCELLED if event.is_cancelled else STATUS.CONFIRMED,
        last_modified=event.updated_at,
        description=event.display_description or None,
        classification=CLASS.PUBLIC if event.is_public else CLASS.PRIVATE,
    )


def _meeting_component(
    group: Group, starts_at: datetime.datetime, base_url: str, stamp: datetime.datetime
) -> ICalEvent:
    utc = starts_at.astimezone(datetime.UTC)
    return ICalEvent.new(
        # The same meeting gets the same UID on every fetch: group and instant identify it.
        uid=f"meeting-{group.pk}-{utc:%Y%m%dT%H%M%SZ}@vigil",
        stamp=stamp,
        start=utc,
        end=utc + MEETING_LENGTH,
        summary=_("Meeting of %(group)s") % {"group": group.display_name},
        location=group.meeting_place or None,
        url=base_url + group.get_absolute_url(),
        status=STATUS.CONFIRMED,
    )


def _finish(calendar: Calendar) -> bytes:
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def _feed_events(events: QuerySet[Event], now: datetime.datetime) -> QuerySet[Event]:
    return events.filter(ends_at__gte=now - FEED_PAST).order_by("starts_at", "pk").distinct()


def public_feed(base_url: str, *, now: datetime.datetime | None = None) -> bytes:
    now = now or timezone.now()
    calendar = _calendar(_("Public events"))
    events = Event.objects.filter(visibility=Event.Visibility.PUBLIC)
    for event in _feed_events(events, now):
        calendar.add_component(_event_component(event, base_url, now))
    return _finish(calendar)


def region_feed(region: Region, base_url: str, *, now: datetime.datetime | None = None) -> bytes:
    """Public events of the region and of every region below it."""
    now = now or timezone.now()
    calendar = _calendar(_("Public events: %(region)s") % {"region": region.name})
    events = Event.objects.filter(
        visibility=Event.Visibility.PUBLIC, region__in=descendant_ids(region)
    )
    for event in _feed_events(events, now):
        calendar.add_component(_event_component(event, base_url, now))
    return _finish(calendar)


def group_feed(
    group: Group, base_url: str, *, member: Any = None, now: datetime.datetime | None = None
) -> bytes:
    """The group's public events; for a current member also its meetings and members-only events.

    Meetings are members' business (the public sees a group's name and city only).
    """
    now = now or timezone.now()
    calendar = _calendar(group.display_name)
    events = Event.objects.filter(organisers=group)
    if member is None:
        events = events.filter(visibility=Event.Visibility.PUBLIC)
    else:
        for starts_at in upcoming_meetings(group, after=now):
            calendar.add_component(_meeting_component(group, starts_at, base_url, now))
    for event in _feed_events(events, now):
        calendar.add_component(_event_component(event, base_url, now))
    return _finish(calendar)


# --- a person's own data -------------------------------------------------------------------
def replies_of(user: Any) -> list[Rsvp]:
    """A person's replies: as a member, and as a visitor from their account's address."""
    index = blind_index_for(Rsvp, "email_index", user.email or "")
    mine = Q(user=user) | Q(email_index=index) if index else Q(user=user)
    return list(Rsvp.objects.filter(mine).select_related("event").order_by("created_at", "pk"))


def data_of(user: Any) -> dict[str, Any]:
    """A person's replies, for their copy of their data (``core.personal_data``)."""
    return {
        "replies": [
            {
                "event": rsvp.event.display_title,
                "starts_at": rsvp.event.starts_at.isoformat(),
                "status": rsvp.status,
                "replied_at": rsvp.created_at.isoformat(),
                "as_visitor": rsvp.user_id is None,
                **({"name": rsvp.name, "email": rsvp.email} if rsvp.user_id is None else {}),
            }
            for rsvp in replies_of(user)
        ]
    }
