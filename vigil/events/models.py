"""Events of the network: vigils, concerts, lectures... and who comes to them.

Times are stored in UTC.  ``time_zone`` is the venue's IANA zone, kept so that the page can
also say what the clock on the wall at the venue shows, and the calendar feed can carry TZID.
"""

from __future__ import annotations

import datetime
import uuid
import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigil.core.crypto import normalise_email
from vigil.core.fields import BlindIndexField, EncryptedCharField, EncryptedEmailField
from vigil.core.i18n import in_language
from vigil.core.timezones import validate_time_zone


class Event(models.Model):
    class Kind(models.TextChoices):
        PROTEST = "protest", _("protest")
        VIGIL = "vigil", _("candlelight vigil")
        CONCERT = "concert", _("benefit concert")
        ART_SHOW = "art_show", _("art show")
        LECTURE = "lecture", _("public lecture")
        FILM = "film", _("film screening")
        ROUNDTABLE = "roundtable", _("roundtable")
        TRAINING = "training", _("training")
        OTHER = "other", _("other")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("public")
        MEMBERS = "members", _("members only")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        CANCELLED = "cancelled", _("cancelled")

    #: Stable across edits, so a calendar app updates the entry instead of adding a second one.
    uid = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False, verbose_name=_("calendar identifier")
    )
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(
        _("title in English"), max_length=200, blank=True,
        help_text=_("For the English pages, mail and calendars; empty: the title above."),
    )  # fmt: skip
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(
        _("description in English"), blank=True,
        help_text=_("Empty: the English page shows the Russian description."),
    )  # fmt: skip
    organisers = models.ManyToManyField(
        "groups.Group", related_name="events", verbose_name=_("organiser groups")
    )
    partners = models.ManyToManyField(
        "directory.Organisation",
        related_name="events",
        blank=True,
        verbose_name=_("partner organisations"),
    )
    region = models.ForeignKey(
        "directory.Region", on_delete=models.PROTECT, null=True, blank=True,
        related_name="events", verbose_name=_("region"),
    )  # fmt: skip
    venue = models.CharField(_("venue"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    time_zone = models.CharField(
        _("time zone of the venue"), max_length=64, validators=[validate_time_zone]
    )
    visibility = models.CharField(
        _("who may see it"), max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Leave empty when there is no limit.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    cancellation_note = models.TextField(_("why it is cancelled"), blank=True)
    #: RFC 5545 SEQUENCE: raised on every change, so calendar apps take the newer version.
    sequence = models.PositiveIntegerField(default=0, editable=False, verbose_name=_("version"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("created by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="events_event_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.display_title

    def get_absolute_url(self) -> str:
        return reverse("events:detail", args=[self.pk])

    @property
    def display_title(self) -> str:
        """The title in the viewer's language (``title`` is the Russian one)."""
        return in_language(self.title, self.title_en)

    @property
    def display_description(self) -> str:
        return in_language(self.description, self.description_en)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def local_starts_at(self) -> datetime.datetime:
        """The start as the clock at the venue shows it."""
        return self.starts_at.astimezone(self.zone)

    @property
    def local_ends_at(self) -> datetime.datetime:
        return self.ends_at.astimezone(self.zone)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC

    def is_over(self, now: datetime.datetime | None = None) -> bool:
        return self.ends_at <= (now or timezone.now())

    def accepts_replies(self, now: datetime.datetime | None = None) -> bool:
        """Replies are open until the event is over, unless it is cancelled."""
        return not self.is_cancelled and not self.is_over(now)


class Rsvp(models.Model):
    """One person coming (or waiting for a place): a signed-in member, or a visitor.

    A visitor gives a name and an e-mail only, both encrypted; the blind index of the e-mail
    keeps one reply per address and event.  Cancelling deletes the row: nothing is kept.
    """

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("has a place")
        WAITING = "waiting", _("on the waiting list")
        #: A visitor whose e-mail has not confirmed the reply yet: it holds no place and
        #: lapses after ``services.REPLY_HOLD``.
        PENDING = "pending", _("not confirmed yet")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="rsvps", verbose_name=_("event")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
        related_name="event_rsvps", verbose_name=_("person"),
    )  # fmt: skip
    name = EncryptedCharField(_("name"), max_length=150, blank=True)
    email = EncryptedEmailField(_("e-mail address"), blank=True)
    email_index = BlindIndexField(source="email", normaliser=normalise_email)
    #: The language of the mails this person gets (a visitor's: the page they replied from).
    language = models.CharField(_("language"), max_length=8, default="ru")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    #: Order of the waiting list: first come, first promoted.
    created_at = models.DateTimeField(_("replied"), default=timezone.now)
    promoted_at = models.DateTimeField(_("moved from the waiting list"), null=True, blank=True)

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(user__isnull=False),
                name="events_rsvp_one_per_member",
            ),
            models.UniqueConstraint(
                fields=["event", "email_index"],
                condition=Q(email_index__isnull=False),
                name="events_rsvp_one_per_address",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(email_index__isnull=False),
                name="events_rsvp_has_someone",
            ),
        ]
        indexes = [models.Index(fields=["event", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.event} · {self.get_status_display()}"

    @property
    def person_name(self) -> str:
        if self.user_id is not None and self.user is not None:
            return self.user.get_full_name()
        return str(self.name)

    @property
    def person_email(self) -> str:
        if self.user_id is not None and self.user is not None:
            return str(self.user.email)
        return str(self.email)
