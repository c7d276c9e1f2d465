from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "vigil.partners"
    label = "partners"
    verbose_name = _("Partners and roundtables")

    def ready(self) -> None:
        from vigil.core import personal_data

        from . import selectors, services

        personal_data.register(
            "roundtables", export=selectors.data_of, erase=services.forget_invitee
        )
