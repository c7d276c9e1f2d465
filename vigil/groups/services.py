"""Writes and rules for local groups: schedules, members, meetings, group mail, members' data
(joining is :mod:`.joining`).

Every write is one transaction: a refused step leaves nothing half-written.  Mail goes through
``core.tasks.queue_email`` (sealed, sent by the worker) inside the same transaction, so a
rolled-back write sends nothing.
"""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

from dateutil.rrule import HOURLY, MINUTELY, SECONDLY
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vigil.accounts.models import User
from vigil.accounts.roles import Role
from vigil.accounts.services import assign_role, revoke_role
from vigil.core.links import absolute_url
from vigil.core.timezones import is_valid_zone
from vigil.directory.models import Region

from . import mail, selectors
from .models import Application, Group, Meeting, MeetingLetters, MeetingReminder, Membership
from .rules import may_move_group

UNSUBSCRIBE_SALT = "vigil.groups.unsubscribe"
#: Rules more frequent than daily are not a meeting schedule.
TOO_FREQUENT = {SECONDLY, MINUTELY, HOURLY}


# --- unsubscribing from group mail --------------------------------------------------------
def unsubscribe_token(membership: Membership) -> str:
    return signing.dumps({"m": membership.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def membership_from_token(token: str) -> Membership | None:
    """The membership an unsubscribe link names, or None for a forged or mangled link.

    The link never expires: an old message's link must still work.
    """
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    pk = data.get("m") if isinstance(data, dict) else None
    if not isinstance(pk, int):
        return None
    return Membership.objects.select_related("group", "user").filter(pk=pk).first()


def unsubscribe(membership: Membership) -> Membership:
    if membership.receives_group_mail:
        membership.receives_group_mail = False
        membership.save(update_fields=["receives_group_mail"])
    return membership


def resubscribe(membership: Membership) -> Membership:
    if not membership.receives_group_mail:
        membership.receives_group_mail = True
        membership.save(update_fields=["receives_group_mail"])
    return membership


def _unsubscribe_url(membership: Membership, base_url: str | None, language: str) -> str:
    with translation.override(language):
        path = reverse("groups:unsubscribe", args=[unsubscribe_token(membership)])
    return absolute_url(path, base_url)


# --- the schedule --------------------------------------------------------------------------
def validate_schedule(
    rule_text: str,
    meeting_time: datetime.time | None,
    zone_name: str,
    *,
    now: datetime.datetime | None = None,
) -> str:
    """Check a meeting schedule; return the rule as stored (no ``RRULE:`` prefix, upper case).

    Raises ValidationError keyed by field, with a message a coordinator can act on.
    """
    text = (rule_text or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:") :].strip()
    text = text.upper()
    if not text:
        return ""
    errors: dict[str, str] = {}
    if not is_valid_zone(zone_name):
        errors["meeting_timezone"] = _(
            "“%(value)s” is not a time zone name such as Europe/Moscow."
        ) % {"value": zone_name}
    if meeting_time is None:
        errors["meeting_time"] = _("Give the time the meetings start.")
    if errors or meeting_time is None:
        raise ValidationError(errors)
    if "\n" in text or "\r" in text or "DTSTART" in text:
        raise ValidationError(
            {"meeting_rule": _("Write one rule such as FREQ=MONTHLY;BYDAY=1TU (one line).")}
        )
    if "COUNT=" in text and "UNTIL=" in text:
        raise ValidationError({"meeting_rule": _("Use COUNT or UNTIL, not both.")})
    if any(part in text for part in ("BYHOUR", "BYMINUTE", "BYSECOND")):
        raise ValidationError(
            {"meeting_rule": _("Leave the time out of the rule: use the meeting time field.")}
        )
    zone = zoneinfo.ZoneInfo(zone_name)
    now = now or timezone.now()
    start = datetime.datetime.combine(now.astimezone(zone).date(), meeting_time)
    not_understood = _(
        "This is not a recurrence rule Vigil understands. Write it like "
        "FREQ=MONTHLY;BYDAY=1TU (first Tuesday of each month)."
    )
    try:
        if "FREQ=" not in text:
            raise ValueError("no FREQ")
        rule = selectors.parse_rule(text, start)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError):
        raise ValidationError({"meeting_rule": not_understood}) from None
    if getattr(rule, "_freq", None) in TOO_FREQUENT:
        raise ValidationError(
            {"meeting_rule": _("A group meets at most once a day: use DAILY, WEEKLY or MONTHLY.")}
        )
    horizon = start + datetime.timedelta(days=366 * selectors.SEARCH_HORIZON_YEARS)
    until = getattr(rule, "_until", None)
    # Bounded, so that a rule naming an impossible day (30 February) does not run to year 9999.
    bounded = rule.replace(count=None, until=min(until, horizon) if until else horizon)
    try:
        upcoming = bounded.after(start, inc=True)
    except (ValueError, TypeError, IndexError, OverflowError):
        raise ValidationError({"meeting_rule": not_understood}) from None
    if upcoming is None or upcoming > horizon:
        raise ValidationError(
            {
                "meeting_rule": _(
                    "This rule gives no meeting in the coming years. Check COUNT, UNTIL and "
                    "the days it names."
                )
            }
        )
    return text


GROUP_FIELDS = (
    "name", "name_en", "city", "region", "country", "status", "email", "postal_address",
    "meeting_rule", "meeting_time", "meeting_timezone", "meeting_place",
)  # fmt: skip


@transaction.atomic
def update_group(group: Group, *, by: User | None = None, **values: Any) -> Group:
    """Change a group's details and schedule (the schedule is validated first).

    ``by`` is the person editing (None for the system itself: creation, the demo): a new
    region must be one they may move the group to (:func:`rules.may_move_group`)."""
    region = values.get("region")
    if by is not None and region is not None and not may_move_group(by, group, region):
        raise PermissionDenied("groups.move_group")
    for name, value in values.items():
        if name not in GROUP_FIELDS:
            raise TypeError(f"unknown group field {name!r}")
        setattr(group, name, value)
    group.meeting_rule = validate_schedule(
        group.meeting_rule, group.meeting_time, group.meeting_timezone
    )
    group.country = (group.country or "").upper()
    group.full_clean()
    group.save()
    return group


@transaction.atomic
def create_group(
    *, number: int, name: str, slug: str, city: str, region: Region, **values: Any
) -> Group:
    if Group.objects.filter(number=number).exists():
        raise ValidationError({"number": _("A group with this number already exists.")})
    group = Group(number=number, name=name, slug=slug, city=city, region=region)
    return update_group(group, **values)


# --- members -------------------------------------------------------------------------------
@transaction.atomic
def add_member(
    group: Group, user: User, role: str = Membership.Role.MEMBER, *, by: User | None = None
) -> Membership:
    """Make ``user`` a current member (or change their role); coordinator role follows along."""
    if role not in Membership.Role.values:
        raise ValidationError(_("Unknown role: %(role)s") % {"role": role})
    membership = selectors.membership_of(user, group)
    if membership is None:
        membership = Membership.objects.create(group=group, user=user, role=role)
    elif membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    assign_role(user, Role.MEMBER, granted_by=by)
    if role == Membership.Role.COORDINATOR:
        assign_role(user, Role.GROUP_COORDINATOR, scope=group, granted_by=by)
    else:
        revoke_role(user, Role.GROUP_COORDINATOR, scope=group)
    return membership


def sync_coordinator_role(membership: Membership) -> None:
    """Hold the group coordinator role exactly while holding a current coordinator membership."""
    if membership.left_at is None and membership.role == Membership.Role.COORDINATOR:
        assign_role(membership.user, Role.GROUP_COORDINATOR, scope=membership.group)
    elif not Membership.objects.filter(
        group=membership.group,
        user=membership.user,
        left_at__isnull=True,
        role=Membership.Role.COORDINATOR,
    ).exists():
        revoke_role(membership.user, Role.GROUP_COORDINATOR, scope=membership.group)


@transaction.atomic
def leave_group(membership: Membership) -> Membership:
    """End a membership; the coordinator role for the group and, if no group is left, the
    network member role end with it."""
    if membership.left_at is not None:
        raise ValidationError(_("You have already left this group."))
    membership.left_at = timezone.now()
    membership.save(update_fields=["left_at"])
    user = membership.user
    revoke_role(user, Role.GROUP_COORDINATOR, scope=membership.group)
    if not selectors.groups_of(user).exists():
        revoke_role(user, Role.MEMBER)
    return membership


# --- meetings ------------------------------------------------------------------------------
@transaction.atomic
def log_meeting(
    group: Group,
    *,
    by: User,
    held_on: datetime.date,
    attendance: int,
    decisions: str = "",
    letters: list[tuple[str, int]] | None = None,
) -> Meeting:
    """Log a meeting with the letters written per case; a dormant group is active again."""
    if held_on > timezone.localdate() + datetime.timedelta(days=1):
        raise ValidationError({"held_on": _("A meeting can only be logged once it has happened.")})
    if Meeting.objects.filter(group=group, held_on=held_on).exists():
        raise ValidationError(
            {"held_on": _("A meeting on this date is already logged for this group.")}
        )
    meeting = Meeting(
        group=group, held_on=held_on, attendance=attendance, decisions=decisions.strip(),
        logged_by=by,
    )  # fmt: skip
    meeting.full_clean()
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError:
        raise ValidationError(
            {"held_on": _("A meeting on this date is already logged for this group.")}
        ) from None
    rows = [MeetingLetters(meeting=meeting, case_label=label.strip(), count=count)
            for label, count in (letters or []) if label.strip()]  # fmt: skip
    for row in rows:
        row.full_clean(exclude=["meeting"])
    MeetingLetters.objects.bulk_create(rows)
    if group.status == Group.Status.DORMANT:
        group.status = Group.Status.ACTIVE
        group.save(update_fields=["status"])
    return meeting


# --- group mail ----------------------------------------------------------------------------
def mail_recipients(group: Group) -> list[Membership]:
    """Current members who still take group mail, with an active account."""
    return [
        m
        for m in selectors.current_members(group).filter(receives_group_mail=True)
        if m.user.is_active
    ]


@transaction.atomic
def write_to_group(
    group: Group, *, by: User, subject: str, body: str, base_url: str | None = None
) -> int:
    """Queue one message per member; each carries its own unsubscribe link.  Returns the count."""
    subject, body = subject.strip(), body.strip()
    errors: dict[str, str] = {}
    if not subject:
        errors["subject"] = _("Write a subject.")
    if not body:
        errors["body"] = _("Write the message.")
    if errors:
        raise ValidationError(errors)
    recipients = mail_recipients(group)
    for membership in recipients:
        user = membership.user
        mail.send(
            user,
            "group_message",
            {
                "group": group,
                "subject": subject,
                "body": body,
                "sender": by.get_short_name(),
                "unsubscribe": _unsubscribe_url(membership, base_url, user.language),
            },
        )
    return len(recipients)


def send_meeting_reminders(
    *, days: int = 3, now: datetime.datetime | None = None, base_url: str | None = None
) -> int:
    """Remind members of the planned meetings in the next ``days`` days.  Returns how many.

    Idempotent: a ``MeetingReminder`` row per meeting and person is written in the same
    transaction as the queued mail, so a second run (or a crashed one) never sends twice.
    """
    now = now or timezone.now()
    until = now + datetime.timedelta(days=days)
    sent = 0
    groups = Group.objects.filter(status=Group.Status.ACTIVE).exclude(meeting_rule="")
    for group in groups:
        for starts_at in selectors.upcoming_meetings(group, after=now, count=10):
            if starts_at > until:
                break
            for membership in mail_recipients(group):
                sent += _remind(group, starts_at, membership, base_url)
    return sent


def _remind(
    group: Group, starts_at: datetime.datetime, membership: Membership, base_url: str | None
) -> int:
    user = membership.user
    try:
        with transaction.atomic():
            MeetingReminder.objects.create(group=group, starts_at=starts_at, user=user)
            zone = zoneinfo.ZoneInfo(user.time_zone if is_valid_zone(user.time_zone) else "UTC")
            with translation.override(user.language):
                page = absolute_url(reverse("groups:detail", args=[group.slug]), base_url)
            with timezone.override(zone):
                mail.send(
                    user,
                    "meeting_reminder",
                    {
                        "group": group,
                        "starts_at": starts_at.astimezone(zone),
                        "zone": zone.key,
                        "page": page,
                        "unsubscribe": _unsubscribe_url(membership, base_url, user.language),
                    },
                )
    except IntegrityError:
        return 0
    return 1


# --- a member's own data -------------------------------------------------------------------
@transaction.atomic
def erase_member_data(user: User) -> None:
    """Forget what the groups hold about a person: applications, memberships, reminders.

    Registered with ``core.personal_data`` (see ``apps.py``), which empties the account itself
    afterwards; until then the address still finds applications sent before the account.
    """
    Application.objects.filter(user=user).delete()
    Application.objects.filter(email_index=selectors.application_index(user.email)).delete()
    for group in Group.objects.filter(memberships__user=user).distinct():
        revoke_role(user, Role.GROUP_COORDINATOR, scope=group)
    Membership.objects.filter(user=user).delete()
    MeetingReminder.objects.filter(user=user).delete()
    revoke_role(user, Role.MEMBER)
