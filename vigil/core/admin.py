from __future__ import annotations

from typing import Any

from django.http import HttpRequest


class AppendOnlyAdminMixin:
    """For logs and histories: shown in the back office, never added, changed or deleted there."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
