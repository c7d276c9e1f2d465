"""Read press releases in the news service's printed formats, losing nothing.

A release is: header lines (the issuer, banners, the index number, the news-service number,
the date and the embargo, in any order and several to a line: see :mod:`.releaseheader`), the
title, the body paragraphs, then the closing part: "Correspondence address:" with the lines
under it, the classification again ("Public Document"), the press office's contact ("For more
information please call ...") and closing lines ("ENDS", the organisation's address).  Mirrors
put "Document - Title" first, or "Source:" and "Date:", and sometimes the index at the end.

* One file is one document.  Files may be UTF-8, Windows-1251 or KOI8-R; the encoding is
  detected as the directory importer does (:func:`vigil.directory.importer.detect_encoding`).
  HTML, PDF, folders and zips are turned into text by :mod:`.sources`.
* Nothing is lost: every non-blank line is mapped to a field (``ParsedDocument.trace``) or
  kept verbatim, with its number, in ``unparsed``; the whole text is kept in ``original_text``.
* What the importer is unsure of (an index printed without its prefix, no date, an embargo or
  classification it cannot read) is listed in ``review_reasons``: the document is stored as a
  draft for staff to review, never published as it is.
* A file with no index number or no title is an :class:`ImportError_` naming the file and the
  line; the caller goes on with other files.

This module does not touch the database: :func:`vigil.publications.services.import_document`
writes.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigil.directory.importer import detect_encoding

from .indexnumbers import IndexNumber, parse_index_number
from .releaseheader import (
    CLASSIFICATION_LINE,
    CLASSIFICATIONS,
    MONTHS,
    SEPARATOR,
    UNKNOWN_LABEL,
    HeaderLine,
    parse_moment,
    read_header_line,
)

__all__ = ["MONTHS", "ImportError_", "ParsedDocument", "parse_text", "read_file"]

CORRESPONDENCE = re.compile(
    r"^(?:correspondence\s+address|адрес\s+для\s+переписки)\s*:\s*(?P<v>.*)$", re.I
)
CONTACT = re.compile(
    r"^(?:for\s+more\s+information|for\s+further\s+information|"
    r"за\s+дополнительной\s+информацией|дополнительная\s+информация)",
    re.I,
)
CLOSING = re.compile(
    r"^(?:amnesty\s+international\s*,|for\s+latest\s+human\s+rights\s+news|\\?ends\b|"
    r"международная\s+амнистия\s*,|web\s*:|\*{3,}$|-{3,}$)",
    re.I,
)
ENDS = re.compile(r"^\\?ends\b|^конец\b", re.I)

#: Why a document waits for review, as staff read it.
REVIEW_REASONS = {
    "index_without_prefix": gettext_lazy("the index number was printed without its region prefix"),
    "no_date": gettext_lazy("no date was found in the header"),
    "embargo_unreadable": gettext_lazy("the embargo line could not be read"),
    "classification_unknown": gettext_lazy("the classification could not be read"),
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
    #: Codes of :data:`REVIEW_REASONS`: why staff should look before it is published.
    review_reasons: list[str] = field(default_factory=list)

    @property
    def index(self) -> IndexNumber:
        return parse_index_number(self.fields["index_number"])


def detect_language(text: str) -> str:
    letters = [ch for ch in text if ch.isalpha()]
    cyrillic = sum(1 for ch in letters if "\u0400" <= ch <= "\u04ff")
    return "ru" if letters and cyrillic / len(letters) > 0.3 else "en"


def decode(raw: bytes, source_name: str) -> tuple[str, str]:
    """Bytes of a text file -> (text, encoding); ImportError_ for a binary file."""
    if b"\x00" in raw:
        raise ImportError_(source_name, 1, _("this is not a text file"))
    encoding = detect_encoding(raw[: 64 * 1024]) if raw else "utf-8"
    return raw.decode(encoding, errors="replace"), encoding


def read_file(path: str | Path) -> ParsedDocument:
    """Read and parse one text file; OSError when it cannot be read, ImportError_ when
    malformed."""
    text, encoding = decode(Path(path).read_bytes(), str(path))
    return parse_text(text, source_name=str(path), encoding=encoding)


class _Reader:
    """One pass over the lines of a release: header, title, body, closing part."""

    def __init__(self, parsed: ParsedDocument) -> None:
        self.parsed = parsed
        self.fields = parsed.fields
        self.state = "before"  # before -> header -> body -> address/closing
        self.body: list[str] = []
        self.paragraph: list[str] = []
        self.address: list[str] = []
        self.contacts: list[str] = []
        self.closing: list[str] = []
        self.banners: list[str] = []
        self.title_lines: list[str] = []
        self.kind_hint = ""

    def place(self, number: int, name: str) -> None:
        self.parsed.trace[number] = name

    def keep(self, number: int, raw: str) -> None:
        self.parsed.unparsed.append((number, raw.rstrip()))

    def end_paragraph(self) -> None:
        if self.paragraph:
            self.body.append(" ".join(self.paragraph))
            self.paragraph.clear()

    def take_facts(self, number: int, header: HeaderLine) -> None:
        """Store a header line's facts; the first of each wins, as printed on top."""
        if header.error:
            raise ImportError_(self.parsed.source_name, number, header.error)
        facts = header.facts
        for problem in header.problems:
            self.review(problem)
        if hint := facts.pop("kind_hint", ""):
            self.kind_hint = hint
        if banner := facts.pop("banner", ""):
            self.banners.append(banner)
        for name, value in facts.items():
            if name == "title":
                self.title_lines = [value]
            else:
                self.fields.setdefault(name, value)
        names = [n for n in facts if n not in {"index_as_printed", "embargo_zone"}]
        self.place(number, ",".join(names) or header.kind)

    def review(self, reason: str) -> None:
        if reason not in self.parsed.review_reasons:
            self.parsed.review_reasons.append(reason)

    def line(self, number: int, raw: str, line: str, next_line: str) -> None:
        if self.state in {"before", "header"}:
            self.header_line(number, raw, line, next_line)
        else:
            self.body_line(number, raw, line)

    def header_line(self, number: int, raw: str, line: str, next_line: str) -> None:
        header = read_header_line(line, self.fields.get("date"))
        if header is not None:
            self.take_facts(number, header)
            self.state = "header"
            return
        if self.state == "before" or (UNKNOWN_LABEL.match(line) and not self.title_lines):
            self.keep(number, raw)  # mail headers, "Distribution: SC/CO/GR", a site's menu
            return
        if self.title_lines and "index_number" not in self.fields and _shouted(line):
            self.keep(number, raw)  # "RUSSIAN FEDERATION" above a mirror's header
            return
        if self.title_lines:  # "Document - Title" gave it: this is the first paragraph
            self.state = "body"
            self.body_line(number, raw, line)
            return
        self.title_lines = [line]
        self.place(number, "title")
        self.state = "title"
        if _shouted(line) and next_line and _shouted(next_line):
            self.state = "title_wrapped"

    def body_line(self, number: int, raw: str, line: str) -> None:
        if self.state == "title_wrapped":
            self.title_lines.append(line)
            self.place(number, "title")
            self.state = "title"
            return
        if self.state == "title":
            self.state = "body"
        if not {"index_number", "date", "news_service_number"} <= set(self.fields):
            header = read_header_line(line, self.fields.get("date"))
            if header is not None and header.kind == "facts" and _fills_gap(header, self.fields):
                self.end_paragraph()
                self.take_facts(number, header)  # an index or date printed at the end
                return
        if match := CORRESPONDENCE.match(line):
            self.end_paragraph()
            if match["v"]:
                self.address.append(match["v"])
            self.place(number, "correspondence_address")
            self.state = "address"
        elif match := CLASSIFICATION_LINE.match(line):
            self.end_paragraph()
            label = (match["v"] or match["ru"]).casefold()
            self.fields.setdefault("classification", CLASSIFICATIONS[label])
            if self.fields["classification"] != CLASSIFICATIONS[label]:
                self.review("classification_unknown")
            self.place(number, "classification")
            self.state = "closing"
        elif self.state == "address":
            self.address.append(line)
            self.place(number, "correspondence_address")
        elif CONTACT.match(line) and self.state in {"body", "closing"}:
            self.end_paragraph()
            self.contacts.append(line)
            self.place(number, "contacts")
            self.state = "closing"
        elif CLOSING.match(line) and (
            self.state == "closing" or ENDS.match(line) or SEPARATOR.match(line)
        ):
            self.end_paragraph()
            self.closing.append(line)
            self.place(number, "closing_lines")
            self.state = "closing"
        elif self.state == "closing":
            self.keep(number, raw)
        else:
            self.paragraph.append(line)
            self.place(number, "body")

    def blank(self) -> None:
        self.end_paragraph()
        if self.state == "address":
            self.state = "closing"
        elif self.state == "title_wrapped":
            self.state = "title"


