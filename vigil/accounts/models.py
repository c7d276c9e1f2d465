from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth import get_backends
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from vigil.core.crypto import normalise_email
from vigil.core.fields import (
    BlindIndexField,
    EncryptedCharField,
    EncryptedEmailField,
    blind_index_for,
)
from vigil.core.timezones import validate_time_zone

from .roles import BACK_OFFICE_ROLES, TWO_FACTOR_ROLES, Role


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email_index=self.email_index(username or ""))

    def email_index(self, email: str) -> str | None:
        return blind_index_for(self.model, "email_index", email)

    def get_by_email(self, email: str) -> User | None:
        index = self.email_index(email)
        return self.filter(email_index=index).first() if index else None

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        from .services import create_user

        return create_user(email=email, password=password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        from .services import create_user

        return create_user(email=email, password=password, roles=[Role.ADMIN], **extra)


class User(AbstractBaseUser):
    """Anyone who signs in.

    The e-mail is encrypted; ``email_index`` (its blind index) finds it and keeps it unique.
    """

    email = EncryptedEmailField(_("e-mail address"))
    email_index = BlindIndexField(source="email", normaliser=normalise_email, unique=True)
    name = EncryptedCharField(_("name"), max_length=150, blank=True)
    language = models.CharField(
        _("language"),
        help_text=_("The language of the e-mails Vigil sends you."),
        max_length=8,
        choices=[("ru", "Русский"), ("en", "English")],
        default="ru",
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Moscow", validators=[validate_time_zone]
    )
    #: The country the person says they live in (ISO 3166-1 alpha-2), encrypted: where someone
    #: lives is sensitive.  The cases' own-country rule reads it beside their groups' countries.
    country = EncryptedCharField(_("country of residence"), max_length=2, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name or _("user #%(id)s") % {"id": self.pk}

    def get_short_name(self) -> str:
        return self.name or str(_("user #%(id)s") % {"id": self.pk})

    def get_full_name(self) -> str:
        return self.get_short_name()

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email)

    # --- roles ------------------------------------------------------------------------------
    def role_set(self) -> frozenset[str]:
        cached: frozenset[str] | None = getattr(self, "_role_cache", None)
        if cached is None:
            cached = frozenset(self.role_assignments.values_list("role", flat=True))
            self._role_cache = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return self.is_active and bool(self.role_set() & set(roles))

    @property
    def is_staff(self) -> bool:
        return self.has_role(*BACK_OFFICE_ROLES)

    @property
    def is_superuser(self) -> bool:
        return self.has_role(Role.ADMIN)

    @property
    def needs_two_factor(self) -> bool:
        return bool(self.role_set() & TWO_FACTOR_ROLES)

    # --- permissions: every check goes through the backends (roles and object rules) --------
    def has_perm(self, perm: str, obj: Any = None) -> bool:
        if not self.is_active:
            return False
        return any(
            hasattr(backend, "has_perm") and backend.has_perm(self, perm, obj)
            for backend in get_backends()
        )

    def has_perms(self, perm_list: Any, obj: Any = None) -> bool:
        return all(self.has_perm(perm, obj) for perm in perm_list)

    def has_module_perms(self, app_label: str) -> bool:
        if not self.is_active:
            return False
        return any(
            hasattr(backend, "has_module_perms") and backend.has_module_perms(self, app_label)
            for backend in get_backends()
        )


class RoleAssignment(models.Model):
    """A role held by a user, network-wide or for one object (a group, a region)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("person")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    scope_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("scope type")
    )
    scope_id = models.PositiveBigIntegerField(_("scope id"), null=True, blank=True)
    scope = GenericForeignKey("scope_type", "scope_id")
    granted_at = models.DateTimeField(_("granted"), default=timezone.now)
    granted_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(scope_type__isnull=True),
                name="accounts_role_unique_unscoped",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "scope_type", "scope_id"],
                condition=Q(scope_type__isnull=False),
                name="accounts_role_unique_scoped",
            ),
            models.CheckConstraint(
                condition=Q(scope_type__isnull=True, scope_id__isnull=True)
                | Q(scope_type__isnull=False, scope_id__isnull=False),
                name="accounts_role_scope_complete",
            ),
        ]
        indexes = [models.Index(fields=["scope_type", "scope_id", "role"])]

    def __str__(self) -> str:
        label = self.get_role_display()
        return f"{label} ({self.scope})" if self.scope_type_id else str(label)


class TOTPSecret(models.Model):
    """A second-factor device's key, sealed like people's data (``vigil keys rotate`` re-seals
    it with the rest).  django-otp's own ``key`` column stays empty."""

    device = models.OneToOneField(
        TOTPDevice,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="sealed_key",
        verbose_name=_("device"),
    )
    key = EncryptedCharField(_("key"), max_length=80)

    class Meta:
        verbose_name = _("second-factor key")
        verbose_name_plural = _("second-factor keys")

    def __str__(self) -> str:
        return f"key of device {self.device_id}"


class SealedTOTPDevice(TOTPDevice):
    """django-otp's TOTP device whose key lives sealed in :class:`TOTPSecret`.

    Vigil reads and writes devices only through this proxy: saving moves a key given in clear
    (a new device's random one, or an imported one) into the sealed table, and ``bin_key``
    opens it there.  A session's device id names this model, so django-otp's middleware
    loads it too.
    """

    class Meta:
        proxy = True
        verbose_name = _("authenticator")
        verbose_name_plural = _("authenticators")

    @property
    def bin_key(self) -> bytes:
        plain = self.__dict__.get("_plain_key") or self.key
        if not plain:
            try:
                plain = str(self.sealed_key.key)
            except TOTPSecret.DoesNotExist:
                return b""
            self.__dict__["_plain_key"] = plain
        return bytes.fromhex(plain)

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        plain = self.serializable_value("key")
        if not plain or (update_fields is not None and "key" not in update_fields):
            super().save(*args, **kwargs)
            return
        with transaction.atomic():
            self.key = ""
            super().save(*args, **kwargs)
            TOTPSecret.objects.update_or_create(device_id=self.pk, defaults={"key": plain})
        self.__dict__["_plain_key"] = plain
