"""Who may do what with documents.  Loaded by django-rules' autodiscovery.

Everyone sees what :meth:`DocumentQuerySet.public` returns; staff and administrators also see
embargoed and internal documents (the preview) and edit them in the back office.
"""

import rules

from vigil.accounts.roles import Role
from vigil.core.permissions import has_role

is_publications_staff = has_role(Role.STAFF, Role.ADMIN)

rules.add_perm("publications.preview_document", is_publications_staff)
for model in ("document", "attachment"):
    for action in ("view", "add", "change", "delete"):
        rules.add_perm(f"publications.{action}_{model}", is_publications_staff)
rules.add_perm("publications.import_files", is_publications_staff)
rules.add_perm("publications.review_document", is_publications_staff)
rules.add_perm("publications.view_importjob", is_publications_staff)
