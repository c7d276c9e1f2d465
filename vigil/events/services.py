"""Writes to events: organising, cancelling, replies and the waiting list.

Every write is one transaction; a refused request changes nothing.  Places are counted with
the event row locked (``select_for_update``; SQLite's IMMEDIATE transactions lock the whole
database), so two people asking for the last place at the same moment cannot both get it.
Mail is queued only when the transaction commits: nobody is told about a change that was
rolled back.
"""

from __future__ import annotations

import datetime
import time
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vigil.core.crypto import normalise_email
from vigil.core.dates import format_datetime
from vigil.core.fields import blind_index_for
from vigil.core.links import site_root
from vigil.core.mail import render_mail
from vigil.core.memo import ProcessMemo
from vigil.core.permissions import can
from vigil.core.tasks import queue_email
from vigil.core.timezones import is_valid_zone
from vigil.core.tokens import RowLink, row_for_token, row_token
from vigil.directory.models import Organisation, Region
from vigil.groups.models import Group

from . import selectors
from .models import Event, Rsvp

#: The fields of an event a coordinator edits (the rest is kept by the services).
EDITABLE = (
    "title", "title_en", "kind", "description", "description_en", "venue", "address",
    "starts_at", "ends_at", "time_zone", "visibility", "capacity",
)  # fmt: skip


