"""The issue and the print pack as PDF: WeasyPrint with the system's DejaVu fonts embedded.

The fonts come from local files through ``@font-face`` ``local()`` names, never from a URL;
WeasyPrint embeds the glyphs it uses, so the Cyrillic text prints the same on any machine.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from vigil.core.pdf import html_to_pdf


def _render(template: str, context: dict[str, Any]) -> bytes:
    with translation.override("ru"):
        html = render_to_string(template, context)
    return html_to_pdf(html)


def render_issue_pdf(subject: str, body: str) -> bytes:
    return _render("distribution/issue_pdf.html", {"subject": subject, "body": body})


def render_print_pack(subject: str, body: str, labels: Sequence[Any]) -> bytes:
    """Address labels (3 × 8 on A4) for the groups without e-mail, then the issue to copy."""
    return _render(
        "distribution/print_pack.html", {"subject": subject, "body": body, "labels": labels}
    )
