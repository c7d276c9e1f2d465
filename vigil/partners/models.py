"""Roundtables with partner organisations: who is invited, the agenda, who came, the minutes.

A roundtable is an event of the events app (kind ``roundtable``) with a ``Roundtable`` row
beside it.  Invitees are people of partner organisations (a contact from the directory) or
anyone staff name; their name and address are encrypted and found by a blind index.  Minutes
are stored as sanitised HTML (``services.clean_minutes``) in Russian and English.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigil.core.crypto import normalise_email
from vigil.core.fields import BlindIndexField, EncryptedCharField, EncryptedEmailField
from vigil.core.i18n import in_language


class Roundtable(models.Model):
    event = models.OneToOneField(
        "events.Event", on_delete=models.CASCADE, related_name="roundtable", verbose_name=_("event")
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="roundtables",
        verbose_name=_("campaign"),
    )
    minutes_ru = models.TextField(_("minutes in Russian"), blank=True)
    minutes_en = models.TextField(_("minutes in English"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("closed by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("roundtable")
        verbose_name_plural = _("roundtables")
        ordering = ["-event__starts_at", "-pk"]

    def __str__(self) -> str:
        return str(self.event)

    def get_absolute_url(self) -> str:
        return reverse("partners:roundtable", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def minutes(self) -> str:
        return in_language(self.minutes_ru, self.minutes_en)


class AgendaItem(models.Model):
    roundtable = models.ForeignKey(
        Roundtable, on_delete=models.CASCADE, related_name="agenda", verbose_name=_("roundtable")
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    title_ru = models.CharField(_("item in Russian"), max_length=300)
    title_en = models.CharField(_("item in English"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda")
        ordering = ["roundtable", "position", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return in_language(self.title_ru, self.title_en)


class Invitation(models.Model):
    """One person invited, for an organisation or on their own, and what they answered."""

    class Answer(models.TextChoices):
        PENDING = "pending", _("not answered yet")
        ACCEPTED = "accepted", _("will come")
        DECLINED = "declined", _("cannot come")

    roundtable = models.ForeignKey(
        Roundtable,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("roundtable"),
    )
    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("organisation"),
    )
    contact = models.ForeignKey(
        "directory.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("contact in the directory"),
    )
    name = EncryptedCharField(_("name"), max_length=200)
    email = EncryptedEmailField(_("e-mail address"))
    email_index = BlindIndexField(source="email", normaliser=normalise_email)
    language = models.CharField(
        _("language of the mails"), max_length=8, choices=settings.LANGUAGES, default="ru"
    )
    answer = models.CharField(
        _("answer"), max_length=10, choices=Answer.choices, default=Answer.PENDING
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    attended = models.BooleanField(_("came"), null=True, blank=True)
    invited_at = models.DateTimeField(_("invited"), default=timezone.now)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("invited by"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["roundtable", "invited_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["roundtable", "email_index"],
                condition=Q(email_index__isnull=False),
                name="partners_invitation_once_per_address",
            )
        ]

    def __str__(self) -> str:
        return f"{self.roundtable} · {self.get_answer_display()}"


class Attendance(models.Model):
    """Someone who came without an invitation, recorded by staff after the meeting."""

    roundtable = models.ForeignKey(
        Roundtable, on_delete=models.CASCADE, related_name="walk_ins", verbose_name=_("roundtable")
    )
    name = EncryptedCharField(_("name"), max_length=200)
    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    organisation_name = models.CharField(
        _("organisation (not in the directory)"), max_length=300, blank=True
    )

    class Meta:
        verbose_name = _("attendee without invitation")
        verbose_name_plural = _("attendees without invitation")
        ordering = ["roundtable", "pk"]

    def __str__(self) -> str:
        return str(self.name)
