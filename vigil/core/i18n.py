"""The viewer's language, for content stored in both languages."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


def in_english() -> bool:
    return (translation.get_language() or "ru").startswith("en")


def in_language(russian: str, english: str) -> str:
    """The viewer's language, falling back to Russian when the English text is missing."""
    if in_english() and english:
        return english
    return russian or english


def mail_language(language: str) -> str:
    """The language a person's mails are written in: the one they used on the site if the
    site is written in it, else Russian (a stored value may predate a language's removal)."""
    return language if language in dict(settings.LANGUAGES) else "ru"
