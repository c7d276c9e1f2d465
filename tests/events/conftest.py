"""Groups, members and events for the events tests, built from the groups' contract names."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from tests.directory.factories import region_tree
from vigil.accounts.models import User
from vigil.accounts.roles import Role
from vigil.accounts.services import assign_role
from vigil.directory.models import Region
from vigil.events import services
from vigil.events.models import Event
from vigil.groups.models import Group, Membership

BASE_URL = "http://testserver"


@pytest.fixture
def make_group(db: Any) -> Callable[..., Group]:
    region_tree()
    counter = iter(range(1, 1000))

    def make(slug: str = "moscow-1", region: str = "moscow", **fields: Any) -> Group:
        number = next(counter)
        defaults: dict[str, Any] = {
            "name": f"Группа {slug}",
            "city": "Москва",
            "meeting_rule": "FREQ=MONTHLY;BYDAY=1TU",
            "meeting_time": datetime.time(19, 0),
            "meeting_timezone": "Europe/Moscow",
            "meeting_place": "Библиотека",
            "created_at": timezone.now() - datetime.timedelta(days=400),
        }
        defaults.update(fields)
        return Group.objects.create(
            number=number, slug=slug, region=Region.objects.get(slug=region), **defaults
        )

    return make


def join(group: Group, user: User, role: str = Membership.Role.MEMBER) -> Membership:
    """As the groups services do: a membership, and the coordinator role kept in step."""
    membership = Membership.objects.create(group=group, user=user, role=role)
    assign_role(user, Role.MEMBER)
    if role == Membership.Role.COORDINATOR:
        assign_role(user, Role.GROUP_COORDINATOR, scope=group)
    return membership


@pytest.fixture
def group(make_group: Callable[..., Group]) -> Group:
    return make_group()


@pytest.fixture
def coordinator(make_user: Callable[..., User], group: Group) -> User:
    user = make_user("coordinator@example.org", name="Елена Миронова", language="en")
    join(group, user, Membership.Role.COORDINATOR)
    return user


@pytest.fixture
def group_member(make_user: Callable[..., User], group: Group) -> User:
    user = make_user("groupmember@example.org", name="Павел Орлов", language="en")
    join(group, user)
    return user


def make_event(
    by: User, groups: list[Group], *, days: int = 10, hours: int = 2, **fields: Any
) -> Event:
    starts_at = timezone.now().replace(microsecond=0) + datetime.timedelta(days=days)
    values: dict[str, Any] = {
        "title": "Candlelight vigil",
        "kind": Event.Kind.VIGIL,
        "description": "",
        "venue": "Pushkin Square",
        "address": "Moscow",
        "starts_at": starts_at,
        "ends_at": starts_at + datetime.timedelta(hours=hours),
        "time_zone": "Europe/Moscow",
        "visibility": Event.Visibility.PUBLIC,
        "capacity": None,
    }
    values.update(fields)
    return services.create_event(by=by, organisers=groups, **values)


@pytest.fixture
def event(coordinator: User, group: Group) -> Event:
    return make_event(coordinator, [group])


def sign_in(client: Any, user: User) -> Any:
    from tests.conftest import PASSWORD

    response = client.post("/en/account/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client
