"""The unsubscribe link of a group: a signed token naming it, and the page's absolute address.

Links never expire: a group may unsubscribe from a bulletin of any year.  The composed mail
carries the link in its footers and in ``List-Unsubscribe`` (``mime.Composer``).
"""

from __future__ import annotations

from django.core import signing
from django.urls import reverse
from django.utils import translation

from vigil.core.links import absolute_url
from vigil.groups.models import Group

UNSUBSCRIBE_SALT = "vigil.distribution.unsubscribe"
#: Where the templates put the link; each message replaces it with its group's.
UNSUBSCRIBE_PLACEHOLDER = "__VIGIL_UNSUBSCRIBE_URL__"


def unsubscribe_token(group: Group) -> str:
    return group_token(group.pk)


def group_token(group_id: int) -> str:
    """The unsubscribe token of a group known only by its id (as an outbox row knows it)."""
    return signing.dumps({"g": group_id}, salt=UNSUBSCRIBE_SALT, compress=True)


def group_from_token(token: str) -> Group | None:
    """The group a link names, or None for a forged one.  Links never expire."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    pk = data.get("g") if isinstance(data, dict) else None
    return Group.objects.filter(pk=pk).first() if isinstance(pk, int) else None


def unsubscribe_url(group: Group) -> str:
    with translation.override("ru"):
        path = reverse("distribution:unsubscribe", args=[unsubscribe_token(group)])
    return absolute_url(path)
