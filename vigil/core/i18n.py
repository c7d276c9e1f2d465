"""The viewer's language, for content stored in both languages."""

from __future__ import annotations

from django.utils import translation


def in_english() -> bool:
    return (translation.get_language() or "ru").startswith("en")


def in_language(russian: str, english: str) -> str:
    """The viewer's language, falling back to Russian when the English text is missing."""
    if in_english() and english:
        return english
    return russian or english
