"""Local groups: who is in them, who asked to join, when they meet and what they did.

A group's meetings are planned by an RFC 5545 recurrence rule read in the group's own time
zone (``upcoming_meetings`` in selectors turns it into UTC); what a meeting actually did is
a ``Meeting`` a coordinator logged.  Applicants' details are people's data: encrypted, with a
blind index on the e-mail so a second application from the same mailbox is found.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vigil.core.crypto import normalise_email
from vigil.core.fields import (
    BlindIndexField,
    EncryptedCharField,
    EncryptedEmailField,
    EncryptedTextField,
)
from vigil.core.i18n import in_language
from vigil.core.timezones import validate_time_zone


class Group(models.Model):
    class Status(models.TextChoices):
        # A group's status agrees with "группа" in Russian: its own context.
        ACTIVE = "active", pgettext_lazy("group status", "active")
        DORMANT = "dormant", pgettext_lazy("group status", "dormant")
        CLOSED = "closed", pgettext_lazy("group status", "closed")

    number = models.PositiveIntegerField(_("number"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(
        _("name in English"), max_length=200, blank=True,
        help_text=_("For the English pages and mail; empty: the name above."),
    )  # fmt: skip
    slug = models.SlugField(_("address name"), max_length=100, unique=True)
    city = models.CharField(_("city"), max_length=100)
    region = models.ForeignKey(
        "directory.Region", on_delete=models.PROTECT, related_name="groups",
        verbose_name=_("region"),
    )  # fmt: skip
    #: ISO 3166-1 alpha-2: the cases' own-country rule compares it with a case's country.
    country = models.CharField(_("country of residence"), max_length=2, default="RU")
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    email = models.EmailField(_("group e-mail"), blank=True)
    postal_address = models.TextField(_("postal address"), blank=True)
    meeting_rule = models.CharField(
        _("meeting schedule (recurrence rule)"), max_length=300, blank=True,
        help_text=_("For example FREQ=MONTHLY;BYDAY=1TU for the first Tuesday of each month."),
    )  # fmt: skip
    meeting_time = models.TimeField(_("meeting time"), null=True, blank=True)
    meeting_timezone = models.CharField(
        _("time zone of the meetings"), max_length=64, default="Europe/Moscow",
        validators=[validate_time_zone],
    )  # fmt: skip
    meeting_place = models.CharField(_("meeting place"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("local group")
        verbose_name_plural = _("local groups")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.display_name}"

    def get_absolute_url(self) -> str:
        return reverse("groups:detail", args=[self.slug])

    @property
    def display_name(self) -> str:
        """The name in the viewer's language (``name`` is the Russian one)."""
        return in_language(self.name, self.name_en)

    @property
    def display_city(self) -> str:
        """The city in the viewer's language: a group in its region's own city (Moscow in
        Moscow) has the region's names in both languages; any other city only as written."""
        region = self.region
        if self.city.strip().casefold() == region.name_ru.strip().casefold():
            return region.name
        return self.city

    @property
    def city_is_region(self) -> bool:
        return self.display_city == self.region.name


class Membership(models.Model):
    """One stretch of membership; leaving sets ``left_at`` so the history stays."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("coordinator")
        TREASURER = "treasurer", _("treasurer")
        MEMBER = "member", _("member")

    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("group")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships",
        verbose_name=_("person"),
    )  # fmt: skip
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    #: False once the member used the unsubscribe link of a group message.
    receives_group_mail = models.BooleanField(_("receives group e-mail"), default=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["group", "joined_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"],
                condition=Q(left_at__isnull=True),
                name="groups_one_current_membership",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.group} ({self.get_role_display()})"


class Application(models.Model):
    """A request to join, from the public form, waiting for a coordinator or national staff."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for an answer")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    #: Null: no group in the applicant's region, so national staff answer.
    group = models.ForeignKey(
        Group, on_delete=models.SET_NULL, null=True, blank=True, related_name="applications",
        verbose_name=_("group"),
    )  # fmt: skip
    region = models.ForeignKey(
        "directory.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    name = EncryptedCharField(_("name"), max_length=150)
    email = EncryptedEmailField(_("e-mail address"))
    email_index = BlindIndexField(source="email", normaliser=normalise_email)
    city = EncryptedCharField(_("city"), max_length=100)
    languages = EncryptedCharField(_("languages"), max_length=200, blank=True)
    #: The language of the page the applicant used: the answer is written in it.
    language = models.CharField(_("language"), max_length=8, default="ru")
    consent_at = models.DateTimeField(_("consent given"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    answer = EncryptedTextField(_("answer"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("decided by"),
    )  # fmt: skip
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="group_applications", verbose_name=_("account"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    #: How many times the same address sent the form again while this one waited: the public
    #: page answers everyone alike, so staff see the duplicates here.
    repeats = models.PositiveIntegerField(_("sent again"), default=0)

    class Meta:
        verbose_name = _("application to join")
        verbose_name_plural = _("applications to join")
        ordering = ["-created_at"]
        constraints = [
            # One open application per mailbox, even when two arrive at the same moment.
            models.UniqueConstraint(
                fields=["email_index"],
                condition=Q(status="pending"),
                name="groups_one_pending_application",
            )
        ]

    def __str__(self) -> str:
        return str(_("Application #%(id)s") % {"id": self.pk})


class Meeting(models.Model):
    """A meeting as its coordinator logged it."""

    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("group")
    )
    held_on = models.DateField(_("date"))
    attendance = models.PositiveIntegerField(_("people present"))
    decisions = models.TextField(_("decisions"), blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("logged by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("logged"), default=timezone.now)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_on"]
        constraints = [
            models.UniqueConstraint(fields=["group", "held_on"], name="groups_one_meeting_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.group} — {self.held_on:%Y-%m-%d}"


class MeetingLetters(models.Model):
    """Letters written at a meeting for one case (a label until the cases app exists)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="letters", verbose_name=_("meeting")
    )
    case_label = models.CharField(_("case"), max_length=200)
    count = models.PositiveIntegerField(_("letters"))

    class Meta:
        verbose_name = _("letters for a case")
        verbose_name_plural = _("letters for cases")

    def __str__(self) -> str:
        return f"{self.case_label}: {self.count}"


class MeetingReminder(models.Model):
    """A reminder sent: at most one per planned meeting and person, however often cron runs."""

    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="+", verbose_name=_("group")
    )
    starts_at = models.DateTimeField(verbose_name=_("meeting starts"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("person"),
    )
    sent_at = models.DateTimeField(default=timezone.now, verbose_name=_("sent"))

    class Meta:
        verbose_name = _("meeting reminder")
        verbose_name_plural = _("meeting reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "starts_at", "user"], name="groups_one_reminder_each"
            )
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.starts_at:%Y-%m-%d %H:%M} → {self.user_id}"
