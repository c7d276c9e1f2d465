"""Who may do what with petitions.  Loaded by django-rules' autodiscovery.

Reading and signing a petition is open to everybody.  Paper batches are entered by the
coordinators of the group that collected them (``groups.rules.is_group_coordinator``) and by
staff; exports, delivery and the back office are for staff only, because they show signers'
names.
"""

from __future__ import annotations

from typing import Any

import rules

from vigil.accounts.roles import Role
from vigil.core.permissions import has_role
from vigil.groups.rules import is_group_coordinator

is_staff = has_role(Role.STAFF, Role.ADMIN)


@rules.predicate
def coordinates_a_group(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(Role.GROUP_COORDINATOR)


@rules.predicate
def coordinates_batch_group(user: Any, batch: Any) -> bool:
    return batch is not None and bool(is_group_coordinator(user, batch.group))


#: The paper-batch page (object: a petition): staff and anyone coordinating some group.
rules.add_perm("petitions.enter_paper", is_staff | coordinates_a_group)
#: Entering a batch for one group (object: a groups.Group).
rules.add_perm("petitions.enter_paper_for_group", is_staff | is_group_coordinator)
#: A batch's scanned list (object: a PaperBatch).
rules.add_perm("petitions.view_paperbatch", is_staff | coordinates_batch_group)
rules.add_perm("petitions.deliver_petition", is_staff)

# The back office: staff.
for model in ("petition", "consenttext", "signature", "paperbatch"):
    for action in ("view", "add", "change", "delete"):
        if (model, action) != ("paperbatch", "view"):
            rules.add_perm(f"petitions.{action}_{model}", is_staff)
