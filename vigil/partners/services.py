"""Every write about roundtables: creating one, its agenda, invitations and answers,
attendance, minutes and closing.  Views, the back office and commands call these.

An invitation is answered through a signed link mailed to the invitee, the same way a
visitor's event reply is cancelled: a GET only shows the question, the POST records the
answer, and the answer is confirmed by mail with the link to change it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vigil.core.crypto import normalise_email
from vigil.core.fields import blind_index_for
from vigil.core.i18n import mail_language
from vigil.core.links import site_root
from vigil.core.mail import render_mail
from vigil.core.permissions import ensure
from vigil.core.tasks import queue_email
from vigil.core.tokens import RowLink, row_for_token, row_token
from vigil.events import services as event_services
from vigil.events.models import Event

from .models import AgendaItem, Attendance, Invitation, Roundtable

MANAGE = "partners.manage_roundtable"
INVITATION_SALT = "vigil.partners.invitation"
#: An invitation link opens for this long: invitations go out weeks before a roundtable.
INVITATION_MAX_AGE = datetime.timedelta(days=120)
INVITATION_LINK = RowLink(salt=INVITATION_SALT, key="i", max_age=INVITATION_MAX_AGE)

#: What minutes may contain: structure and emphasis, links; no scripts, styles or images.
MINUTES_TAGS = {
    "p", "br", "h3", "h4", "ul", "ol", "li", "strong", "b", "em", "i", "u", "blockquote", "a",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
MINUTES_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
MINUTES_URL_SCHEMES = {"http", "https", "mailto"}
MAX_AGENDA_ITEMS = 40


# --- roundtables ---------------------------------------------------------------------------
@transaction.atomic
def create_roundtable(*, by: Any, campaign: Any = None, **event_fields: Any) -> Roundtable:
    """A new event of kind roundtable (through the events app's own rules) and its record."""
    ensure(by, MANAGE)
    event = event_services.create_event(by=by, kind=Event.Kind.ROUNDTABLE, **event_fields)
    return Roundtable.objects.create(event=event, campaign=campaign)


@transaction.atomic
def roundtable_for_event(event: Event, *, by: Any) -> Roundtable:
    """The roundtable record of an event of that kind made on the events pages."""
    ensure(by, MANAGE)
    if event.kind != Event.Kind.ROUNDTABLE:
        raise ValidationError(_("This event is not a roundtable."), code="not_roundtable")
    roundtable, _created = Roundtable.objects.get_or_create(event=event)
    return roundtable


@transaction.atomic
def set_campaign(roundtable: Roundtable, campaign: Any, *, by: Any) -> None:
    ensure(by, MANAGE, roundtable)
    roundtable.campaign = campaign
    roundtable.save(update_fields=["campaign"])


@transaction.atomic
def set_agenda(roundtable: Roundtable, items: Iterable[tuple[str, str]], *, by: Any) -> int:
    """Replace the agenda with ``items`` (Russian, English), in order.  Returns how many."""
    ensure(by, MANAGE, roundtable)
    rows = [(ru.strip(), en.strip()) for ru, en in items if ru.strip() or en.strip()]
    if len(rows) > MAX_AGENDA_ITEMS:
        raise ValidationError(
            _("An agenda has at most %(count)d items.") % {"count": MAX_AGENDA_ITEMS}
        )
    for ru, en in rows:
        if not ru:
            raise ValidationError(
                _("Every agenda item needs its Russian wording (“%(item)s”).") % {"item": en}
            )
    roundtable.agenda.all().delete()
    AgendaItem.objects.bulk_create(
        AgendaItem(roundtable=roundtable, position=i, title_ru=ru, title_en=en)
        for i, (ru, en) in enumerate(rows)
    )
    return len(rows)


# --- invitations ---------------------------------------------------------------------------
@dataclass
class Invited:
    invitation: Invitation
    #: False when this address was already invited: the invitation was sent again.
    created: bool


def _open_for_answers(roundtable: Roundtable) -> None:
    if roundtable.is_closed:
        raise ValidationError(_("This roundtable is closed."), code="closed")
    if not roundtable.event.accepts_replies():
        raise ValidationError(
            _("This roundtable is over or cancelled: it takes no more answers."), code="over"
        )


@transaction.atomic
def invite(
    roundtable: Roundtable,
    *,
    by: Any,
    name: str,
    email: str,
    language: str = "ru",
    organisation: Any = None,
    contact: Any = None,
    base_url: str | None = None,
) -> Invited:
    """Invite one person (for ``organisation``, or on their own) and mail them the link."""
    ensure(by, MANAGE, roundtable)
    _open_for_answers(roundtable)
    if (
        contact is not None
        and organisation is not None
        and contact.organisation_id != organisation.pk
    ):
        raise ValidationError(_("Choose a contact person of this organisation."))
    if contact is not None and organisation is None:
        organisation = contact.organisation
    email = normalise_email(email)
    index = blind_index_for(Invitation, "email_index", email)
    existing = roundtable.invitations.filter(email_index=index).first()
    if existing is not None:
        _mail(existing, "invitation", base_url)
        return Invited(existing, created=False)
    invitation = Invitation(
        roundtable=roundtable,
        organisation=organisation,
        contact=contact,
        name=(name or (contact.name if contact else "")).strip(),
        email=email,
        language=mail_language(language),
        invited_by=by if getattr(by, "pk", None) else None,
    )
    invitation.full_clean(exclude=["email_index", "roundtable"])
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError:
        raise ValidationError(_("This address is already invited.")) from None
    if organisation is not None:
        # The event lists its partner organisations: the invited ones.
        roundtable.event.partners.add(organisation)
    _mail(invitation, "invitation", base_url)
    return Invited(invitation, created=True)


def invitation_token(invitation: Invitation) -> str:
    return row_token(INVITATION_LINK, invitation)


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a mailed link names while the link is valid and its address unchanged;
    None however it fails (``vigil.core.tokens``)."""
    rows = Invitation.objects.select_related("roundtable__event", "organisation")
    return row_for_token(INVITATION_LINK, token, rows)


@transaction.atomic
def answer_invitation(
    invitation: Invitation, *, accepted: bool, base_url: str | None = None
) -> Invitation:
    """The invitee's answer, from their link; confirmed by mail in their language."""
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    roundtable = Roundtable.objects.select_related("event").get(pk=locked.roundtable_id)
    _open_for_answers(roundtable)
    locked.answer = Invitation.Answer.ACCEPTED if accepted else Invitation.Answer.DECLINED
    locked.answered_at = timezone.now()
    locked.save(update_fields=["answer", "answered_at"])
    _mail(locked, "answer", base_url)
    return locked


@transaction.atomic
def withdraw_invitation(invitation: Invitation, *, by: Any) -> None:
    ensure(by, MANAGE, invitation.roundtable)
    invitation.delete()


# --- after the meeting ---------------------------------------------------------------------
@dataclass(frozen=True)
class WalkIn:
    name: str
    organisation: Any = None
    organisation_name: str = ""


@transaction.atomic
def record_attendance(
    roundtable: Roundtable, *, by: Any, came: Iterable[int], walk_ins: Iterable[WalkIn] = ()
) -> int:
    """Who came: invitations by id (the others did not), and people without an invitation.
    Replaces what was recorded before.  Returns how many came."""
    ensure(by, MANAGE, roundtable)
    if roundtable.event.starts_at > timezone.now():
        raise ValidationError(_("Attendance is recorded once the roundtable has started."))
    came_ids = set(came)
    invitations = roundtable.invitations.all()
    unknown = came_ids - set(invitations.values_list("pk", flat=True))
    if unknown:
        raise ValidationError(_("Some of the people ticked are not invited to this roundtable."))
    invitations.filter(pk__in=came_ids).update(attended=True)
    invitations.exclude(pk__in=came_ids).update(attended=False)
    roundtable.walk_ins.all().delete()
    rows = []
    for walk_in in walk_ins:
        if not walk_in.name.strip():
            continue
        row = Attendance(
            roundtable=roundtable,
            name=walk_in.name.strip(),
            organisation=walk_in.organisation,
            organisation_name="" if walk_in.organisation else walk_in.organisation_name.strip(),
        )
        row.full_clean(exclude=["roundtable"])
        rows.append(row)
    Attendance.objects.bulk_create(rows)
    return len(came_ids) + len(rows)


def clean_minutes(html: str) -> str:
    """Minutes as safe HTML: only the tags of MINUTES_TAGS; links open no window of ours."""
    cleaned = nh3.clean(
        html or "",
        tags=MINUTES_TAGS,
        attributes=MINUTES_ATTRIBUTES,
        url_schemes=MINUTES_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return cleaned.strip()


@transaction.atomic
def save_minutes(roundtable: Roundtable, *, by: Any, minutes_ru: str, minutes_en: str) -> None:
    ensure(by, MANAGE, roundtable)
    roundtable.minutes_ru = clean_minutes(minutes_ru)
    roundtable.minutes_en = clean_minutes(minutes_en)
    roundtable.save(update_fields=["minutes_ru", "minutes_en"])


@transaction.atomic
def close(roundtable: Roundtable, *, by: Any) -> None:
    """Close a roundtable that took place, with its minutes and attendance recorded."""
    ensure(by, MANAGE, roundtable)
    locked = Roundtable.objects.select_for_update().select_related("event").get(pk=roundtable.pk)
    if locked.is_closed:
        raise ValidationError(_("This roundtable is already closed."), code="closed")
    problems = []
    if locked.event.starts_at > timezone.now():
        problems.append(_("It has not taken place yet."))
    if not (locked.minutes_ru or locked.minutes_en):
        problems.append(_("Write the minutes first."))
    if locked.invitations.filter(attended__isnull=True).exists():
        problems.append(_("Record who came first."))
    if problems:
        raise ValidationError(problems, code="not_ready")
    locked.closed_at, locked.closed_by = timezone.now(), by
    locked.save(update_fields=["closed_at", "closed_by"])
    roundtable.closed_at, roundtable.closed_by = locked.closed_at, locked.closed_by


# --- mail ----------------------------------------------------------------------------------
def _mail(invitation: Invitation, kind: str, base_url: str | None) -> None:
    """Queue one message in the invitee's language once the transaction commits."""
    roundtable = invitation.roundtable
    event = roundtable.event
    root = site_root(base_url)
    with translation.override(invitation.language):
        context = {
            "invitation": invitation,
            "event": event,
            "agenda": list(roundtable.agenda.all()),
            "starts_local": event.local_starts_at,
            "ends_local": event.local_ends_at,
            "answer_url": root + reverse("partners:answer", args=[invitation_token(invitation)]),
            "site_name": settings.VIGIL_SITE_NAME,
        }
        subject, body = render_mail(f"partners/mail/{kind}", context)
    to = [str(invitation.email)]
    transaction.on_commit(lambda: queue_email(to=to, subject=subject, body=body))


# --- a person's own data -------------------------------------------------------------------
def forget_invitee(user: Any) -> int:
    """Remove the invitations sent to a person's address (registered with personal_data)."""
    index = blind_index_for(Invitation, "email_index", str(user.email or ""))
    if index is None:
        return 0
    deleted, _rows = Invitation.objects.filter(email_index=index).delete()
    return deleted
