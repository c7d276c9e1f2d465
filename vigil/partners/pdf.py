"""A roundtable's minutes as PDF, in Russian or English."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation

from vigil.core.pdf import html_to_pdf

from . import selectors
from .models import Roundtable


def minutes_pdf(roundtable: Roundtable, language: str) -> bytes:
    event = roundtable.event
    with translation.override(language), timezone.override(event.zone):
        html = render_to_string(
            "partners/minutes_pdf.html",
            {
                "roundtable": roundtable,
                "event": event,
                "agenda": list(roundtable.agenda.all()),
                "attendees": selectors.attendees(roundtable),
                "minutes": roundtable.minutes,
            },
        )
    return html_to_pdf(html)
