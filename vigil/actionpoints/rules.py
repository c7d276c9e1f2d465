"""Who may do what with action points.  Loaded by django-rules' autodiscovery.

National staff manage every point.  A group's coordinator sees and updates (with progress)
the points their group owns.  A partner's contact needs no account: staff record their news.
"""

from __future__ import annotations

from typing import Any

import rules

from vigil.accounts.roles import Role
from vigil.core.permissions import has_role
from vigil.groups.rules import is_group_coordinator

is_point_staff = has_role(Role.STAFF, Role.ADMIN)
coordinates_a_group = has_role(Role.GROUP_COORDINATOR)


@rules.predicate
def coordinates_an_owner_group(user: Any, point: Any) -> bool:
    if point is None:
        return False
    return any(
        is_group_coordinator(user, owner.group) for owner in point.owners.all() if owner.group_id
    )


rules.add_perm("actionpoints.manage", is_point_staff)
rules.add_perm("actionpoints.view_board", is_point_staff | coordinates_a_group)
rules.add_perm("actionpoints.view_point", is_point_staff | coordinates_an_owner_group)
rules.add_perm("actionpoints.update_point", is_point_staff | coordinates_an_owner_group)

# The back office: staff.
for model in ("actionpoint", "owner", "progressupdate"):
    for action in ("view", "add", "change", "delete"):
        rules.add_perm(f"actionpoints.{action}_{model}", is_point_staff)
