from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "vigil.directory"
    label = "directory"
    verbose_name = _("Directory of organisations")

    def ready(self) -> None:
        from vigil.core import personal_data as registry

        from . import personal_data, signals  # noqa: F401 - signals keep the search index in step

        registry.register(
            "directory", export=personal_data.data_of, erase=personal_data.forget_contact
        )
