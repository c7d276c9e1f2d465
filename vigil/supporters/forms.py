"""Forms of the supporter pages: sign-up, confirmation (details again and a password), country."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import SetPasswordMixin
from django.utils.translation import gettext_lazy as _

from vigil.cases.countries import country_choices
from vigil.core.forms import TextFormMixin


def _country_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Country you live in"),
        help_text=_(
            "Letters are written for cases outside the country you live in, so that nobody can "
            "dismiss them as domestic politics. Kept encrypted."
        ),
    )


class _CountryMixin:
    fields: dict[str, Any]

    def _set_countries(self) -> None:
        self.fields["country"].choices = [("", _("Choose your country")), *country_choices()]


class SignUpForm(TextFormMixin, _CountryMixin, forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("We send a link to this address: your account opens when you follow it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    country = _country_field()
    language = forms.ChoiceField(
        label=_("Language of our e-mails"), choices=settings.LANGUAGES, initial="ru"
    )
    #: A field people do not see; robots fill it in (as on the join form).
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_countries()

    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class ConfirmForm(TextFormMixin, _CountryMixin, SetPasswordMixin, forms.Form):
    """The details once more (someone else may have typed them) and the account's password."""

    name = forms.CharField(label=_("Your name"), max_length=150)
    country = _country_field()
    language = forms.ChoiceField(label=_("Language of our e-mails"), choices=settings.LANGUAGES)
    password1, password2 = SetPasswordMixin.create_password_fields()

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        self._set_countries()

    def clean(self) -> dict[str, Any]:
        self.validate_passwords()
        self.validate_password_for_user(self.user)
        return super().clean() or self.cleaned_data


class CountryForm(TextFormMixin, _CountryMixin, forms.Form):
    country = _country_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_countries()
