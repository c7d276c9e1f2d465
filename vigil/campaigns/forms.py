"""The back office's campaign form and the public list's filter."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from vigil.core.forms import TextFormMixin

from . import services
from .models import Campaign, Partnership


class CampaignForm(TextFormMixin, forms.ModelForm):
    class Meta:
        model = Campaign
        fields = [
            "title_ru", "title_en", "slug", "status", "starts_at", "ends_at",
            "summary_ru", "summary_en", "body_ru", "body_en",
            "hero_image", "hero_alt_ru", "hero_alt_en",
            "cases", "petitions", "events", "documents",
        ]  # fmt: skip

    def clean_hero_image(self) -> Any:
        """A new upload is re-encoded without its metadata before anything is stored."""
        image = self.cleaned_data.get("hero_image")
        if isinstance(image, UploadedFile):
            return services.clean_hero_image(image)
        return image

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must come after the start."))
        if data.get("hero_image") and not (data.get("hero_alt_ru") or data.get("hero_alt_en")):
            self.add_error("hero_alt_ru", _("Describe the picture for people who cannot see it."))
        return data


class CampaignFilterForm(TextFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("All campaigns")),
            (Campaign.Status.ACTIVE, _("Running")),
            (Campaign.Status.ENDED, _("Ended")),
        ],
    )


class PartnershipForm(TextFormMixin, forms.ModelForm):
    """One partner of a campaign in the back office; the contact must be one of its own."""

    class Meta:
        model = Partnership
        fields = ["organisation", "role", "contact", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            services.check_partner_contact(data.get("organisation"), data.get("contact"))
        except forms.ValidationError as error:
            self.add_error("contact", error)
        return data
