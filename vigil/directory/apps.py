from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "vigil.directory"
    label = "directory"
    verbose_name = _("Directory of organisations")

    def ready(self) -> None:
        from . import signals  # noqa: F401 - keeps the search index in step
