from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionPointsConfig(AppConfig):
    name = "vigil.actionpoints"
    label = "actionpoints"
    verbose_name = _("Action points")
