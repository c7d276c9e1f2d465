"""Who may do what with cases.  Loaded by django-rules' autodiscovery.

Which case a member or group may write for is not a permission but the own-country policy
(``policy.may_act``); these rules only say who may open a page or change a record.
"""

from __future__ import annotations

from typing import Any

import rules

from vigil.accounts.roles import Role
from vigil.core.permissions import has_role, is_authenticated
from vigil.groups.rules import coordinates_any_group, is_national_coordinator, manages_group

is_case_editor = has_role(Role.STAFF, Role.ADMIN)


@rules.predicate
def is_published_case(user: Any, case: Any) -> bool:
    return case is not None and bool(getattr(case, "is_published", False))


rules.add_perm("cases.read_case", is_published_case | is_case_editor)
#: Opening the letter page; whether the letter is offered is the policy's answer on that page.
rules.add_perm("cases.write_letter", is_authenticated & (is_published_case | is_case_editor))
rules.add_perm("cases.view_my_actions", is_authenticated)
#: Offering the assignment form at all; the group itself is checked with ``assign_to_group``.
rules.add_perm("cases.assign_case", coordinates_any_group | is_national_coordinator)
rules.add_perm("cases.assign_to_group", manages_group)
rules.add_perm("cases.view_letter_counts", is_national_coordinator)

# The back office: staff edit cases; the letter policy is the organisation's setting.
for model in ("case", "outcome", "casedocument", "official", "appealtemplate", "caseassignment",
              "letter", "policysettings"):  # fmt: skip
    for action in ("view", "add", "change", "delete"):
        rules.add_perm(f"cases.{action}_{model}", is_case_editor)
