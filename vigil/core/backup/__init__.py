"""Backups and restores: ``vigil backup``, ``vigil restore`` (see docs/user-guide.md)."""
