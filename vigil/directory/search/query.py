"""A query: its words, each with the tokens it may match at each level of relevance.

The levels, best first, say where and how a query word is found in an entry:

====  ===============================================================
0     in a strong part (a name, a person, a place), as written
1     in a strong part, by its stem (another inflection, a plural)
2     in a strong part, by a key (the other alphabet, another spelling)
3     in the prose, as written
4     in the prose, by its stem
5     in the prose, by a key (only the prose's names have keys)
6     by a typo of a name, anywhere
====  ===============================================================

Each level's tokens include the levels above it, so the entries that match the whole query at
level ``L`` (every word by some token of level ``L`` or better) include those matching at
``L - 1``.  An entry's relevance is the first level at which it matches: its weakest word
decides.  A phone number or another number is found as written (level 0) or as a number of
the prose (level 3).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import forms, phones
from .forms import EXACT, KEY, PROSE, STEM, STRONG, TAGS
from .text import STOPWORDS, is_cyrillic, normalise, words
from .vocabulary import vocabulary

#: Longest query read, in characters, and most words used from it.
MAX_QUERY_CHARS = 300
MAX_QUERY_WORDS = 12
LEVELS = 7
TYPO = 6


@dataclass(frozen=True)
class Group:
    """One word (or number) of a query."""

    #: Tokens by level, each level's set holding the levels above it.
    levels: tuple[frozenset[str], ...]
    #: The forms it has, untagged, for highlighting the words it matched.
    marks: frozenset[str]
    #: A phone number: its digits as it may be read.
    digits: tuple[str, ...] = ()


def _cumulative(steps: list[set[str]]) -> tuple[frozenset[str], ...]:
    out: list[frozenset[str]] = []
    so_far: set[str] = set()
    for step in steps:
        so_far |= step
        out.append(frozenset(so_far))
    return tuple(out)


def word_group(word: str, near: list[str]) -> Group:
    """A word's tokens level by level (``near``: the names it may be a typo of)."""
    if word.isdigit():
        strong, prose = {forms.STRONG_NUMBER + word}, {word}
        return Group(_cumulative([strong, set(), set(), prose, set(), set(), set()]), frozenset())
    found = forms.query_forms(word)
    exact, stem, keys = found.exact, found.stem, found.keys

    def tag(part: int, kind: int, values: list[str] | tuple[str, ...]) -> set[str]:
        return {TAGS[part, kind] + v for v in values}

    steps = [
        tag(STRONG, EXACT, [exact]),
        tag(STRONG, EXACT, [stem]) | tag(STRONG, STEM, [stem]),
        tag(STRONG, KEY, keys),
        tag(PROSE, EXACT, [exact, stem]),
        tag(PROSE, STEM, [stem]),
        tag(PROSE, KEY, keys),
        tag(STRONG, KEY, near) | tag(PROSE, KEY, near),
    ]
    marks = frozenset({exact, stem, *keys, *near})
    return Group(_cumulative(steps), marks)


def phone_group(written: str) -> Group:
    numbers = phones.query_tokens(written)
    digits = "".join(ch for ch in written if ch.isdigit())
    strong = {*numbers, forms.STRONG_NUMBER + digits}
    steps = [strong, set(), set(), {digits}, set(), set(), set()]
    return Group(_cumulative(steps), frozenset(), tuple(n[len(phones.TAG) :] for n in numbers))


@dataclass
class Query:
    text: str
    groups: list[Group]
    #: Tokens every match must also have: the region and topic filters.
    facets: tuple[str, ...] = ()
    #: Marks of every group, for highlighting.
    marks: frozenset[str] = field(default=frozenset())

    def __bool__(self) -> bool:
        return bool(self.groups)

    def levels(self) -> list[tuple[int, tuple[frozenset[str], ...]]]:
        """The distinct matches to look up, best first: (level, one token set per group).  A
        level that adds no token to the one above is the same match and is left out."""
        out: list[tuple[int, tuple[frozenset[str], ...]]] = []
        for level in range(LEVELS):
            sets = tuple(group.levels[level] for group in self.groups)
            if not out or sets != out[-1][1]:
                out.append((level, sets))
        return out

    @property
    def phone_digits(self) -> tuple[str, ...]:
        return tuple(d for group in self.groups for d in group.digits)


def parse(text: str, *, typos: bool = True) -> Query:
    """The groups of a query: each phone number in any format is one, each other word one."""
    text = (text or "")[:MAX_QUERY_CHARS]
    groups: list[Group] = []

    def phone(match: object) -> str:
        written = match.group(0)  # type: ignore[attr-defined]
        if sum(ch.isdigit() for ch in written) >= 5 and len(groups) < MAX_QUERY_WORDS:
            groups.append(phone_group(written))
            return " "
        return str(written)

    rest = phones.PHONE.sub(phone, text)
    query_words = words(rest)
    if len(query_words) > 1:
        query_words = [w for w in query_words if w not in STOPWORDS] or query_words
    query_words = list(dict.fromkeys(query_words))[: MAX_QUERY_WORDS - len(groups)]
    if typos and any(not w.isdigit() for w in query_words):
        vocabulary.ensure()
    for word in query_words:
        near: list[str] = []
        if typos and not word.isdigit():
            found = forms.query_forms(word)
            if vocabulary.terms.isdisjoint(found.keys):
                near = vocabulary.near(found.keys[0] if found.keys else word)
        groups.append(word_group(word, near))
    marks = frozenset().union(*(g.marks for g in groups)) if groups else frozenset()
    return Query(text, groups, marks=marks)


def is_latin(text: str) -> bool:
    """Whether a query is written in Latin letters (for tests and the benchmark's labels)."""
    return not any(is_cyrillic(w) for w in words(normalise(text)) if not w.isdigit())
