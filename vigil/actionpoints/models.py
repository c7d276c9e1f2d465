"""Action points: who promised what, by when, and whether it happened.

A point comes out of a roundtable's minutes or is set on a campaign.  Its owners are staff
members, local groups, or partner organisations (with the contact person who answers for
them; partners need no account: their news reaches the point through staff).  Its status and
dated progress updates are the record; a point marked public shows on its campaign's page,
like the results of Decidim's accountability component.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigil.core.i18n import in_language


class ActionPointQuerySet(models.QuerySet["ActionPoint"]):
    def open(self) -> ActionPointQuerySet:
        return self.filter(status__in=ActionPoint.OPEN)

    def overdue(self, today: datetime.date | None = None) -> ActionPointQuerySet:
        return self.open().filter(due_on__lt=today or timezone.localdate())


class ActionPoint(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        DROPPED = "dropped", _("dropped")

    OPEN = (Status.PLANNED, Status.IN_PROGRESS)

    title_ru = models.CharField(_("title in Russian"), max_length=300)
    title_en = models.CharField(_("title in English"), max_length=300, blank=True)
    description_ru = models.TextField(_("description in Russian"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(
        _("progress, %"), default=0, validators=[MaxValueValidator(100)]
    )
    is_public = models.BooleanField(
        _("show on the campaign's page"),
        default=False,
        help_text=_("Shown with its status and progress once the campaign is public."),
    )
    roundtable = models.ForeignKey(
        "partners.Roundtable",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_points",
        verbose_name=_("from the roundtable"),
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_points",
        verbose_name=_("campaign"),
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("case"),
    )  # fmt: skip
    petition = models.ForeignKey(
        "petitions.Petition", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("petition"),
    )  # fmt: skip
    event = models.ForeignKey(
        "events.Event", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("event"),
    )  # fmt: skip
    document = models.ForeignKey(
        "publications.Document", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("document"),
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("created by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ActionPointQuerySet.as_manager()

    class Meta:
        verbose_name = _("action point")
        verbose_name_plural = _("action points")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("actionpoints:detail", args=[self.pk])

    @property
    def title(self) -> str:
        return in_language(self.title_ru, self.title_en)

    @property
    def description(self) -> str:
        return in_language(self.description_ru, self.description_en)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return (
            self.is_open
            and self.due_on is not None
            and self.due_on < (today or timezone.localdate())
        )


class Owner(models.Model):
    """One owner of a point: a staff member, a group, or a partner organisation."""

    point = models.ForeignKey(
        ActionPoint, on_delete=models.CASCADE, related_name="owners", verbose_name=_("action point")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
        related_name="action_points_owned", verbose_name=_("staff member"),
    )  # fmt: skip
    group = models.ForeignKey(
        "groups.Group", on_delete=models.CASCADE, null=True, blank=True,
        related_name="action_points", verbose_name=_("group"),
    )  # fmt: skip
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, null=True, blank=True,
        related_name="action_points", verbose_name=_("partner organisation"),
    )  # fmt: skip
    contact = models.ForeignKey(
        "directory.Contact", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("contact person"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("owner")
        verbose_name_plural = _("owners")
        ordering = ["point", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(user__isnull=False, group__isnull=True, organisation__isnull=True)
                    | Q(user__isnull=True, group__isnull=False, organisation__isnull=True)
                    | Q(user__isnull=True, group__isnull=True, organisation__isnull=False)
                ),
                name="actionpoints_owner_is_one_thing",
            ),
            models.CheckConstraint(
                condition=Q(contact__isnull=True) | Q(organisation__isnull=False),
                name="actionpoints_contact_only_for_partner",
            ),
        ]

    def __str__(self) -> str:
        if self.user_id:
            return self.user.get_full_name() if self.user else ""
        if self.group_id:
            return str(self.group)
        name = str(self.organisation)
        return f"{name} ({self.contact.name})" if self.contact else name


class ProgressUpdate(models.Model):
    """A dated step: the status and progress it set, and what happened, in both languages."""

    point = models.ForeignKey(
        ActionPoint,
        on_delete=models.CASCADE,
        related_name="updates",
        verbose_name=_("action point"),
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    status = models.CharField(_("status"), max_length=12, choices=ActionPoint.Status.choices)
    progress = models.PositiveSmallIntegerField(
        _("progress, %"), validators=[MaxValueValidator(100)]
    )
    text_ru = models.TextField(_("what happened, in Russian"), blank=True)
    text_en = models.TextField(_("what happened, in English"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("recorded by"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["point", "-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.point} · {self.get_status_display()}"

    @property
    def text(self) -> str:
        return in_language(self.text_ru, self.text_en)


class Reminder(models.Model):
    """The outbox of reminders: one row per point, stage, due date and person, written in
    the same transaction as the queued mail, so a second or crashed run never sends twice.
    The person is a blind index of their address: the table holds no address."""

    class Stage(models.TextChoices):
        SOON = "soon", _("due soon")
        OVERDUE = "overdue", _("overdue")

    point = models.ForeignKey(
        ActionPoint,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("action point"),
    )
    stage = models.CharField(max_length=8, choices=Stage.choices, verbose_name=_("stage"))
    due_on = models.DateField(verbose_name=_("due"))
    recipient = models.CharField(max_length=64, verbose_name=_("recipient"))
    sent_at = models.DateTimeField(default=timezone.now, verbose_name=_("sent"))

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["point", "stage", "due_on", "recipient"],
                name="actionpoints_reminder_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.point_id} · {self.stage} · {self.due_on}"
