"""Forms of the case pages.  Limits repeat the services' so errors show beside the field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vigil.core.forms import TextFormMixin
from vigil.groups.models import Group

from . import services
from .countries import country_name
from .models import LANGUAGE_CHOICES, Case, Official


class CaseFilterForm(TextFormMixin, forms.Form):
    country = forms.ChoiceField(label=_("Country"), required=False)
    category = forms.ChoiceField(
        label=_("Category"), required=False,
        choices=[("", _("all categories")), *Case.Category.choices],
    )  # fmt: skip
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("any status")), *Case.Status.choices]
    )
    urgent = forms.ChoiceField(
        label=_("Urgent actions"), required=False,
        choices=[("", _("all cases")), ("yes", _("urgent only")), ("no", _("not urgent"))],
    )  # fmt: skip

    def __init__(self, *args: Any, countries: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        named = sorted(((code, country_name(code)) for code in countries), key=lambda c: c[1])
        self.fields["country"].choices = [("", _("all countries")), *named]  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        urgent = {"yes": True, "no": False}.get(data["urgent"])
        return {
            "country": data["country"], "category": data["category"],
            "status": data["status"], "urgent": urgent,
        }  # fmt: skip


class LetterForm(TextFormMixin, forms.Form):
    official = forms.ModelChoiceField(
        label=_("Write to"), queryset=Official.objects.none(), empty_label=None
    )
    language = forms.ChoiceField(label=_("Language of the letter"), choices=LANGUAGE_CHOICES)
    subject = forms.CharField(label=_("Subject (for e-mail)"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Your letter"), max_length=services.MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 16}),
    )  # fmt: skip
    signature = forms.CharField(label=_("Your name (signature)"), max_length=services.MAX_SIGNATURE)
    sender_address = forms.CharField(
        label=_("Your address (printed at the top; optional)"), required=False,
        max_length=services.MAX_SENDER_ADDRESS, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Printed on the letter only, never stored."),
    )  # fmt: skip
    keep_text = forms.BooleanField(
        label=_("Keep a copy of my letter in Vigil (encrypted)"), required=False,
        help_text=_("Otherwise only the fact that a letter was written is counted."),
    )  # fmt: skip

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["official"].queryset = case.officials.all()  # type: ignore[attr-defined]

    def draft(self) -> services.Draft:
        data = self.cleaned_data
        return services.Draft(
            official=data["official"], language=data["language"], body=data["body"],
            signature=data["signature"], sender_address=data["sender_address"],
            keep_text=data["keep_text"],
        )  # fmt: skip


class AssignForm(TextFormMixin, forms.Form):
    group = forms.ModelChoiceField(label=_("Group"), queryset=Group.objects.none())

    def __init__(self, *args: Any, groups: list[Group], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = Group.objects.filter(  # type: ignore[attr-defined]
            pk__in=[group.pk for group in groups]
        )
