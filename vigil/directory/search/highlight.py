"""Showing why a result matched: its words in ``<mark>``, and a snippet of where."""

from __future__ import annotations

import functools
import html
import re
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from . import forms, phones
from .query import Query
from .text import words

#: A word as written in a text (with the apostrophes inside it: "Women's", "м'ясо").
_TEXT_WORD = re.compile(r"\w+(?:['’ʼ]\w+)*")


@functools.lru_cache(maxsize=100_000)
def _text_word_forms(word: str) -> frozenset[str]:
    """Every form of a word as written in a text (maybe "G19" or "ООО")."""
    found: set[str] = set()
    for w in words(word):
        f = forms.forms(w)
        found.update((f.exact, f.stem, *f.keys))
    return frozenset(found)


class Marker:
    """Which words of a text match a query, remembered over one page of results: the same
    words come back in entry after entry, and a text without a match is skipped whole."""

    def __init__(self, query: Query) -> None:
        self.marks = query.marks
        #: The query's phone numbers, as the index tags them.
        self.numbers = {phones.TAG + d for d in query.phone_digits}
        self.yes: set[str] = set()
        self.no: set[str] = set()

    def matching(self, text: str) -> set[str]:
        """The words (as written) of ``text`` that match."""
        found = set(_TEXT_WORD.findall(text))
        for word in found.difference(self.yes, self.no):
            if _text_word_forms(word).isdisjoint(self.marks):
                self.no.add(word)
            else:
                self.yes.add(word)
        return found & self.yes

    def phone_matches(self, value: str, normalised: str = "") -> bool:
        return bool(self.numbers) and not self.numbers.isdisjoint(
            phones.entry_tokens(value, normalised)
        )


def highlight(text: str, marker: Marker) -> tuple[str, int]:
    """``text`` HTML-escaped with <mark> around matching words and numbers; and the first."""
    marked = marker.matching(text)
    spans = [m.span() for m in _TEXT_WORD.finditer(text) if m.group() in marked] if marked else []
    if marker.numbers:
        spans += [m.span() for m in phones.PHONE.finditer(text) if marker.phone_matches(m.group())]
        spans = _without_overlaps(spans)
    if not spans:
        return html.escape(text), -1
    out: list[str] = []
    last = 0
    for start, end in spans:
        out.append(html.escape(text[last:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        last = end
    out.append(html.escape(text[last:]))
    return "".join(out), spans[0][0]


def _without_overlaps(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    kept: list[tuple[int, int]] = []
    for start, end in sorted(spans, key=lambda s: (s[0], -s[1])):
        if not kept or start >= kept[-1][1]:
            kept.append((start, end))
    return kept


def _first_match(text: str, marker: Marker) -> int:
    """Where the first matching word or number of ``text`` starts; -1 for none."""
    first = -1
    marked = marker.matching(text)
    if marked:
        first = next(m.start() for m in _TEXT_WORD.finditer(text) if m.group() in marked)
    if marker.numbers:
        for m in phones.PHONE.finditer(text):
            if (first < 0 or m.start() < first) and marker.phone_matches(m.group()):
                return m.start()
    return first


def snippet(text: str, marker: Marker, *, width: int = 30) -> SafeString | None:
    """About ``width`` words around the first match in ``text``, marked; None without a match.
    Only that window is marked and escaped: the texts of a page of results are long."""
    first = _first_match(text, marker)
    if first < 0:
        return None
    spans = [m.span() for m in _TEXT_WORD.finditer(text)]
    at = next((i for i, (a, b) in enumerate(spans) if b > first), 0)
    start_word = max(0, at - width // 3)
    end_word = min(len(spans), start_word + width)
    start = spans[start_word][0] if start_word else 0
    end = spans[end_word - 1][1] if end_word < len(spans) else len(text)
    marked_text, _first = highlight(text[start:end], marker)
    prefix = "… " if start else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + marked_text + suffix)  # noqa: S308 - every piece is escaped above


def make_snippet(card: dict[str, Any], marker: Marker) -> SafeString:
    """Where the entry matches, with the matched words in <mark>; the start of the entry else."""
    for name, role in card["contacts"]:
        found = snippet(f"{name} ({role})" if role else name, marker)
        if found:
            return found
    if marker.numbers:
        for label, value, normalised in card["phones"]:
            if marker.phone_matches(value, normalised):
                text = html.escape(f"{label}: " if label else "")
                return mark_safe(f"{text}<mark>{html.escape(value)}</mark>")  # noqa: S308
    for text in card["texts"]:
        if text:
            found = snippet(text, marker)
            if found:
                return found
    names = " · ".join(card["other_names"])
    if names:
        found = snippet(names, marker)
        if found:
            return found
    lead = next((t for t in card["texts"][:3] if t), "").split()
    return mark_safe(html.escape(" ".join(lead[:30]) + (" …" if len(lead) > 30 else "")))  # noqa: S308


def highlight_name(text: str, marker: Marker) -> SafeString:
    marked, _first = highlight(text, marker)
    return mark_safe(marked)  # noqa: S308 - escaped in highlight()