# --- times ---------------------------------------------------------------------------------
def venue_time(local: datetime.datetime, zone_name: str) -> datetime.datetime:
    """A wall-clock time typed for the venue, as an aware UTC instant.

    A time that the clocks skip at a daylight-saving change does not exist there: refused.
    """
    if not is_valid_zone(zone_name):
        raise ValidationError(
            _("“%(zone)s” is not a time zone name such as Europe/Moscow or Asia/Vladivostok.")
            % {"zone": zone_name},
            code="invalid_time_zone",
        )
    zone = zoneinfo.ZoneInfo(zone_name)
    naive = local.replace(tzinfo=None)
    aware = naive.replace(tzinfo=zone)
    if aware.astimezone(datetime.UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise ValidationError(
            _("%(time)s does not exist in %(zone)s: the clocks change then.")
            % {"time": format_datetime(naive), "zone": zone_name},
            code="nonexistent_time",
        )
    return aware.astimezone(datetime.UTC)


def _check_fields(fields: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    if not is_valid_zone(fields.get("time_zone")):
        errors["time_zone"] = [
            _("“%(zone)s” is not a time zone name such as Europe/Moscow or Asia/Vladivostok.")
            % {"zone": fields.get("time_zone")}
        ]
    starts_at, ends_at = fields.get("starts_at"), fields.get("ends_at")
    if starts_at is None or timezone.is_naive(starts_at):
        errors["starts_at"] = [_("Say when the event starts.")]
    if ends_at is None or timezone.is_naive(ends_at):
        errors["ends_at"] = [_("Say when the event ends.")]
    elif starts_at is not None and ends_at <= starts_at:
        errors["ends_at"] = [_("The event must end after it starts.")]
    capacity = fields.get("capacity")
    if capacity is not None and capacity < 1:
        errors["capacity"] = [_("Give at least one place, or leave it empty for no limit.")]
    if fields.get("kind") not in Event.Kind.values:
        errors["kind"] = [_("Choose what kind of event it is.")]
    if fields.get("visibility") not in Event.Visibility.values:
        errors["visibility"] = [_("Choose who may see the event.")]
    if errors:
        raise ValidationError(errors)


def _check_organisers(by: Any, organisers: list[Group]) -> None:
    if not organisers:
        raise ValidationError({"organisers": [_("Name at least one organiser group.")]})
    # A coordinator may invite other groups to co-organise, but must lead one of them.
    if not any(can(by, "events.organise_for_group", group) for group in organisers):
        raise PermissionDenied("events.organise_for_group")


# --- organising ----------------------------------------------------------------------------
@transaction.atomic
def create_event(
    *,
    by: Any,
    organisers: Iterable[Group],
    partners: Iterable[Organisation] = (),
    region: Region | None = None,
    **fields: Any,
) -> Event:
    """A new event; the region defaults to the first organiser group's (for the region feeds)."""
    organisers = list(organisers)
    _check_organisers(by, organisers)
    _check_fields(fields)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    event = Event(
        **fields,
        region=region or organisers[0].region,
        created_by=by if getattr(by, "pk", None) else None,
    )
    event.full_clean(exclude=["organisers", "partners"])
    event.save()
    event.organisers.set(organisers)
    event.partners.set(list(partners))
    return event


@transaction.atomic
def update_event(
    event: Event,
    *,
    by: Any,
    organisers: Iterable[Group],
    partners: Iterable[Organisation] = (),
    region: Region | None = None,
    base_url: str | None = None,
    **fields: Any,
) -> Event:
    """Save a coordinator's changes; more places move people up from the waiting list."""
    if not can(by, "events.change_event", event):
        raise PermissionDenied("events.change_event")
    locked = Event.objects.select_for_update().get(pk=event.pk)
    organisers = list(organisers)
    _check_organisers(by, organisers)
    _check_fields(fields)
    if locked.is_cancelled:
        raise ValidationError(_("This event is cancelled: it can no longer be changed."))
    capacity = fields.get("capacity")
    confirmed = locked.rsvps.filter(status=Rsvp.Status.CONFIRMED).count()
    if capacity is not None and capacity < confirmed:
        raise ValidationError(
            {
                "capacity": [
                    _(
                        "%(count)s people already have a place: there cannot be fewer places "
                        "than that."
                    )
                    % {"count": confirmed}
                ]
            }
        )
    for name in EDITABLE:
        if name in fields:
            setattr(locked, name, fields[name])
    locked.region = region or organisers[0].region
    locked.sequence += 1
    locked.full_clean(exclude=["organisers", "partners"])
    locked.save()
    locked.organisers.set(organisers)
    locked.partners.set(list(partners))
    _fill_places(locked, base_url)
    return locked


@transaction.atomic
def cancel_event(event: Event, *, by: Any, note: str = "", base_url: str | None = None) -> int:
    """Cancel and tell everyone who replied (places and waiting list).  Returns how many."""
    if not can(by, "events.cancel_event", event):
        raise PermissionDenied("events.cancel_event")
    locked = Event.objects.select_for_update().get(pk=event.pk)
    if locked.is_cancelled:
        raise ValidationError(_("This event is already cancelled."))
    locked.status = Event.Status.CANCELLED
    locked.cancellation_note = note.strip()
    locked.sequence += 1
    locked.save(update_fields=["status", "cancellation_note", "sequence", "updated_at"])
    rsvps = list(locked.rsvps.select_related("user"))
    for rsvp in rsvps:
        _mail(rsvp, "cancelled", base_url, note=locked.cancellation_note)
    event.status, event.cancellation_note = locked.status, locked.cancellation_note
    return len(rsvps)


# --- replies -------------------------------------------------------------------------------
@dataclass
class Reply:
    rsvp: Rsvp
    #: False when this person had already replied: nothing was added.
    created: bool

    @property
    def waiting(self) -> bool:
        return self.rsvp.status == Rsvp.Status.WAITING


def _open_for_replies(event: Event) -> None:
    if event.is_cancelled:
        raise ValidationError(_("This event is cancelled: replies are closed."), code="cancelled")
    if event.is_over():
        raise ValidationError(_("This event is over: replies are closed."), code="past")


def _next_status(event: Event) -> str:
    if event.capacity is None:
        return Rsvp.Status.CONFIRMED
    taken = event.rsvps.filter(status=Rsvp.Status.CONFIRMED).count()
    return Rsvp.Status.CONFIRMED if taken < event.capacity else Rsvp.Status.WAITING


@transaction.atomic
def rsvp_member(event: Event, user: Any, *, base_url: str | None = None) -> Reply:
    """One click: a place, or the waiting list when the event is full."""
    if not can(user, "events.rsvp_event", event) or not user.is_authenticated:
        raise PermissionDenied("events.rsvp_event")
    locked = Event.objects.select_for_update().get(pk=event.pk)
    _open_for_replies(locked)
    existing = locked.rsvps.filter(user=user).first()
    if existing is not None:
        return Reply(existing, created=False)
    rsvp = Rsvp.objects.create(
        event=locked,
        user=user,
        language=user.language,
        status=_next_status(locked),
    )
    _mail(rsvp, "waiting" if rsvp.status == Rsvp.Status.WAITING else "confirmed", base_url)
    return Reply(rsvp, created=True)


#: How long a visitor's link to confirm a reply works; an unconfirmed reply lapses after it.
REPLY_HOLD = datetime.timedelta(hours=48)
CONFIRM_SALT = "vigil.events.rsvp-confirm"
CONFIRM_LINK = RowLink(salt=CONFIRM_SALT, key="r", max_age=REPLY_HOLD)


@transaction.atomic
def rsvp_visitor(
    event: Event, *, name: str, email: str, language: str, base_url: str | None = None
) -> Reply:
    """A visitor's reply to a public event: name and e-mail only, stored encrypted.

    The reply holds no place until the visitor follows the link mailed to them
    (:func:`confirm_reply`), so nobody can fill an event with other people's addresses, and
    the page says the same for every address, a full event or not.  An address that already
    replied adds nothing: its mailbox is sent the link again, or told its place, a few times
    per window at most (``petitions.mailbox.may_mail``, until the one throttle of core).
    """
    if not event.is_public:
        raise PermissionDenied("events.rsvp_event")
    locked = Event.objects.select_for_update().get(pk=event.pk)
    _open_for_replies(locked)
    forget_lapsed_replies()
    email = normalise_email(email)
    index = blind_index_for(Rsvp, "email_index", email)
    existing = locked.rsvps.filter(email_index=index).first()
    if existing is not None:
        from vigil.petitions.mailbox import may_mail

        if index is not None and may_mail(index, scope="rsvp"):
            _mail(existing, _mail_kind(existing), base_url)
        return Reply(existing, created=False)
    rsvp = Rsvp(
        event=locked,
        name=name.strip(),
        email=email,
        language=language if language in ("ru", "en") else "ru",
        status=Rsvp.Status.PENDING,
    )
    rsvp.full_clean(exclude=["email_index", "event", "user"])
    try:
        with transaction.atomic():
            rsvp.save()
    except IntegrityError:
        # Only possible if the lock was bypassed; never two replies from one address.
        raise ValidationError(_("Please send the form again.")) from None
    _mail(rsvp, "confirm", base_url)
    transaction.on_commit(_schedule_forgetting)
    return Reply(rsvp, created=True)


#: When the newest lapse task this process queued will run (``time.monotonic()``).
_forgetting: ProcessMemo[str, float] = ProcessMemo(
    "events.forgetting",
    keeps="when the newest lapse task this process queued will run",
    bound=1,
)


def _schedule_forgetting() -> None:
    """See that a reply left unconfirmed is deleted when its hold ends, even if nobody replies
    to any event after it: one deferred task per process and minute covers every reply made
    meanwhile (each run deletes all that have lapsed by then)."""
    from .tasks import forget_lapsed_replies as forget

    if not forget.get_backend().supports_defer or (_forgetting.get("at") or 0.0) > time.monotonic():
        return
    late = REPLY_HOLD + datetime.timedelta(minutes=1)
    forget.using(run_after=timezone.now() + late).enqueue()
    _forgetting["at"] = time.monotonic() + 60


def _mail_kind(rsvp: Rsvp) -> str:
    """The mail that tells a visitor where their reply stands."""
    if rsvp.status == Rsvp.Status.PENDING:
        return "confirm"
    return "waiting" if rsvp.status == Rsvp.Status.WAITING else "confirmed"


def forget_lapsed_replies(now: datetime.datetime | None = None) -> int:
    """Delete visitors' replies never confirmed within the hold: they held no place, and
    their names and addresses are not kept."""
    cutoff = (now or timezone.now()) - REPLY_HOLD
    deleted, _rows = Rsvp.objects.filter(status=Rsvp.Status.PENDING, created_at__lt=cutoff).delete()
    return int(deleted)


def confirm_token(rsvp: Rsvp) -> str:
    return row_token(CONFIRM_LINK, rsvp)


def reply_for_confirm_token(token: str) -> Rsvp | None:
    """The reply a confirmation link names, or None however it fails (``vigil.core.tokens``)."""
    return row_for_token(CONFIRM_LINK, token, Rsvp.objects.select_related("event"))


@transaction.atomic
def confirm_reply(rsvp: Rsvp, *, base_url: str | None = None) -> Reply:
    """The visitor followed the link: a place now, or the waiting list if the event is full
    (in the order of confirmation).  A second click changes nothing."""
    locked = Event.objects.select_for_update().get(pk=rsvp.event_id)
    current = locked.rsvps.filter(pk=rsvp.pk).first()
    if current is None:
        raise ValidationError(_("This reply was withdrawn. Please reply again."), code="gone")
    if current.status != Rsvp.Status.PENDING:
        return Reply(current, created=False)
    _open_for_replies(locked)
    current.status = _next_status(locked)
    current.created_at = timezone.now()
    current.save(update_fields=["status", "created_at"])
    _mail(current, _mail_kind(current), base_url)
    return Reply(current, created=True)


@transaction.atomic
def cancel_rsvp(rsvp: Rsvp, *, base_url: str | None = None) -> Rsvp | None:
    """Withdraw a reply (the row is deleted); the first person waiting gets the place.

    Returns the promoted reply, if somebody moved up.
    """
    event = Event.objects.select_for_update().get(pk=rsvp.event_id)
    deleted, _rows = Rsvp.objects.filter(pk=rsvp.pk).delete()
    if not deleted:
        return None
    promoted = _fill_places(event, base_url)
    return promoted[0] if promoted else None


def _fill_places(event: Event, base_url: str | None) -> list[Rsvp]:
    """Move people up from the waiting list while there are places (event row locked)."""
    if not event.accepts_replies():
        return []
    waiting = event.rsvps.filter(status=Rsvp.Status.WAITING).order_by("created_at", "pk")
    if event.capacity is not None:
        taken = event.rsvps.filter(status=Rsvp.Status.CONFIRMED).count()
        waiting = waiting[: max(0, event.capacity - taken)]
    promoted = list(waiting.select_related("user"))
    now = timezone.now()
    for rsvp in promoted:
        rsvp.status, rsvp.promoted_at = Rsvp.Status.CONFIRMED, now
        rsvp.save(update_fields=["status", "promoted_at"])
        _mail(rsvp, "promoted", base_url)
    return promoted


# --- mail ----------------------------------------------------------------------------------
def _mail(rsvp: Rsvp, kind: str, base_url: str | None, **extra: Any) -> None:
    """Queue one message, in the person's language, once the transaction commits."""
    event = rsvp.event
    base_url = site_root(base_url)
    with translation.override(rsvp.language):
        context = {
            "event": event,
            "rsvp": rsvp,
            "name": rsvp.person_name,
            "event_url": base_url + reverse("events:detail", args=[event.pk]),
            "cancel_url": base_url
            + reverse("events:rsvp_cancel_link", args=[selectors.rsvp_cancel_token(rsvp)]),
            "confirm_url": base_url + reverse("events:rsvp_confirm", args=[confirm_token(rsvp)])
            if rsvp.status == Rsvp.Status.PENDING
            else "",
            "hold_hours": int(REPLY_HOLD.total_seconds() // 3600),
            "starts_local": event.local_starts_at,
            "ends_local": event.local_ends_at,
            "site_name": _site_name(),
            **extra,
        }
        subject, body = render_mail(f"events/mail/{kind}", context)
    to = [rsvp.person_email]
    transaction.on_commit(lambda: queue_email(to=to, subject=subject, body=body))


def _site_name() -> str:
    return str(settings.VIGIL_SITE_NAME)


# --- a person's own data -------------------------------------------------------------------
@transaction.atomic
def forget_person(user: Any, *, base_url: str | None = None) -> int:
    """Withdraw every reply of a person who asks to be forgotten, the ones they sent as a
    visitor from the same address too; their places go to those waiting.  Returns how many.

    Registered with ``core.personal_data``; runs before the account loses its address.
    """
    count = 0
    for rsvp in selectors.replies_of(user):
        cancel_rsvp(rsvp, base_url=base_url)
        count += 1
    return count
