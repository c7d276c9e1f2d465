"""Every app writes a mail from its two templates through ``core.mail.render_mail``."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

from django.utils import translation

from vigil.core.mail import render_mail


def test_the_subject_is_one_line_and_the_body_as_written() -> None:
    context = {
        "group": SimpleNamespace(display_name="Тверь"),
        "subject": "Meeting\non  Friday\r\n",
        "body": "First line\n\nsecond  line",
        "sender": "Anna",
        "unsubscribe": "https://example.org/u",
    }
    with translation.override("en"):
        subject, body = render_mail("groups/email/group_message", context)
    assert subject == "[Тверь] Meeting on Friday"
    assert body.startswith("First line\n\nsecond  line\n\n— Anna, Тверь\n")


#: The mechanism itself, and other changes' packages.
OWN = "core/mail.py"
OTHER_CHANGES = ("directory/search/", "directory/importer/")


def test_no_module_renders_a_subject_template_itself() -> None:
    """A rule lives in one place: a subject rendered by hand drifts in how it is folded onto
    one line (two ways did, before ``render_mail``)."""
    root = Path(__file__).resolve().parents[2] / "vigil"
    pattern = re.compile(r"render_to_string\(\s*f?[\"'][^\"']*_subject\.txt")
    found = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root).as_posix()
        if relative == OWN or relative.startswith(OTHER_CHANGES):
            continue
        found += [f"{relative}: {m.group(0)}" for m in pattern.finditer(path.read_text())]
    assert found == []
