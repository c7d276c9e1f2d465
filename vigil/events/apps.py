from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "vigil.events"
    label = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        from vigil.core import personal_data

        from . import selectors, services

        personal_data.register("events", export=selectors.data_of, erase=services.forget_person)
