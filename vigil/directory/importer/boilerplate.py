"""Site navigation and page furniture: lines that belong to the page, never to an entry.

The handbook's web pages end (and some begin) with links back to region pages, the site's menu
("CCSI Home Announcements Eurasia ... Search"), sometimes cut off mid-word, a note about the
print edition, copyright and "Back to top".  :func:`is_boilerplate` recognises them, so the
file reader keeps them with the entry they surround (in its source text) instead of starting
an entry, and the parser maps them instead of leaving them unparsed.
"""

from __future__ import annotations

import functools
import re

from .patterns import LINE_CACHE, RETURN_TO, folded, mentions_accessible, mentions_source

#: Words of site menus (case-folded); a menu line is made of these and acronyms only.
MENU_WORDS = frozenset(
    [
        "home",
        "homepage",
        "page",
        "pages",
        "announcements",
        "announcement",
        "eurasia",
        "opinion/analysis",
        "opinion",
        "analysis",
        "bookstore",
        "book",
        "store",
        "site",
        "map",
        "sitemap",
        "search",
        "about",
        "us",
        "contact",
        "contacts",
        "links",
        "news",
        "index",
        "main",
        "menu",
        "back",
        "next",
        "previous",
        "prev",
        "top",
        "up",
        "help",
        "faq",
        "sponsors",
        "sponsor",
        "publications",
        "resources",
        "archive",
        "archives",
        "english",
        "russian",
        "русский",
        "english/русский",
        "главная",
        "новости",
        "поиск",
        "карта",
        "сайта",
        "контакты",
        "ссылки",
        "назад",
        "вперед",
        "вперёд",
        "наверх",
        "о",
        "нас",
        "organizations",
        "organisations",
        "nis",
    ]
)
#: Joined into a line, menu entries are often separated by these.
MENU_SEPARATORS = re.compile(r"\s*(?:\||·|•|::|\[|\]|/\s)\s*")
ACRONYM = re.compile(r"^[A-ZА-Я]{2,6}$")
RETURN_ANY = re.compile(r"^(?:return|go\s+back|back)\s+to\b.{0,120}$", re.I)
COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright\b)|all\s+rights\s+reserved", re.I)
PRINT_VERSION = re.compile(r"^a\s+print\s+version\s+of\b", re.I)
#: Every boilerplate line that does not start with a menu word has one of these.
LIKELY = re.compile(
    r"^(?:return|go\s|back|a\s+print|©|\(c\)|copyright|top\s|наверх)|accessible\s+from|"
    r"all\s+rights|handbook",
    re.I,
)
#: LIKELY's beginnings, matched at the start only (cheap), and the words of its other
#: branches, looked for in the case-folded line before LIKELY searches it (see SOURCE_WORDS).
LIKELY_START = re.compile(r"^(?:return|go\s|back|a\s+print|©|\(c\)|copyright|top\s|наверх)", re.I)
LIKELY_WORDS = ("accessible", "rights", "handbook")
BACK_TO_TOP = re.compile(r"^(?:back\s+to\s+top|top\s+of\s+(?:the\s+)?page|наверх)\.?$", re.I)


def _menu_line(text: str) -> bool:
    """Three or more menu words (or acronyms such as CCSI), the last possibly cut off."""
    tokens = [t for t in MENU_SEPARATORS.sub(" ", text).split() if t]
    if len(tokens) < 3 or len(tokens) > 30:
        return False
    *whole, last = tokens
    menu = 0
    for token in whole:
        folded = token.casefold().strip(".,:;")
        if folded in MENU_WORDS:
            menu += 1
        elif not ACRONYM.match(token):
            return False
    folded_last = last.casefold().strip(".,:;")
    if folded_last in MENU_WORDS:
        menu += 1
    elif len(folded_last) >= 2 and any(word.startswith(folded_last) for word in MENU_WORDS):
        menu += 1  # cut off mid-word
    elif not ACRONYM.match(last):
        return False
    return menu >= 2


def _has_likely_word(text: str) -> bool:
    low = folded(text)
    return any(word in low for word in LIKELY_WORDS)


@functools.lru_cache(maxsize=LINE_CACHE)
def is_boilerplate(line: str) -> bool:
    """True for navigation, site menus (also cut off), print-edition notes and footers."""
    text = line.strip()
    if not text or len(text) > 300:
        return False
    first = text.split(None, 1)[0]
    if (
        first.casefold().strip(".,:;|") not in MENU_WORDS
        and not ACRONYM.match(first)
        and not LIKELY_START.match(text)
        and not (_has_likely_word(text) and LIKELY.search(text))
    ):
        return False  # most lines: one cheap test
    return bool(
        RETURN_TO.match(text)
        or RETURN_ANY.match(text)
        or mentions_accessible(text)
        or PRINT_VERSION.match(text)
        or (
            mentions_source(text)
            and text.casefold().startswith(("a print", "for more information"))
        )
        or COPYRIGHT.search(text)
        or BACK_TO_TOP.match(text)
        or _menu_line(text)
    )