def _shouted(line: str) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) > 3 and all(ch.isupper() for ch in letters)


def _fills_gap(header: HeaderLine, fields: dict[str, Any]) -> bool:
    """A line of facts after the title is taken when it only adds what the header lacked
    (mirrors print the index and service number after "ENDS")."""
    names = set(header.facts) - {"index_as_printed", "embargo_zone", "classification"}
    if names == {"date"}:
        return "date" not in fields and "index_number" in fields
    return bool(names) and not names & set(fields)


def parse_text(text: str, *, source_name: str, encoding: str = "utf-8") -> ParsedDocument:
    """Map every line of one release; raise ImportError_ when it has no index or no title."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    parsed = ParsedDocument(source_name=source_name, encoding=encoding, original_text=text)
    reader = _Reader(parsed)
    lines = text.split("\n")
    for number, raw in enumerate(lines, start=1):
        line = " ".join(raw.split())
        if not line:
            reader.blank()
            continue
        following = " ".join(lines[number].split()) if number < len(lines) else ""
        reader.line(number, raw, line, following)
    reader.end_paragraph()
    return _finish(reader, len(lines))


def _finish(reader: _Reader, line_count: int) -> ParsedDocument:
    parsed, fields = reader.parsed, reader.fields
    name = parsed.source_name
    index = fields.pop("index_number", None)
    if index is None:
        raise ImportError_(
            name, 1, _("no index number (such as “AI Index: EUR 46/039/2003”) was found")
        )
    if not reader.title_lines:
        raise ImportError_(name, line_count, _("no title after the header"))
    fields["index_number"] = str(index)
    fields.setdefault("index_as_printed", str(index))
    if not index.certain:
        reader.review("index_without_prefix")
    if pending := fields.pop("embargo_pending", None):
        try:
            fields["embargo_at"], fields["embargo_zone"] = parse_moment(pending, fields.get("date"))
        except ValueError:
            reader.review("embargo_unreadable")
    if "date" not in fields and "embargo_at" in fields:
        # A release printed with its embargo only is dated by it (in the announced zone).
        fields["date"] = (
            fields["embargo_at"].astimezone(zoneinfo.ZoneInfo(fields["embargo_zone"])).date()
        )
    if "date" not in fields:
        reader.review("no_date")
    fields["title"] = " ".join(reader.title_lines)[:500]
    fields["banner"] = "\n".join(reader.banners)
    fields["body"] = "\n\n".join(reader.body)
    fields["correspondence_address"] = "\n".join(reader.address)
    fields["contacts"] = "\n".join(reader.contacts)
    fields["closing_lines"] = "\n".join(reader.closing)
    if "embargo_unreadable" in parsed.review_reasons or (
        "classification_unknown" in parsed.review_reasons
    ):
        fields["classification"] = "internal"
    fields.setdefault("classification", "public")
    fields["language"] = detect_language(fields["title"] + " " + fields["body"])
    fields["doc_type"] = guess_type(fields, reader.kind_hint)
    return parsed


def guess_type(fields: dict[str, Any], kind_hint: str = "") -> str:
    """Urgent actions and annual reports by their titles; a release with a news-service number
    or a news-release banner is a news release; anything else a report."""
    title = fields["title"].casefold()
    if re.match(r"^(?:ua|extra)\s+\d|^urgent\s+action|^срочная\s+акция", title):
        return "urgent_action"
    if fields.get("news_service_number") or kind_hint == "news_release":
        return "news_release"
    if re.search(
        r"annual\s+report|amnesty\s+international\s+report\s+\d{4}|ежегодный\s+доклад", title
    ):
        return "annual_report"
    if "bulletin" in title or "бюллетень" in title:
        return "bulletin"
    return "report"
