"""Documents (press releases, reports, urgent actions, bulletins) and their attachments.

The one visibility rule lives in :meth:`DocumentQuerySet.public`: every public surface (pages,
feeds, sitemap, API, search, mail) asks it with the moment of the request, so an embargoed
document becomes visible at its moment without anything being switched on, and a document
waiting for review (``needs_review``) stays with the staff until they publish it.
"""

from __future__ import annotations

import datetime
import zoneinfo
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .indexnumbers import PREFIXES, parse_index_number, validate_index_number


def private_storage() -> Storage:
    """Attachments live outside MEDIA_ROOT and have no URL: only a checked view serves them."""
    return FileSystemStorage(
        location=Path(settings.DATA_DIR) / "private" / "publications", base_url=None
    )


class DocumentQuerySet(models.QuerySet["Document"]):
    def public(self, now: datetime.datetime | None = None) -> DocumentQuerySet:
        """What anyone may see at ``now``: public classification, embargo passed, and for a
        translation the same of its original (a translation never runs ahead of it)."""
        now = now or timezone.now()
        own = (
            Q(classification=Document.Classification.PUBLIC)
            & Q(needs_review=False)
            & (Q(embargo_at__isnull=True) | Q(embargo_at__lte=now))
        )
        original = Q(original__isnull=True) | (
            Q(original__classification=Document.Classification.PUBLIC)
            & Q(original__needs_review=False)
            & (Q(original__embargo_at__isnull=True) | Q(original__embargo_at__lte=now))
        )
        return self.filter(own & original)

    def news(self) -> DocumentQuerySet:
        return self.filter(doc_type=Document.Type.NEWS_RELEASE)

    def annual_reports(self) -> DocumentQuerySet:
        return self.filter(doc_type=Document.Type.ANNUAL_REPORT)


DocumentManager = models.Manager.from_queryset(DocumentQuerySet)


