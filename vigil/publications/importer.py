"""Read press releases in the news service's printed format (like seed 001), losing nothing.

A release is, in order: header lines ("AMNESTY INTERNATIONAL", "External Document",
"AI Index: EUR 46/039/2003 (Public)", "News Service No: 126", the date, "Embargo Date: 28 May
2003 10:00 GMT"), the title, the body paragraphs, then the closing part: "Correspondence
address:" with the lines under it, the classification again ("Public Document"), the press
office's contact ("For more information please call ...") and closing lines (the
organisation's address, "For latest human rights news ...").

* One file is one document.  Files may be UTF-8, Windows-1251 or KOI8-R; the encoding is
  detected as the directory importer does (:func:`vigil.directory.importer.detect_encoding`).
* Nothing is lost: every non-blank line is mapped to a field (``ParsedDocument.trace``) or
  kept verbatim, with its number, in ``unparsed``; the whole text is kept in ``original_text``.
* A header that cannot be read (a bad index number, an unreadable date) is an
  :class:`ImportError_` naming the file and the line; the caller goes on with other files.

This module does not touch the database: :func:`vigil.publications.services.import_document`
writes.
"""

from __future__ import annotations

import datetime
import re
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from vigil.directory.importer import detect_encoding

from .indexnumbers import IndexNumber, parse_index_number

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

_DATE = r"(?P<day>\d{1,2})\s+(?P<month>[^\W\d_]+)\.?\s+(?P<year>\d{4})(?:\s*(?:г\.?|года))?"
ISSUER = re.compile(r"^(?:amnesty\s+international|международная\s+амнистия)$", re.I)
DISTRIBUTION = re.compile(
    r"^(?P<v>external|internal)\s+document$|^(?P<ru>внешний|внутренний)\s+документ$", re.I
)
INDEX_LINE = re.compile(
    r"^(?:A[Il1]|МА)\s+(?:Index|индекс)\s*(?:No\.?|№)?\s*:\s*(?P<index>[^()]*?)\s*"
    r"(?:\((?P<class>[^)]*)\))?\s*$",
    re.I,
)
NEWS_SERVICE = re.compile(
    r"^(?:news\s+service\s+(?:no|number)\.?|служба\s+новостей\s*(?:№|no\.?)?)\s*:?\s*"
    r"(?P<v>\S+)$",
    re.I,
)
DATE_LINE = re.compile(r"^" + _DATE + r"$", re.I)
EMBARGO = re.compile(r"^(?:embargo(?:ed)?(?:\s+date)?|эмбарго(?:\s+до)?)\s*:\s*(?P<v>.+)$", re.I)
EMBARGO_VALUE = re.compile(
    r"^" + _DATE + r"\s+(?P<hour>\d{1,2})[:.](?P<minute>\d{2})\s*(?P<zone>[A-Za-z_/+\-]+)?$", re.I
)
CORRESPONDENCE = re.compile(
    r"^(?:correspondence\s+address|адрес\s+для\s+переписки)\s*:\s*(?P<v>.*)$", re.I
)
CLASSIFICATION_LINE = re.compile(
    r"^(?P<v>public|internal)\s+document$|^(?P<ru>открытый|внутренний)\s+документ$", re.I
)
CONTACT = re.compile(
    r"^(?:for\s+more\s+information|for\s+further\s+information|"
    r"за\s+дополнительной\s+информацией|дополнительная\s+информация)",
    re.I,
)
CLOSING = re.compile(
    r"^(?:amnesty\s+international\s*,|for\s+latest\s+human\s+rights\s+news|ends\b|\\ends|"
    r"международная\s+амнистия\s*,|web\s*:)",
    re.I,
)
ENDS = re.compile(r"^\\?ends\b", re.I)
CLASSIFICATIONS = {
    "public": "public",
    "открытый": "public",
    "internal": "internal",
    "restricted": "internal",
    "внутренний": "internal",
}


