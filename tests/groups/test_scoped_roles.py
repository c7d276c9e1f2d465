"""Scoped roles cannot widen themselves: moving a group is for staff or a regional
coordinator of both regions (issue 14, point 6)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from vigil.accounts.models import User
from vigil.accounts.roles import Role
from vigil.accounts.services import assign_role
from vigil.directory.models import Region
from vigil.groups import services
from vigil.groups.forms import GroupForm
from vigil.groups.models import Group

from .conftest import sign_in

pytestmark = pytest.mark.django_db


def _edit(client: Client, group: Group, region: Region) -> Any:
    form = GroupForm(instance=group)
    data = {name: form.initial.get(name) or "" for name in GroupForm.Meta.fields}
    data.update(region=region.pk, meeting_time="19:00", meeting_timezone="Europe/Moscow")
    return client.post(f"/en/groups/{group.slug}/edit/", data)


def _regional(make_user: Callable[..., User], slug: str) -> User:
    user = make_user(f"regional-{slug}@example.org")
    assign_role(user, Role.REGIONAL_COORDINATOR, Region.objects.get(slug=slug))
    return user


def test_a_group_coordinator_cannot_move_their_group(
    client: Client, kazan: Group, kazan_coordinator: User
) -> None:
    sign_in(client, kazan_coordinator)
    page = client.get(f"/en/groups/{kazan.slug}/edit/").content.decode()
    assert ">Vladivostok</option>" not in page  # only the group's own region is offered
    _edit(client, kazan, Region.objects.get(slug="vladivostok"))
    kazan.refresh_from_db()
    assert kazan.region.slug == "kazan"


def test_a_regional_coordinator_moves_only_within_their_regions(
    client: Client, kazan: Group, make_user: Callable[..., User]
) -> None:
    west = _regional(make_user, "russia-west")
    sign_in(client, west)
    _edit(client, kazan, Region.objects.get(slug="vladivostok"))  # east: not theirs
    kazan.refresh_from_db()
    assert kazan.region.slug == "kazan"
    _edit(client, kazan, Region.objects.get(slug="moscow"))
    kazan.refresh_from_db()
    assert kazan.region.slug == "moscow"


def test_the_service_refuses_a_move_the_actor_may_not_make(
    kazan: Group, kazan_coordinator: User, staff: User, make_user: Callable[..., User]
) -> None:
    east = Region.objects.get(slug="vladivostok")
    with pytest.raises(PermissionDenied):
        services.update_group(kazan, by=kazan_coordinator, region=east)
    with pytest.raises(PermissionDenied):  # a coordinator of the target only
        services.update_group(kazan, by=_regional(make_user, "russia-east"), region=east)
    services.update_group(kazan, by=staff, region=east)
    assert Group.objects.get(pk=kazan.pk).region == east
