"""The library's filter form and the back office's document form (embargo with its zone)."""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vigil.core.forms import TextFormMixin

from .indexnumbers import PREFIXES
from .models import Document, zone_or_utc

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
