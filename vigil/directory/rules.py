"""Who may do what in the directory.  Loaded by django-rules' autodiscovery."""

import rules

from vigil.accounts.roles import Role
from vigil.core.permissions import has_role

is_directory_editor = has_role(Role.DIRECTORY_EDITOR, Role.STAFF, Role.ADMIN)

for model in ("organisation", "office", "contact", "channel", "publication", "region", "topic"):
    rules.add_perm(f"directory.view_{model}", is_directory_editor)
    rules.add_perm(f"directory.add_{model}", is_directory_editor)
    rules.add_perm(f"directory.change_{model}", is_directory_editor)
    rules.add_perm(f"directory.delete_{model}", is_directory_editor)
#: Unpublished entries and contacts are seen by editors only.
rules.add_perm("directory.view_unpublished", is_directory_editor)
rules.add_perm("directory.view_suggestion", is_directory_editor)
rules.add_perm("directory.change_suggestion", is_directory_editor)
rules.add_perm("directory.view_revision", is_directory_editor)
