"""Every write about action points: creating and editing them, progress, reminders.

Reminders are sent once per point, stage, due date and person, even across a crash: the
``Reminder`` row and the queued mail are written in one transaction (with the database
queue, the task row commits with it), and the unique row refuses a second one.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vigil.core.crypto import blind_index, normalise_email
from vigil.core.links import absolute_url
from vigil.core.mail import render_mail
from vigil.core.permissions import can, ensure
from vigil.core.tasks import queue_email
from vigil.groups.selectors import coordinators

from .models import ActionPoint, Owner, ProgressUpdate, Reminder

MANAGE = "actionpoints.manage"
FEED_SALT = "vigil.actionpoints.feed"
REMINDER_PURPOSE = "actionpoints.reminder"
#: Owners are reminded this many days before the due date, and again once it has passed.
REMIND_DAYS_BEFORE = 3

EDITABLE = (
    "title_ru", "title_en", "description_ru", "description_en", "due_on", "is_public",
    "roundtable", "campaign", "case", "petition", "event", "document",
)  # fmt: skip


@dataclass(frozen=True)
class OwnerSpec:
    """Exactly one of user, group or organisation; a contact only with an organisation."""

    user: Any = None
    group: Any = None
    organisation: Any = None
    contact: Any = None


def _check_owners(owners: list[OwnerSpec]) -> None:
    if not owners:
        raise ValidationError({"owners": [_("Name at least one owner.")]})
    for owner in owners:
        if sum(x is not None for x in (owner.user, owner.group, owner.organisation)) != 1:
            raise ValidationError({"owners": [_("An owner is a person, a group or a partner.")]})
        if owner.contact is not None and (
            owner.organisation is None or owner.contact.organisation_id != owner.organisation.pk
        ):
            raise ValidationError({"owners": [_("Choose a contact person of this organisation.")]})
        if owner.user is not None and not can(owner.user, MANAGE):
            raise ValidationError({"owners": [_("A person who owns a point is a staff member.")]})


def _check_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    if not (fields.get("title_ru") or "").strip():
        raise ValidationError({"title_ru": [_("Write the title in Russian.")]})


def _set_owners(point: ActionPoint, owners: list[OwnerSpec]) -> None:
    point.owners.all().delete()
    Owner.objects.bulk_create(
        Owner(
            point=point,
            user=o.user,
            group=o.group,
            organisation=o.organisation,
            contact=o.contact,
        )
        for o in dict.fromkeys(owners)
    )


@transaction.atomic
def create_point(*, by: Any, owners: Iterable[OwnerSpec], **fields: Any) -> ActionPoint:
    ensure(by, MANAGE)
    owners = list(owners)
    _check_fields(fields)
    _check_owners(owners)
    roundtable = fields.get("roundtable")
    if roundtable is not None and fields.get("campaign") is None:
        fields["campaign"] = roundtable.campaign
    point = ActionPoint(**fields, created_by=by if getattr(by, "pk", None) else None)
    point.full_clean()
    point.save()
    _set_owners(point, owners)
    return point


@transaction.atomic
def update_point(
    point: ActionPoint, *, by: Any, owners: Iterable[OwnerSpec], **fields: Any
) -> ActionPoint:
    ensure(by, MANAGE, point)
    owners = list(owners)
    _check_fields(fields)
    _check_owners(owners)
    for name, value in fields.items():
        setattr(point, name, value)
    point.full_clean()
    point.save()
    _set_owners(point, owners)
    return point


@transaction.atomic
def record_progress(
    point: ActionPoint,
    *,
    by: Any,
    status: str,
    progress: int | None = None,
    text_ru: str = "",
    text_en: str = "",
) -> ProgressUpdate:
    """A dated update that sets the point's status and progress (100 % when done)."""
    if not can(by, "actionpoints.update_point", point):
        raise PermissionDenied("actionpoints.update_point")
    if status not in ActionPoint.Status.values:
        raise ValidationError({"status": [_("Choose a status.")]})
    if status == ActionPoint.Status.DONE:
        progress = 100
    progress = point.progress if progress is None else progress
    if not 0 <= progress <= 100:
        raise ValidationError({"progress": [_("Progress is a number from 0 to 100.")]})
    locked = ActionPoint.objects.select_for_update().get(pk=point.pk)
    update = ProgressUpdate.objects.create(
        point=locked,
        status=status,
        progress=progress,
        text_ru=text_ru.strip(),
        text_en=text_en.strip(),
        by=by if getattr(by, "pk", None) else None,
    )
    locked.status, locked.progress = status, progress
    locked.save(update_fields=["status", "progress", "updated_at"])
    point.status, point.progress = status, progress
    return update


