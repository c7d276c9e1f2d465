"""Who is named on a line: the organisation, a person, a role; lines of covering letters.

When an entry's first line is not the organisation's name (a contact person, an address, the
sentence of a covering letter), the name is looked for in the text: a quoted or capitalised
name after "organization", "fund", "center"... (``organization "Istok"``, ``fund Metsenaty``,
``фонд «Меценаты»``) or a letterhead in capitals.  Names found that way make the entry a draft.
"""

from __future__ import annotations

import functools
import re

from .addresses import is_known_city
from .patterns import DIGIT, LINE_CACHE, ROLE_WORDS, folded

TITLE = r"(?:(?:Mr|Mrs|Ms|Dr|Prof)\.?\s+)"
CAPITALISED = r"[A-ZА-ЯЁ][a-zа-яё'’-]+"
PERSON = re.compile(rf"^{TITLE}?{CAPITALISED}(?:\s+[A-ZА-ЯЁ]\.){{0,2}}(?:\s+{CAPITALISED}){{1,2}}$")
#: Endings of surnames of the region (Russian, Ukrainian, Belarusian, Caucasian...).
SURNAME_ENDING = re.compile(
    r"(?:ov|ev|ёв|in|yn|sky|skiy|skii|ski|ova|eva|ina|yna|aya|enko|ko|yan|ian|dze|shvili|uk|"
    r"yuk|ich|vich|ovich|evich|ovna|evna|ets|chuk|ий|ов|ев|ин|ын|ова|ева|ина|ская|енко|ян|"
    r"дзе|швили|ук|юк|ич|ец)$",
    re.I,
)
_COVERING_REST = (
    r"dear\s|to\s*:|from\s*:|subject\s*:|"
    r"date\s*:|sent\s*:|cc\s*:|(?:how\s+to\s+)?contact\s+us\s*:?$|sincerely|yours\s+(?:sincerely|"
    r"faithfully|truly)|best\s+(?:regards|wishes)|with\s+(?:best|kind)\s+regards|"
    r"уважаемые?\s|с\s+уважением"
)
COVERING = re.compile(
    r"^(?:[\w .]{0,40}\breceived\s+the\s+following\b|" + _COVERING_REST + ")", re.I
)
#: COVERING without its first branch, which backtracks over the first 40 characters of every
#: line: that branch is tried only on lines with the word (see patterns.folded).
COVERING_START = re.compile(r"^(?:" + _COVERING_REST + ")", re.I)
COVERING_RECEIVED = "received"
KIND = (
    r"organi[sz]ation|fund|foundation|cent(?:er|re)|association|society|union|committee|club|"
    r"movement|league|network|institute|council|alliance|coalition|"
    r"организаци\w*|фонд\w*|центр\w*|ассоциаци\w*|обществ\w*|союз\w*|комитет\w*|клуб\w*|"
    r"движени\w*|лиг\w*|институт\w*|совет\w*|коалици\w*"
)
QUOTED_NAME = re.compile(
    rf"(?P<pre>(?:[\w-]{{1,40}}\s+){{0,3}})(?P<kind>{KIND})\s+(?P<name>[«\"“„][^»\"”“]{{2,80}}[»\"”“])",
    re.I,
)
CAPITAL_NAME = re.compile(
    rf"(?P<pre>(?:[\w-]{{1,40}}\s+){{0,3}})(?P<kind>{KIND})\s+"
    r"(?P<name>[A-ZА-ЯЁ][\w'-]+(?:\s+[A-ZА-ЯЁ][\w'-]+){0,3})"
)
#: Words before the kind of organisation that are not part of its name.
GENERIC = frozenset(
    [
        "the",
        "a",
        "an",
        "our",
        "this",
        "that",
        "we",
        "represent",
        "is",
        "was",
        "independent",
        "non-profit",
        "nonprofit",
        "non-governmental",
        "nongovernmental",
        "not-for-profit",
        "non-commercial",
        "noncommercial",
        "of",
        "and",
        "наша",
        "наш",
        "мы",
        "представляем",
        "независимая",
        "независимый",
        "некоммерческая",
        "некоммерческий",
        "негосударственная",
        "негосударственный",
    ]
)
CONNECTORS = frozenset(
    [
        "and",
        "of",
        "for",
        "the",
        "in",
        "on",
        "to",
        "at",
        "with",
        "&",
        "-",
        ",",
        "и",
        "в",
        "на",
        "по",
        "для",
        "за",
        "при",
    ]
)
#: How much of a paragraph is searched for a name.
NAME_SEARCH_CHARS = 3000
#: A digit, a colon or an at sign: a line with one is a field or an address, not a role.
FIELD_MARK = re.compile(r"[\d:@]")
LETTERHEAD = re.compile(r"^[A-ZА-ЯЁ0-9\"«»'’ ,.&()-]{8,120}$")