class ImportError_(Exception):
    """A release that cannot be imported: which file, which line, and why."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}, line {line}: {message}")
        self.path, self.line, self.message = path, line, message


@dataclass
class ParsedDocument:
    source_name: str
    encoding: str
    fields: dict[str, Any] = field(default_factory=dict)
    #: line number -> the field it went to
    trace: dict[int, str] = field(default_factory=dict)
    unparsed: list[tuple[int, str]] = field(default_factory=list)
    original_text: str = ""

    @property
    def index(self) -> IndexNumber:
        return parse_index_number(self.fields["index_number"])


def _date(match: re.Match[str]) -> datetime.date:
    month = MONTHS.get(match["month"].casefold().rstrip("."))
    if month is None:
        raise ValueError(_("“%(month)s” is not a month") % {"month": match["month"]})
    return datetime.date(int(match["year"]), month, int(match["day"]))


def parse_embargo(text: str) -> tuple[datetime.datetime, str]:
    """ "28 May 2003 10:00 GMT" -> (aware datetime in UTC, zone name as stored)."""
    match = EMBARGO_VALUE.match(text.strip())
    if not match:
        raise ValueError(
            _("“%(value)s” is not a moment such as “28 May 2003 10:00 GMT”")
            % {"value": text.strip()}
        )
    zone_text = match["zone"] or "GMT"
    zone_name = ZONE_ALIASES.get(zone_text.upper(), zone_text)
    try:
        zone = zoneinfo.ZoneInfo(zone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(_("“%(zone)s” is not a time zone") % {"zone": zone_text}) from exc
    local = datetime.datetime.combine(
        _date(match), datetime.time(int(match["hour"]), int(match["minute"]))
    )
    return local.replace(tzinfo=zone).astimezone(datetime.UTC), zone_name


def detect_language(text: str) -> str:
    letters = [ch for ch in text if ch.isalpha()]
    cyrillic = sum(1 for ch in letters if "\u0400" <= ch <= "\u04ff")
    return "ru" if letters and cyrillic / len(letters) > 0.3 else "en"


def read_file(path: str | Path) -> ParsedDocument:
    """Read and parse one file; OSError when it cannot be read, ImportError_ when malformed."""
    raw = Path(path).read_bytes()
    encoding = detect_encoding(raw[: 64 * 1024]) if raw else "utf-8"
    if b"\x00" in raw:
        raise ImportError_(str(path), 1, _("this is not a text file"))
    text = raw.decode(encoding, errors="replace")
    return parse_text(text, source_name=str(path), encoding=encoding)


def parse_text(text: str, *, source_name: str, encoding: str = "utf-8") -> ParsedDocument:
    """Map every line of one release; raise ImportError_ naming the line on a bad header."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    parsed = ParsedDocument(source_name=source_name, encoding=encoding, original_text=text)
    fields = parsed.fields
    lines = text.split("\n")
    state = "header"
    body: list[str] = []
    paragraph: list[str] = []
    address: list[str] = []
    contacts: list[str] = []
    closing: list[str] = []

    def fail(number: int, message: str) -> ImportError_:
        return ImportError_(source_name, number, message)

    def end_paragraph() -> None:
        if paragraph:
            body.append(" ".join(paragraph))
            paragraph.clear()

    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            end_paragraph()
            if state == "address":
                state = "closing"
            continue
        if state == "header":
            if ISSUER.match(line) and "issuer" not in fields:
                fields["issuer"] = line
                parsed.trace[number] = "issuer"
            elif match := DISTRIBUTION.match(line):
                fields["distribution"] = line
                parsed.trace[number] = "distribution"
            elif match := INDEX_LINE.match(line):
                try:
                    fields["index_number"] = str(parse_index_number(match["index"]))
                except ValidationError as exc:
                    raise fail(number, " ".join(exc.messages)) from exc
                label = (match["class"] or "").strip().casefold()
                if label:
                    if label not in CLASSIFICATIONS:
                        raise fail(
                            number,
                            _("“%(value)s” is not a classification (Public or Internal)")
                            % {"value": match["class"]},
                        )
                    fields["classification"] = CLASSIFICATIONS[label]
                parsed.trace[number] = "index_number"
            elif match := NEWS_SERVICE.match(line):
                fields["news_service_number"] = match["v"]
                parsed.trace[number] = "news_service_number"
            elif match := EMBARGO.match(line):
                try:
                    fields["embargo_at"], fields["embargo_zone"] = parse_embargo(match["v"])
                except ValueError as exc:
                    raise fail(number, str(exc)) from exc
                parsed.trace[number] = "embargo_at"
            elif (match := DATE_LINE.match(line)) and "date" not in fields:
                try:
                    fields["date"] = _date(match)
                except ValueError as exc:
                    raise fail(number, str(exc)) from exc
                parsed.trace[number] = "date"
            elif "index_number" not in fields:
                parsed.unparsed.append((number, raw.rstrip()))
            else:
                fields["title"] = line
                parsed.trace[number] = "title"
                state = "body"
            continue
        if match := CORRESPONDENCE.match(line):
            end_paragraph()
            if match["v"]:
                address.append(match["v"])
            parsed.trace[number] = "correspondence_address"
            state = "address"
        elif match := CLASSIFICATION_LINE.match(line):
            end_paragraph()
            label = (match["v"] or match["ru"]).casefold()
            fields.setdefault("classification", CLASSIFICATIONS[label])
            if fields["classification"] != CLASSIFICATIONS[label]:
                raise fail(number, _("the classification here differs from the header's"))
            parsed.trace[number] = "classification"
            state = "closing"
        elif state == "address":
            address.append(line)
            parsed.trace[number] = "correspondence_address"
        elif CONTACT.match(line) and state in {"body", "closing"}:
            end_paragraph()
            contacts.append(line)
            parsed.trace[number] = "contacts"
            state = "closing"
        elif CLOSING.match(line) and (state == "closing" or ENDS.match(line)):
            end_paragraph()
            closing.append(line)
            parsed.trace[number] = "closing_lines"
            state = "closing"
        elif state == "closing":
            parsed.unparsed.append((number, raw.rstrip()))
        else:
            paragraph.append(line)
            parsed.trace[number] = "body"
    end_paragraph()

    if "index_number" not in fields:
        raise fail(1, _("no “AI Index:” line in the header"))
    if "title" not in fields:
        raise fail(len(lines), _("no title after the header"))
    fields["body"] = "\n\n".join(body)
    fields["correspondence_address"] = "\n".join(address)
    fields["contacts"] = "\n".join(contacts)
    fields["closing_lines"] = "\n".join(closing)
    fields.setdefault("classification", "public")
    fields["language"] = detect_language(fields["title"] + " " + fields["body"])
    fields["doc_type"] = guess_type(fields)
    return parsed


def guess_type(fields: dict[str, Any]) -> str:
    """A release with a news-service number is a news release; "UA" titles are urgent actions."""
    title = fields["title"].casefold()
    if fields.get("news_service_number"):
        return "news_release"
    if title.startswith(("ua ", "urgent action", "срочная акция")):
        return "urgent_action"
    if "annual report" in title or "ежегодный доклад" in title:
        return "annual_report"
    if "bulletin" in title or "бюллетень" in title:
        return "bulletin"
    return "report"
