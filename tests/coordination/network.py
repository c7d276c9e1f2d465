"""A small network for the coordination tests and the browser test: groups in two regions,
people in every role.

Group A (Moscow) meets and writes letters, group B (Kazan) has not met for four months and is
dormant, group C (Novosibirsk) lies east of the Urals, a closed group is history, and a group
founded last week has had no chance to meet yet.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from tests.conftest import PASSWORD, current_totp
from tests.directory.factories import region_tree
from vigil.accounts.models import User
from vigil.accounts.roles import Role
from vigil.accounts.services import assign_role
from vigil.directory.models import Region
from vigil.events.models import Event
from vigil.groups import services as group_services
from vigil.groups.models import Group, Membership


@dataclass
class Network:
    today: datetime.date
    a: Group
    b: Group
    c: Group
    closed: Group
    new: Group
    west: Region
    east: Region
    people: dict[str, User]
    public_event: Event
    members_event: Event


def make_group(number: int, name: str, slug: str, region: Region, *, age_days: int = 400) -> Group:
    group = group_services.create_group(
        number=number, name=name, slug=slug, city=region.name_ru, region=region
    )
    Group.objects.filter(pk=group.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=age_days)
    )
    group.refresh_from_db()
    return group


def make_event(title: str, *groups: Group, days: int, **fields: Any) -> Event:
    starts = timezone.now() + datetime.timedelta(days=days)
    event = Event.objects.create(
        title=title,
        kind=Event.Kind.VIGIL,
        venue="Пушкинская площадь",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        time_zone="Europe/Moscow",
        region=groups[0].region,
        **fields,
    )
    event.organisers.set(groups)
    return event


def build_network(make_user: Callable[..., User]) -> Network:
    """The network described above; ``make_user`` is the fixture of tests/conftest.py."""
    region_tree()
    regions = {r.slug: r for r in Region.objects.all()}
    today = timezone.localdate()
    a = make_group(1, "Группа Москва-1", "moscow-1", regions["moscow"])
    b = make_group(2, "Группа Казань", "kazan-1", regions["kazan"])
    c = make_group(3, "Группа Новосибирск", "novosibirsk-1", regions["novosibirsk"])
    closed = make_group(4, "Закрытая группа", "closed-1", regions["moscow"])
    Group.objects.filter(pk=closed.pk).update(status=Group.Status.CLOSED)
    new = make_group(5, "Новая группа", "moscow-2", regions["moscow"], age_days=7)

    people = {
        "supporter": make_user("supporter@example.org", Role.SUPPORTER),
        "member_a": make_user("member-a@example.org"),
        "member_b": make_user("member-b@example.org"),
        "coordinator_a": make_user("coordinator-a@example.org"),
        "regional_a": make_user("regional-west@example.org"),
        "regional_other": make_user("regional-east@example.org"),
        "staff": make_user("staff@example.org", Role.STAFF),
    }
    group_services.add_member(a, people["member_a"])
    group_services.add_member(a, people["coordinator_a"], Membership.Role.COORDINATOR)
    group_services.add_member(b, people["member_b"])
    group_services.add_member(c, make_user("member-c@example.org"))
    left = make_user("left-a@example.org")
    group_services.leave_group(group_services.add_member(a, left))
    assign_role(people["regional_a"], Role.REGIONAL_COORDINATOR, scope=regions["russia-west"])
    assign_role(people["regional_other"], Role.REGIONAL_COORDINATOR, scope=regions["russia-east"])

    by = people["coordinator_a"]
    group_services.log_meeting(
        a, by=by, held_on=today, attendance=6, letters=[("Дело Иванова", 12), ("Case 2", 3)]
    )
    group_services.log_meeting(
        a, by=by, held_on=today - datetime.timedelta(days=40), attendance=5,
        letters=[("Дело Иванова", 100)],
    )  # fmt: skip
    group_services.log_meeting(
        b, by=by, held_on=today - datetime.timedelta(days=125), attendance=4,
        letters=[("Дело Иванова", 7)],
    )  # fmt: skip
    group_services.log_meeting(
        c, by=by, held_on=today.replace(day=1), attendance=3,
        letters=[("=HYPERLINK(\"http://evil.example\")", 1)],
    )  # fmt: skip
    group_services.log_meeting(
        c, by=by, held_on=today - datetime.timedelta(days=35), attendance=3,
    )  # fmt: skip

    public_event = make_event("Пикет", a, days=10)
    members_event = make_event("Собрание", a, c, days=20, visibility=Event.Visibility.MEMBERS)
    make_event("Отменённый пикет", a, days=5, status=Event.Status.CANCELLED)
    make_event("Прошлый пикет", a, days=-30)
    return Network(
        today=today, a=a, b=b, c=c, closed=closed, new=new,
        west=regions["russia-west"], east=regions["russia-east"], people=people,
        public_event=public_event, members_event=members_event,
    )  # fmt: skip


def sign_in(client: Any, user: User) -> Any:
    """Sign in through the real pages; staff pass their second factor too."""
    response = client.post("/en/account/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content
    if user.needs_two_factor:
        response = client.post("/en/account/two-factor/", {"token": current_totp(user)})
        assert response.status_code == 302, response.content
    return client
