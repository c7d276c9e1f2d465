"""The directory of civil-society organisations, shaped like the printed handbook it comes from.

An entry keeps its source text and every line the importer could not place
(``unparsed_lines``): nothing read is ever lost.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigil.core.crypto import normalise_email
from vigil.core.fields import BlindIndexField, EncryptedEmailField
from vigil.core.i18n import in_english


class Bilingual(models.Model):
    """Models with a Russian and an English name; ``name`` gives the viewer's language."""

    name_ru = models.CharField(_("name in Russian"), max_length=300, blank=True)
    name_en = models.CharField(_("name in English"), max_length=300, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if in_english():
            return self.name_en or self.name_ru
        return self.name_ru or self.name_en


class Region(Bilingual):
    """A node of the directory's own region tree: NIS → Russia → west of the Urals → Moscow."""

    class Kind(models.TextChoices):
        AREA = "area", _("group of countries")
        COUNTRY = "country", _("country")
        REGION = "region", _("region")
        CITY = "city", _("city")

    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("part of"),
    )  # fmt: skip
    slug = models.SlugField(_("address name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    iso_code = models.CharField(
        _("ISO 3166 code"), max_length=6, blank=True, help_text=_("e.g. RU or RU-MOW")
    )
    #: Names the handbook's "Return to the ... Page" lines use for this region.
    source_names = models.JSONField(_("names in sources"), default=list, blank=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name_en"]

    def ancestors(self) -> list[Region]:
        """From the root down to the parent (for breadcrumbs)."""
        chain: list[Region] = []
        node = self.parent
        while node is not None and len(chain) < 20:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))


