"""Personal API tokens: what an integration (a mailer, a CRM) presents instead of a session.

Only a hash of the token is stored; the token itself is shown once, when it is issued.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    READ_PUBLIC = "read_public", _("Read public data")
    READ_PEOPLE = "read_people", _("Read people's data")
    WRITE_ACTIONS = "write_actions", _("Write signatures and attendances")
    MANAGE_CONTENT = "manage_content", _("Manage content")


#: Scopes whose every use is written to the audit log.
PEOPLE_SCOPES = frozenset({Scope.READ_PEOPLE, Scope.WRITE_ACTIONS})


class ApiToken(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_tokens",
        verbose_name=_("owner"),
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the token is for, e.g. “mailer sync”.")
    )
    #: The token's first characters, shown in lists so that a person can tell tokens apart.
    prefix = models.CharField(_("starts with"), max_length=16, unique=True)
    #: SHA-256 of the whole token, in hex.  The token has 256 random bits, so a fast hash is
    #: enough: nothing can be guessed from it.
    digest = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    per_minute = models.PositiveIntegerField(
        _("requests per minute"),
        default=120,
        help_text=_("Requests past this number in one minute are refused with 429."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now: object = None) -> bool:
        moment = now or timezone.now()
        return self.revoked_at is None and self.expires_at > moment  # type: ignore[operator]

    def scope_labels(self) -> str:
        labels = dict(Scope.choices)
        return ", ".join(str(labels.get(scope, scope)) for scope in self.scopes)
