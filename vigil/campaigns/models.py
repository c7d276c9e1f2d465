"""Campaigns: a public effort with a start and an end that brings cases, petitions, events and
documents together under one page, with partner organisations.

Whether the public sees a campaign is one rule, :meth:`CampaignQuerySet.published`: a draft
is for staff only.  Whether it is still running is decided at the moment of the request
(:meth:`CampaignQuerySet.running`): an active campaign whose end date has passed is shown as
ended without anyone switching it.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigil.core.fields import EncryptedTextField
from vigil.core.i18n import in_language

#: What a hero image may be: formats browsers show and Pillow re-encodes (no SVG: no script).
IMAGE_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]


def private_storage() -> Storage:
    """Hero images have no public URL: a view serves them after checking the campaign, so a
    draft's picture does not leak before its campaign is published."""
    return FileSystemStorage(
        location=Path(settings.DATA_DIR) / "private" / "campaigns", base_url=None
    )


def hero_path(instance: Campaign, filename: str) -> str:
    suffix = Path(filename).suffix.lower() or ".jpg"
    return f"{instance.slug}/hero{suffix}"


class CampaignQuerySet(models.QuerySet["Campaign"]):
    def published(self) -> CampaignQuerySet:
        """What the public may open: everything but drafts."""
        return self.exclude(status=Campaign.Status.DRAFT)

    def running(self, now: datetime.datetime | None = None) -> CampaignQuerySet:
        """Active and not past its end date at ``now``."""
        now = now or timezone.now()
        return self.filter(status=Campaign.Status.ACTIVE).filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=now)
        )

    def finished(self, now: datetime.datetime | None = None) -> CampaignQuerySet:
        """Ended by staff, or active with its end date passed."""
        now = now or timezone.now()
        return self.filter(
            Q(status=Campaign.Status.ENDED)
            | Q(status=Campaign.Status.ACTIVE, ends_at__isnull=False, ends_at__lte=now)
        )


CampaignManager = models.Manager.from_queryset(CampaignQuerySet)


class Campaign(models.Model):
    class Status(models.TextChoices):
        # Labels unique in the catalogue ("active" is taken, in the masculine, by others).
        DRAFT = "draft", _("draft")
        ACTIVE = "active", _("running")
        ENDED = "ended", _("ended")

    slug = models.SlugField(
        _("address name"),
        max_length=100,
        unique=True,
        help_text=_("Latin letters, digits and hyphens: the campaign's address on the site."),
    )
    title_ru = models.CharField(_("title in Russian"), max_length=200)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    summary_ru = models.TextField(
        _("summary in Russian"), max_length=1000, help_text=_("One or two sentences for lists.")
    )
    summary_en = models.TextField(_("summary in English"), max_length=1000, blank=True)
    body_ru = models.TextField(_("text in Russian"), max_length=50000, blank=True)
    body_en = models.TextField(_("text in English"), max_length=50000, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    starts_at = models.DateTimeField(_("starts"), default=timezone.now)
    ends_at = models.DateTimeField(
        _("ends"),
        null=True,
        blank=True,
        help_text=_("Leave empty for a campaign without an end date. After it, the campaign "
                    "is shown as ended."),
    )  # fmt: skip
    hero_image = models.ImageField(
        _("picture"),
        storage=private_storage,
        upload_to=hero_path,
        max_length=200,
        blank=True,
        validators=[FileExtensionValidator(IMAGE_EXTENSIONS)],
        help_text=_("JPEG, PNG or WebP, up to 5 MB. Location and camera data are removed."),
    )
    hero_alt_ru = models.CharField(
        _("picture description in Russian"),
        max_length=300,
        blank=True,
        help_text=_("What the picture shows, for people who cannot see it."),
    )
    hero_alt_en = models.CharField(_("picture description in English"), max_length=300, blank=True)
    cases = models.ManyToManyField(
        "cases.Case", related_name="campaigns", blank=True, verbose_name=_("cases")
    )
    petitions = models.ManyToManyField(
        "petitions.Petition", related_name="campaigns", blank=True, verbose_name=_("petitions")
    )
    events = models.ManyToManyField(
        "events.Event", related_name="campaigns", blank=True, verbose_name=_("events")
    )
    documents = models.ManyToManyField(
        "publications.Document",
        related_name="campaigns",
        blank=True,
        verbose_name=_("documents"),
    )
    partners = models.ManyToManyField(
        "directory.Organisation",
        through="Partnership",
        related_name="campaigns",
        blank=True,
        verbose_name=_("partner organisations"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False, verbose_name=_("created by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CampaignManager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="campaigns_campaign_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title_ru or self.title_en

    def get_absolute_url(self) -> str:
        return reverse("campaigns:detail", args=[self.slug])

    @property
    def title(self) -> str:
        return in_language(self.title_ru, self.title_en)

    @property
    def summary(self) -> str:
        return in_language(self.summary_ru, self.summary_en)

    @property
    def body(self) -> str:
        return in_language(self.body_ru, self.body_en)

    @property
    def hero_alt(self) -> str:
        return in_language(self.hero_alt_ru, self.hero_alt_en)

    @property
    def hero_url(self) -> str:
        return reverse("campaigns:image", args=[self.slug]) if self.hero_image else ""

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def phase(self, now: datetime.datetime | None = None) -> str:
        """draft, active or ended at ``now``: the same rule as the queryset's."""
        if self.status != self.Status.ACTIVE:
            return str(self.status)
        if self.ends_at is not None and self.ends_at <= (now or timezone.now()):
            return str(self.Status.ENDED)
        return str(self.Status.ACTIVE)

    @property
    def current_phase(self) -> str:
        return self.phase()


class Partnership(models.Model):
    """A directory organisation working with the network on a campaign, and in what role.

    The contact is one of the organisation's published contacts; the note is for staff only
    (it may say things about people at the partner that must not leak) and is encrypted.
    """

    class Role(models.TextChoices):
        CO_ORGANISER = "co_organiser", _("co-organiser")
        SUPPORTER = "supporter", _("supporter")
        EXPERT = "expert", _("expert")
        HOST = "host", _("host")
        MEDIA = "media", _("media partner")
        OTHER = "other", _("other")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="partnerships", verbose_name=_("campaign")
    )
    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.CASCADE,
        related_name="partnerships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.SUPPORTER)
    contact = models.ForeignKey(
        "directory.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="partnerships",
        verbose_name=_("contact person"),
        help_text=_("One of the organisation's contacts in the directory."),
    )
    note = EncryptedTextField(
        _("staff note"),
        blank=True,
        help_text=_("Only staff read this. It is never shown publicly."),
    )
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["campaign", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organisation"], name="campaigns_partner_once_per_campaign"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_role_display()}"
