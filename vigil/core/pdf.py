"""HTML to PDF with WeasyPrint, for every app that prints (letters, lists, minutes, bulletins).

Templates take their fonts from the system through ``@font-face`` with ``local()`` names
(``core/_pdf_fonts.html``), never from a URL, and WeasyPrint embeds the glyphs used, so
Cyrillic prints the same on any machine.
"""

from __future__ import annotations

import logging

# WeasyPrint logs every rendering step at INFO; a document is not worth seven log lines.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # heavy import: only when something is printed

    return bytes(HTML(string=html, base_url=None).write_pdf() or b"")
