"""Reads about local groups, shared by the groups pages, events and the coordination dashboard."""

from __future__ import annotations

import datetime
import re
import zoneinfo
from typing import Any

from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrule, rrulestr
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.accounts.models import User
from vigil.core.fields import blind_index_for
from vigil.directory.models import Region

from .models import Application, Group, Meeting, Membership

#: No meeting logged for this long (and the group is at least this old): the group is dormant.
DORMANT_AFTER = relativedelta(months=3)
#: A rule whose next occurrence is further away than this is taken as "never".
SEARCH_HORIZON_YEARS = 5


# --- the schedule --------------------------------------------------------------------------
def parse_rule(rule_text: str, dtstart: datetime.datetime) -> rrule:
    """The dateutil rule for an RRULE line (with or without the ``RRULE:`` prefix).

    ``services.validate_schedule`` has checked what is stored; this raises ValueError on junk.
    """
    text = rule_text.strip().upper()
    if text.startswith("RRULE:"):
        text = text[len("RRULE:") :]
    # The rule is read in local wall-clock time, so a UTC "Z" on UNTIL is read as local too.
    text = re.sub(r"(UNTIL=\d{8}T\d{6})Z", r"\1", text)
    parsed = rrulestr(text, dtstart=dtstart, forceset=False)
    if not isinstance(parsed, rrule):
        raise ValueError("not a single RRULE")
    return parsed


