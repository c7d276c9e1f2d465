"""Petitions: what is asked of whom, who signed it (online or on paper) and what they agreed to.

Signers' names, e-mails, phones, countries and cities are people's data: encrypted at rest.
The blind index of the normalised e-mail keeps one signature per person and petition, and
finds a person's signatures again when they ask for a copy or for erasure.  Once the data is
purged after delivery the row stays, empty, so that the count does not change.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigil.core.crypto import normalise_email
from vigil.core.fields import BlindIndexField, EncryptedCharField, EncryptedEmailField
from vigil.core.i18n import in_language
from vigil.core.reversing import cached_reverse


class ConsentText(models.Model):
    """The wording a signer agrees to.  A new wording is a new version; old ones stay, so
    every signature says exactly which text was agreed to."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    text_ru = models.TextField(_("text (Russian)"))
    text_en = models.TextField(_("text (English)"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")
        ordering = ["-version"]

    def __str__(self) -> str:
        return str(_("Consent text, version %(version)s") % {"version": self.version})

    @property
    def text(self) -> str:
        return in_language(self.text_ru, self.text_en)


class Petition(models.Model):
    slug = models.SlugField(_("address name"), max_length=100, unique=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    target = models.CharField(
        _("addressed to"), max_length=300,
        help_text=_("Who the petition is handed to, e.g. the Prosecutor General."),
    )  # fmt: skip
    text_ru = models.TextField(_("text (Russian)"))
    text_en = models.TextField(_("text (English)"), blank=True)
    goal = models.PositiveIntegerField(_("goal (signatures)"), default=1000)
    closes_at = models.DateTimeField(_("closes"))
    is_published = models.BooleanField(_("published"), default=True)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="petitions",
        verbose_name=_("case"),
    )  # fmt: skip
    #: Set when the signatures were handed to the target; the retention period starts then.
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    #: Set when the signers' personal data was purged (the counts stay).
    purged_at = models.DateTimeField(_("personal data purged"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(goal__gte=1), name="actions_petition_goal_positive")
        ]

    def __str__(self) -> str:
        return self.title_ru

    def get_absolute_url(self) -> str:
        return cached_reverse("petitions:detail", self.slug)

    @property
    def title(self) -> str:
        return in_language(self.title_ru, self.title_en)

    @property
    def text(self) -> str:
        return in_language(self.text_ru, self.text_en)

    def is_open(self, now: datetime.datetime | None = None) -> bool:
        return (
            self.is_published
            and self.delivered_at is None
            and (now or timezone.now()) < self.closes_at
        )


class Signature(models.Model):
    """One person's signature online.  It counts once ``confirmed_at`` is set (double opt-in)."""

    petition = models.ForeignKey(
        Petition, on_delete=models.CASCADE, related_name="signatures", verbose_name=_("petition")
    )
    name = EncryptedCharField(_("name"), max_length=150, blank=True)
    email = EncryptedEmailField(_("e-mail address"), blank=True)
    email_index = BlindIndexField(source="email", normaliser=normalise_email)
    country = EncryptedCharField(_("country"), max_length=100, blank=True)
    city = EncryptedCharField(_("city"), max_length=100, blank=True)
    phone = EncryptedCharField(_("phone"), max_length=40, blank=True)
    consent = models.ForeignKey(
        ConsentText, on_delete=models.PROTECT, related_name="+", verbose_name=_("consent text")
    )
    #: The language of the page the person signed on: their mail is written in it.
    language = models.CharField(_("language"), max_length=8, default="ru")
    created_at = models.DateTimeField(_("signed"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    #: Signed in a burst from one address or network: staff look before it is delivered.
    flagged = models.BooleanField(_("flagged for review"), default=False)
    flag_reason = models.CharField(_("why it is flagged"), max_length=200, blank=True)
    purged_at = models.DateTimeField(_("personal data purged"), null=True, blank=True)
    #: The confirmation mail's outbox: set when a mail is owed (signing, signing again), moved
    #: ahead while a worker holds the row, emptied once the mail is with the SMTP server.
    mail_due_at = models.DateTimeField(_("confirmation mail due"), null=True, blank=True)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "email_index"],
                condition=Q(email_index__isnull=False),
                name="actions_signature_one_per_address",
            )
        ]
        indexes = [
            models.Index(
                fields=["petition"],
                condition=Q(confirmed_at__isnull=False),
                name="actions_sig_confirmed",
            ),
            models.Index(fields=["email_index"], name="actions_sig_email_index"),
            models.Index(
                fields=["mail_due_at"],
                condition=Q(mail_due_at__isnull=False),
                name="actions_sig_mail_due",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Signature #%(id)s") % {"id": self.pk})

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


def private_storage() -> FileSystemStorage:
    """Scans of paper lists hold names: kept under the data folder, never under a served URL."""
    return FileSystemStorage(location=settings.DATA_DIR / "private" / "petitions", base_url=None)


def _scan_path(instance: PaperBatch, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"{instance.petition_id}/{timezone.now():%Y%m%d%H%M%S}-{instance.group_id}.{suffix}"


class PaperBatch(models.Model):
    """Signatures collected on paper by a local group, entered by its coordinator."""

    petition = models.ForeignKey(
        Petition, on_delete=models.CASCADE, related_name="paper_batches",
        verbose_name=_("petition"),
    )  # fmt: skip
    group = models.ForeignKey(
        "groups.Group", on_delete=models.PROTECT, related_name="petition_batches",
        verbose_name=_("group"),
    )  # fmt: skip
    count = models.PositiveIntegerField(_("signatures"))
    collected_on = models.DateField(_("collected on"))
    scan = models.FileField(
        _("scanned list"), storage=private_storage, upload_to=_scan_path, blank=True,
        max_length=200,
    )  # fmt: skip
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("entered by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("entered"), default=timezone.now)

    class Meta:
        verbose_name = _("paper batch")
        verbose_name_plural = _("paper batches")
        ordering = ["-collected_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(count__gte=1), name="actions_batch_count_positive")
        ]

    def __str__(self) -> str:
        return f"{self.group} · {self.collected_on:%Y-%m-%d} · {self.count}"
