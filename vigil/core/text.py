"""The one normalisation of text people type (every form applies it through
:class:`vigil.core.forms.TextFormMixin`).

* NFC: one form for every composed letter, so "й" typed as и + breve is stored as "й".
* Bidirectional controls (embeddings, overrides, isolates, marks) are removed from every
  field: ``Ivan\\u202efdp.exe`` would show as "Ivanexe.pdf" on a staff page or in a CSV.
* Names also lose every other invisible format character (zero-width spaces and joiners…).
* Text that held bytes which are not UTF-8 arrives with U+FFFD in their place (Django
  replaces them); such a field is refused, with a message, rather than stored garbled."""

from __future__ import annotations

import unicodedata

#: What undecodable bytes become when Django reads a form.
REPLACEMENT = "\ufffd"
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def is_undecodable(value: str) -> bool:
    """True when the text carried bytes that were not UTF-8."""
    return REPLACEMENT in value


def normalise(value: str, *, name: bool = False) -> str:
    """``value`` in NFC without bidirectional controls; a name also without any other
    invisible format character (Unicode category Cf)."""
    value = unicodedata.normalize("NFC", value)
    if name:
        return "".join(c for c in value if unicodedata.category(c) != "Cf")
    return "".join(c for c in value if c not in BIDI_CONTROLS)


def is_name_field(field_name: str) -> bool:
    """Fields holding a person's or an organisation's name (``name``, ``name_ru``…)."""
    return field_name == "name" or field_name.startswith("name_") or field_name.endswith("_name")
