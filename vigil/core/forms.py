"""What every form of Vigil shares: the one text normalisation (:mod:`vigil.core.text`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import text

UNDECODABLE = _(
    "Some characters of this text could not be read (they were not sent as UTF-8). "
    "Please type it again."
)


class TextFormMixin:
    """Every text field of the form in one normal form, before ``clean()`` and the model see
    it: NFC, no bidirectional controls, names without invisible characters; a field that held
    bytes which are not UTF-8 gets an error and the form is shown again with what was typed.

    Put it first in the bases: ``class JoinForm(TextFormMixin, forms.Form)``."""

    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def _clean_fields(self) -> None:
        super()._clean_fields()  # type: ignore[misc]
        for name, value in list(self.cleaned_data.items()):
            if not isinstance(value, str) or not isinstance(self.fields.get(name), forms.CharField):
                continue
            if text.is_undecodable(value):
                self.add_error(name, UNDECODABLE)  # type: ignore[attr-defined]
                continue
            self.cleaned_data[name] = text.normalise(value, name=text.is_name_field(name))


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's refusal on the form's fields, or on top of the form: the service
    checks the rule, the page shows the form again with its values."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for item in errors:
                text = " ".join(item.messages)
                form.add_error(field if field in form.fields else None, text)
    else:
        for text in error.messages:
            form.add_error(None, text)
