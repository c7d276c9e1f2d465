"""The library's filter form and the back office's document form (embargo with its zone)."""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vigil.core.forms import TextFormMixin
from vigil.core.widgets import IsoDateInput, IsoDateTimeLocalInput

from .indexnumbers import PREFIXES
from .models import Document, ImportJob, zone_or_utc

#: Zones offered for the embargo; releases are mostly announced in GMT or Moscow time.
EMBARGO_ZONES = [
    "GMT",
    "Europe/London",
    "Europe/Moscow",
    "Europe/Paris",
    "America/New_York",
    "Asia/Yekaterinburg",
    "Asia/Novosibirsk",
    "Asia/Vladivostok",
]


class LibraryFilterForm(TextFormMixin, forms.Form):
    q = forms.CharField(label=_("Words or index number"), required=False, max_length=200)
    type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Any type")), *Document.Type.choices]
    )
    region = forms.ChoiceField(
        label=_("Region or subject"),
        required=False,
        choices=[("", _("Any")), *((p, p) for p in PREFIXES)],
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1961, max_value=2199)
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Any language")), *Document.Language.choices],
    )


class DocumentForm(TextFormMixin, forms.ModelForm):
    """The embargo is typed as a wall-clock time in a named zone ("28 May 2003 10:00 GMT") and
    stored in UTC; the zone is kept to show it the way it was announced."""

    embargo_local = forms.DateTimeField(
        label=_("Embargo (local time)"),
        required=False,
        widget=IsoDateTimeLocalInput(),
        help_text=_("In the zone below, for example 2003-05-28 10:00."),
    )
    embargo_zone = forms.ChoiceField(
        label=_("Embargo time zone"),
        required=False,
        choices=[(z, z) for z in EMBARGO_ZONES],
        initial="GMT",
    )

    class Meta:
        model = Document
        fields = [
            "index_number",
            "language",
            "original",
            "classification",
            "doc_type",
            "issuer",
            "distribution",
            "news_service_number",
            "date",
            "title",
            "body",
            "correspondence_address",
            "contacts",
            "closing_lines",
        ]
        widgets = {"date": IsoDateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance
        if instance.pk and instance.embargo_at is not None:
            local = instance.embargo_at.astimezone(zone_or_utc(instance.embargo_zone))
            self.initial["embargo_local"] = local.replace(tzinfo=None)
            zone = instance.embargo_zone or "GMT"
            field: Any = self.fields["embargo_zone"]
            if zone not in EMBARGO_ZONES:
                field.choices = [*field.choices, (zone, zone)]
            self.initial["embargo_zone"] = zone

    def clean_index_number(self) -> str:
        from .indexnumbers import canonical_index_number

        return canonical_index_number(self.cleaned_data["index_number"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        local: datetime.datetime | None = data.get("embargo_local")
        zone_name = data.get("embargo_zone") or "GMT"
        if local is None:
            self.instance.embargo_at = None
            self.instance.embargo_zone = ""
            return data
        zone = zoneinfo.ZoneInfo(zone_name)
        naive = local.replace(tzinfo=None)
        self.instance.embargo_at = naive.replace(tzinfo=zone).astimezone(datetime.UTC)
        self.instance.embargo_zone = zone_name
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one ``<input type="file" multiple>``; cleans to a list."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        items = data if isinstance(data, list | tuple) else [data] if data else []
        if not items:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


#: One upload may hold this much (the files wait in the data folder for the worker).
MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class ImportForm(TextFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("What the files hold"),
        choices=ImportJob.Kind.choices,
        initial=ImportJob.Kind.DOCUMENTS,
        widget=forms.RadioSelect,
    )
    uploads = MultipleFileField(
        label=_("Files"),
        help_text=_("Text, HTML or PDF files, or a zip of them."),
        error_messages={"required": _("Choose at least one file to import.")},
    )

    def clean_uploads(self) -> list[Any]:
        files: list[Any] = self.cleaned_data["uploads"]
        if sum(item.size or 0 for item in files) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("One upload may hold at most %(size)d MB; split it into several.")
                % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return files


class ReviewForm(TextFormMixin, forms.ModelForm):
    """What staff check on a draft before publishing it; the index must have its prefix."""

    class Meta:
        model = Document
        fields = ["index_number", "title", "date", "doc_type", "classification"]
        widgets = {"date": IsoDateInput()}

    def clean_index_number(self) -> str:
        from django.core.exceptions import ValidationError

        from .indexnumbers import parse_index_number

        try:
            index = parse_index_number(self.cleaned_data["index_number"])
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc
        if not index.certain:
            raise forms.ValidationError(
                _("Add the region or subject prefix (such as “EUR”) before publishing."),
                code="index_without_prefix",
            )
        return str(index)