@functools.lru_cache(maxsize=LINE_CACHE)
def is_person(text: str) -> bool:
    """ "Ivan Zorkin", "Ms. Irina Vasko": two or three capitalised words, a surname's ending
    or a title (an organisation's name rarely ends like a surname)."""
    stripped = text.strip()
    if not PERSON.match(stripped):
        return False
    words = stripped.split()
    return bool(re.match(TITLE, stripped)) or bool(SURNAME_ENDING.search(words[-1]))


def is_covering(text: str) -> bool:
    stripped = text.strip()
    if COVERING_RECEIVED in folded(stripped):
        return bool(COVERING.match(stripped))
    return bool(COVERING_START.match(stripped))


def _role_words(role: str) -> bool:
    words = role.casefold().replace(".", " ").replace(",", " ").split()
    return 0 < len(words) <= 8 and any(word in ROLE_WORDS for word in words)


@functools.lru_cache(maxsize=LINE_CACHE)
def person_with_role(text: str) -> tuple[str, str] | None:
    """(role, name) of "Pavel Orlovsky, Executive Secretary" or "Name, President of X"."""
    name, comma, role = text.strip().partition(",")
    if not comma or not is_person(name) or not role.strip():
        return None
    role = role.strip().rstrip(".")
    if DIGIT.search(role) or not _role_words(role):
        return None
    return role, name.strip()


@functools.lru_cache(maxsize=LINE_CACHE)
def bare_role(text: str) -> bool:
    """A line that is only a role ("Programme coordinator"), the person's name below it."""
    stripped = text.strip()
    return not FIELD_MARK.search(stripped) and len(stripped.split()) <= 5 and _role_words(stripped)


def _name_of(match: re.Match[str]) -> str:
    pre = match.group("pre").split()
    kept: list[str] = []
    for word in reversed(pre):
        if word.casefold() in GENERIC:
            break
        kept.insert(0, word)
    name = " ".join([*kept, match.group("kind"), match.group("name")])
    return name[0].upper() + name[1:]


def name_in_text(text: str) -> str:
    """The organisation named in a sentence, or ""."""
    text = text[:NAME_SEARCH_CHARS]  # the first paragraphs; and no huge line is scanned
    for pattern in (QUOTED_NAME, CAPITAL_NAME):
        match = pattern.search(text)
        if match:
            return _name_of(match)[:300]
    return ""


def is_letterhead(text: str) -> bool:
    stripped = text.strip()
    return (
        bool(LETTERHEAD.match(stripped))
        and len(stripped.split()) >= 2
        and not DIGIT.search(stripped)
    )


def wraps(first: str, second: str) -> bool:
    """Does the name on ``first`` go on to ``second``?"""
    last_word = first.split()[-1].casefold() if first.split() else ""
    words = second.split()
    if not words or second.endswith(":") or DIGIT.search(second):
        return False
    if is_person(second) or is_known_city(second):
        return False
    if last_word in CONNECTORS or first.endswith(("-", ",")):
        return True
    if words[0][:1].islower() or words[0].casefold() in CONNECTORS:
        return True
    return len(words) <= 4 and any(word.casefold() in CONNECTORS for word in words[1:])


def trailing_city(name: str) -> tuple[str, str]:
    """("Ecological Watch of the Kuban", "Novorossiysk") for "..., Novorossiysk"."""
    head, comma, tail = name.rpartition(",")
    if comma and head.strip() and is_known_city(tail):
        return head.strip(), tail.strip()
    return name, ""
