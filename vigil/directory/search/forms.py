"""The forms of a word, and the index tokens that tell where and how a word was found.

A word (one item of :func:`text.words`) has up to three kinds of form, from the most to the
least exact:

* **exact**: the word as normalised;
* **stem**: in its own language only. Russian by Snowball; Ukrainian and Belarusian (a word
  with і ї є ґ ў) by a light suffix stripper; English by a light stemmer that takes off plural
  and possessive endings and reads British and American spellings alike ("organisations" →
  "organization"), and nothing else: Snowball's English stems "Memorial" and "Memory" alike;
* **key**: only for a word of a name (:mod:`vigil.directory.translit`): its transliteration keys
  and how it sounds, which meet the same name in the other alphabet or another spelling.  An
  English word is never read as Russian, nor a Russian one as English: only names cross.

Each form is stored under a tag for its kind and for the part of the entry it is in, a
**strong** part (the names of the entry, its people and its places) or the **prose** (the rest).
A tag is a digit before a form of letters, a letter before a number, so no word of a text or a
query is ever a tagged token (words are runs of letters or of digits, never both).
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from typing import Any

import Stemmer

from .. import translit
from .text import is_cyrillic

# Kinds of match, best first; and the parts of an entry.
EXACT, STEM, KEY = 0, 1, 2
STRONG, PROSE = 0, 1
#: (part, kind) → the tag of its tokens.  An exact word of the prose is the word itself.
TAGS = {
    (STRONG, EXACT): "1",
    (STRONG, STEM): "2",
    (STRONG, KEY): "4",
    (PROSE, EXACT): "",
    (PROSE, STEM): "3",
    (PROSE, KEY): "5",
}
#: A number in a strong part (the "12" of "Group No. 12"); in the prose it is itself.
STRONG_NUMBER = "n"

_russian = Stemmer.Stemmer("russian")
_stem_lock = threading.Lock()

_UKRAINIAN_ENDINGS = sorted(
    {
        *("іями", "ями", "ами", "ові", "еві", "єві", "ого", "ому", "ими", "іми", "ій", "ої", "ою"),
        *("ею", "єю", "ів", "їв", "ам", "ям", "ах", "ях", "ий", "ія", "ію", "ії", "им", "их"),
        *("ська", "ську", "ські", "ський", "ського", "ським", "ській", "ської"),
        *("а", "я", "у", "ю", "і", "ї", "и", "е", "є", "о", "ь", "ок"),
    },
    key=len,
    reverse=True,
)
_ENGLISH_IRREGULAR = {
    "women": "woman", "men": "man", "children": "child", "people": "person",
    "womens": "woman", "mens": "man", "childrens": "child", "peoples": "person",
}  # fmt: skip
_BRITISH = [
    ("isations", "ization"), ("isation", "ization"), ("ised", "ized"), ("ise", "ize"),
    ("defence", "defense"), ("licence", "license"), ("offence", "offense"),
    ("programme", "program"), ("centre", "center"), ("theatre", "theater"), ("metre", "meter"),
]  # fmt: skip


def _english_stem(word: str) -> str:
    if word in _ENGLISH_IRREGULAR:
        return _ENGLISH_IRREGULAR[word]
    if len(word) > 4:
        if word.endswith("ies") and len(word) > 5:
            word = word[:-3] + "y"
        elif word.endswith(("sses", "xes", "ches", "shes", "zzes")):
            word = word[:-2]
        elif word.endswith("s") and not word.endswith(("ss", "us", "is", "ys")):
            word = word[:-1]
    for british, american in _BRITISH:
        if word.endswith(british):
            return word[: -len(british)] + american
    if len(word) >= 6 and word.endswith("our"):
        return word[:-3] + "or"  # labour, behaviour
    return word


def _slavic_stem(word: str) -> str:
    if any(ch in word for ch in "іїєґў"):
        for ending in _UKRAINIAN_ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= 3:
                return word[: -len(ending)]
        return word
    with _stem_lock:  # PyStemmer objects are not thread-safe
        return str(_russian.stemWord(word))


@dataclass(frozen=True, slots=True)
class Forms:
    """A word's forms: ``stem`` may equal ``exact``; ``keys`` hold its keys and sounds."""

    exact: str
    stem: str
    keys: tuple[str, ...]


#: Words whose forms are kept in memory.  Digit runs are their own only form and never
#: cached: they are most of the distinct words of a large import and would fill the cache.
WORD_CACHE = 50_000


@functools.lru_cache(maxsize=WORD_CACHE)
def forms(word: str) -> Forms:
    """Every form of a word of a text (keys are used for names only, see :func:`tokens`)."""
    if is_cyrillic(word):
        stem = _slavic_stem(word)
        # The sound of a stem only when it keeps three consonants: Snowball's stem of
        # "Мемориал" is "мемориа", which would sound like "Memory".
        stem_sound = translit.sound(stem)
        found = [translit.key(word), translit.key(stem), translit.sound(word)]
        found += [stem_sound] if len(stem_sound) >= 3 else []
    else:
        stem = _english_stem(word)
        found = [translit.key(word), translit.sound(word)]
    keys = tuple(dict.fromkeys(k for k in found if k))
    return Forms(word, stem, keys)


def query_forms(word: str) -> Forms:
    """The forms a query word is looked up in: its keys under every reading of the letters the
    schemes use differently (:func:`translit.latin_readings`), or of a Cyrillic word as Russian
    and as Ukrainian (:func:`translit.cyrillic_readings`)."""
    found = forms(word)
    if is_cyrillic(word):
        readings = translit.cyrillic_readings(word)
    else:
        readings = translit.latin_readings(word)
    if len(readings) == 1:
        return found
    return Forms(found.exact, found.stem, tuple(dict.fromkeys([*found.keys, *readings])))


@functools.lru_cache(maxsize=WORD_CACHE)
def _tokens(word: str, part: int, name: bool) -> tuple[str, ...]:
    found = forms(word)
    out = [TAGS[part, EXACT] + word]
    if found.stem != word:
        out.append(TAGS[part, STEM] + found.stem)
    if name:
        out += [TAGS[part, KEY] + k for k in found.keys]
    return tuple(out)


def tokens(word: str, part: int, *, name: bool) -> tuple[str, ...]:
    """The index tokens of a word met in this part of an entry; keys only for a word of a
    ``name`` (every word of a strong part is one)."""
    if word.isdigit():
        return (STRONG_NUMBER + word,) if part == STRONG else (word,)
    return _tokens(word, part, name or part == STRONG)


def name_term(word: str) -> str | None:
    """The entry of a name's word in the typo vocabulary: its key (None: too short, a number)."""
    if word.isdigit() or len(word) < 4:
        return None
    return translit.key(word) or None


def tagged(tag: str, forms_: Any) -> list[str]:
    return [tag + f for f in forms_]
