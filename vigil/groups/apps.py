from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "vigil.groups"
    label = "groups"
    verbose_name = _("Local groups")

    def ready(self) -> None:
        from vigil.accounts.services import account_data, erase_account
        from vigil.core import personal_data

        from . import selectors, services

        personal_data.register("groups", export=selectors.data_of, erase=services.erase_member_data)
        # The account's own part.  It belongs in AccountsConfig.ready(); it is registered here
        # because the groups' "your details" page is, so far, the only way to ask for it.
        personal_data.register(
            "account", export=account_data, erase=erase_account, order=personal_data.ACCOUNT_LAST
        )
