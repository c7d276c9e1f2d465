"""The one permission layer every view and API endpoint goes through.

Rules are django-rules predicates registered per app in ``<app>/rules.py`` under Django's
permission names (``"accounts.change_user"``).  They decide with the object in hand, so "a
coordinator edits their own group only" is one predicate, not a filter repeated in every view.

Views declare their access with :func:`public` or :func:`require`; class-based views set
``permission_required`` (see :class:`PermissionRequiredMixin`).
:class:`PermissionDeclaredMiddleware` refuses any Vigil view that declares nothing, so a
forgotten check fails closed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import rules
from django.contrib.auth.mixins import PermissionRequiredMixin as DjangoPermissionRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from rules.contrib.views import PermissionRequiredMixin as RulesPermissionRequiredMixin

logger = logging.getLogger(__name__)

ACCESS_ATTR = "vigil_access"
PUBLIC = "public"
F = TypeVar("F", bound=Callable[..., Any])


# --- predicates ----------------------------------------------------------------------------
def has_role(*roles: str) -> rules.Predicate:
    """True for a user holding any of ``roles`` (network-wide or for some object)."""
    names = ",".join(sorted(roles))

    @rules.predicate(name=f"has_role({names})")
    def predicate(user: Any) -> bool:
        return bool(getattr(user, "is_authenticated", False)) and user.has_role(*roles)

    return predicate


def holds_role_for(role: str, scope_of: Callable[[Any], Any] | None = None) -> rules.Predicate:
    """True when the user holds ``role`` for the object (or for what ``scope_of(obj)`` returns).

    ``holds_role_for(Role.GROUP_COORDINATOR)`` on a group: its coordinators only.
    """

    @rules.predicate(name=f"holds_role_for({role})")
    def predicate(user: Any, obj: Any) -> bool:
        if obj is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        scope = scope_of(obj) if scope_of else obj
        if scope is None or scope.pk is None:
            return False
        return bool(
            user.role_assignments.filter(
                role=role,
                scope_type=ContentType.objects.get_for_model(scope),
                scope_id=scope.pk,
            ).exists()
        )

    return predicate


@rules.predicate
def is_authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(user.is_active)


@rules.predicate
def is_self(user: Any, obj: Any) -> bool:
    return obj is not None and getattr(user, "pk", None) is not None and user.pk == obj.pk


# --- checks for services and the API ------------------------------------------------------
def can(user: Any, perm: str, obj: Any = None) -> bool:
    return bool(user.has_perm(perm, obj))


def ensure(user: Any, perm: str, obj: Any = None) -> None:
    """Raise PermissionDenied unless ``user`` may ``perm`` (on ``obj``)."""
    if not can(user, perm, obj):
        raise PermissionDenied(perm)


# --- view declarations ---------------------------------------------------------------------
def public[F: Callable[..., Any]](view: F) -> F:
    """Anyone, signed in or not, may open this view."""
    setattr(view, ACCESS_ATTR, PUBLIC)
    return view


def require(perm: str, get_object: Callable[..., Any] | None = None) -> Callable[[F], F]:
    """Only users who have ``perm`` (on the object ``get_object(request, **kwargs)``) get in.

    Anonymous visitors are sent to sign in; signed-in users without the permission get 403.
    """

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            obj = get_object(request, *args, **kwargs) if get_object else None
            if not can(request.user, perm, obj):
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                raise PermissionDenied(perm)
            if obj is not None:
                kwargs["obj"] = obj
            return view(request, *args, **kwargs)

        setattr(wrapped, ACCESS_ATTR, perm)
        return wrapped  # type: ignore[return-value]

    return decorator


class PermissionRequiredMixin(RulesPermissionRequiredMixin):
    """Class-based views: set ``permission_required``; ``get_permission_object`` for objects."""


EnforcingMixins = (RulesPermissionRequiredMixin, DjangoPermissionRequiredMixin)


def declared_access(view: Any) -> str | None:
    """What a resolved view says about who may open it, or None when it says nothing."""
    if getattr(view, "model_admin", None) is not None:
        # ModelAdmin views pass through AdminSite.admin_view (VigilAdminSite) on every call.
        return "back-office"
    for candidate in (view, getattr(view, "view_class", None), getattr(view, "cls", None)):
        if candidate is None:
            continue
        access = getattr(candidate, ACCESS_ATTR, None)
        if access:
            return str(access)
        # permission_required counts only where a mixin actually enforces it.
        required = getattr(candidate, "permission_required", None)
        if required and isinstance(candidate, type) and issubclass(candidate, EnforcingMixins):
            return str(required)
    return None


class PermissionDeclaredMiddleware:
    """Refuse, with 403, any Vigil view that does not declare who may open it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        module = getattr(view, "__module__", "") or ""
        if not module.startswith("vigil.") or declared_access(view):
            return None
        logger.error("view %s.%s declares no access rule", module, getattr(view, "__name__", view))
        raise PermissionDenied("undeclared view")
