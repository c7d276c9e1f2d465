"""Cases the network writes letters for, the officials to write to, and the letters written.

A case's people, officials and appeal texts are public campaign material, so they are plain
text.  A letter names its writer, so the text a writer chooses to keep is encrypted at rest,
and nothing else of what they typed is stored.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigil.core.fields import EncryptedTextField
from vigil.core.i18n import in_language

from .countries import country_name, validate_country

LANGUAGE_CHOICES = [
    ("ru", _("Russian")), ("en", _("English")), ("fr", _("French")), ("de", _("German")),
    ("es", _("Spanish")), ("ar", _("Arabic")), ("zh", _("Chinese")), ("tr", _("Turkish")),
    ("uk", _("Ukrainian")), ("be", _("Belarusian")), ("kk", _("Kazakh")), ("uz", _("Uzbek")),
    ("fa", _("Persian")),
]  # fmt: skip
LANGUAGE_CODES = {code for code, _label in LANGUAGE_CHOICES}

#: Amnesty International's document index: "EUR 46/039/2003" (region, subgroup, number, year).
INDEX_NUMBER_RE = re.compile(r"^[A-Z]{3} \d{2}/\d{3}/\d{4}$")
validate_index_number = RegexValidator(
    INDEX_NUMBER_RE,
    _("A document index number looks like “EUR 46/039/2003”: three capital letters, a space, "
      "two digits, a slash, three digits, a slash and the year."),
    code="index_number",
)  # fmt: skip


class Case(models.Model):
    class Category(models.TextChoices):
        PRISONER_OF_CONSCIENCE = "prisoner_of_conscience", _("prisoner of conscience")
        DEATH_PENALTY = "death_penalty", _("death penalty")
        TORTURE = "torture", _("torture")
        UNFAIR_TRIAL = "unfair_trial", _("unfair trial")
        DISAPPEARANCE = "enforced_disappearance", _("enforced disappearance")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        OPEN = "open", _("action needed")
        SUSPENDED = "suspended", _("action suspended")
        CLOSED = "closed", _("closed")

    slug = models.SlugField(_("address name"), max_length=100, unique=True)
    title_ru = models.CharField(_("title in Russian"), max_length=200)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    people = models.CharField(
        _("person or people concerned"), max_length=500,
        help_text=_("As the case material names them, for example “Ivan Petrov, 34, journalist”."),
    )  # fmt: skip
    country = models.CharField(_("country"), max_length=2, validators=[validate_country])
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    summary_ru = models.TextField(_("summary in Russian"), max_length=20000)
    summary_en = models.TextField(_("summary in English"), max_length=20000, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    is_urgent = models.BooleanField(_("urgent action"), default=False)
    deadline = models.DateField(
        _("deadline"), null=True, blank=True, help_text=_("Letters should arrive before this day.")
    )
    #: Officials of this case may be written to by e-mail through Vigil's mail server.
    allows_email = models.BooleanField(_("letters may be sent by e-mail"), default=False)
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-is_urgent", "deadline", "-created_at"]
        indexes = [models.Index(fields=["country", "category", "status"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cases:detail", args=[self.slug])

    def clean(self) -> None:
        if self.is_urgent and self.deadline is None:
            raise ValidationError({"deadline": _("An urgent action needs a deadline.")})

    @property
    def title(self) -> str:
        return in_language(self.title_ru, self.title_en)

    @property
    def summary(self) -> str:
        return in_language(self.summary_ru, self.summary_en)

    @property
    def country_name(self) -> str:
        return country_name(self.country)

    @property
    def latest_result(self) -> Outcome | None:
        """The last outcome when it is a result (a release, an acquittal...), else None."""
        outcomes = list(self.outcomes.all())
        latest = max(outcomes, key=lambda o: (o.happened_on, o.pk or 0), default=None)
        return latest if latest is not None and latest.is_result else None

    @property
    def status_text(self) -> str:
        """The status as pages show it: an open case whose person was released (or acquitted,
        or whose charges were dropped) does not ask for action; the words name the event, not
        the person, so they fit everyone."""
        result = self.latest_result if self.status == self.Status.OPEN else None
        if result is not None:
            return str(_("result achieved: %(outcome)s") % {"outcome": result.get_kind_display()})
        return str(self.get_status_display())


class Outcome(models.Model):
    """One dated event in the case's history."""

    class Kind(models.TextChoices):
        ARRESTED = "arrested", _("arrested")
        CHARGED = "charged", _("charged")
        SENTENCED = "sentenced", _("sentenced")
        RELEASED = "released", _("released")
        CHARGES_DROPPED = "charges_dropped", _("charges dropped")
        ACQUITTED = "acquitted", _("acquitted")
        SENTENCE_COMMUTED = "sentence_commuted", _("sentence commuted")
        EXECUTED = "executed", _("executed")
        DIED = "died", _("died in custody")
        OTHER = "other", _("other")

    #: Outcomes the case pages show as results the letters helped achieve.
    RESULTS = frozenset({Kind.RELEASED, Kind.CHARGES_DROPPED, Kind.ACQUITTED,
                         Kind.SENTENCE_COMMUTED})  # fmt: skip

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="outcomes", verbose_name=_("case")
    )
    happened_on = models.DateField(_("date"))
    kind = models.CharField(_("what happened"), max_length=32, choices=Kind.choices)
    note_ru = models.CharField(_("note in Russian"), max_length=500, blank=True)
    note_en = models.CharField(_("note in English"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["happened_on", "pk"]

    def __str__(self) -> str:
        return f"{self.happened_on:%Y-%m-%d} {self.get_kind_display()}"

    @property
    def is_result(self) -> bool:
        return self.kind in self.RESULTS

    @property
    def note(self) -> str:
        return in_language(self.note_ru, self.note_en)


class CaseDocument(models.Model):
    """A document referred to by its index number (a publications app will link them later)."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="documents", verbose_name=_("case")
    )
    index_number = models.CharField(
        _("index number"), max_length=20, validators=[validate_index_number]
    )
    title = models.CharField(_("title"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["index_number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "index_number"], name="cases_document_once")
        ]

    def __str__(self) -> str:
        return self.index_number


class Official(models.Model):
    """Someone to write to.  Public office holders, addressed as the case material gives them."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="officials", verbose_name=_("case")
    )
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(
        _("name in English"), max_length=200, blank=True,
        help_text=_("For English letters and pages; empty: the name above."),
    )  # fmt: skip
    title = models.CharField(_("title"), max_length=300)
    title_en = models.CharField(
        _("title in English"), max_length=300, blank=True,
        help_text=_("For English letters and pages, for example “Prosecutor General”."),
    )  # fmt: skip
    postal_address = models.TextField(_("postal address"), max_length=1000)
    email = models.EmailField(_("e-mail address"), blank=True)
    salutation = models.CharField(_("salutation"), max_length=200)
    salutation_en = models.CharField(
        _("salutation in English"), max_length=200, blank=True,
        help_text=_("For letters written in English, for example “Dear Prosecutor General”."),
    )  # fmt: skip
    languages = models.CharField(
        _("languages they read"), max_length=100, default="en",
        help_text=_("Language codes separated by commas, for example “ru,en”."),
    )  # fmt: skip
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("official")
        verbose_name_plural = _("officials")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.display_name}, {self.display_title}"

    @property
    def display_name(self) -> str:
        """The name in the viewer's language (``name`` is the one the case material gives)."""
        return in_language(self.name, self.name_en)

    @property
    def display_title(self) -> str:
        return in_language(self.title, self.title_en)

    @property
    def display_salutation(self) -> str:
        return in_language(self.salutation, self.salutation_en)

    def name_in(self, language: str) -> str:
        """The name a letter in ``language`` addresses: English letters use ``name_en``."""
        return self.name_en if language == "en" and self.name_en else self.name

    def title_in(self, language: str) -> str:
        return self.title_en if language == "en" and self.title_en else self.title

    def salutation_in(self, language: str) -> str:
        """The salutation a letter in ``language`` opens with."""
        if language == "en" and self.salutation_en:
            return self.salutation_en
        return self.salutation

    @property
    def language_codes(self) -> list[str]:
        return [code.strip() for code in self.languages.split(",") if code.strip()]

    @property
    def language_names(self) -> str:
        """The languages as a reader of the page names them ("English, Russian"), not codes."""
        names = dict(LANGUAGE_CHOICES)
        return ", ".join(str(names.get(code, code)) for code in self.language_codes)

    def clean(self) -> None:
        unknown = [code for code in self.language_codes if code not in LANGUAGE_CODES]
        if unknown or not self.language_codes:
            raise ValidationError(
                {"languages": _("Use language codes from this list: %(codes)s.")
                 % {"codes": ", ".join(sorted(LANGUAGE_CODES))}}
            )  # fmt: skip


