"""Reads for the action point pages, the campaign page and the due-date feed."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as ICalEvent

from vigil.core.permissions import can
from vigil.directory.models import Organisation
from vigil.groups.models import Group, Membership
from vigil.publications.selectors import public_documents

from .models import ActionPoint, ActionPointQuerySet, Owner, ProgressUpdate

PRODID = "-//Vigil//Action points//EN"


def _with_owners(points: QuerySet[ActionPoint]) -> QuerySet[ActionPoint]:
    return points.select_related("campaign", "roundtable__event").prefetch_related(
        Prefetch(
            "owners",
            queryset=Owner.objects.select_related("user", "group", "organisation", "contact"),
        )
    )


def coordinated_groups(user: Any) -> QuerySet[Group]:
    """The groups whose points this person answers for: those they coordinate now."""
    if not getattr(user, "is_authenticated", False):
        return Group.objects.none()
    return Group.objects.filter(
        memberships__user=user,
        memberships__role=Membership.Role.COORDINATOR,
        memberships__left_at__isnull=True,
    ).distinct()


def visible_points(user: Any) -> ActionPointQuerySet:
    """Every point for staff; a coordinator's groups' points; nothing for anyone else.
    The same rule as ``actionpoints.view_point`` (``rules.py``), as a queryset."""
    if can(user, "actionpoints.manage"):
        return ActionPoint.objects.all()
    return ActionPoint.objects.filter(
        pk__in=Owner.objects.filter(group__in=coordinated_groups(user)).values("point_id")
    )


@dataclass(frozen=True)
class BoardFilter:
    status: str = "open"  # "open", "overdue", "all" or a status
    group: int | None = None
    organisation: int | None = None
    user: int | None = None
    campaign: int | None = None


def board(
    user: Any, chosen: BoardFilter, today: datetime.date | None = None
) -> QuerySet[ActionPoint]:
    points = visible_points(user)
    if chosen.status == "open":
        points = points.filter(status__in=ActionPoint.OPEN)
    elif chosen.status == "overdue":
        points = points.overdue(today)
    elif chosen.status in ActionPoint.Status.values:
        points = points.filter(status=chosen.status)
    owner = Q()
    if chosen.group:
        owner &= Q(owners__group_id=chosen.group)
    if chosen.organisation:
        owner &= Q(owners__organisation_id=chosen.organisation)
    if chosen.user:
        owner &= Q(owners__user_id=chosen.user)
    if owner:
        points = points.filter(pk__in=ActionPoint.objects.filter(owner).values("pk"))
    if chosen.campaign:
        points = points.filter(campaign_id=chosen.campaign)
    return _with_owners(points).order_by("due_on", "pk")


def point_for_page(pk: int) -> ActionPoint | None:
    return _with_owners(ActionPoint.objects.filter(pk=pk)).first()


def updates(point: ActionPoint) -> list[ProgressUpdate]:
    return list(point.updates.select_related("by"))


def from_roundtable(roundtable: Any) -> list[ActionPoint]:
    return list(_with_owners(ActionPoint.objects.filter(roundtable=roundtable)))


def owned_by_organisation(organisation: Any) -> list[ActionPoint]:
    return list(
        _with_owners(ActionPoint.objects.filter(owners__organisation=organisation).distinct())
    )


# --- public accountability -----------------------------------------------------------------
@dataclass(frozen=True)
class PublicResult:
    point: ActionPoint
    updates: list[ProgressUpdate]
    #: The linked document, only once it is public (the embargo as everywhere).
    document: Any


def public_results(campaign: Any, now: datetime.datetime | None = None) -> list[PublicResult]:
    """A campaign's public points, for its page: the caller shows them once the campaign is
    public.  A linked document shows only through ``publications.selectors.public_documents``."""
    now = now or timezone.now()
    points = list(
        ActionPoint.objects.filter(campaign=campaign, is_public=True)
        .prefetch_related("updates")
        .order_by("due_on", "pk")
    )
    document_ids = {p.document_id for p in points if p.document_id}
    documents = {d.pk: d for d in public_documents(now).filter(pk__in=document_ids)}
    return [
        PublicResult(
            point=p,
            updates=list(p.updates.all()),
            document=documents.get(p.document_id) if p.document_id else None,
        )
        for p in points
    ]


# --- the due-date feed (RFC 5545) ----------------------------------------------------------
def feed_points(user: Any) -> QuerySet[ActionPoint]:
    """Open points with a due date that this person owns, or their groups own."""
    mine = Q(owners__user=user) | Q(owners__group__in=coordinated_groups(user))
    return (
        ActionPoint.objects.open()
        .filter(due_on__isnull=False)
        .filter(pk__in=ActionPoint.objects.filter(mine).values("pk"))
        .order_by("due_on", "pk")
    )


def feed(user: Any, base_url: str, name: str) -> bytes:
    calendar = Calendar.new(prodid=PRODID, name=name)
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    stamp = timezone.now()
    for point in feed_points(user):
        if point.due_on is None:
            continue
        entry = ICalEvent()
        entry.add("uid", f"action-point-{point.pk}@vigil")
        entry.add("dtstamp", stamp)
        entry.add("dtstart", point.due_on)
        entry.add("dtend", point.due_on + datetime.timedelta(days=1))
        entry.add("summary", point.title)
        entry.add("url", base_url + point.get_absolute_url())
        if point.description:
            entry.add("description", point.description)
        calendar.add_component(entry)
    return bytes(calendar.to_ical())


def feed_path(token: str) -> str:
    return reverse("actionpoints:feed", args=[token])


# --- choosing owners -----------------------------------------------------------------------
def roundtable_named(pk: str) -> Any:
    """The roundtable a new point comes from (``?roundtable=<id>``), if there is one."""
    if not pk.isdigit():
        return None
    roundtable = ActionPoint._meta.get_field("roundtable").related_model
    return roundtable._default_manager.select_related("campaign").filter(pk=int(pk)).first()


def partner_candidates(*, roundtable: Any, campaign: Any, point: ActionPoint | None) -> list[Any]:
    """Organisations a point may be given to: the roundtable's invited ones, the campaign's
    partners, and those already owning it."""
    found = Q(pk__in=[])
    if roundtable is not None:
        found |= Q(invitations__roundtable=roundtable)
    if campaign is not None:
        found |= Q(partnerships__campaign=campaign)
    elif roundtable is not None and roundtable.campaign_id:
        found |= Q(partnerships__campaign_id=roundtable.campaign_id)
    if point is not None:
        found |= Q(action_points__point=point)
    return list(Organisation.objects.filter(found).distinct().order_by("name_ru", "pk"))
