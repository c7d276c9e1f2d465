"""Tests and readers of single lines and values: channels, roles, postcodes, dates, phones."""

from __future__ import annotations

import datetime
import functools
import re

from vigil.core.crypto import normalise_phone

from .addresses import is_country, parse_address
from .names import person_with_role
from .patterns import (
    CHANNEL_LABELS,
    DIGIT,
    EMAIL_IN_TEXT,
    FIELD_LABEL,
    FREQUENCY,
    LANGUAGE,
    LANGUAGE_NOMINATIVE,
    LANGUAGE_RU,
    LINE_CACHE,
    MONTHS,
    PHONE_PART,
    PREPARED_BY,
    PROSE_LENGTH,
    ROLE_LINE,
    ROLE_WORDS,
    RUSSIAN_CITY_NAMES,
    SECTION_KEYWORDS,
    TAIL_START,
    TRANSLATED,
    WITHHELD_EMAIL,
    mentions_accessible,
    mentions_source,
)
from .records import ParsedChannel


def _nominative_city(city: str) -> str:
    """'Санкт-Петербурге' (from "В Санкт-Петербурге:") -> 'Санкт-Петербург'."""
    folded = city.casefold()
    for name in RUSSIAN_CITY_NAMES:
        stem = name.casefold()[:-1] if name[-1] in "аяьй" else name.casefold()
        if (
            folded.startswith(stem)
            and 0 < len(folded) - len(stem) <= 2
            and folded != name.casefold()
        ):
            return name
    return city


@functools.lru_cache(maxsize=LINE_CACHE)
def _is_prose(line: str) -> bool:
    stripped = line.strip()
    return len(stripped) > PROSE_LENGTH or (stripped.endswith(".") and len(stripped.split()) >= 12)


@functools.lru_cache(maxsize=LINE_CACHE)
def _channel_match(line: str) -> tuple[tuple[str, ...], str, str] | None:
    """(kinds, label, value) for "Tel: ...", "Факс: ...", bare e-mails and web addresses."""
    found = CHANNEL_LABELS.match(line.strip())
    if found is None:
        return None
    kinds, match = found
    return kinds, match.group("label"), match.group("v").strip()


@functools.lru_cache(maxsize=LINE_CACHE)
def _role_match(line: str) -> tuple[str, str] | None:
    match = ROLE_LINE.match(line.strip())
    if not match:
        return person_with_role(line)
    role = match.group("role").strip()
    words = role.casefold().replace(".", " ").split()
    if not words or len(words) > 8 or not any(word in ROLE_WORDS for word in words):
        return person_with_role(line)
    if len(words) > 4 and words[-1] not in ROLE_WORDS and words[0] not in ROLE_WORDS:
        return None
    return role, match.group("name").strip()


@functools.lru_cache(maxsize=LINE_CACHE)
def _postal_match(line: str) -> tuple[str, str] | None:
    stripped = line.strip()
    if not DIGIT.search(stripped) and (
        "," not in stripped or not is_country(stripped.rsplit(",", 1)[1])
    ):
        return None  # an address without a digit names a city and a country
    address = parse_address(stripped)
    if address is None:
        return None
    return address.postal_code, address.city


@functools.lru_cache(maxsize=LINE_CACHE)
def _is_tail(line: str) -> bool:
    stripped = line.strip()
    return bool(
        TAIL_START.match(stripped)
        or mentions_accessible(stripped)
        or (len(stripped) > 40 and mentions_source(stripped))
    )


@functools.lru_cache(maxsize=LINE_CACHE)
def _is_field_like(line: str) -> bool:
    stripped = line.strip()
    return bool(
        _channel_match(stripped)
        or _role_match(stripped)
        or _postal_match(stripped)
        or FIELD_LABEL.match(stripped)
        or _is_tail(stripped)
    )


def parse_date(value: str) -> datetime.date | None:
    """ "March 1996", "Mar. 1996", "март 1996", "03/1996", "1996-03", "12 March 1996"."""
    text = value.strip().rstrip(".").casefold()
    match = re.fullmatch(r"(?:\d{1,2}\s+)?([a-zа-яё]+)\.?,?\s+(\d{4})(?:\s*г\.?)?", text)
    if match and match.group(1) in MONTHS:
        return datetime.date(int(match.group(2)), MONTHS[match.group(1)], 1)
    match = re.fullmatch(r"([a-zа-яё]+)\.?\s+\d{1,2},\s+(\d{4})", text)
    if match and match.group(1) in MONTHS:
        return datetime.date(int(match.group(2)), MONTHS[match.group(1)], 1)
    match = re.fullmatch(r"(\d{1,2})[./](\d{4})", text)
    if match and 1 <= int(match.group(1)) <= 12:
        return datetime.date(int(match.group(2)), int(match.group(1)), 1)
    match = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-\d{1,2})?", text)
    if match and 1 <= int(match.group(2)) <= 12:
        return datetime.date(int(match.group(1)), int(match.group(2)), 1)
    match = re.fullmatch(r"\d{1,2}[./](\d{1,2})[./](\d{4})", text)
    if match and 1 <= int(match.group(1)) <= 12:
        return datetime.date(int(match.group(2)), int(match.group(1)), 1)
    return None


