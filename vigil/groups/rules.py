"""Who may do what with local groups.  Loaded by django-rules' autodiscovery.

The predicates are importable by other apps (events, coordination) so that "the coordinator of
this group" and "the regional coordinator over it" are decided in one place.

* A group's coordinators hold ``Role.GROUP_COORDINATOR`` scoped to the group (the services keep
  it in step with their ``Membership``); they see and edit their own group only.
* A regional coordinator holds ``Role.REGIONAL_COORDINATOR`` scoped to a region and manages the
  groups of that region and of every region under it.
* National coordinators (staff, admins, a regional coordinator for the whole network) manage
  every group and answer applications from regions without a group.
* Members see their own group's page: meetings, activity and who their fellow members are.
* The public sees names and cities only (the index, a minimal page, the join form).
"""

from __future__ import annotations

from typing import Any

import rules
from django.contrib.contenttypes.models import ContentType

from vigil.accounts.roles import Role
from vigil.core.permissions import holds_role_for, is_authenticated


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(user.is_active)


@rules.predicate
def is_group_member(user: Any, group: Any) -> bool:
    """A current member of the group, in any role."""
    if group is None or getattr(group, "pk", None) is None or not _signed_in(user):
        return False
    return bool(group.memberships.filter(user=user, left_at__isnull=True).exists())


is_group_coordinator = holds_role_for(Role.GROUP_COORDINATOR)


@rules.predicate
def is_regional_coordinator_for(user: Any, group: Any) -> bool:
    """Regional coordinator for the group's region or for a region above it."""
    if group is None or getattr(group, "region_id", None) is None or not _signed_in(user):
        return False
    from vigil.directory.models import Region

    from .selectors import region_and_ancestors

    return bool(
        user.role_assignments.filter(
            role=Role.REGIONAL_COORDINATOR,
            scope_type=ContentType.objects.get_for_model(Region),
            scope_id__in=region_and_ancestors(group.region),
        ).exists()
    )


@rules.predicate
def is_national_coordinator(user: Any) -> bool:
    """Staff, admins, or a regional coordinator for the whole network (unscoped, or root)."""
    if not _signed_in(user):
        return False
    if user.has_role(Role.STAFF, Role.ADMIN):
        return True
    from vigil.directory.models import Region

    assignments = user.role_assignments.filter(role=Role.REGIONAL_COORDINATOR)
    if assignments.filter(scope_type__isnull=True).exists():
        return True
    roots = Region.objects.filter(parent__isnull=True).values_list("pk", flat=True)
    return bool(
        assignments.filter(
            scope_type=ContentType.objects.get_for_model(Region), scope_id__in=list(roots)
        ).exists()
    )


@rules.predicate
def coordinates_any_group(user: Any) -> bool:
    return _signed_in(user) and user.has_role(Role.GROUP_COORDINATOR, Role.REGIONAL_COORDINATOR)


manages_group = is_group_coordinator | is_regional_coordinator_for | is_national_coordinator


@rules.predicate
def may_decide_application(user: Any, application: Any) -> bool:
    """The application's group is managed by the user; group-less ones go to national staff."""
    if application is None:
        return False
    if application.group_id is None:
        return bool(is_national_coordinator(user))
    return bool(manages_group(user, application.group))


def regions_placeable_by(user: Any) -> list[int] | None:
    """The regions ``user`` may put a group in: ``None`` for every region (national
    coordinators), else the regions of their regional roles and everything under them (empty
    for a group coordinator: a group's region decides whose its applications are)."""
    if is_national_coordinator(user):
        return None
    if not _signed_in(user):
        return []
    from vigil.directory.models import Region
    from vigil.directory.selectors import descendant_ids

    scopes = user.role_assignments.filter(
        role=Role.REGIONAL_COORDINATOR, scope_type=ContentType.objects.get_for_model(Region)
    ).values_list("scope_id", flat=True)
    found: set[int] = set()
    for region in Region.objects.filter(pk__in=list(scopes)):
        found.update(descendant_ids(region))
    return sorted(found)


def may_move_group(user: Any, group: Any, region: Any) -> bool:
    """Only staff, or a regional coordinator of both the group's region and the new one,
    moves a group: a scoped role cannot widen itself by moving its group elsewhere."""
    if region is None or getattr(group, "region_id", None) == getattr(region, "pk", None):
        return True
    allowed = regions_placeable_by(user)
    if allowed is None:
        return True
    return region.pk in allowed and group.region_id in allowed


rules.add_perm("groups.view_group", is_group_member | manages_group)
#: Names of fellow members: the members themselves and those who manage the group.
rules.add_perm("groups.view_members", is_group_member | manages_group)
rules.add_perm("groups.change_group", manages_group)
rules.add_perm("groups.log_meeting", manages_group)
rules.add_perm("groups.email_group", manages_group)
rules.add_perm("groups.add_group", is_national_coordinator)
rules.add_perm("groups.delete_group", is_national_coordinator)
rules.add_perm("groups.view_applications", coordinates_any_group | is_national_coordinator)
rules.add_perm("groups.decide_application", may_decide_application)
#: A person's own memberships and data (leaving, a copy, erasure).
rules.add_perm("groups.manage_own_membership", is_authenticated)

# The back office: national coordinators only (and admins through the role backend).
for model in ("membership", "application", "meeting", "meetingletters", "meetingreminder"):
    for action in ("view", "add", "change", "delete"):
        rules.add_perm(f"groups.{action}_{model}", is_national_coordinator)
