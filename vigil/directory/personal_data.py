"""The directory's part of a person's copy of their data and of its erasure: the contact
address they left with suggested corrections (found by its blind index)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from vigil.core.fields import blind_index_for

from .models import Suggestion


def _suggestions_of(user: Any) -> Any:
    index = blind_index_for(Suggestion, "contact_email_index", user.email or "")
    return (
        Suggestion.objects.filter(contact_email_index=index) if index else Suggestion.objects.none()
    )


def data_of(user: Any) -> dict[str, Any]:
    return {
        "suggestions": [
            {
                "organisation": str(s.organisation),
                "text": s.text,
                "sent_at": s.created_at.isoformat(),
                "status": s.status,
            }
            for s in _suggestions_of(user).select_related("organisation").order_by("created_at")
        ]
    }


@transaction.atomic
def forget_contact(user: Any) -> int:
    """Remove the person's address from their suggestions; the corrections themselves stay
    (they are about an organisation, not about the person)."""
    return _suggestions_of(user).update(contact_email="", contact_email_index=None)
