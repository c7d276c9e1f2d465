"""The one way a mail is written from its templates, by every app.

A mail named ``<app>/mail/<kind>`` has two templates: ``<kind>_subject.txt`` and
``<kind>.txt``.  The subject is folded onto one line (a header carries no line break, and a
template's or an entered subject's stray newlines and runs of spaces are not the reader's
business); the body is kept as written.  Callers render inside ``translation.override`` for
the reader's language."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string


def render_mail(name: str, context: dict[str, Any]) -> tuple[str, str]:
    """Subject and body of the mail ``name`` (the templates' path without ``.txt``)."""
    subject = " ".join(render_to_string(f"{name}_subject.txt", context).split())
    return subject, render_to_string(f"{name}.txt", context)
