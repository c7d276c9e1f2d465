"""Who may do what with the bulletin.  Loaded by django-rules' autodiscovery.

* Translators (``Role.TRANSLATOR``), staff and admins open the issues, the editor and the
  glossary, translate segments, and export and import exchange files.
* Reviewing and approving an issue is for staff and for the translators that staff named
  reviewers of *that* issue (``Issue.reviewers``).  Nobody approves a segment they translated
  themselves: ``services.approve_segment`` refuses it, because that rule depends on the
  segment, not on the issue.
* Creating issues and articles and keeping the glossary is for staff.
"""

from __future__ import annotations

from typing import Any

import rules

from vigil.accounts.roles import Role
from vigil.core.permissions import has_role

is_bulletin_staff = has_role(Role.STAFF, Role.ADMIN)
is_bulletin_worker = has_role(Role.TRANSLATOR, Role.STAFF, Role.ADMIN)


@rules.predicate
def is_issue_reviewer(user: Any, issue: Any) -> bool:
    """A translator named reviewer of this issue."""
    if issue is None or getattr(issue, "pk", None) is None:
        return False
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.has_role(Role.TRANSLATOR)) and issue.reviewers.filter(pk=user.pk).exists()


may_review = is_bulletin_staff | is_issue_reviewer

rules.add_perm("bulletin.view_issue", is_bulletin_worker)
rules.add_perm("bulletin.translate_issue", is_bulletin_worker)
rules.add_perm("bulletin.review_issue", may_review)
for action in ("add", "change", "delete"):
    rules.add_perm(f"bulletin.{action}_issue", is_bulletin_staff)
    rules.add_perm(f"bulletin.{action}_article", is_bulletin_staff)
    rules.add_perm(f"bulletin.{action}_glossaryterm", is_bulletin_staff)
rules.add_perm("bulletin.view_article", is_bulletin_worker)
rules.add_perm("bulletin.view_glossaryterm", is_bulletin_worker)
rules.add_perm("bulletin.view_segment", is_bulletin_staff)
rules.add_perm("bulletin.view_memoryentry", is_bulletin_staff)
rules.add_perm("bulletin.delete_memoryentry", is_bulletin_staff)
