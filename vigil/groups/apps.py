from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "vigil.groups"
    label = "groups"
    verbose_name = _("Local groups")

    def ready(self) -> None:
        from vigil.core import personal_data

        from . import selectors, services

        personal_data.register("groups", export=selectors.data_of, erase=services.erase_member_data)
