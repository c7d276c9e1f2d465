from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    VIEW = "view", _("viewed")
    LIST = "list", _("listed")
    EXPORT = "export", _("exported")
    CHANGE = "change", _("changed")
    DELETE = "delete", _("deleted")
    LOGIN = "login", _("signed in")
    TWO_FACTOR = "two_factor", _("passed two-factor check")
    LOGOUT = "logout", _("signed out")
    KEY_ROTATION = "key_rotation", _("re-encrypted data")


class AuditEvent(models.Model):
    """Who looked at or changed people's data, what, and when.  Rows are never edited."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    target_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("record type")
    )
    target_id = models.CharField(_("record id"), max_length=64, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    path = models.CharField(_("address"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "at"])]

    def __str__(self) -> str:
        action = self.get_action_display()
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_id} {action} {self.target_id}"
