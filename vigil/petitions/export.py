"""The lists handed to a petition's target: confirmed signers' names and cities, nothing else."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation

from vigil.core.pdf import html_to_pdf
from vigil.core.spreadsheet import csv_bytes

from . import selectors
from .models import Petition


def signatures_csv(petition: Petition) -> bytes:
    """Numbered names and cities; no signer's name can be read as a formula."""
    rows = enumerate(selectors.confirmed_signers(petition), start=1)
    return csv_bytes(["#", "name", "city"], ((n, name, city) for n, (name, city) in rows))


def signatures_pdf(petition: Petition) -> bytes:
    with translation.override("ru"):  # the addressees are Russian authorities
        html = render_to_string(
            "petitions/export_pdf.html",
            {
                "petition": petition,
                "count": selectors.count_of(petition),
                "rows": selectors.confirmed_signers(petition),
                "batches": selectors.paper_batches(petition),
                "now": timezone.now(),
            },
        )
    return html_to_pdf(html)
