"""The header lines of a press release, in every form the news service printed since the 1990s.

A header line is made only of facts: the index number ("AI Index: EUR 46/039/2003 (Public)",
"AI INDEX: EUR 46/34/99", OCR's "Al Index", "ASA 11/012/2001" without a label, "21/139/99"
without a prefix), the news-service number ("News Service No: 126", "News Service: 185/99",
"News Service 168/99"), the date ("28 May 2003", "June 12, 1998", "Thursday 12 June 1998",
"15 апреля 2002 г.") and the embargo ("Embargo Date: 28 May 2003 10:00 GMT", "EMBARGOED FOR
0001 HRS GMT WEDNESDAY 10 DECEMBER 1997", "Embargoed until 10.00 hrs BST, 4 July 2002"), several
of them on one line in any order.  :func:`read_header_line` finds them and says whether anything
else is left on the line: a line with words left over is not a header line (it is a title or a
sentence that mentions an index number).  Whole-line forms (the issuer, banners "* … *",
"Document - Title", "Source:", "External Document") are recognised here too.
"""

from __future__ import annotations

import datetime
import re
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .indexnumbers import PREFIXES, parse_index_number

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan", "января", "январь"),
            ("february", "feb", "февраля", "февраль"),
            ("march", "mar", "марта", "март"),
            ("april", "apr", "апреля", "апрель"),
            ("may", "мая", "май"),
            ("june", "jun", "июня", "июнь"),
            ("july", "jul", "июля", "июль"),
            ("august", "aug", "августа", "август"),
            ("september", "sep", "sept", "сентября", "сентябрь"),
            ("october", "oct", "октября", "октябрь"),
            ("november", "nov", "ноября", "ноябрь"),
            ("december", "dec", "декабря", "декабрь"),
        ],
        start=1,
    )
    for name in names
}
#: Zone abbreviations as printed on releases, mapped to IANA names ("GMT" is one already).
ZONE_ALIASES = {
    "GMT": "GMT",
    "UTC": "UTC",
    "BST": "Europe/London",
    "MSK": "Europe/Moscow",
    "MSD": "Europe/Moscow",
    "CET": "Europe/Paris",
    "CEST": "Europe/Paris",
    "EST": "America/New_York",
    "EDT": "America/New_York",
}
CLASSIFICATIONS = {
    "public": "public",
    "открытый": "public",
    "internal": "internal",
    "restricted": "internal",
    "внутренний": "internal",
}

_WEEKDAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
_DAY_FIRST = re.compile(
    _WEEKDAY + r"(?<!\d)(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<month>[^\W\d_]{3,})\.?,?\s+"
    r"(?P<year>\d{4})(?!\d)(?:\s*(?:г\.|года|г(?!\w)))?",
    re.I,
)
_MONTH_FIRST = re.compile(
    _WEEKDAY + r"(?P<month>[A-Za-z]{3,})\.?\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})(?!\d)", re.I
)
_INDEX_CORE = (
    r"(?P<index>(?:(?P<prefix>[A-Za-z]{3})[\s\-]*)?\d{1,2}\s*/\s*\d{1,3}\s*/\s*(?:\d{4}|\d{2}))"
    r"(?![\d/])"
)
INDEX_LABELLED = re.compile(
    r"(?:A[Il1]|МА)[\s\-]*(?:index|индекс)(?:\s*(?:no\.?|nr\.?|number|№))?\s*[:.]?\s*"
    + _INDEX_CORE
    + r"(?:\s*\((?P<class>[^)]*)\))?",
    re.I,
)
INDEX_BARE = re.compile(
    r"(?<![\w/])(?P<index>(?:" + "|".join(PREFIXES) + r")\s*\d{1,2}/\d{1,3}/(?:\d{4}|\d{2}))"
    r"(?![\d/])(?:\s*\((?P<class>[^)]*)\))?"
)
NEWS_SERVICE = re.compile(
    r"(?:news\s+service|служба\s+новостей)(?:\s*(?:no\.?|nr\.?|number|№))?\s*[:.]?\s*"
    r"(?P<number>\d{1,4}(?:\s*/\s*\d{2,4})?)(?![\d/])",
    re.I,
)
EMBARGO = re.compile(
    r"(?:embargo(?:ed)?(?:\s+date)?(?:\s+for(?:\s+release)?|\s+until|\s+till)?"
    r"|not\s+for\s+(?:publication|release)\s+(?:before|until)|эмбарго(?:\s+до)?)"
    r"\s*[:.\-]?\s*(?P<value>.*)$",
    re.I,
)
_TIME = re.compile(
    r"(?<![\d/])(?:(?P<hour>\d{1,2})[:.](?P<minute>\d{2})|(?P<hhmm>\d{4})(?=\s*(?:hrs?|hours|"
    + "|".join(ZONE_ALIASES)
    + r")))(?!\d)\s*(?:hrs?\b|hours\b)?\s*(?P<ampm>[ap]\.?m\b\.?)?",
    re.I,
)
_ZONE = re.compile(r"(?<![A-Za-z])(?P<zone>" + "|".join(ZONE_ALIASES) + r")(?![A-Za-z])")
#: Words an embargo line may hold besides its moment ("0001 HRS GMT WEDNESDAY 10 DECEMBER").
_MOMENT_WORDS = re.compile(
    r"(?<![^\W\d_])(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|hrs?|hours|on|at|for|"
    r"release|until|till|date|time|local|london)(?![^\W\d_])",
    re.I,
)
#: What may be left on a header line once its facts are taken out.
_FILLER = re.compile(r"^[\s\-–—|,;:*()/.\\]*$")

