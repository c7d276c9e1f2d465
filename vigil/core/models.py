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