def _local_start(group: Group, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    """The rule's anchor: the group's creation day at the meeting time, local and naive.

    The rule is read in local wall-clock time so that "19:00" stays 19:00 across DST changes.
    """
    created = group.created_at or timezone.now()
    day = created.astimezone(zone).date()
    time = group.meeting_time or datetime.time(0, 0)
    return datetime.datetime.combine(day, time)


def upcoming_meetings(
    group: Group, *, after: datetime.datetime | None = None, count: int = 6
) -> list[datetime.datetime]:
    """The next ``count`` planned meetings after ``after`` (default: now), aware, in UTC."""
    if not group.meeting_rule or group.meeting_time is None:
        return []
    try:
        zone = zoneinfo.ZoneInfo(group.meeting_timezone)
        rule = parse_rule(group.meeting_rule, _local_start(group, zone))
    except (ValueError, TypeError, KeyError, zoneinfo.ZoneInfoNotFoundError):
        return []
    moment = after or timezone.now()
    # Compare in local wall-clock time; a day earlier so nothing near midnight is skipped.
    cursor = moment.astimezone(zone).replace(tzinfo=None) - datetime.timedelta(days=1)
    horizon = cursor + relativedelta(years=SEARCH_HORIZON_YEARS)
    found: list[datetime.datetime] = []
    while len(found) < count:
        try:
            local = rule.after(cursor)
        except (ValueError, IndexError, OverflowError):  # a rule stored before it was checked
            break
        if local is None or local > horizon:
            break
        cursor = local
        aware = local.replace(tzinfo=zone).astimezone(datetime.UTC)
        if aware > moment:
            found.append(aware)
    return found


WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def describe_schedule(group: Group) -> str:
    """The schedule in words ("monthly, first Tuesday, 19:00, Europe/Moscow") for common rules."""
    if not group.meeting_rule or group.meeting_time is None:
        return _("No regular meetings")
    parts = dict(
        part.split("=", 1)
        for part in group.meeting_rule.upper().removeprefix("RRULE:").split(";")
        if "=" in part
    )
    day_names = {
        "MO": _("Monday"), "TU": _("Tuesday"), "WE": _("Wednesday"), "TH": _("Thursday"),
        "FR": _("Friday"), "SA": _("Saturday"), "SU": _("Sunday"),
    }  # fmt: skip
    ordinals = {
        "1": _("first"), "2": _("second"), "3": _("third"), "4": _("fourth"), "-1": _("last"),
    }  # fmt: skip
    freq, byday, interval = parts.get("FREQ"), parts.get("BYDAY", ""), parts.get("INTERVAL", "1")
    extra = set(parts) - {"FREQ", "BYDAY", "INTERVAL", "WKST"}
    when: str | None = None
    if not extra and interval == "1" and byday and "," not in byday:
        code, number = byday[-2:], byday[:-2].lstrip("+")
        if code in day_names and freq == "MONTHLY" and number in ordinals:
            when = _("monthly, %(ordinal)s %(day)s") % {
                "ordinal": ordinals[number],
                "day": day_names[code],
            }
        elif code in day_names and freq == "WEEKLY" and not number:
            when = _("weekly, %(day)s") % {"day": day_names[code]}
    if when is None:
        when = group.meeting_rule
    return f"{when}, {group.meeting_time:%H:%M}, {group.meeting_timezone}"


# --- members -------------------------------------------------------------------------------
def current_members(group: Group) -> QuerySet[Membership]:
    return Membership.objects.filter(group=group, left_at__isnull=True).select_related("user")


def coordinators(group: Group) -> QuerySet[Membership]:
    return current_members(group).filter(role=Membership.Role.COORDINATOR)


def groups_of(user: Any) -> QuerySet[Group]:
    """Groups the user is a current member of, in any role."""
    if not getattr(user, "is_authenticated", False):
        return Group.objects.none()
    return Group.objects.filter(
        memberships__user=user, memberships__left_at__isnull=True
    ).distinct()


def membership_of(user: Any, group: Group) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return current_members(group).filter(user=user).first()


def member_names(group: Group) -> list[dict[str, str]]:
    """Names and roles only: what fellow members may see of each other."""
    rows = [
        {"name": m.user.get_short_name(), "role": m.get_role_display(), "key": m.role}
        for m in current_members(group)
    ]
    order: dict[str, int] = {Membership.Role.COORDINATOR: 0, Membership.Role.TREASURER: 1}
    return sorted(rows, key=lambda row: (order.get(row["key"], 2), row["name"].casefold()))


# --- meetings ------------------------------------------------------------------------------
def last_meeting(group: Group) -> Meeting | None:
    return Meeting.objects.filter(group=group).order_by("-held_on").first()


def recent_meetings(group: Group, limit: int = 5) -> list[Meeting]:
    return list(
        Meeting.objects.filter(group=group).prefetch_related("letters").order_by("-held_on")[:limit]
    )


#: ``is_dormant(..., last_held_on=UNKNOWN)``: look the last meeting up.
UNKNOWN: Any = object()


def is_dormant(
    group: Group,
    *,
    today: datetime.date | None = None,
    last_held_on: datetime.date | None = UNKNOWN,
) -> bool:
    """THE dormancy rule: no meeting logged for three months.

    A group younger than three months is not dormant (it has had no chance yet), and a
    closed group is closed, not dormant.  A list of groups passes the date of each group's
    last meeting (None: never met), annotated in its own query, instead of a query a group.
    """
    if group.status == Group.Status.CLOSED:
        return False
    today = today or timezone.localdate()
    cutoff = today - DORMANT_AFTER
    if group.created_at and group.created_at.date() > cutoff:
        return False
    if last_held_on is UNKNOWN:
        last = last_meeting(group)
        last_held_on = last.held_on if last else None
    return last_held_on is None or last_held_on < cutoff


# --- where groups are ----------------------------------------------------------------------
def region_and_descendants(region: Region) -> list[int]:
    """Ids of the region and every region under it (the tree is small: a query per level)."""
    ids, level = [region.pk], [region.pk]
    while level:
        level = list(Region.objects.filter(parent_id__in=level).values_list("pk", flat=True))
        level = [pk for pk in level if pk not in ids]
        ids.extend(level)
    return ids


def region_and_ancestors(region: Region) -> list[int]:
    return [region.pk, *(r.pk for r in region.ancestors())]


def groups_in_region(region: Region) -> QuerySet[Group]:
    """Groups of the region and all its descendants."""
    return Group.objects.filter(region_id__in=region_and_descendants(region))


def public_groups() -> QuerySet[Group]:
    """What the public sees: groups that are not closed (names and cities only)."""
    return (
        Group.objects.exclude(status=Group.Status.CLOSED)
        .select_related("region")
        .order_by("city", "number")
    )


def nearest_group(region: Region, city: str = "") -> Group | None:
    """The group an applicant from ``region`` (and ``city``) is sent to, or None.

    Active groups of the region and below; one in the applicant's own city first.
    """
    candidates = list(
        groups_in_region(region).filter(status=Group.Status.ACTIVE).order_by("number")
    )
    wanted = city.strip().casefold()
    for group in candidates:
        if wanted and group.city.strip().casefold() == wanted:
            return group
    return candidates[0] if candidates else None


def joinable_regions() -> QuerySet[Region]:
    """Regions an applicant may name: cities and regions (not whole countries' groups)."""
    return Region.objects.filter(kind__in=[Region.Kind.CITY, Region.Kind.REGION])


# --- applications --------------------------------------------------------------------------
def application_index(email: str) -> str:
    """The blind index an application from ``email`` has (never matches an empty address)."""
    return blind_index_for(Application, "email_index", email) or "-"


def pending_application_from(email: str) -> Application | None:
    return Application.objects.filter(
        email_index=application_index(email), status=Application.Status.PENDING
    ).first()


def applications_for(user: Any) -> list[Application]:
    """Open applications the user may decide (one predicate decides, see rules), each marked
    ``already_member`` when its address belongs to a member: the public form answers every
    address alike, so duplicates are shown here."""
    pending = Application.objects.filter(status=Application.Status.PENDING).select_related(
        "group", "region"
    )
    mine = [a for a in pending if user.has_perm("groups.decide_application", a)]
    for application in mine:
        application.already_member = bool(groups_of_address(application.email))  # type: ignore[attr-defined]
    return mine


def groups_of_address(email: str) -> list[Group]:
    """The groups whose current member has this address (none for an unknown address)."""
    user = User.objects.get_by_email(str(email)) if email else None
    return list(groups_of(user)) if user is not None else []


# --- a member's own data -------------------------------------------------------------------
def data_of(user: Any) -> dict[str, Any]:
    """What the groups hold about a person, for their copy (``core.personal_data``)."""
    memberships = Membership.objects.filter(user=user).select_related("group")
    applications = Application.objects.filter(
        Q(user=user) | Q(email_index=application_index(user.email))
    ).select_related("group", "region")
    return {
        "memberships": [
            {
                "group": str(m.group),
                "role": m.role,
                "joined_at": m.joined_at.isoformat(),
                "left_at": m.left_at.isoformat() if m.left_at else None,
                "receives_group_mail": m.receives_group_mail,
            }
            for m in memberships
        ],
        "applications": [
            {
                "name": a.name,
                "email": a.email,
                "city": a.city,
                "languages": a.languages,
                "region": a.region.slug,
                "group": str(a.group) if a.group else None,
                "status": a.status,
                "answer": a.answer,
                "sent_at": a.created_at.isoformat(),
                "decided_at": a.decided_at.isoformat() if a.decided_at else None,
                "consent_at": a.consent_at.isoformat(),
            }
            for a in applications
        ],
    }
