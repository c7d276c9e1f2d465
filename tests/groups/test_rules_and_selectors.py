"""Who may see and do what; dormancy; where groups are."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from vigil.accounts.models import User
from vigil.accounts.roles import Role
from vigil.accounts.services import assign_role
from vigil.directory.models import Region
from vigil.groups import rules, selectors, services
from vigil.groups.models import Group, Membership


def test_coordinator_manages_own_group_only(
    kazan: Group, moscow: Group, kazan_coordinator: User
) -> None:
    assert kazan_coordinator.has_perm("groups.change_group", kazan)
    assert kazan_coordinator.has_perm("groups.log_meeting", kazan)
    assert not kazan_coordinator.has_perm("groups.change_group", moscow)
    assert not kazan_coordinator.has_perm("groups.view_group", moscow)
    assert rules.is_group_coordinator(kazan_coordinator, kazan)


def test_member_sees_own_group_but_does_not_manage_it(
    kazan: Group, moscow: Group, kazan_member: User
) -> None:
    assert kazan_member.has_perm("groups.view_group", kazan)
    assert kazan_member.has_perm("groups.view_members", kazan)
    assert not kazan_member.has_perm("groups.change_group", kazan)
    assert not kazan_member.has_perm("groups.view_members", moscow)


def test_regional_coordinator_manages_groups_of_region_and_below(
    make_user: Callable[..., User], kazan: Group, make_group: Callable[..., Group]
) -> None:
    west = make_user()
    assign_role(west, Role.REGIONAL_COORDINATOR, scope=Region.objects.get(slug="russia-west"))
    novosibirsk = make_group("novosibirsk", "Новосибирск")
    assert rules.is_regional_coordinator_for(west, kazan)
    assert west.has_perm("groups.change_group", kazan)
    assert not west.has_perm("groups.change_group", novosibirsk)
    assert not rules.is_national_coordinator(west)


def test_national_coordinators(make_user: Callable[..., User], staff: User, kazan: Group) -> None:
    assert rules.is_national_coordinator(staff)
    assert staff.has_perm("groups.change_group", kazan)
    everywhere = make_user()
    assign_role(everywhere, Role.REGIONAL_COORDINATOR, scope=Region.objects.get(slug="nis"))
    assert rules.is_national_coordinator(everywhere)
    assert not rules.is_national_coordinator(make_user())


def test_a_former_member_loses_access_and_the_coordinator_role(
    kazan: Group, kazan_coordinator: User
) -> None:
    membership = selectors.membership_of(kazan_coordinator, kazan)
    assert membership is not None
    services.leave_group(membership)
    kazan_coordinator = User.objects.get(pk=kazan_coordinator.pk)
    assert not kazan_coordinator.has_perm("groups.view_group", kazan)
    assert not kazan_coordinator.has_role(Role.GROUP_COORDINATOR, Role.MEMBER)
    assert list(selectors.groups_of(kazan_coordinator)) == []


def test_changing_a_role_keeps_the_coordinator_role_in_step(
    kazan: Group, kazan_member: User
) -> None:
    services.add_member(kazan, kazan_member, Membership.Role.COORDINATOR)
    assert rules.is_group_coordinator(kazan_member, kazan)
    services.add_member(kazan, kazan_member, Membership.Role.TREASURER)
    assert not rules.is_group_coordinator(kazan_member, kazan)
    assert selectors.current_members(kazan).get(user=kazan_member).role == "treasurer"


def test_dormancy_rule(make_group: Callable[..., Group], kazan_coordinator: User) -> None:
    group = make_group()
    today = timezone.localdate()
    assert selectors.is_dormant(group, today=today)  # old, never met
    long_ago = today - relativedelta(months=3, days=2)
    services.log_meeting(group, by=kazan_coordinator, held_on=long_ago, attendance=5)
    assert selectors.is_dormant(group, today=today)  # more than three months ago
    recently = today - relativedelta(months=2)
    services.log_meeting(group, by=kazan_coordinator, held_on=recently, attendance=5)
    assert not selectors.is_dormant(group, today=today)
    # A list passes the last meeting's date it has already read: the same answers, no lookup.
    assert selectors.is_dormant(group, today=today, last_held_on=None)
    assert selectors.is_dormant(group, today=today, last_held_on=long_ago)
    assert not selectors.is_dormant(group, today=today, last_held_on=recently)
    new = make_group()
    new.created_at = timezone.now() - datetime.timedelta(days=30)
    new.save()
    assert not selectors.is_dormant(new, today=timezone.localdate())
    new.status = Group.Status.CLOSED
    group.status = Group.Status.CLOSED
    assert not selectors.is_dormant(group, today=today)  # closed is not dormant


def test_logging_a_meeting_wakes_a_dormant_group(
    make_group: Callable[..., Group], staff: User
) -> None:
    group = make_group(status=Group.Status.DORMANT)
    services.log_meeting(group, by=staff, held_on=timezone.localdate(), attendance=4)
    group.refresh_from_db()
    assert group.status == Group.Status.ACTIVE


def test_groups_in_region_include_descendants(kazan: Group, moscow: Group) -> None:
    west = Region.objects.get(slug="russia-west")
    assert set(selectors.groups_in_region(west)) == {kazan, moscow}
    assert list(selectors.groups_in_region(Region.objects.get(slug="kazan"))) == [kazan]
    assert list(selectors.groups_in_region(Region.objects.get(slug="russia-east"))) == []


def test_nearest_group_prefers_the_applicants_city(make_group: Callable[..., Group]) -> None:
    west = Region.objects.get(slug="russia-west")
    first = make_group("moscow", "Москва")
    second = make_group("kazan", "Казань")
    assert selectors.nearest_group(west, "казань ") == second
    assert selectors.nearest_group(west, "Тверь") == first
    assert selectors.nearest_group(Region.objects.get(slug="vladivostok"), "Владивосток") is None
