"""Who reaches the coordination dashboard.  Loaded by django-rules' autodiscovery.

National coordinators see the whole network; a regional coordinator sees the groups of the
regions they coordinate (``selectors.overseen_groups`` narrows the rows).  The predicates are
the groups app's, so "national coordinator" means the same thing everywhere.
"""

import rules

from vigil.accounts.roles import Role
from vigil.core.permissions import has_role
from vigil.groups.rules import is_national_coordinator

is_regional_coordinator = has_role(Role.REGIONAL_COORDINATOR)

rules.add_perm("coordination.view_dashboard", is_national_coordinator | is_regional_coordinator)