# --- reminders -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Recipient:
    email: str
    language: str
    name: str
    #: A partner's contact: no account, their news reaches the point through staff.
    partner: bool = False


def recipients(point: ActionPoint) -> Iterator[Recipient]:
    """Every person an owner stands for: the staff member; the group's coordinators; the
    partner's contact person, where the directory gives their e-mail.  Each address once."""
    seen: set[str] = set()
    people: list[Recipient] = []
    for owner in point.owners.select_related("user", "group", "contact"):
        if owner.user is not None and owner.user.is_active:
            people.append(
                Recipient(str(owner.user.email), owner.user.language, owner.user.get_full_name())
            )
        elif owner.group is not None:
            people += [
                Recipient(str(m.user.email), m.user.language, m.user.get_full_name())
                for m in coordinators(owner.group).select_related("user")
                if m.user.is_active
            ]
        elif owner.contact is not None:
            email = next(
                (
                    c.value
                    for c in owner.contact.channels.all()
                    if c.kind == "email" and not c.withheld and c.value
                ),
                "",
            )
            if email:
                people.append(Recipient(email, "ru", owner.contact.name, partner=True))
    for person in people:
        key = normalise_email(person.email)
        if key and key not in seen:
            seen.add(key)
            yield person


def _stage(point: ActionPoint, today: datetime.date, days_before: int) -> str | None:
    if point.due_on is None:
        return None
    if point.due_on < today:
        return Reminder.Stage.OVERDUE
    if point.due_on <= today + datetime.timedelta(days=days_before):
        return Reminder.Stage.SOON
    return None


def send_reminders(
    *,
    today: datetime.date | None = None,
    days_before: int = REMIND_DAYS_BEFORE,
    base_url: str | None = None,
) -> int:
    """Remind the owners of open points due within ``days_before`` days or overdue.

    Idempotent: returns how many mails were queued by this run."""
    today = today or timezone.localdate()
    sent = 0
    points = ActionPoint.objects.open().filter(
        due_on__isnull=False, due_on__lte=today + datetime.timedelta(days=days_before)
    )
    for point in points.prefetch_related("owners__contact__channels"):
        stage = _stage(point, today, days_before)
        if stage is None or point.due_on is None:
            continue
        for person in recipients(point):
            sent += _remind(point, stage, point.due_on, person, base_url)
    return sent


def _remind(
    point: ActionPoint,
    stage: str,
    due_on: datetime.date,
    person: Recipient,
    base_url: str | None,
) -> int:
    recipient = blind_index(normalise_email(person.email), purpose=REMINDER_PURPOSE)
    try:
        with transaction.atomic():
            Reminder.objects.create(point=point, stage=stage, due_on=due_on, recipient=recipient)
            _mail(point, stage, person, base_url)
    except IntegrityError:
        return 0
    return 1


def _mail(point: ActionPoint, stage: str, person: Recipient, base_url: str | None) -> None:
    language = person.language if person.language in ("ru", "en") else "ru"
    with translation.override(language):
        context = {
            "point": point,
            "name": person.name,
            "overdue": stage == Reminder.Stage.OVERDUE,
            "partner": person.partner,
            "url": absolute_url(reverse("actionpoints:detail", args=[point.pk]), base_url),
            "site_name": settings.VIGIL_SITE_NAME,
        }
        subject, body = render_mail("actionpoints/mail/reminder", context)
    # Queued inside the transaction: with the database queue the task row commits with the
    # Reminder row, so a crash leaves both or neither.
    queue_email(to=[person.email], subject=subject, body=body)


# --- the due-date feed ---------------------------------------------------------------------
def feed_token(user: Any) -> str:
    """A calendar app's link names the person; every fetch checks what they may still see."""
    return signing.Signer(salt=FEED_SALT).sign_object({"u": user.pk})


def user_for_feed_token(token: str) -> Any:
    from vigil.accounts.models import User

    try:
        data = signing.Signer(salt=FEED_SALT).unsign_object(token)
    except signing.BadSignature:
        return None
    pk = data.get("u") if isinstance(data, dict) else None
    if not isinstance(pk, int):
        return None
    return User.objects.filter(pk=pk, is_active=True).first()