class AppealTemplate(models.Model):
    """A model letter in one language, with guidance for the writer."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="templates", verbose_name=_("case")
    )
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("letter"), max_length=10000)
    points = models.TextField(_("points to make"), max_length=4000, blank=True)
    tone = models.TextField(_("tone"), max_length=2000, blank=True)
    avoid = models.TextField(_("what not to say"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("appeal template")
        verbose_name_plural = _("appeal templates")
        ordering = ["case", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "language"], name="cases_one_template_a_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} ({self.language})"


class CaseAssignment(models.Model):
    """A case given to a local group to work on (checked by the own-country policy)."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("case")
    )
    group = models.ForeignKey(
        "groups.Group", on_delete=models.CASCADE, related_name="case_assignments",
        verbose_name=_("group"),
    )  # fmt: skip
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("assigned by"),
    )  # fmt: skip
    assigned_at = models.DateTimeField(_("assigned"), default=timezone.now)

    class Meta:
        verbose_name = _("case assignment")
        verbose_name_plural = _("case assignments")
        ordering = ["-assigned_at"]
        constraints = [
            models.UniqueConstraint(fields=["case", "group"], name="cases_assigned_once")
        ]

    def __str__(self) -> str:
        return f"{self.case} → {self.group}"


def month_of(moment: datetime.datetime) -> datetime.date:
    """The UTC month a letter counts in, as its first day."""
    return moment.astimezone(datetime.UTC).date().replace(day=1)