ISSUER = re.compile(
    r"^(?:amnesty\s+international|международная\s+амнистия)"
    r"(?:\s+(?:news\s+release|press\s+release|public\s+statement|international\s+secretariat))?$"
    r"|^(?:news|press)\s+release\s+issued\s+by\s+the\s+international\s+secretariat\s+of\s+"
    r"(?:amnesty\s+international|международной\s+амнистии)\.?$",
    re.I,
)
RELEASE_KIND = re.compile(
    r"^(?:news\s+release|press\s+release|public\s+statement|news\s+service|"
    r"пресс-релиз|заявление\s+для\s+прессы|публичное\s+заявление)$",
    re.I,
)
DISTRIBUTION = re.compile(
    r"^(?:external|internal)\s+document$|^(?:внешний|внутренний)\s+документ$", re.I
)
CLASSIFICATION_LINE = re.compile(
    r"^(?P<v>public|internal)\s+document$|^(?P<ru>открытый|внутренний)\s+документ$", re.I
)
DOCUMENT_TITLE = re.compile(r"^document\s+[-–—]\s+(?P<title>\S.*)$", re.I)
SOURCE_LINE = re.compile(r"^(?:source|источник)\s*:\s*(?P<v>\S.*)$", re.I)
DATE_LABEL = re.compile(r"^(?:date|дата)\s*:\s*", re.I)
BANNER = re.compile(r"^\*+\s*(?P<inner>[^*]*?)\s*\*+$")
SEPARATOR = re.compile(r"^[\s\-–—=*_~#]{3,}$")
#: "Distribution: SC/CO/GR": a label and a code, not a title.
UNKNOWN_LABEL = re.compile(r"^[^\W\d_]+(?:\s[^\W\d_]+)?\s*:\s*\S+$")


@dataclass
class HeaderLine:
    """What one header line says: ``facts`` maps field names to values; ``kind`` names a
    whole-line form ("issuer", "banner", "document_title", "separator" ...)."""

    facts: dict[str, Any] = field(default_factory=dict)
    kind: str = "facts"
    #: Why a fact could not be read (an embargo with no moment, an unknown classification).
    problems: list[str] = field(default_factory=list)
    #: A labelled index that is not one ("AI Index: XYZ 46/039/2003"): the file is refused.
    error: str = ""


def month_number(text: str) -> int | None:
    return MONTHS.get(text.casefold().rstrip("."))


def find_date(text: str) -> tuple[datetime.date, tuple[int, int]] | None:
    """The first real date in ``text`` and its span ("12 Mayday 1999" is none)."""
    for pattern in (_DAY_FIRST, _MONTH_FIRST):
        for match in pattern.finditer(text):
            month = month_number(match["month"])
            if month is None:
                continue
            try:
                day = datetime.date(int(match["year"]), month, int(match["day"]))
            except ValueError:
                continue
            return day, match.span()
    return None


def parse_moment(
    text: str, default_date: datetime.date | None = None
) -> tuple[datetime.datetime, str]:
    """An embargo in any order ("28 May 2003 09:00GMT", "0001 HRS GMT WEDNESDAY 10 DECEMBER
    1997", "10.00 hrs BST, 4 July 2002") -> (aware datetime in UTC, zone name as stored).
    Without a date the release's own date is used; without an hour, midnight."""
    found = find_date(text)
    day = found[0] if found else default_date
    if day is None:
        raise ValueError(
            _("“%(value)s” is not a moment such as “28 May 2003 10:00 GMT”") % {"value": text}
        )
    rest = text[: found[1][0]] + " " + text[found[1][1] :] if found else text
    hour = minute = 0
    if time := _TIME.search(rest):
        if time["hhmm"]:
            hour, minute = int(time["hhmm"][:2]), int(time["hhmm"][2:])
        else:
            hour, minute = int(time["hour"]), int(time["minute"])
        ampm = (time["ampm"] or "").lower().replace(".", "")
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        rest = rest[: time.start()] + " " + rest[time.end() :]
    if not (0 <= hour <= 24 and 0 <= minute < 60):
        raise ValueError(_("“%(value)s” is not a time of day") % {"value": text})
    zone_match = _ZONE.search(rest)
    zone_text = zone_match["zone"] if zone_match else "GMT"
    if zone_match:
        rest = rest[: zone_match.start()] + " " + rest[zone_match.end() :]
    if not _FILLER.match(_MOMENT_WORDS.sub(" ", rest)):
        raise ValueError(
            _("“%(value)s” is not a moment such as “28 May 2003 10:00 GMT”") % {"value": text}
        )
    zone_name = ZONE_ALIASES[zone_text]
    local = datetime.datetime.combine(day, datetime.time(0, 0)) + datetime.timedelta(
        hours=hour, minutes=minute
    )
    return local.replace(tzinfo=zoneinfo.ZoneInfo(zone_name)).astimezone(datetime.UTC), zone_name


