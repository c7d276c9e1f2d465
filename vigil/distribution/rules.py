"""Who may distribute the bulletin: staff and admins.  Loaded by django-rules' autodiscovery.

Unsubscribing needs no permission: the signed token in the link is the proof.
"""

from __future__ import annotations

import rules

from vigil.accounts.roles import Role
from vigil.core.permissions import has_role

is_distribution_staff = has_role(Role.STAFF, Role.ADMIN)

for action in ("view", "add", "change"):
    rules.add_perm(f"distribution.{action}_distribution", is_distribution_staff)
rules.add_perm("distribution.view_delivery", is_distribution_staff)
rules.add_perm("distribution.view_optout", is_distribution_staff)
rules.add_perm("distribution.delete_optout", is_distribution_staff)
