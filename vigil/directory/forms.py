"""Forms of the directory pages: the public's suggestion, the editor's entry form, the review."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils.dates import MONTHS
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from vigil.core.forms import TextFormMixin

from .models import Channel, Office, Organisation, Region, Topic
from .translit import to_latin


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class LinesField(forms.CharField):
    """A textarea whose value is a list: one item per line, blank lines dropped."""

    widget = forms.Textarea(attrs={"rows": 2})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "\n".join(str(v) for v in value)
        return value

    def has_changed(self, initial: Any, data: Any) -> bool:
        return self.to_python(initial) != self.to_python(data)

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        if isinstance(value, list | tuple):
            return [str(v).strip() for v in value if str(v).strip()]
        if value is None:
            return []
        return _lines(super().to_python(value) or "")


# --- the public's suggestion ---------------------------------------------------------------
class SuggestionForm(TextFormMixin, forms.Form):
    text = forms.CharField(
        label=_("What should change"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": 5000}),
        help_text=_("Up to 5,000 characters. Say what is wrong and, if you know, what is right."),
        error_messages={"required": _("Write what should change in this entry.")},
    )
    contact_email = forms.EmailField(
        label=_("Your e-mail (optional)"),
        required=False,
        help_text=_("Only if you want an editor to be able to ask you back."),
        error_messages={"invalid": _("Enter a valid e-mail address, or leave this field empty.")},
    )
    #: A field people do not see; robots fill it in.  Hidden by CSS, skipped by screen readers.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Write what should change in this entry."))
        return str(text)

    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class ReviewForm(TextFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


# --- the editor ----------------------------------------------------------------------------
def _month_choices() -> list[tuple[str, Any]]:
    return [("", "—")] + [(str(number), name) for number, name in MONTHS.items()]


class OrganisationForm(TextFormMixin, forms.ModelForm):
    aliases = LinesField(label=_("Other names"), required=False, help_text=_("One per line."))
    former_names = LinesField(label=_("Former names"), required=False, help_text=_("One per line."))
    regions = forms.ModelMultipleChoiceField(
        label=_("Regions"),
        queryset=Region.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    updated_month = forms.TypedChoiceField(
        label=_("Last updated: month"), choices=_month_choices, coerce=int, required=False,
        empty_value=None,
    )  # fmt: skip
    updated_year = forms.IntegerField(
        label=_("Last updated: year"), required=False, min_value=1900, max_value=2200
    )
    mark_verified = forms.BooleanField(
        label=_("Mark as verified now"),
        required=False,
        help_text=_("Tick when you have checked the entry with the organisation."),
    )
    summary = forms.CharField(
        label=_("What you changed"),
        required=False,
        max_length=300,
        help_text=_("A short note for the history of the entry."),
    )

    class Meta:
        model = Organisation
        fields = [
            "name_ru", "name_en", "slug", "aliases", "former_names", "mission", "history",
            "activities", "membership", "regions", "topics", "attribution", "source", "sponsor",
            "source_url", "is_published",
        ]  # fmt: skip
        widgets = {
            "mission": forms.Textarea(attrs={"rows": 4}),
            "history": forms.Textarea(attrs={"rows": 4}),
            "activities": forms.Textarea(attrs={"rows": 4}),
            "membership": forms.Textarea(attrs={"rows": 4}),
            "attribution": forms.Textarea(attrs={"rows": 2}),
            "source": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        updated = self.instance.last_updated if self.instance else None
        if updated:
            self.initial.setdefault("updated_month", updated.month)
            self.initial.setdefault("updated_year", updated.year)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _("Leave empty to make one from the name.")
        self.fields["regions"].label_from_instance = lambda r: (  # type: ignore[attr-defined]
            " → ".join(a.name for a in [*r.ancestors(), r])
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("name_ru") or data.get("name_en")):
            self.add_error("name_ru", _("Give the name in Russian, in English, or both."))
        month, year = data.get("updated_month"), data.get("updated_year")
        if year and not month:
            self.add_error("updated_month", _("Choose the month too, or clear the year."))
        elif month and not year:
            self.add_error("updated_year", _("Enter the year too, or clear the month."))
        data["last_updated"] = datetime.date(year, month, 1) if month and year else None
        if not data.get("slug"):
            data["slug"] = self._free_slug(data.get("name_en") or data.get("name_ru") or "")
        return data

    def _free_slug(self, name: str) -> str:
        base = slugify(to_latin(name))[:180] or "organisation"
        slug, number = base, 1
        while Organisation.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            number += 1
            slug = f"{base}-{number}"
        return slug


class OfficeForm(TextFormMixin, forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    label = forms.CharField(
        label=_("Name of the office"), required=False, max_length=200,
        help_text=_("e.g. “In St. Petersburg”; empty for the main office"),
    )  # fmt: skip
    postal_code = forms.CharField(label=_("Postal code"), required=False, max_length=20)
    city = forms.CharField(label=_("City"), required=False, max_length=120)
    street_lines = LinesField(
        label=_("Street address"), required=False, help_text=_("One per line, as on an envelope.")
    )
    po_box = forms.CharField(label=_("PO box"), required=False, max_length=60)
    phones = LinesField(label=_("Phones"), required=False, help_text=_("One per line, as written."))
    faxes = LinesField(label=_("Faxes"), required=False, help_text=_("One per line, as written."))
    emails = LinesField(label=_("E-mail addresses"), required=False, help_text=_("One per line."))
    email_withheld = forms.BooleanField(
        label=_("An e-mail address is withheld in the source"), required=False
    )
    web = LinesField(label=_("Web addresses"), required=False, help_text=_("One per line."))

    def clean_emails(self) -> list[str]:
        emails: list[str] = self.cleaned_data["emails"]
        validator = forms.EmailField()
        for email in emails:
            try:
                validator.clean(email)
            except forms.ValidationError as exc:
                raise forms.ValidationError(
                    _("“%(value)s” is not an e-mail address."), params={"value": email}
                ) from exc
        return emails

    def channels(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        items: list[dict[str, Any]] = []
        for kind, key in (
            (Channel.Kind.PHONE, "phones"),
            (Channel.Kind.FAX, "faxes"),
            (Channel.Kind.EMAIL, "emails"),
            (Channel.Kind.WEB, "web"),
        ):
            items += [{"kind": kind, "value": v, "withheld": False} for v in data.get(key, [])]
        if data.get("email_withheld"):
            items.append({"kind": Channel.Kind.EMAIL, "value": "", "withheld": True})
        return items

    @staticmethod
    def initial_for(office: Office) -> dict[str, Any]:
        channels = list(office.channels.all())

        def values(kind: str) -> list[str]:
            return [c.value for c in channels if c.kind == kind and not c.withheld]

        return {
            "id": office.pk,
            "label": office.label,
            "postal_code": office.postal_code,
            "city": office.city,
            "street_lines": office.street_lines,
            "po_box": office.po_box,
            "phones": values(Channel.Kind.PHONE),
            "faxes": values(Channel.Kind.FAX),
            "emails": values(Channel.Kind.EMAIL),
            "email_withheld": any(c.withheld for c in channels),
            "web": values(Channel.Kind.WEB),
        }


class ContactForm(TextFormMixin, forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Name"), max_length=200)
    role = forms.CharField(
        label=_("Role"), required=False, max_length=120,
        help_text=_("As the source writes it: Contact, Coordinator, Director…"),
    )  # fmt: skip
    office = forms.ModelChoiceField(
        label=_("Office"), queryset=Office.objects.none(), required=False
    )
    phones = LinesField(label=_("Phones"), required=False, help_text=_("One per line, as written."))
    emails = LinesField(label=_("E-mail addresses"), required=False, help_text=_("One per line."))
    is_published = forms.BooleanField(
        label=_("Published"), required=False, initial=True,
        help_text=_("Untick to hide this person from the public."),
    )  # fmt: skip

    def __init__(self, *args: Any, offices: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["office"]
        field.queryset = offices if offices is not None else Office.objects.none()

    def channels(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        return [
            {"kind": Channel.Kind.PHONE, "value": v, "withheld": False}
            for v in data.get("phones", [])
        ] + [
            {"kind": Channel.Kind.EMAIL, "value": v, "withheld": False}
            for v in data.get("emails", [])
        ]


class PublicationForm(TextFormMixin, forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(label=_("Title"), max_length=300)
    frequency = forms.CharField(label=_("Frequency"), required=False, max_length=60)
    language = forms.CharField(label=_("Language"), required=False, max_length=60)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    prepared_by = forms.CharField(label=_("Prepared by"), required=False, max_length=300)


OfficeFormSet = formset_factory(OfficeForm, extra=1, can_delete=True)
ContactFormSet = formset_factory(ContactForm, extra=1, can_delete=True)
PublicationFormSet = formset_factory(PublicationForm, extra=1, can_delete=True)


def formset_rows(formset: Any, extra: Any = None) -> list[dict[str, Any]]:
    """The formset's forms as rows for services.update_entry (empty extra forms skipped)."""
    rows = []
    for form in formset.forms:
        if not form.has_changed() and not form.cleaned_data.get("id"):
            continue
        data = dict(form.cleaned_data)
        row: dict[str, Any] = {k: v for k, v in data.items() if k not in ("DELETE",)}
        row["delete"] = bool(data.get("DELETE"))
        if hasattr(form, "channels") and not row["delete"]:
            row["channels"] = form.channels()
        if extra:
            extra(row)
        rows.append(row)
    return rows
