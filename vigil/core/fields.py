"""Model fields for people's data: encrypted at rest, found again through a blind index.

    class Signer(models.Model):
        email = EncryptedEmailField()
        email_index = BlindIndexField(source="email", normaliser=normalise_email, unique=True)

``Signer.objects.filter(email_index=Signer.email_index_for("a@b.org"))`` finds a row without
decrypting anything.  Encrypted fields refuse every lookup except ``isnull``: a query that
compares ciphertexts could only ever be wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core import checks, validators
from django.db import models
from django.db.models import Lookup
from django.utils.translation import gettext_lazy as _

from .crypto import blind_index, keyring, normalise_text


class EncryptedTextField(models.TextField):
    """A text value sealed with AES-GCM in the database and plain text in Python."""

    description = _("Encrypted text")

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None:
            return None
        if value == "" and self.blank:
            # Empty stays empty so "not given" can still be told apart without decrypting.
            return ""
        return keyring().encrypt(str(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return keyring().decrypt(value)

    def get_lookup(self, lookup_name: str) -> type[Lookup] | None:
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None

    def get_transform(self, name: str) -> Any:
        return None

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)
        if self.unique or getattr(self, "db_index", False):
            errors.append(
                checks.Error(
                    "An encrypted field cannot be unique or indexed: its ciphertext changes on "
                    "every save. Put unique=True on a BlindIndexField instead.",
                    obj=self,
                    id="vigil.E001",
                )
            )
        return errors


class EncryptedCharField(EncryptedTextField):
    """Encrypted text with a length limit on the plain value (checked by forms and clean())."""

    def __init__(self, *args: Any, max_length: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plain_max_length = max_length
        if max_length is not None:
            self.validators.append(validators.MaxLengthValidator(max_length))

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.plain_max_length is not None:
            kwargs["max_length"] = self.plain_max_length
        return name, path, args, kwargs

    def formfield(self, **kwargs: Any) -> Any:
        from django import forms

        defaults: dict[str, Any] = {"max_length": self.plain_max_length, "widget": forms.TextInput}
        defaults.update(kwargs)
        return super().formfield(**defaults)


class EncryptedEmailField(EncryptedCharField):
    default_validators = [validators.validate_email]
    description = _("Encrypted e-mail address")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 254)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs: Any) -> Any:
        from django import forms

        return super().formfield(**{"form_class": forms.EmailField, **kwargs})


class BlindIndexField(models.CharField):
    """HMAC of another field's normalised value, kept up to date on every save."""

    description = _("Blind index")

    def __init__(
        self,
        *args: Any,
        source: str = "",
        normaliser: Callable[[str], str] = normalise_text,
        **kwargs: Any,
    ) -> None:
        kwargs["max_length"] = 64
        kwargs.setdefault("editable", False)
        kwargs.setdefault("null", True)
        super().__init__(*args, **kwargs)
        self.source = source
        self.normaliser = normaliser

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        del kwargs["max_length"]
        kwargs["source"] = self.source
        kwargs["normaliser"] = self.normaliser
        if kwargs.get("editable") is False:
            del kwargs["editable"]
        if kwargs.get("null") is True:
            del kwargs["null"]
        else:
            kwargs["null"] = False
        return name, path, args, kwargs

    def purpose(self) -> str:
        return f"{self.model._meta.label_lower}.{self.source}"

    def index_for(self, plain: str | None) -> str | None:
        if plain is None or plain == "":
            return None
        return blind_index(self.normaliser(plain), purpose=self.purpose())

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = self.index_for(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)
        try:
            self.model._meta.get_field(self.source)
        except Exception:
            errors.append(
                checks.Error(
                    f"BlindIndexField source {self.source!r} is not a field of this model.",
                    obj=self,
                    id="vigil.E002",
                )
            )
        return errors


def blind_index_for(model: type[models.Model], field_name: str, plain: str) -> str | None:
    """The index a row would have for ``plain``: use it in ``filter()`` and ``exists()``."""
    field = model._meta.get_field(field_name)
    if not isinstance(field, BlindIndexField):
        raise TypeError(f"{model._meta.label}.{field_name} is not a BlindIndexField")
    return field.index_for(plain)