_NOT_ASCII_DIGIT = re.compile(r"[^0-9]+")


def _normalise_phone(value: str) -> str:
    """:func:`vigil.core.crypto.normalise_phone`, with one regex instead of a loop over the
    characters when the text is ASCII (where "a digit" means 0-9 either way)."""
    stripped = value.strip()
    if not stripped.isascii():
        return normalise_phone(value)
    return ("+" if stripped.startswith("+") else "") + _NOT_ASCII_DIGIT.sub("", stripped)


def normalise_russian_phone(value: str) -> str:
    """'095-291-29-04' -> '+70952912904' (the old city code kept as given)."""
    match = PHONE_PART.search(value)
    part = match.group(0) if match else value
    base = _normalise_phone(part)
    if base.startswith("+"):
        return base
    digits = base
    if len(digits) == 11 and digits[0] in "78":
        return "+7" + digits[1:]
    if len(digits) >= 9:
        return "+7" + digits
    return digits


def _split_outside_brackets(value: str) -> list[str]:
    """Split at commas and semicolons that are not inside parentheses."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(value):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif char in ",;" and depth == 0:
            parts.append(value[start:index].strip())
            start = index + 1
    parts.append(value[start:].strip())
    return [part for part in parts if part]


#: "(hotline, Mon-Fri 9:00-21:00)" after a number: the number's note (it has letters).
PHONE_NOTE = re.compile(r"^(?P<v>.*?\d)\s*\((?P<note>[^()]*[^\W\d_][^()]*)\)\s*\.?$")
#: A second label inside a phone line: "(044) 254-28-31, Tel. (044) 254-29-76".
INNER_LABEL = re.compile(r"[,;]\s*(?=(?:tel|phone|fax|тел|факс)\b)", re.I)


def split_phone_note(part: str) -> tuple[str, str]:
    match = PHONE_NOTE.match(part.strip())
    if match:
        return match.group("v").strip(), match.group("note").strip()
    return part.strip(), ""


def _split_values(value: str, kind: str) -> list[str]:
    if kind in ("phone", "fax"):
        parts = _split_outside_brackets(value)
    elif kind == "email":
        parts = re.split(r"\s*[;,]\s*|\s+", value) if EMAIL_IN_TEXT.search(value) else [value]
        parts = [p for p in parts if p]
        if len(parts) > 1 and not all(EMAIL_IN_TEXT.fullmatch(p) for p in parts):
            parts = [value]
    else:
        parts = re.split(r"\s*[;,]\s*|\s+", value)
    return [p for p in parts if p.strip()] or [value]


def _channels(kinds: tuple[str, ...], value: str) -> list[ParsedChannel]:
    if "phone" in kinds or "fax" in kinds:
        first, *others = INNER_LABEL.split(value)
        if others:
            channels = _channels(kinds, first)
            for other in others:
                inner = _channel_match(other)
                channels += _channels(inner[0], inner[2]) if inner else _channels(kinds, other)
            return channels
    channels = []
    for kind in kinds:
        if kind == "email" and WITHHELD_EMAIL.search(value):
            channels.append(ParsedChannel(kind="email", value="", withheld=True))
            continue
        for part in _split_values(value, kind):
            note = ""
            if kind in ("phone", "fax"):
                part, note = split_phone_note(part)
            channel = ParsedChannel(kind=kind, value=part.strip(), note=note[:200])
            if kind == "email":
                found = EMAIL_IN_TEXT.search(part)
                channel.normalised = found.group(0).lower() if found else ""
            elif kind == "web":
                channel.normalised = part.strip().lower()
            channels.append(channel)
    return channels


def _frequency(text: str) -> str:
    match = FREQUENCY.search(text)
    if not match:
        return ""
    word = match.group(1)
    return word[0].upper() + word[1:].lower()


def _language(text: str) -> str:
    match = LANGUAGE.search(text)
    if match:
        return (match.group("lang") or match.group("lang2") or "").strip()
    match = LANGUAGE_RU.search(text)
    if not match:
        return ""
    words = match.group("lang").split()
    return " ".join(LANGUAGE_NOMINATIVE.get(word.casefold(), word) for word in words)


def _prepared_by(text: str) -> str:
    parts = []
    match = PREPARED_BY.search(text)
    if match:
        parts.append(match.group("who").strip())
    translated = TRANSLATED.search(text)
    if translated:
        parts.append(translated.group("what").strip())
    return "; ".join(parts)


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a pattern's source (``a|b(c|d)`` -> ``a``, ``b(c|d)``)."""
    parts: list[str] = []
    depth, start, in_class, escaped = 0, 0, False, False
    for index, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char in "()":
            depth += 1 if char == "(" else -1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:index])
            start = index + 1
    parts.append(pattern[start:])
    return parts


