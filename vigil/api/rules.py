"""Who may do what with API tokens.  Loaded by django-rules' autodiscovery.

Staff and administrators hold personal tokens: each sees, issues and revokes their own;
administrators see and revoke everybody's.
"""

from __future__ import annotations

from typing import Any

import rules

from vigil.accounts.roles import Role
from vigil.core.permissions import has_role

is_token_holder = has_role(Role.STAFF, Role.ADMIN)
is_admin = has_role(Role.ADMIN)


@rules.predicate
def owns_token(user: Any, token: Any) -> bool:
    return token is None or token.owner_id == getattr(user, "pk", None)


rules.add_perm("api.view_apitoken", is_token_holder & (owns_token | is_admin))
rules.add_perm("api.add_apitoken", is_token_holder)
#: Changing a token is revoking it; nothing else about a token changes.
rules.add_perm("api.change_apitoken", is_token_holder & (owns_token | is_admin))
rules.add_perm("api.delete_apitoken", rules.always_deny)
