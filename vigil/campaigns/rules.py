"""Who may do what with campaigns.  Loaded by django-rules' autodiscovery.

Anyone reads a campaign that is not a draft; staff and administrators read drafts (a preview)
and edit campaigns in the back office.  What a campaign page shows of its cases, petitions,
events and documents is decided by each of those apps' own rules (see ``selectors``).
"""

from __future__ import annotations

from typing import Any

import rules

from vigil.accounts.roles import Role
from vigil.core.permissions import has_role

is_campaign_staff = has_role(Role.STAFF, Role.ADMIN)


@rules.predicate
def is_published_campaign(user: Any, campaign: Any) -> bool:
    return campaign is not None and not campaign.is_draft


rules.add_perm("campaigns.read_campaign", is_published_campaign | is_campaign_staff)
rules.add_perm("campaigns.preview_campaign", is_campaign_staff)

# The back office: staff.
for action in ("view", "add", "change", "delete"):
    rules.add_perm(f"campaigns.{action}_campaign", is_campaign_staff)
