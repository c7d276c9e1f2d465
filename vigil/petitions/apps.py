from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "vigil.petitions"
    label = "petitions"
    verbose_name = _("Petitions")

    def ready(self) -> None:
        # Signing remembers petitions and the consent version briefly: a save in this process
        # forgets them at once (weak=False: the receivers are local functions).
        from . import selectors, services
        from .models import ConsentText, Petition

        def forget(sender: Any, instance: Petition, **kwargs: Any) -> None:
            selectors.forget_petition(instance.slug)

        post_save.connect(
            forget, sender=Petition, weak=False, dispatch_uid="petitions.forget_petition"
        )
        post_delete.connect(
            forget, sender=Petition, weak=False, dispatch_uid="petitions.forget_petition_del"
        )

        def forget_consent(sender: Any, **kwargs: Any) -> None:
            services.forget_consent_version()

        post_save.connect(
            forget_consent, sender=ConsentText, weak=False, dispatch_uid="petitions.forget_consent"
        )
        post_delete.connect(
            forget_consent, sender=ConsentText, weak=False, dispatch_uid="petitions.consent_gone"
        )
