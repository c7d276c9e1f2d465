"""Sending an approved Russian bulletin issue to the groups: the outbox and the opt-outs.

A ``Distribution`` keeps what is sent (subject, HTML, PDF) as it was when staff started it, so
a resumed run sends the very same message.  Its ``Delivery`` rows are the outbox: one per
group that is not closed (dormant ones included), all written in one transaction, each with
the Message-ID it will carry.  The outbox is recipients' state, not a queue: a row is
``sending`` from just before the SMTP DATA until the server's answer is recorded, which is
what lets a restart tell a message that may have left from one that certainly did not (see
``outbox.recover``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Distribution(models.Model):
    issue = models.OneToOneField(
        "bulletin.Issue", on_delete=models.PROTECT, related_name="distribution",
        verbose_name=_("issue"),
    )  # fmt: skip
    subject = models.CharField(_("subject"), max_length=300)
    html = models.TextField(_("HTML body"))
    text = models.TextField(_("plain-text body"))
    pdf = models.BinaryField(_("PDF"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("started by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("planned"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    #: "host:pid" of the one process sending now, and when it last said it was alive.
    sender = models.CharField(max_length=200, blank=True, verbose_name=_("sender"))
    sender_seen_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sender seen"))

    class Meta:
        verbose_name = _("distribution")
        verbose_name_plural = _("distributions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.issue)

    def get_absolute_url(self) -> str:
        return reverse("distribution:detail", args=[self.issue_id])


class Delivery(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        #: Left in "sending" by a crash and no proof either way: not resent unless staff say so.
        UNCERTAIN = "uncertain", _("uncertain (sender stopped)")
        BOUNCED = "bounced", _("bounced")
        FAILED = "failed", _("refused by the mail server")
        UNSUBSCRIBED = "unsubscribed", _("unsubscribed")
        PRINT = "print", _("print pack")

    distribution = models.ForeignKey(
        Distribution, on_delete=models.CASCADE, related_name="deliveries",
        verbose_name=_("distribution"),
    )  # fmt: skip
    group = models.ForeignKey(
        "groups.Group", on_delete=models.PROTECT, related_name="+", verbose_name=_("group")
    )
    #: The group's address when the distribution was planned (a group's, not a person's).
    address = models.EmailField(_("e-mail address"), blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=200, unique=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    bounced_at = models.DateTimeField(_("bounced"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["distribution", "group__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["distribution", "group"], name="distribution_one_delivery_per_group"
            )
        ]
        indexes = [
            models.Index(
                fields=["distribution", "status"],
                name="distribution_outbox",
                condition=Q(status__in=["planned", "sending"]),
            )
        ]

    def __str__(self) -> str:
        return f"{self.distribution} → {self.group} ({self.get_status_display()})"


class OptOut(models.Model):
    """A group that asked, through the one-click link, not to receive the bulletin by e-mail."""

    group = models.OneToOneField(
        "groups.Group", on_delete=models.CASCADE, related_name="bulletin_opt_out",
        verbose_name=_("group"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("unsubscribed"), default=timezone.now)

    class Meta:
        verbose_name = _("bulletin opt-out")
        verbose_name_plural = _("bulletin opt-outs")

    def __str__(self) -> str:
        return str(self.group)
