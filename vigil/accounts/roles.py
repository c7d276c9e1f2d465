"""The roles people hold in the network.  One list, used by models, permissions and forms."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SUPPORTER = "supporter", _("Supporter")
    MEMBER = "member", _("Member")
    GROUP_COORDINATOR = "group_coordinator", _("Group coordinator")
    REGIONAL_COORDINATOR = "regional_coordinator", _("Regional coordinator")
    TRANSLATOR = "translator", _("Translator")
    DIRECTORY_EDITOR = "directory_editor", _("Directory editor")
    STAFF = "staff", _("Staff")
    ADMIN = "admin", _("Administrator")


#: Roles whose holders see people's data in bulk and so must use two-factor sign-in.
TWO_FACTOR_ROLES = frozenset({Role.STAFF, Role.ADMIN})

#: Roles that reach the staff back office (the Django admin).
BACK_OFFICE_ROLES = frozenset({Role.STAFF, Role.ADMIN})

#: Roles that only make sense for a given object (a group, a region).
SCOPED_ROLES = frozenset({Role.GROUP_COORDINATOR, Role.REGIONAL_COORDINATOR})