class Topic(Bilingual):
    slug = models.SlugField(_("address name"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name_en"]


class Organisation(Bilingual):
    aliases = models.JSONField(_("other names"), default=list, blank=True)
    former_names = models.JSONField(_("former names"), default=list, blank=True)
    slug = models.SlugField(_("address name"), max_length=200, unique=True)

    mission = models.TextField(_("what it works for"), blank=True)
    history = models.TextField(_("history"), blank=True)
    activities = models.TextField(_("how it works"), blank=True)
    membership = models.TextField(_("membership and structure"), blank=True)

    regions = models.ManyToManyField(
        Region, related_name="organisations", blank=True, verbose_name=_("regions")
    )
    topics = models.ManyToManyField(
        Topic, related_name="organisations", blank=True, verbose_name=_("topics")
    )

    attribution = models.TextField(_("who sent the description"), blank=True)
    source = models.TextField(_("source"), blank=True, help_text=_("e.g. the printed handbook"))
    sponsor = models.CharField(_("sponsored by"), max_length=300, blank=True)
    source_url = models.CharField(_("source address"), max_length=500, blank=True)
    last_updated = models.DateField(
        _("last updated"), null=True, blank=True, help_text=_("month precision: the 1st is stored")
    )
    verified_at = models.DateTimeField(_("last verified by staff"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=True)

    original_text = models.TextField(_("source text"), blank=True)
    source_encoding = models.CharField(_("source encoding"), max_length=32, blank=True)
    unparsed_lines = models.JSONField(_("lines kept as written"), default=list, blank=True)
    #: How sure the importer was of this entry (0-100); empty for hand-made entries.  Unsure
    #: entries are imported unpublished, as drafts for staff to review.
    import_confidence = models.PositiveSmallIntegerField(
        _("import confidence"), null=True, blank=True
    )
    #: Why the importer made the entry a draft, as codes with their details
    #: (``[{"code": "first_line"}, {"code": "lines_left", "count": 3}]``; see
    #: vigil.directory.import_reasons); empty for hand-made entries.
    import_reasons = models.JSONField(_("import review reasons"), default=list, blank=True)
    #: Identifies the entry across re-imports (normalised name); empty for hand-made entries.
    import_key = models.CharField(
        max_length=300, blank=True, db_index=True, verbose_name=_("import key")
    )

    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_en", "name_ru"]

    def is_stale(self, today: datetime.date | None = None) -> bool:
        """Not updated nor verified for longer than VIGIL_DIRECTORY_STALE_YEARS."""
        today = today or timezone.now().date()
        years = settings.VIGIL_DIRECTORY_STALE_YEARS
        seen = [d for d in (self.last_updated, self.verified_at and self.verified_at.date()) if d]
        if not seen:
            return True
        newest = max(seen)
        return (today - newest).days > 365 * years


class Office(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="offices",
        verbose_name=_("organisation"),
    )
    label = models.CharField(
        _("name"), max_length=200, blank=True,
        help_text=_("e.g. “In St. Petersburg” or “Moscow Information Office”; empty for the main"),
    )  # fmt: skip
    city = models.CharField(_("city"), max_length=120, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    street_lines = models.JSONField(_("street address lines"), default=list, blank=True)
    po_box = models.CharField(_("PO box"), max_length=60, blank=True)
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("order"))

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["organisation", "position", "id"]

    def __str__(self) -> str:
        return self.label or self.city or str(_("main office"))


class Contact(models.Model):
    """A named person of the published entry, with their role as the source writes it."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="contacts",
        verbose_name=_("organisation"),
    )
    office = models.ForeignKey(
        Office,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("office"),
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=120, blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("order"))

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["organisation", "position", "id"]

    def __str__(self) -> str:
        from vigil.directory.contact_roles import role_label

        return f"{self.name} ({role_label(self.role)})" if self.role else self.name


class Channel(models.Model):
    """A phone, fax, e-mail or web address of an office or a contact, kept as written."""

    class Kind(models.TextChoices):
        PHONE = "phone", _("phone")
        FAX = "fax", _("fax")
        EMAIL = "email", _("e-mail")
        WEB = "web", _("web")

    office = models.ForeignKey(
        Office,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="channels",
        verbose_name=_("office"),
    )
    contact = models.ForeignKey(
        Contact,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="channels",
        verbose_name=_("contact"),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    value = models.CharField(_("as written"), max_length=300, blank=True)
    #: Phones: international digits (+70952912904); e-mails: lower case.
    normalised = models.CharField(
        max_length=300, blank=True, db_index=True, verbose_name=_("normalised value")
    )
    withheld = models.BooleanField(
        _("withheld in the source"), default=False,
        help_text=_("The source hides this address (for example “[email protected]”)."),
    )  # fmt: skip
    #: What the source says about the number: "hotline, Mon-Fri 9:00-21:00".
    note = models.CharField(_("note"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("order"))

    class Meta:
        verbose_name = _("phone, fax, e-mail or web address")
        verbose_name_plural = _("phones, faxes, e-mails and web addresses")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(office__isnull=False) | models.Q(contact__isnull=False),
                name="directory_channel_has_owner",
            )
        ]

    def __str__(self) -> str:
        return self.value or str(_("address withheld in the source"))


class Publication(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="publications",
        verbose_name=_("organisation"),
    )
    title = models.CharField(_("title"), max_length=300)
    frequency = models.CharField(_("frequency"), max_length=60, blank=True)
    language = models.CharField(_("language"), max_length=60, blank=True)
    description = models.TextField(_("description"), blank=True)
    prepared_by = models.CharField(_("prepared by"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("order"))

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["organisation", "position", "id"]

    def __str__(self) -> str:
        return self.title


class Suggestion(models.Model):
    """A correction proposed by the public; directory editors accept or decline it."""

    class Status(models.TextChoices):
        OPEN = "open", _("waiting for review")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="suggestions",
        verbose_name=_("organisation"),
    )
    text = models.TextField(_("what should change"), max_length=5000)
    #: Optional, so the editor can ask back; encrypted like all people's data.
    contact_email = EncryptedEmailField(_("your e-mail (optional)"), blank=True)
    #: Finds the person's suggestions for their copy and their erasure, without decrypting.
    contact_email_index = BlindIndexField(source="contact_email", normaliser=normalise_email)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("reviewed by"),
    )  # fmt: skip
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_note = models.TextField(_("editor's note"), blank=True)

    class Meta:
        verbose_name = _("suggested correction")
        verbose_name_plural = _("suggested corrections")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.text[:60]}"


class Revision(models.Model):
    """A snapshot of an entry after each edit or import: who changed what, and when."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="revisions",
        verbose_name=_("organisation"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("author"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    snapshot = models.JSONField(_("entry as saved"), default=dict)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.organisation} @ {self.created_at:%Y-%m-%d %H:%M}"


class ImportProposal(models.Model):
    """Another source's edition of an existing entry: never written over it, but proposed to
    staff, who accept (the entry becomes ``proposed``, both sources kept) or decline it."""

    class Status(models.TextChoices):
        OPEN = "open", _("waiting for review")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="import_proposals",
        verbose_name=_("organisation"),
    )
    #: The entry as it would be (the shape of ``snapshots.snapshot``): the two editions merged.
    proposed = models.JSONField(_("proposed entry"), default=dict)
    #: Field path -> [current, proposed], for the review page.
    diff = models.JSONField(_("differences"), default=dict)
    original_text = models.TextField(_("source text"), blank=True)
    source_path = models.CharField(_("file"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("imported"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("reviewed by"),
    )  # fmt: skip
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposed revision from an import")
        verbose_name_plural = _("proposed revisions from imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.source_path or self.created_at.date()}"
