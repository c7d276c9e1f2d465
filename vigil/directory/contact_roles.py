"""A contact's role as people read it: the handbook writes roles in English or Russian
("Contact", "Координатор"); the pages show the known ones in the page's language and any other
as the source wrote it."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

_CONTACT = pgettext_lazy("contact role", "Contact")
_COORDINATOR = pgettext_lazy("contact role", "Coordinator")
_DIRECTOR = pgettext_lazy("contact role", "Director")
_CHAIR = pgettext_lazy("contact role", "Chair")
_PRESIDENT = pgettext_lazy("contact role", "President")
_SECRETARY = pgettext_lazy("contact role", "Secretary")
_EDITOR = pgettext_lazy("contact role", "Editor")
_HEAD = pgettext_lazy("contact role", "Head")
_REPRESENTATIVE = pgettext_lazy("contact role", "Representative")

#: The role as written (case-folded, without a final colon) → its label.
ROLE_LABELS: dict[str, Promise] = {
    "contact": _CONTACT,
    "contacts": _CONTACT,
    "contact person": _CONTACT,
    "контакт": _CONTACT,
    "контакты": _CONTACT,
    "контактное лицо": _CONTACT,
    "coordinator": _COORDINATOR,
    "координатор": _COORDINATOR,
    "director": _DIRECTOR,
    "директор": _DIRECTOR,
    "chair": _CHAIR,
    "chairman": _CHAIR,
    "chairwoman": _CHAIR,
    "chairperson": _CHAIR,
    "председатель": _CHAIR,
    "president": _PRESIDENT,
    "президент": _PRESIDENT,
    "secretary": _SECRETARY,
    "секретарь": _SECRETARY,
    "editor": _EDITOR,
    "редактор": _EDITOR,
    "head": _HEAD,
    "руководитель": _HEAD,
    "representative": _REPRESENTATIVE,
    "представитель": _REPRESENTATIVE,
}


def role_label(role: str) -> str:
    """The role in the active language when it is a known one, else as written."""
    label = ROLE_LABELS.get(" ".join(role.strip().rstrip(":").casefold().split()))
    return str(label) if label is not None else role