_LEADING_WORD = re.compile(r"[^\W\d_]+(?P<optional>[?*{])?")


def _required_prefix(alternative: str) -> str:
    """The letters every match of ``alternative`` starts with ("non" of "non-?governmental",
    "work" of "works?"); "" when it starts otherwise."""
    match = _LEADING_WORD.match(alternative)
    if match is None:
        return ""
    letters = match.group(0).rstrip("?*{")
    return letters[:-1] if match.group("optional") else letters


class _KeywordScan:
    """Every unanchored pattern of SECTION_KEYWORDS matched case-sensitively against the
    lower-cased paragraph (without IGNORECASE's per-character folding: twice as fast), one
    named group each, in two scans instead of eight ``findall`` calls:

    * the alternatives that start with ``\\b`` (nearly all) as one alternation tried only at
      the start of a word: a fifth of the positions of a scan that tries every letter;
    * the few that may match inside a word ("некоммерческ", "задач") as a second alternation,
      run only on paragraphs that hold one of their leading words (a substring test).

    No two of the patterns match overlapping text (different words; checked on the benchmark's
    30,000 paragraphs, the fixtures and the seeds: the same sections), so the counts are those
    of separate ``findall`` calls."""

    def __init__(self) -> None:
        at_word: list[str] = []
        in_word: list[str] = []
        self.weights: dict[str, tuple[str, int]] = {}
        self.in_word_prefixes: list[str] = []
        for section, patterns in SECTION_KEYWORDS.items():
            for pattern, weight in patterns:
                if pattern.pattern.startswith("^"):
                    continue
                name = f"k{len(self.weights)}"
                self.weights[name] = (section, weight)
                starts = _alternatives(pattern.pattern)
                bounded = [part for part in starts if part.startswith("\\b")]
                inside = [part for part in starts if not part.startswith("\\b")]
                if bounded:
                    at_word.append(f"(?P<{name}>{'|'.join(bounded)})")
                if inside:
                    in_word.append(f"(?P<{name}>{'|'.join(inside)})")
                    self.in_word_prefixes += [_required_prefix(part) for part in inside]
        if not all(self.in_word_prefixes):
            raise ValueError("a keyword that may match inside a word starts with no letters")
        self.at_word = re.compile(r"\b(?=\w)(?:" + "|".join(at_word) + ")")
        self.in_word = re.compile(r"(?=\w)(?:" + "|".join(in_word) + ")")

    def scores(self, paragraph: str) -> dict[str, int]:
        scores = dict.fromkeys(SECTION_KEYWORDS, 0)
        weights = self.weights
        low = paragraph.lower()
        for match in self.at_word.finditer(low):
            section, weight = weights[match.lastgroup]  # type: ignore[index]
            scores[section] += weight
        if any(prefix in low for prefix in self.in_word_prefixes):
            for match in self.in_word.finditer(low):
                section, weight = weights[match.lastgroup]  # type: ignore[index]
                scores[section] += weight
        return scores


_KEYWORDS = _KeywordScan()
#: The anchored patterns (a paragraph that starts with "Members ..."), matched as they are.
_ANCHORED_KEYWORDS = [
    (section, pattern, weight)
    for section, patterns in SECTION_KEYWORDS.items()
    for pattern, weight in patterns
    if pattern.pattern.startswith("^")
]


def _classify(paragraph: str) -> str:
    scores = _KEYWORDS.scores(paragraph)
    for section, pattern, weight in _ANCHORED_KEYWORDS:
        if pattern.match(paragraph):
            scores[section] += weight
    best = max(scores.values())
    if best == 0:
        return ""
    return next(section for section, score in scores.items() if score == best)


def _blocks(lines: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for number, text in lines:
        if text.strip():
            current.append((number, text.strip()))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks
