"""Who may do what with partners and roundtables.  Loaded by django-rules' autodiscovery.

National staff run roundtables and see what the network does with each partner.  Invitees need
no account: their signed link is their permission (``views.answer``).
"""

from __future__ import annotations

import rules

from vigil.accounts.roles import Role
from vigil.core.permissions import has_role

is_partner_staff = has_role(Role.STAFF, Role.ADMIN)

rules.add_perm("partners.manage_roundtable", is_partner_staff)
rules.add_perm("partners.view_partner", is_partner_staff)

# The back office: staff.
for model in ("roundtable", "agendaitem", "invitation", "attendance"):
    for action in ("view", "add", "change", "delete"):
        rules.add_perm(f"partners.{action}_{model}", is_partner_staff)
