"""Transliteration: Cyrillic written in Latin letters, and the keys that compare names across
the spellings people use.

:func:`to_latin` writes Russian in a BGN/PCGN-like Latin for slugs ("Щукин" → "shchukin").

For search, names are compared by keys (both directions: a Latin query finds a Cyrillic name and
the other way round):

* :func:`key` folds the schemes in use onto one form: BGN/PCGN ("Yekaterinburg", "Chaykovskiy"),
  GOST 7.79 (system B "Shhukin", "Czarev"; system A = ISO 9 "Ŝukin", "Čajkovskij"), the passport
  (ICAO) scheme ("Iurii", "Mariia", "Solovev"), the loose ones (ey / ei / ej / iy / yi / y
  endings, ts / tz / c, sch / shch, kh / h, ya / ja / ia, yu / ju / iu, ё as e or yo), with
  Ukrainian ("Київ" → "kyiv", г → h) and Belarusian (ў) read by their own national schemes; and
  Saint / St. / Sankt / Санкт as one word.
* :func:`sound` is coarser, the consonants of a name as it sounds, so that a Russian rendering
  of an English name ("Амнести Интернешнл", "Хьюман Райтс Вотч") meets its English spelling,
  and "Kiev" / "Kyiv" / "Київ" / "Киев" meet.
* :func:`latin_readings` gives the other readings of a Latin query word whose letters the
  schemes use differently (c = ц in ISO 9, x = х in GOST system B, j = ж in loose spelling).

Keys are for names (the words of names, people and places, and capitalised words of the
prose), never for ordinary words: a key match is a spelling of the same name, not a word of
another language that happens to sound alike.
"""

from __future__ import annotations

import functools
import re

_RUSSIAN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    # Read the Russian way when met in a Russian word.
    "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ў": "u",
}  # fmt: skip
#: Ukraine's national scheme (2010): г → h, и → y, і → i, ї → i (yi first), є → ie (ye first).
_UKRAINIAN = _RUSSIAN | {"г": "h", "и": "y", "ї": "i", "є": "ie", "ґ": "g"}
#: Belarusian (the national scheme without its diacritics): г → h, ў → u.
_BELARUSIAN = _RUSSIAN | {"г": "h", "ў": "u", "е": "ye"}

_UKRAINIAN_LETTERS = re.compile("[їєґ]")
_BELARUSIAN_LETTERS = re.compile("[ўыэ]")


def to_latin(text: str) -> str:
    """Russian Cyrillic in Latin letters (lower case); other characters are kept."""
    return "".join(_RUSSIAN.get(ch, ch) for ch in text.lower())


def latin_of(word: str) -> str:
    """A normalised Cyrillic word in Latin by its own language's scheme: Ukrainian when it has
    ї, є or ґ (or і without the Belarusian ў, ы, э), Belarusian when it has ў (or і with ы or э)."""
    if "і" in word or "ў" in word or _UKRAINIAN_LETTERS.search(word):
        belarusian = "ў" in word or (
            not _UKRAINIAN_LETTERS.search(word) and _BELARUSIAN_LETTERS.search(word)
        )
        table = _BELARUSIAN if belarusian else _UKRAINIAN
        first = {"ї": "yi", "є": "ye"}.get(word[0]) or table.get(word[0], word[0])
        return first + "".join(table.get(ch, ch) for ch in word[1:])
    return "".join(_RUSSIAN.get(ch, ch) for ch in word)


#: One word to a reader: "St. Petersburg", "Saint Petersburg", "Sankt-Peterburg", "Санкт-...".
SAINT = frozenset({"st", "saint", "sankt", "ste", "sainte", "sant", "sv"})

_VOWELS = "aeiou"
#: Spellings of one sound, longest first, folded in one pass.
_MULTIGRAPHS = {
    "shch": "sh", "sch": "sh", "shh": "sh", "tch": "ch", "kh": "h", "cz": "ts", "tz": "ts",
    "ck": "k", "ph": "f", "x": "ks", "w": "v", "q": "k", "sht": "st",
}  # fmt: skip
_MULTIGRAPH = re.compile("|".join(sorted(_MULTIGRAPHS, key=len, reverse=True)))
_FOLDS = [
    (re.compile(r"sburg$"), "burg"),  # Petersburg / Петербург
    # A glide after a vowel, before a consonant or at the end: ay / ai / aj, ey / ei / ej.
    (re.compile(r"(?<=[aeiou])[yj](?=[^aeiou]|$)"), "i"),
    # A glide before a vowel: ya / ja / ia / iya, yu / ju / iu, ye / je / ie (and the е of
    # BGN's "Yekaterinburg"); yo / jo / io before a consonant is ё, read as e.
    (re.compile(r"[yij]+(?=[aeu])"), ""),
    (re.compile(r"(?<=.)[yj]o(?=[^aeiou])"), "e"),
    (re.compile(r"(?<=[^aeiou])y(?=[^aeiou])"), "i"),  # ы between consonants: Pustyntsev
    (re.compile(r"[iy]+$"), "i"),  # -iy / -yy / -ij / -ii / -y / -i
    (re.compile(r"(.)\1+"), r"\1"),
]


