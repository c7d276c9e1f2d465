"""Forms of the petition pages: signing, asking for one's data, paper batches."""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigil.core.forms import TextFormMixin
from vigil.core.widgets import IsoDateInput
from vigil.groups.models import Group

from . import services


def readable_text(value: str) -> str:
    """Refuse text that arrived mangled: replacement characters (a wrong charset) or
    control characters.  Returns the text trimmed."""
    text = unicodedata.normalize("NFC", value).strip()
    if "\ufffd" in text or any(unicodedata.category(ch) in ("Cc", "Cs") for ch in text):
        raise ValidationError(
            _("This text contains characters that could not be read. Please type it again."),
            code="charset",
        )
    return text


class _FieldsCopiedOnce(dict[str, forms.Field]):
    """A form's declared fields that copy cheaply: each form gets fields of its own, which
    share their widgets, validators and messages with the class's.

    Django deep-copies every field and widget for each form, so that a form may change them;
    the signing form changes one label only (the consent's), and its deep copy was a tenth of
    a signature's CPU."""

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, forms.Field]:
        copies = {}
        for name, field in self.items():
            copy = object.__new__(type(field))
            copy.__dict__.update(field.__dict__)
            copies[name] = copy
        return copies


class SignForm(TextFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Your name"), max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={
            "required": _("Write your name."),
            "max_length": _("The name is too long: at most %(limit_value)d characters."),
        },
    )  # fmt: skip
    email = forms.EmailField(
        label=_("E-mail address"), max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("We send you a link to confirm your signature."),
        error_messages={
            "required": _("Write your e-mail address: the confirmation link goes there."),
            "invalid": _("Enter a valid e-mail address, such as name@example.org."),
            "max_length": _("The e-mail address is too long."),
        },
    )  # fmt: skip
    country = forms.CharField(
        label=_("Country"), max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "country-name"}),
        error_messages={
            "required": _("Write your country."),
            "max_length": _("The country is too long: at most %(limit_value)d characters."),
        },
    )  # fmt: skip
    city = forms.CharField(
        label=_("City or town"), max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
        error_messages={
            "required": _("Write your city or town."),
            "max_length": _("The city is too long: at most %(limit_value)d characters."),
        },
    )  # fmt: skip
    phone = forms.CharField(
        label=_("Phone (optional)"), max_length=40, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        error_messages={"max_length": _("The phone number is too long.")},
    )  # fmt: skip
    consent = forms.BooleanField(
        error_messages={"required": _("Tick the box to agree, or we cannot count your signature.")}
    )
    consent_version = forms.IntegerField(widget=forms.HiddenInput)
    #: People do not see it; robots fill it in.
    website = forms.CharField(
        label=_("Leave this field empty"), required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )  # fmt: skip

    def __init__(self, *args: Any, consent_text: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.consent_text = consent_text
        self.fields["consent"].label = (
            consent_text.text if consent_text is not None else _("I agree.")
        )
        if consent_text is not None and not self.is_bound:
            self.initial["consent_version"] = consent_text.version

    def show_consent(self, consent_text: Any) -> None:
        """Label the box with the wording in force, for a form shown again."""
        self.consent_text = consent_text
        if consent_text is not None:
            self.fields["consent"].label = consent_text.text
            self["consent"].label = consent_text.text  # a bound field copies its label

    def clean_name(self) -> str:
        return self._readable("name", _("Write your name."))

    def clean_country(self) -> str:
        return self._readable("country", _("Write your country."))

    def clean_city(self) -> str:
        return self._readable("city", _("Write your city or town."))

    def clean_phone(self) -> str:
        phone = readable_text(self.cleaned_data.get("phone") or "")
        if phone and not all(ch.isdigit() or ch in "+-() ." for ch in phone):
            raise ValidationError(_("A phone number has digits, spaces and + - ( ) only."))
        return phone

    def _readable(self, field: str, empty: Any) -> str:
        text = readable_text(self.cleaned_data.get(field) or "")
        if not text:
            raise ValidationError(empty)
        return text

    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))


SignForm.base_fields = _FieldsCopiedOnce(SignForm.base_fields)


class MyDataForm(TextFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("E-mail address you signed with"), max_length=254,
        error_messages={
            "required": _("Write your e-mail address."),
            "invalid": _("Enter a valid e-mail address, such as name@example.org."),
        },
    )  # fmt: skip


class PaperBatchForm(TextFormMixin, forms.Form):
    group = forms.ModelChoiceField(
        label=_("Group"), queryset=Group.objects.none(),
        error_messages={"required": _("Choose the group that collected the signatures.")},
    )  # fmt: skip
    count = forms.IntegerField(
        label=_("Number of signatures"), min_value=1, max_value=1_000_000,
        error_messages={"required": _("Enter how many people signed.")},
    )  # fmt: skip
    collected_on = forms.DateField(
        label=_("Collected on"),
        widget=IsoDateInput(),
        error_messages={"invalid": _("Enter a date, for example 2026-11-20.")},
    )
    scan = forms.FileField(
        label=_("Scanned list (PDF, JPEG or PNG, at most 20 MB)"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )  # fmt: skip

    def __init__(self, *args: Any, groups: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["group"]
        field.queryset = groups
        if not self.is_bound:
            self.initial.setdefault("collected_on", timezone.localdate())

    def clean_scan(self) -> Any:
        scan = self.cleaned_data.get("scan")
        if scan:
            try:
                services.validate_scan(scan)
            except ValidationError as error:
                raise ValidationError(error.message_dict["scan"]) from None
        return scan
