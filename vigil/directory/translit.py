"""Russian ↔ Latin transliteration for search.

Two directions:

* :func:`to_latin` writes Cyrillic in a GOST/BGN-like Latin ("Москва" → "moskva",
  "Щукин" → "shchukin");
* :func:`to_cyrillic` reads a Latin transliteration back ("Moskva" → "москва",
  "Memorial" → "мемориал"), so a Latin query can be stemmed as Russian.

Spellings differ between systems and habits (Moskva/Moskwa, Yekaterinburg/Ekaterinburg,
Khodorkovsky/Hodorkovskij, Yuri/Iuri); :func:`key` folds them onto one comparison form, used on
both sides: index and query.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_CYR_TO_LAT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    # Ukrainian and Belarusian letters, read the Russian way.
    "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ў": "u",
}  # fmt: skip

#: Latin sequences, longest first, read back into Cyrillic.
_LAT_TO_CYR = [
    ("shch", "щ"), ("sch", "щ"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("tz", "ц"),
    ("ch", "ч"), ("sh", "ш"), ("yu", "ю"), ("ju", "ю"), ("ya", "я"), ("ja", "я"),
    ("ye", "е"), ("je", "е"), ("yo", "ё"), ("jo", "ё"),
    ("a", "а"), ("b", "б"), ("c", "к"), ("d", "д"), ("e", "е"), ("f", "ф"), ("g", "г"),
    ("h", "х"), ("i", "и"), ("j", "й"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"),
    ("o", "о"), ("p", "п"), ("q", "к"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"),
    ("v", "в"), ("w", "в"), ("x", "кс"), ("y", "ы"), ("z", "з"),
]  # fmt: skip
_LAT_RE = re.compile(
    r"iy(?![aeiouy])|yy$|" + "|".join(re.escape(latin) for latin, _cyr in _LAT_TO_CYR)
)
_LAT_MAP = {**dict(_LAT_TO_CYR), "iy": "ий", "yy": "ый"}

#: Variant spellings folded together by :func:`key` (applied in this order, on Latin text).
_FOLDS = [
    (re.compile(r"shch|sch"), "sc"),
    (re.compile(r"kh"), "h"),
    (re.compile(r"w"), "v"),
    (re.compile(r"(?:iy|yy|ij|yj|ii|y)$"), "i"),
    (re.compile(r"iy(?=[aeou])"), "y"),
    (re.compile(r"[ij]u"), "yu"),
    (re.compile(r"[ij]a"), "ya"),
    (re.compile(r"[ij]o"), "yo"),
    (re.compile(r"(?:^|(?<=[aeiouy]))[yj]e"), "e"),
    (re.compile(r"je"), "e"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"tz"), "ts"),
    (re.compile(r"ck"), "k"),
    (re.compile(r"(.)\1"), r"\1"),
]

_CYRILLIC = re.compile(r"[а-яёіїєґў]")


def has_cyrillic(text: str) -> bool:
    return bool(_CYRILLIC.search(text.lower()))


def to_latin(text: str) -> str:
    """Cyrillic letters to Latin; other characters are kept.  Lower-cases."""
    return "".join(_CYR_TO_LAT.get(ch, ch) for ch in text.lower())


def to_cyrillic(text: str) -> str:
    """A Latin transliteration back to Cyrillic (lower case); other characters are kept."""
    return _LAT_RE.sub(lambda match: _LAT_MAP[match.group(0)], text.lower())


def fold_latin(text: str) -> str:
    """Fold variant Latin spellings of one Russian word onto one form."""
    text = text.lower()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    for pattern, replacement in _FOLDS:
        text = pattern.sub(replacement, text)
    return text


@functools.lru_cache(maxsize=200_000)
def key(word: str) -> str:
    """The comparison form of a word in either script: "Мемориал" and "Memorial" agree."""
    return fold_latin(to_latin(word))
