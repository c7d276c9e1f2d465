"""The lists handed to a petition's target: confirmed signers' names and cities, nothing else."""

from __future__ import annotations

import csv
import io

from django.template.loader import render_to_string
from django.utils import timezone, translation

from vigil.core.pdf import html_to_pdf

from . import selectors
from .models import Petition

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    """A spreadsheet must not read a signer's name as a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


def signatures_csv(petition: Petition) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["#", "name", "city"])
    for number, (name, city) in enumerate(selectors.confirmed_signers(petition), start=1):
        writer.writerow([number, _cell(name), _cell(city)])
    # A byte-order mark so that Excel reads Cyrillic as UTF-8.
    return ("\ufeff" + out.getvalue()).encode()


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