class Letter(models.Model):
    """One letter written: counted once per writer, case, official and month (a second PDF
    download or e-mail to the same official that month is the same letter); its text only if
    the writer asked."""

    class Channel(models.TextChoices):
        POST = "post", _("printed and posted")
        EMAIL = "email", _("sent by e-mail")

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="letters", verbose_name=_("case")
    )
    official = models.ForeignKey(
        Official, on_delete=models.SET_NULL, null=True, blank=True, related_name="letters",
        verbose_name=_("official"),
    )  # fmt: skip
    #: The writer's group when they wrote: letters are counted per group.
    group = models.ForeignKey(
        "groups.Group", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="case_letters", verbose_name=_("group"),
    )  # fmt: skip
    writer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="case_letters", verbose_name=_("writer"),
    )  # fmt: skip
    channel = models.CharField(_("how"), max_length=8, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES)
    written_at = models.DateTimeField(_("written"), default=timezone.now)
    #: The first day of the UTC month of ``written_at``: the unit letters are counted in.
    month = models.DateField(_("month"))
    #: Empty unless the writer chose to keep a copy (``kept`` says so without decrypting).
    text = EncryptedTextField(_("letter text"), blank=True)
    kept = models.BooleanField(_("copy kept"), default=False)

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ["-written_at"]
        indexes = [models.Index(fields=["case", "written_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["writer", "case", "official", "month"], name="cases_letter_once_a_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} — {self.written_at:%Y-%m-%d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.month is None:
            self.month = month_of(self.written_at)
        super().save(*args, **kwargs)


class PolicySettings(models.Model):
    """The organisation's own-country setting: one row, edited by staff in the back office."""

    class Mode(models.TextChoices):
        OWN_COUNTRY = "own_country", _("own-country rule with the death-penalty exception")
        NONE = "none", _("no restriction")

    mode = models.CharField(
        _("who writes for which case"), max_length=16, choices=Mode.choices,
        default=Mode.OWN_COUNTRY,
    )  # fmt: skip
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("letter policy")
        verbose_name_plural = _("letter policy")

    def __str__(self) -> str:
        return str(self.get_mode_display())

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> PolicySettings:
        found, _created = cls.objects.get_or_create(pk=1)
        return found
