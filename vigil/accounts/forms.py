from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from vigil.core.forms import TextFormMixin
from vigil.core.timezones import zone_choices

from .models import User


class EmailAuthenticationForm(TextFormMixin, AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": _(
            "The e-mail address or the password is wrong. Passwords are case-sensitive."
        ),
        "inactive": _("This account is closed."),
    }


class TokenForm(TextFormMixin, forms.Form):
    token = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}
        ),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError(_("The code is made of digits only."))
        return token


class ProfileForm(TextFormMixin, forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=zone_choices)

    class Meta:
        model = User
        fields = ["name", "language", "time_zone"]


class EmailPasswordResetForm(TextFormMixin, PasswordResetForm):
    """Finds the account through the blind index and sends the mail from a background task."""

    def get_users(self, email: str) -> Any:
        user = User.objects.get_by_email(email)
        if user is not None and user.is_active and user.has_usable_password():
            yield user

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        from django.template import loader

        from vigil.core.tasks import queue_email

        # In the language the person chose for e-mails, whatever page they asked from.
        with translation.override(context["user"].language):
            subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
            body = loader.render_to_string(email_template_name, context)
        queue_email(to=[to_email], subject=subject, body=body)
