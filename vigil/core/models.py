"""What core keeps in the database: the record of finished backups."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class BackupRecord(models.Model):
    """One finished ``vigil backup``.  Kept in the database, the one place every node shares,
    so that any node's start-up can warn when the last backup is old."""

    finished_at = models.DateTimeField(_("finished at"), db_index=True)
    archive = models.CharField(
        _("archive"), max_length=255, help_text=_("file name, or - for standard output")
    )
    size = models.BigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256 of the encrypted archive"), max_length=64)
    database = models.CharField(_("database"), max_length=16)
    rows = models.BigIntegerField(_("rows"))

    class Meta:
        verbose_name = _("backup")
        verbose_name_plural = _("backups")
        ordering = ["-finished_at"]

    def __str__(self) -> str:
        return f"{self.archive} ({self.finished_at:%Y-%m-%d %H:%M} UTC)"


class ThrottleCount(models.Model):
    """Attempts on a public form per keyed-hash counter in the current window (see
    :mod:`vigil.core.throttle`), where the cache is not Redis.  No address is kept in clear:
    ``counter`` is an HMAC of the form, the kind of counter and the address or network."""

    counter = models.CharField(_("counter"), max_length=64, primary_key=True)
    #: The window's length: forms with different windows sweep their own old rows.
    seconds = models.PositiveIntegerField(_("window in seconds"))
    #: The fixed window the hits belong to; a new window starts the count again.
    period = models.BigIntegerField(_("window"))
    hits = models.PositiveIntegerField(_("attempts"), default=0)

    class Meta:
        verbose_name = _("rate-limit counter")
        verbose_name_plural = _("rate-limit counters")
        indexes = [models.Index(fields=["seconds", "period"], name="core_throttle_window")]

    def __str__(self) -> str:
        return f"{self.counter}: {self.hits}"