@functools.lru_cache(maxsize=100_000)
def key(word: str) -> str:
    """The comparison form of a normalised word of a name, in either alphabet: "Мемориал" and
    "Memorial", "Пустынцев" and "Pustintsev", "Чайковский" and "Tchaikovsky" agree."""
    latin = word if word.isascii() else latin_of(word)
    return _fold(latin)


def _fold(latin: str) -> str:
    if latin in SAINT:
        return "sankt"
    latin = _MULTIGRAPH.sub(lambda m: _MULTIGRAPHS[m.group()], latin)
    for pattern, replacement in _FOLDS:
        latin = pattern.sub(replacement, latin)
    return latin


#: Latin letters the schemes read differently: ISO 9 c = ц, GOST system B x = х, loose j = ж.
_OTHER_READINGS = [
    (re.compile(r"c(?![hkz])"), "ts"),
    (re.compile(r"x"), "kh"),
    (re.compile(r"^j"), "zh"),
    # Ukrainian г is h in its own scheme, g in the Russian one: "Hryhoriy" / "Grigoriy".
    (re.compile(r"(?<![kszc])h"), "g"),
    (re.compile(r"g"), "h"),
]


def latin_readings(word: str) -> list[str]:
    """The keys of a Latin query word under each reading of its ambiguous letters (the usual
    one first); at most four."""
    readings = [word]
    for pattern, replacement in _OTHER_READINGS:
        if pattern.search(word):
            readings += [pattern.sub(replacement, r) for r in readings]
    return list(dict.fromkeys(key(r) if r == word else _fold(r) for r in readings[:4]))


def cyrillic_readings(word: str) -> list[str]:
    """The keys of a Cyrillic query word read as Russian and as Ukrainian (whose и is y and
    г is h: "Гриценко" is "Hrytsenko"), when its letters do not tell which it is."""
    found = [key(word)]
    if not (_UKRAINIAN_LETTERS.search(word) or "і" in word or "ў" in word):
        found.append(_fold("".join(_UKRAINIAN.get(ch, ch) for ch in word)))
    return list(dict.fromkeys(found))


# --- how a name sounds ------------------------------------------------------------------------
#: English spellings and their Russian renderings (-tion is "шн", igh is "ай"), then one letter a
#: consonant sound: sh → w, ch → q, zh → x, ts → c (letters the keys no longer use).
_SOUNDS = [
    (re.compile(r"[ts]ion"), "shn"),
    (re.compile(r"igh"), "i"),
    (re.compile(r"gh"), "g"),
    (re.compile(r"dzh|dj|j"), "j"),
    (re.compile(r"sh"), "w"),
    (re.compile(r"ch"), "q"),
    (re.compile(r"zh"), "x"),
    (re.compile(r"th"), "t"),
    (re.compile(r"c(?=[eiy])"), "s"),
    (re.compile(r"c"), "k"),
    (re.compile(r"ts"), "c"),
    (re.compile(r"(?<!^)h"), ""),  # "John" / "Джон", "Mikhail" / "Michail"
]
_NOT_FIRST_VOWELS = re.compile(r"(?<!^)[aeiouy]+")


@functools.lru_cache(maxsize=100_000)
def sound(word: str) -> str:
    """The consonants of a normalised word of a name as it sounds, its first vowel as "a":
    "International" and "Интернешнл" are both "antrnwnl"; "" for a word too short to compare."""
    if len(word) < 4:
        return ""
    latin = key(word)
    if latin == "sankt":
        return ""
    for pattern, replacement in _SOUNDS:
        latin = pattern.sub(replacement, latin)
    latin = _NOT_FIRST_VOWELS.sub("", latin)
    if latin[0] in "aeiouy":
        latin = "a" + latin[1:]
    latin = re.sub(r"(.)\1+", r"\1", latin)
    return latin if len(latin) >= 2 else ""
