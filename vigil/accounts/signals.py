"""Staff and admin sign-ins and sign-outs go to the audit log: who, when, from where.

Failed attempts are django-axes' records (keyed by the e-mail's blind index, not the address).
"""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from vigil.audit.services import record


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user.needs_two_factor:
        record(actor=user, action="login", target=user, request=request)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None and user.needs_two_factor:
        record(actor=user, action="logout", target=user, request=request)
