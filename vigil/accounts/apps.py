from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "vigil.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from vigil.core import personal_data

        from . import signals  # noqa: F401  (connects the login audit receivers)
        from .services import account_data, erase_account

        # The account itself is erased last: the other apps find a person's rows by it.
        personal_data.register(
            "account", export=account_data, erase=erase_account, order=personal_data.ACCOUNT_LAST
        )
