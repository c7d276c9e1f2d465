"""How the search reads text: :func:`normalise` is the one normalisation every part calls.

The index, the queries, the vocabulary of names and the highlighting all go through
:func:`normalise` and :func:`words`, so a word is the same wherever it is met.  Normalising:

* lower case; ``ё`` read as ``е`` (Russian writes it either way); the Ukrainian ``і ї є ґ`` and
  the Belarusian ``ў`` are kept: they tell the language, and so how a word is spelt in Latin;
* Latin letters lose their accents ("Zürich" → "zurich"), but the Slavic ones with a
  transliteration of their own keep it: ``č š ž ŝ`` → ``ch sh zh shch`` ("Čajkovskij" is
  "chajkovskij");
* apostrophes inside a word join it ("Women's" → "womens", "Sol'zhenitsyn", "м'ясо");
* a word typed in both alphabets ("Mемориал" with a Latin M, "Memоrial" with a Cyrillic о) is
  folded into the script of its other letters, through the letters that look alike.

A word is then a run of Latin letters, of Cyrillic letters or of digits (never two kinds):
the index's own tokens (filters, id blocks, field tags) mix letters and digits, so no word of
a text or a query is ever one of them.
"""

from __future__ import annotations

import functools
import re
import unicodedata

#: Longest word indexed or looked up, in characters.
MAX_WORD_CHARS = 60

CYRILLIC = "а-яёіїєґў"
_WORD = re.compile(rf"[a-z]+|[{CYRILLIC}]+|[0-9]+")
#: Letters kept as they are (after lower case): ASCII and the Cyrillic of the region.
_PLAIN = re.compile(rf"[\x00-\x7f{CYRILLIC}]*")
_UNPLAIN = re.compile(rf"[^\x00-\x7f{CYRILLIC}]+")
_APOSTROPHE = re.compile(rf"(?<=[a-z{CYRILLIC}])['`´‘’ʼʹʺ](?=[a-z{CYRILLIC}])")
_MIXED = re.compile(rf"[a-z][{CYRILLIC}]|[{CYRILLIC}][a-z]")
_LETTERS = re.compile(rf"[a-z{CYRILLIC}]+")

#: Letters NFKD does not take apart, and the Slavic ones whose accent is a letter of its own.
_SPECIAL = {
    "č": "ch", "ć": "ch", "š": "sh", "ś": "sh", "ž": "zh", "ź": "zh", "ŝ": "shch", "ĉ": "ch",
    "ß": "ss", "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "đ": "dj", "ı": "i", "þ": "th",
    "ð": "d", "ŋ": "n",
    # Cyrillic letters of other languages of the region, read as the Russian ones.
    "ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х", "ј": "й",
}  # fmt: skip

#: Letters that look alike in the two alphabets (either case), for words typed in both.
_TO_CYRILLIC = dict(zip("abcehikmoptxy", "авсенікмортху", strict=True))
_TO_LATIN = {cyr: lat for lat, cyr in _TO_CYRILLIC.items()} | {"ѕ": "s"}

STOPWORDS = frozenset(
    {
        *("a", "an", "and", "the", "of", "in", "for", "on", "at", "to", "by", "with"),
        *("и", "в", "во", "на", "с", "со", "к", "по", "для", "о", "об", "от", "из", "за", "у"),
        *("і", "та", "й", "до"),
    }
)


def normalise(text: str) -> str:
    """The text as the search reads it (see the module's docstring)."""
    text = text.lower()
    if text.isascii():
        return _APOSTROPHE.sub("", text) if "'" in text or "`" in text else text
    if "ё" in text:
        text = text.replace("ё", "е")
    if not _PLAIN.fullmatch(text):
        text = _UNPLAIN.sub(_fold_run, text)
    text = _APOSTROPHE.sub("", text)
    if _MIXED.search(text):
        text = _LETTERS.sub(_one_script, text)
    return text


def _fold_run(match: re.Match[str]) -> str:
    return "".join([_fold_char(ch) for ch in match.group()])


@functools.lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    special = _SPECIAL.get(ch)
    if special is not None:
        return special
    decomposed = unicodedata.normalize("NFKD", ch)
    base = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    if base in ("и", "е", "у"):  # й, ї and ў are letters of their own, not accented ones
        return ch
    return "".join(_SPECIAL.get(c, c) for c in base)


def _one_script(match: re.Match[str]) -> str:
    """A word of both alphabets in the one its letters allow, else the one most of them are in."""
    word = match.group()
    latin = sum(1 for ch in word if "a" <= ch <= "z")
    if latin == 0 or latin == len(word):
        return word
    as_cyrillic = all(not ("a" <= ch <= "z") or ch in _TO_CYRILLIC for ch in word)
    as_latin = all(("a" <= ch <= "z") or ch in _TO_LATIN for ch in word)
    if as_cyrillic and (not as_latin or latin * 2 <= len(word)):
        return "".join(_TO_CYRILLIC.get(ch, ch) for ch in word)
    if as_latin:
        return "".join(_TO_LATIN.get(ch, ch) for ch in word)
    return word


def words(text: str) -> list[str]:
    """The words of a text, normalised, in order (runs of one alphabet, or of digits)."""
    return [w for w in _WORD.findall(normalise(text)) if len(w) <= MAX_WORD_CHARS]


def is_cyrillic(word: str) -> bool:
    """For a word of :func:`words`: whether it is written in Cyrillic."""
    return not ("a" <= word[0] <= "z" or word[0].isdigit())


_TEXT_WORD = re.compile(r"[^\W\d_][\w'’]*")
_OPENERS = " \t\"'«“‘(["


def inner_names(text: str) -> str:
    """The capitalised words of a prose text that do not begin a sentence or a line ("… the
    Perm office of Memorial …"): its names of people, places and bodies, which get
    transliteration keys and typo tolerance as names do."""
    found: list[str] = []
    for match in _TEXT_WORD.finditer(text):
        start = match.start()
        if not text[start].isupper() or start < 2:
            continue
        before = text[max(0, start - 4) : start].rstrip(_OPENERS)
        if (before and before[-1] not in ".!?:;\n") or (not before and start > 4):
            found.append(match.group())
    return " ".join(found)
