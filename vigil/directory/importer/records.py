"""What the importer reads an entry into: plain data, no database."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# --- data -----------------------------------------------------------------------------------
#: Entries less sure than this go to the review queue as drafts.
REVIEW_BELOW = 70


@dataclass
class ParsedChannel:
    kind: str
    value: str
    normalised: str = ""
    withheld: bool = False
    #: What the source says after the number: "(hotline, Mon-Fri 9:00-21:00)".
    note: str = ""


@dataclass
class ParsedOffice:
    label: str = ""
    city: str = ""
    postal_code: str = ""
    street_lines: list[str] = field(default_factory=list)
    po_box: str = ""
    channels: list[ParsedChannel] = field(default_factory=list)


@dataclass
class ParsedContact:
    name: str
    role: str = ""
    office: int | None = None
    channels: list[ParsedChannel] = field(default_factory=list)


@dataclass
class ParsedPublication:
    title: str
    frequency: str = ""
    language: str = ""
    description: str = ""
    prepared_by: str = ""


@dataclass
class ParsedEntry:
    """One organisation as read from the text; line numbers count from the file's start."""

    name_en: str = ""
    name_ru: str = ""
    offices: list[ParsedOffice] = field(default_factory=list)
    contacts: list[ParsedContact] = field(default_factory=list)
    mission: str = ""
    history: str = ""
    activities: str = ""
    membership: str = ""
    publications: list[ParsedPublication] = field(default_factory=list)
    attribution: str = ""
    source: str = ""
    sponsor: str = ""
    source_url: str = ""
    last_updated: datetime.date | None = None
    #: Region slugs, from the "Return to the ... Page." lines.
    regions: list[str] = field(default_factory=list)
    #: (line number, text as written) of every line no field took.
    unparsed: list[tuple[int, str]] = field(default_factory=list)
    #: line number -> where the line went ("offices[0].channels[1]", "mission", "unparsed", ...).
    trace: dict[int, str] = field(default_factory=dict)
    original_text: str = ""
    source_encoding: str = ""
    path: str = ""
    first_line: int = 1
    #: How sure the importer is of the whole entry, 0-100 (see :attr:`needs_review`).
    confidence: int = 100
    #: Why staff should look at the entry, as codes ("first_line", "name_in_text", ...: the
    #: parser's REASON_* constants; their labels are in vigil.directory.import_reasons).
    review_reasons: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.name_en or self.name_ru

    @property
    def needs_review(self) -> bool:
        """Unsure entries are imported as drafts for staff, never published."""
        return self.confidence < REVIEW_BELOW

    @property
    def unparsed_lines(self) -> list[str]:
        return [text for _number, text in self.unparsed]


@dataclass
class EntryError:
    """A file or an entry that could not be read: the message names the file and the line."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return _("%(path)s, line %(line)d: %(message)s") % {
            "path": self.path,
            "line": self.line,
            "message": self.message,
        }


class MalformedEntry(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message
