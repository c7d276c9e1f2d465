"""Who may do what with accounts.  Loaded by django-rules' autodiscovery."""

import rules

from vigil.core.permissions import has_role, is_authenticated, is_self

from .roles import Role

is_back_office = has_role(Role.STAFF, Role.ADMIN)

rules.add_perm("accounts.view_own_account", is_authenticated)
rules.add_perm("accounts.view_user", is_back_office | is_self)
rules.add_perm("accounts.change_user", has_role(Role.ADMIN) | is_self)
rules.add_perm("accounts.add_user", has_role(Role.ADMIN))
rules.add_perm("accounts.delete_user", has_role(Role.ADMIN))
rules.add_perm("accounts.view_roleassignment", is_back_office)
rules.add_perm("accounts.add_roleassignment", has_role(Role.ADMIN))
rules.add_perm("accounts.change_roleassignment", has_role(Role.ADMIN))
rules.add_perm("accounts.delete_roleassignment", has_role(Role.ADMIN))
