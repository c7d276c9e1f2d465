"""Groups fixtures: Kazan and Moscow groups with a coordinator each, meeting monthly."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from tests.conftest import PASSWORD
from vigil.accounts.models import User
from vigil.directory.models import Region
from vigil.groups import services
from vigil.groups.models import Group, Membership

FIRST_TUESDAY = "FREQ=MONTHLY;BYDAY=1TU"


@pytest.fixture(autouse=True)
def _regions(region_tree: None) -> None:
    """Every test here has the region tree (see tests/conftest.py)."""


@pytest.fixture
def make_group(db: Any) -> Callable[..., Group]:
    numbers = iter(range(100, 10_000))

    def make(region_slug: str = "kazan", city: str = "Казань", **values: Any) -> Group:
        number = next(numbers)
        values.setdefault("meeting_rule", FIRST_TUESDAY)
        values.setdefault("meeting_time", datetime.time(19, 0))
        values.setdefault("meeting_timezone", "Europe/Moscow")
        group = services.create_group(
            number=values.pop("number", number),
            name=values.pop("name", f"{city}-{number}"),
            slug=values.pop("slug", f"group-{number}"),
            city=city,
            region=Region.objects.get(slug=region_slug),
            **values,
        )
        # Old enough not to count as new (see the dormancy rule).
        group.created_at = timezone.now() - datetime.timedelta(days=400)
        group.save(update_fields=["created_at"])
        return group

    return make


@pytest.fixture
def kazan(make_group: Callable[..., Group]) -> Group:
    return make_group("kazan", "Казань", name="Казань-1", slug="kazan-1")


@pytest.fixture
def moscow(make_group: Callable[..., Group]) -> Group:
    return make_group("moscow", "Москва", name="Москва-1", slug="moscow-1")


@pytest.fixture
def kazan_coordinator(make_user: Callable[..., User], kazan: Group) -> User:
    user = make_user("coordinator@example.org", name="Рустам Хайруллин")
    services.add_member(kazan, user, Membership.Role.COORDINATOR)
    return user


@pytest.fixture
def kazan_member(make_user: Callable[..., User], kazan: Group) -> User:
    user = make_user("kazan-member@example.org", name="Алексей Петров")
    services.add_member(kazan, user)
    return user


def sign_in(client: Any, user: User, password: str = PASSWORD) -> Any:
    response = client.post("/en/account/login/", {"username": user.email, "password": password})
    assert response.status_code == 302, response.content
    return client
