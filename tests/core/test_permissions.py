"""The one permission layer: every view declares who may open it; rules decide per object."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, path
from django.utils import translation

from vigil import urls as vigil_urls
from vigil.accounts.models import User
from vigil.accounts.roles import Role
from vigil.accounts.services import assign_role
from vigil.core.permissions import declared_access, holds_role_for, public, require


def walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    with translation.override("ru"):  # the default language has no URL prefix
        yield from _walk(patterns, prefix)


def _walk(patterns: list[Any], prefix: str) -> Iterator[tuple[str, Any]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def test_every_vigil_view_declares_its_access() -> None:
    undeclared = [
        route
        for route, view in walk(get_resolver().url_patterns)
        if (getattr(view, "__module__", "") or "").startswith("vigil.")
        and declared_access(view) is None
    ]
    assert undeclared == []


def test_the_walk_sees_vigil_views() -> None:
    routes = dict(walk(get_resolver().url_patterns))
    assert declared_access(routes["health/"]) == "public"
    assert declared_access(routes["account/two-factor/"]) == "accounts.view_own_account"


def undeclared_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("should never be seen")


undeclared_view.__module__ = "vigil.core.views"


@public
def declared_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("fine")


@require("accounts.change_user", get_object=lambda request, pk: get_object_or_404(User, pk=pk))
def edit_person(request: HttpRequest, pk: int, obj: User) -> HttpResponse:
    return HttpResponse(f"editing {obj.pk}")


urlpatterns = [
    path("undeclared/", undeclared_view),
    path("declared/", declared_view),
    path("people/<int:pk>/", edit_person),
    *vigil_urls.urlpatterns,  # the sign-in page the anonymous visitor is sent to
]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_require_checks_the_object_the_view_acts_on(
    client: Any, make_user: Callable[..., User]
) -> None:
    alice, bob = make_user("alice@example.org"), make_user("bob@example.org")
    anonymous = client.get(f"/people/{alice.pk}/")
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    client.force_login(alice)
    assert client.get(f"/people/{alice.pk}/").content == f"editing {alice.pk}".encode()
    assert client.get(f"/people/{bob.pk}/").status_code == 403
    assert client.get("/people/999999/").status_code == 404


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_a_view_that_declares_nothing_is_refused(client: Any) -> None:
    refused = client.get("/undeclared/")
    assert refused.status_code == 403
    assert b"should never be seen" not in refused.content
    assert client.get("/declared/").content == b"fine"


@pytest.mark.django_db
def test_scoped_role_holds_for_its_own_object_only(make_user: Callable[..., User]) -> None:
    coordinator = make_user("coordinator@example.org")
    own_scope, other_scope = make_user("scope1@example.org"), make_user("scope2@example.org")
    assign_role(coordinator, Role.GROUP_COORDINATOR, own_scope)
    predicate = holds_role_for(Role.GROUP_COORDINATOR)
    assert predicate.test(coordinator, own_scope)
    assert not predicate.test(coordinator, other_scope)
    assert not predicate.test(coordinator, None)
    scoped_by_parent = holds_role_for(Role.GROUP_COORDINATOR, scope_of=lambda child: child.parent)

    class Child:
        parent = own_scope

    assert scoped_by_parent.test(coordinator, Child())


@pytest.mark.django_db
def test_object_level_rule_a_person_changes_their_own_account_only(
    make_user: Callable[..., User], admin_user: User
) -> None:
    alice, bob = make_user("alice@example.org"), make_user("bob@example.org")
    assert alice.has_perm("accounts.change_user", alice)
    assert not alice.has_perm("accounts.change_user", bob)
    assert not alice.has_perm("accounts.change_user")
    assert admin_user.has_perm("accounts.change_user", bob)
    alice.is_active = False
    assert not alice.has_perm("accounts.change_user", alice)


@pytest.mark.django_db
def test_role_matrix_for_account_permissions(make_user: Callable[..., User]) -> None:
    expectations = {
        Role.SUPPORTER: False, Role.MEMBER: False, Role.TRANSLATOR: False,
        Role.DIRECTORY_EDITOR: False, Role.STAFF: True, Role.ADMIN: True,
    }  # fmt: skip
    other = make_user("someone@example.org")
    for role, may_view in expectations.items():
        user = make_user(f"{role}@example.org", role)
        assert user.has_perm("accounts.view_user", other) is may_view, role
        assert user.has_perm("accounts.delete_user", other) is (role == Role.ADMIN), role
        assert user.has_perm("audit.view_auditevent") is (role == Role.ADMIN), role
