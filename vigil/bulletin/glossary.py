"""Glossary checks: the source uses a term, the translation must use its approved Russian.

Both sides are compared as sequences of stems (Snowball, through PyStemmer), so "prisoners of
conscience" matches the term "prisoner of conscience", and "узника совести" or "узникам
совести" satisfy "узник совести".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import Stemmer

from vigil.core.memo import memoised

from .models import GlossaryTerm

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@memoised("bulletin.glossary.stemmers", keeps="the Snowball stemmer of each language", bound=2)
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer({"en": "english", "ru": "russian"}[language])


def stems(text: str, language: str) -> list[str]:
    words = [word.lower().replace("ё", "е") for word in _WORD.findall(text)]
    return list(_stemmer(language).stemWords(words))


def contains(haystack: list[str], needle: list[str]) -> bool:
    if not needle:
        return False
    size = len(needle)
    return any(haystack[i : i + size] == needle for i in range(len(haystack) - size + 1))


@dataclass(frozen=True)
class Hint:
    term: GlossaryTerm
    #: True when the translation exists and lacks the approved Russian term.
    violated: bool


def hints(source: str, target: str, terms: Iterable[GlossaryTerm]) -> list[Hint]:
    """The glossary terms that occur in ``source``, each saying whether ``target`` breaks it."""
    source_stems = stems(source, "en")
    target_stems = stems(target, "ru")
    found = []
    for term in terms:
        if contains(source_stems, stems(term.source, "en")):
            violated = bool(target.strip()) and not contains(target_stems, stems(term.target, "ru"))
            found.append(Hint(term, violated))
    return found


def violations(source: str, target: str, terms: Iterable[GlossaryTerm]) -> list[GlossaryTerm]:
    return [hint.term for hint in hints(source, target, terms) if hint.violated]