class Document(models.Model):
    class Classification(models.TextChoices):
        PUBLIC = "public", _("Public")
        INTERNAL = "internal", _("Internal")

    class Type(models.TextChoices):
        NEWS_RELEASE = "news_release", _("News release")
        REPORT = "report", _("Report")
        ANNUAL_REPORT = "annual_report", _("Annual report")
        URGENT_ACTION = "urgent_action", _("Urgent action")
        BULLETIN = "bulletin", _("Bulletin")

    class Language(models.TextChoices):
        RUSSIAN = "ru", _("Russian")
        ENGLISH = "en", _("English")
        FRENCH = "fr", _("French")
        SPANISH = "es", _("Spanish")
        ARABIC = "ar", _("Arabic")

    index_number = models.CharField(
        _("index number"),
        max_length=20,
        validators=[validate_index_number],
        help_text=_("For example “EUR 46/039/2003”."),
    )
    #: The index as the source printed it ("EUR 46/34/99"); the library finds either form.
    index_as_printed = models.CharField(_("index number as printed"), max_length=40, blank=True)
    #: Derived from the index number on save, for the library's filters ("" when unknown).
    index_prefix = models.CharField(
        _("region or subject"),
        max_length=3,
        choices=[(p, p) for p in PREFIXES],
        blank=True,
        editable=False,
    )
    index_year = models.PositiveSmallIntegerField(_("index year"), editable=False)
    slug = models.SlugField(_("address name"), max_length=20, editable=False)
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.ENGLISH
    )
    original = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="translations",
        verbose_name=_("translation of"),
    )
    classification = models.CharField(
        _("classification"),
        max_length=10,
        choices=Classification.choices,
        default=Classification.PUBLIC,
    )
    doc_type = models.CharField(
        _("type"), max_length=20, choices=Type.choices, default=Type.NEWS_RELEASE
    )
    issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    #: Banner lines of the header ("PRESS RELEASE", "Public Statement"), one per line.
    banner = models.TextField(_("banner lines"), blank=True)
    distribution = models.CharField(_("distribution"), max_length=100, blank=True)
    news_service_number = models.CharField(_("news service number"), max_length=20, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    embargo_at = models.DateTimeField(
        _("embargo"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Nobody outside the staff sees the document before this moment."),
    )
    #: The zone the embargo was given in ("GMT"), to show it as it was announced.
    embargo_zone = models.CharField(_("embargo time zone"), max_length=64, blank=True)
    title = models.CharField(_("title"), max_length=500)
    body = models.TextField(_("text"), blank=True)
    correspondence_address = models.TextField(_("correspondence address"), blank=True)
    contacts = models.TextField(_("press contacts"), blank=True)
    closing_lines = models.TextField(_("closing lines"), blank=True)
    #: Lines of the source the importer could not place: ``[[line number, text], ...]``.
    unparsed_notes = models.JSONField(_("unparsed lines"), default=list, blank=True)
    original_text = models.TextField(_("original text"), blank=True)
    source_name = models.CharField(_("source file"), max_length=255, blank=True)
    #: Set by the importer when it was unsure; only staff see the document until cleared.
    needs_review = models.BooleanField(_("waiting for review"), default=False, db_index=True)
    #: Codes of ``importer.REVIEW_REASONS``.
    review_reasons = models.JSONField(_("reasons for review"), default=list, blank=True)
    #: Set by the publishing task once the "now public" side effects are done.
    announced_at = models.DateTimeField(_("announced"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = DocumentManager()

    class Meta:
        ordering = ["-date", "-embargo_at", "index_number"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.UniqueConstraint(
                fields=["index_number", "language"], name="publications_one_version_per_language"
            )
        ]
        indexes = [models.Index(fields=["doc_type", "date"], name="publications_type_date")]
        permissions = [("preview_document", "Can see documents before their embargo")]

    def __str__(self) -> str:
        return f"{self.index_number} ({self.language}): {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        parsed = parse_index_number(self.index_number)
        self.index_number = str(parsed)
        self.index_prefix = parsed.prefix
        self.index_year = parsed.year
        self.slug = parsed.slug
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("publications:detail", args=[self.slug, self.language])

    def is_public(self, now: datetime.datetime | None = None) -> bool:
        return Document.objects.public(now).filter(pk=self.pk).exists()

    @property
    def embargo_local(self) -> datetime.datetime | None:
        """The embargo in the zone it was announced in."""
        if self.embargo_at is None:
            return None
        return self.embargo_at.astimezone(zone_or_utc(self.embargo_zone))

    @property
    def review_reason_texts(self) -> list[str]:
        from .importer import REVIEW_REASONS

        return [str(REVIEW_REASONS.get(code, code)) for code in self.review_reasons]


def zone_or_utc(name: str) -> datetime.tzinfo:
    try:
        return zoneinfo.ZoneInfo(name) if name else datetime.UTC
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return datetime.UTC


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"{instance.document.slug}/{instance.document.language}/{Path(filename).name}"


class Attachment(models.Model):
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("document")
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("file"), storage=private_storage, upload_to=attachment_path, max_length=300
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "publications:attachment",
            args=[self.document.slug, self.document.language, self.pk],
        )


class ImportJob(models.Model):
    """Files staff uploaded on the import page, imported by the task worker.

    The uploads wait in the private data folder (``upload_dir``) until the worker has read
    them; the counts and the report lines are the service's summary, written as it goes so the
    page can show progress."""

    class Kind(models.TextChoices):
        DOCUMENTS = "documents", _("Documents (press releases, reports)")
        DIRECTORY = "directory", _("Directory (handbook pages)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for the worker")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("what to import"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    file_names = models.JSONField(_("files"), default=list)
    upload_dir = models.CharField(max_length=500, editable=False, verbose_name=_("upload folder"))
    total = models.PositiveIntegerField(_("files to read"), default=0)
    done = models.PositiveIntegerField(_("files read"), default=0)
    published = models.PositiveIntegerField(_("published"), default=0)
    to_review = models.PositiveIntegerField(_("to review"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    errors = models.PositiveIntegerField(_("errors"), default=0)
    #: ``[{"name": ..., "outcome": ..., "message": ...}, ...]``, one per file (or entry group).
    report = models.JSONField(_("report"), default=list, blank=True)
    failure = models.TextField(_("failure"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("publications:import_job", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.done / self.total)) if self.total else 0
