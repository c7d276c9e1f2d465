"""The monthly bulletin: issues, their articles split into segments, the translation memory
and the glossary.

Articles are never stored whole: the English text lives only as segments (paragraph 0 is the
title), so the Russian issue is reassembled from the same rows the translators work on.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.dates import MONTHS, MONTHS_ALT
from django.utils.translation import gettext_lazy as _

from vigil.core.dates import format_month


def _month_names(month: int) -> set[str]:
    """The month's names in both languages, in lower case (a title that only repeats them)."""
    names = set()
    for language in ("ru", "en"):
        with translation.override(language):
            names |= {str(MONTHS[month]).casefold(), str(MONTHS_ALT[month]).casefold()}
    return names


class Issue(models.Model):
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    month = models.PositiveSmallIntegerField(
        _("month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    #: Translators who may also review and approve this issue (staff always may).
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="bulletin_reviews",
        verbose_name=_("reviewers"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))

    class Meta:
        ordering = ["-year", "-month"]
        verbose_name = _("bulletin issue")
        verbose_name_plural = _("bulletin issues")
        constraints = [
            models.UniqueConstraint(fields=["year", "month"], name="bulletin_one_issue_a_month")
        ]

    def __str__(self) -> str:
        """The issue's month in the active language: "ноябрь 2026 г.", "November 2026"."""
        return format_month(self.year, self.month)

    def get_absolute_url(self) -> str:
        return reverse("bulletin:issue", args=[self.pk])

    @property
    def label(self) -> str:
        """The issue's name on its pages, in its mail's subject and on its PDF."""
        label = _("Bulletin for %(month)s") % {"month": self}
        if self.title and self.title.strip().casefold() not in _month_names(self.month):
            label = f"{label}: {self.title}"
        return label


class Article(models.Model):
    issue = models.ForeignKey(
        Issue, on_delete=models.CASCADE, related_name="articles", verbose_name=_("issue")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))

    class Meta:
        ordering = ["issue", "position", "pk"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self) -> str:
        first = self.segments.filter(paragraph=0).first()
        return first.source if first else f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("bulletin:editor", args=[self.issue_id, self.pk])


class Segment(models.Model):
    class Status(models.TextChoices):
        TO_TRANSLATE = "to_translate", _("To translate")
        TRANSLATED = "translated", _("Translated")
        REVIEWED = "reviewed", _("Reviewed")
        APPROVED = "approved", _("Approved")

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="segments", verbose_name=_("article")
    )
    #: 0 is the article's title; 1, 2, … its paragraphs, so the Russian text keeps their breaks.
    paragraph = models.PositiveIntegerField(verbose_name=_("paragraph"))
    position = models.PositiveIntegerField(verbose_name=_("position"))
    source = models.TextField(_("English"))
    target = models.TextField(_("Russian"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.TO_TRANSLATE
    )
    translated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("translated by"),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated"))

    class Meta:
        ordering = ["article", "position"]
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "position"], name="bulletin_segment_position"
            )
        ]
        indexes = [models.Index(fields=["article", "status"])]

    def __str__(self) -> str:
        return self.source[:60]

    @property
    def exchange_id(self) -> str:
        """The id a segment carries in XLIFF and PO files."""
        return f"s{self.pk}"


class MemoryEntry(models.Model):
    """One approved English → Russian pair, offered again in later issues."""

    source = models.TextField(verbose_name=_("English"))
    target = models.TextField(verbose_name=_("Russian"))
    #: SHA-256 of the normalised source: a pair remembered again is found, not stored twice.
    source_hash = models.CharField(max_length=64, db_index=True, verbose_name=_("source checksum"))
    segment = models.ForeignKey(
        Segment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memory",
        verbose_name=_("segment"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))

    class Meta:
        verbose_name = _("translation memory entry")
        verbose_name_plural = _("translation memory")

    def __str__(self) -> str:
        return self.source[:60]


class GlossaryTerm(models.Model):
    source = models.CharField(_("English term"), max_length=200, unique=True)
    target = models.CharField(_("approved Russian translation"), max_length=200)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["source"]
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary")

    def __str__(self) -> str:
        return f"{self.source} → {self.target}"