def _classification(label: str | None, problems: list[str]) -> str | None:
    text = (label or "").strip().casefold()
    if not text:
        return None
    for word, value in CLASSIFICATIONS.items():
        if text.startswith(word):
            return value
    problems.append("classification_unknown")
    return "internal"


def _index(match: re.Match[str], header: HeaderLine, labelled: bool) -> bool:
    facts = header.facts
    try:
        number = parse_index_number(match["index"])
    except ValidationError as exc:
        if labelled:
            header.error = " ".join(exc.messages)
        return False
    facts["index_number"] = number
    facts["index_as_printed"] = " ".join(match["index"].split())
    if (value := _classification(match["class"], header.problems)) is not None:
        facts["classification"] = value
    return True


def _mask(text: str, span: tuple[int, int]) -> str:
    return text[: span[0]] + " " * (span[1] - span[0]) + text[span[1] :]


def read_facts(line: str, default_date: datetime.date | None = None) -> HeaderLine | None:
    """The facts of a header line, or None when words are left over."""
    header = HeaderLine()
    facts, rest = header.facts, line
    for pattern in (INDEX_LABELLED, INDEX_BARE):
        match = pattern.search(rest)
        if match and "index_number" not in facts:
            if _index(match, header, pattern is INDEX_LABELLED):
                rest = _mask(rest, match.span())
            elif header.error:
                return header
    if match := NEWS_SERVICE.search(rest):
        facts["news_service_number"] = re.sub(r"\s+", "", match["number"])
        rest = _mask(rest, match.span())
    if match := EMBARGO.search(rest):
        value = match["value"].strip(" *-–—:.,")
        try:
            facts["embargo_at"], facts["embargo_zone"] = parse_moment(value, default_date)
        except ValueError:
            if not (_TIME.search(value) or _ZONE.search(value)):
                return None  # "Embargoed reports are ..." is a sentence, not a header
            facts["embargo_pending"] = value  # an hour whose date comes later in the header
        rest = _mask(rest, match.span())
    if found := find_date(rest):
        facts["date"] = found[0]
        rest = _mask(rest, found[1])
    if not facts or not _FILLER.match(rest):
        return None
    return header


def read_header_line(line: str, default_date: datetime.date | None = None) -> HeaderLine | None:
    """Recognise one stripped, non-blank header line; None when it is not one."""
    if SEPARATOR.match(line):
        return HeaderLine(kind="separator")
    if banner := BANNER.match(line):
        inner = banner["inner"]
        found = read_header_line(inner, default_date) if inner else None
        if found is not None and found.kind != "separator":
            return found
        return HeaderLine({"banner": inner} if inner else {}, kind="banner")
    if ISSUER.match(line):
        kind_hint = "news_release" if re.search(r"release|statement", line, re.I) else ""
        return HeaderLine({"issuer": line, "kind_hint": kind_hint}, kind="issuer")
    if RELEASE_KIND.match(line):
        return HeaderLine({"kind_hint": "news_release", "banner": line}, kind="banner")
    if DISTRIBUTION.match(line):
        return HeaderLine({"distribution": line}, kind="distribution")
    if match := CLASSIFICATION_LINE.match(line):
        label = (match["v"] or match["ru"]).casefold()
        return HeaderLine({"classification": CLASSIFICATIONS[label]}, kind="classification")
    if match := DOCUMENT_TITLE.match(line):
        return HeaderLine({"title": match["title"].strip()}, kind="document_title")
    if match := SOURCE_LINE.match(line):
        if ISSUER.match(match["v"].strip()):
            return HeaderLine({"issuer": match["v"].strip()}, kind="issuer")
        return None
    if label := DATE_LABEL.match(line):
        dated = find_date(line[label.end() :])
        if dated and _FILLER.match(_mask(line[label.end() :], dated[1])):
            return HeaderLine({"date": dated[0]})
        return None
    return read_facts(line, default_date)
