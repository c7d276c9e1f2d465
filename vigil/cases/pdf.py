"""The print-ready letter: an HTML page rendered by WeasyPrint with the system's DejaVu fonts.

The fonts come from local files through ``@font-face`` (``local()`` names resolved by
fontconfig), never from a URL, and WeasyPrint embeds the glyphs it uses, so Cyrillic and Latin
print the same on any machine.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation

from vigil.core.dates import format_date
from vigil.core.pdf import html_to_pdf


@dataclass(frozen=True)
class LetterContent:
    addressee: str  # name, title and postal address, one per line
    salutation: str
    body: str
    signature: str
    sender_address: str
    language: str
    date: datetime.date


def render_letter_pdf(letter: LetterContent) -> bytes:
    with translation.override(letter.language):
        html = render_to_string(
            "cases/letter_pdf.html",
            {"letter": letter, "date": format_date(letter.date)},
        )
    return html_to_pdf(html)
