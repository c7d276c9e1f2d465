"""English text → paragraphs → sentences, and back.

Sentences are the unit translators, the memory and the exchange files share.  The splitter is
deliberately plain (a regular expression and a list of abbreviations): a wrong split costs a
translator one merged sentence, while a library model would be a new dependency.
"""

from __future__ import annotations

import re

ABBREVIATIONS = frozenset(
    {
        "mr", "mrs", "ms", "dr", "prof", "st", "no", "nos", "vs", "etc", "e.g", "i.e", "cf",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        "art", "para", "p", "pp", "vol", "ed", "gen", "col", "lt", "sgt", "rev", "jr", "sr",
        "u.s", "u.n", "u.k", "ul", "g",
    }
)  # fmt: skip

# A sentence ends with . ! ? or … (and closing quotes or brackets), then space, then a
# capital letter, a digit or an opening quote.
_BOUNDARY = re.compile(r"(?<=[.!?…])([\"'”’»)\]]*)\s+(?=[\"'“‘«(\[]?[A-ZА-ЯЁ0-9])")
_PARAGRAPHS = re.compile(r"\n\s*\n")
_SPACES = re.compile(r"\s+")


def paragraphs(text: str) -> list[str]:
    """Blank lines separate paragraphs; single line breaks inside one are spaces."""
    parts = (_SPACES.sub(" ", part).strip() for part in _PARAGRAPHS.split(text.replace("\r", "")))
    return [part for part in parts if part]


def sentences(paragraph: str) -> list[str]:
    text = _SPACES.sub(" ", paragraph).strip()
    if not text:
        return []
    result: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.start() + len(match.group(1))
        candidate = text[start:end]
        last_word = candidate.rsplit(" ", 1)[-1].rstrip(".").lower().lstrip("(\"'“«")
        if last_word in ABBREVIATIONS or re.fullmatch(r"[a-z]", last_word):
            continue  # "Dr. Smith", "J. Smith": not the end of a sentence
        result.append(candidate.strip())
        start = match.end()
    result.append(text[start:].strip())
    return [sentence for sentence in result if sentence]


def split(text: str) -> list[list[str]]:
    """The text as paragraphs of sentences."""
    return [sentences(paragraph) for paragraph in paragraphs(text)]


def join(sentences_of_paragraph: list[str]) -> str:
    return " ".join(part.strip() for part in sentences_of_paragraph if part.strip())
