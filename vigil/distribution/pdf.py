"""The issue and the print pack as PDF: WeasyPrint with the system's DejaVu fonts embedded.

The fonts come from local files through ``@font-face`` ``local()`` names, never from a URL;
WeasyPrint embeds the glyphs it uses, so the Cyrillic text prints the same on any machine.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def _render(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # heavy import: only when a PDF is made

    with translation.override("ru"):
        html = render_to_string(template, context)
    return bytes(HTML(string=html, base_url=None).write_pdf() or b"")


def render_issue_pdf(subject: str, body: str) -> bytes:
    return _render("distribution/issue_pdf.html", {"subject": subject, "body": body})


def render_print_pack(subject: str, body: str, labels: Sequence[Any]) -> bytes:
    """Address labels (3 × 8 on A4) for the groups without e-mail, then the issue to copy."""
    return _render(
        "distribution/print_pack.html", {"subject": subject, "body": body, "labels": labels}
    )
