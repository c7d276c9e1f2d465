"""Read handbook-style directory entries (like seed 000) into plain data, losing nothing.

An entry is the text of one organisation as the 1990s "Post-Soviet Handbook" printed it: the
name, one or more address blocks with phones, faxes and e-mails, named contacts, description
paragraphs, publications, who sent it, "Return to the ... Page." lines and "Last updated:".

* Files may be UTF-8, Windows-1251 or KOI8-R; :func:`detect_encoding` decides from a sample
  (UTF-8 strict first, then Cyrillic letter frequencies).
* A file may hold many entries: one ends after its "Last updated:" line, at a line of ``=====``
  or at a form feed.  :class:`HandbookFile` streams the file line by line and keeps one entry's
  lines at a time, so memory stays flat however large the file is.
* Nothing is lost: every non-blank line is either mapped to a field (``ParsedEntry.trace`` says
  where) or kept verbatim in ``unparsed_lines`` with its line number, and the entry's whole text
  is kept in ``original_text``.

This module does not touch the database: :func:`vigil.directory.services.import_entry` writes.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from vigil.core.crypto import normalise_phone

from .regions import REGION_TREE

SAMPLE_BYTES = 64 * 1024
#: Bytes of a file decoded at a time (whole lines).
READ_BLOCK = 32 * 1024
#: Lines longer than this are not an address line but prose.
PROSE_LENGTH = 100

# --- regions and Russia ---------------------------------------------------------------------
_PARENT = {slug: parent for slug, parent, *_rest in REGION_TREE}
#: "Moscow Organizations" -> "moscow" (case-folded names the "Return to the ... Page" lines use).
REGION_BY_SOURCE_NAME: dict[str, str] = {
    name.casefold(): slug for slug, *_rest, names in REGION_TREE for name in names
}


def _in_russia(slug: str) -> bool:
    node: str | None = slug
    for _step in range(20):
        if node is None:
            return False
        if node == "russia":
            return True
        node = _PARENT.get(node)
    return False


RUSSIAN_REGION_SLUGS = frozenset(slug for slug, *_rest in REGION_TREE if _in_russia(slug))
RUSSIAN_CITIES = frozenset(
    name.casefold()
    for slug, _parent, kind, _iso, ru, en, names in REGION_TREE
    if kind == "city" and slug in RUSSIAN_REGION_SLUGS
    for name in (ru, en, *names)
) | {"moskva", "sankt-peterburg", "petersburg", "leningrad", "ленинград", "ekaterinburg"}
RUSSIA_NAMES = frozenset({"russia", "russian federation", "россия", "российская федерация"})

# --- line patterns --------------------------------------------------------------------------
_SEP = r"\s*[.:]{1,2}\s*"
CHANNEL_LABELS: list[tuple[tuple[str, ...], re.Pattern[str]]] = [
    (
        ("phone", "fax"),
        re.compile(
            r"^(?P<label>(?:tel|phone|тел)\.?\s*(?:/|and|&|и)\s*(?:fax|факс))"
            + _SEP
            + r"(?P<v>.+)$",
            re.I,
        ),
    ),
    (
        ("phone",),
        re.compile(
            r"^(?P<label>tel(?:ephone)?s?|phones?|ph|тел(?:ефон)?(?:ы)?)" + _SEP + r"(?P<v>.+)$",
            re.I,
        ),
    ),
    (("fax",), re.compile(r"^(?P<label>fax|telefax|факс)" + _SEP + r"(?P<v>.+)$", re.I)),
    (
        ("email",),
        re.compile(
            r"^(?P<label>e-?mail|эл\.?\s*почта|электронная\s+почта|e-?почта)"
            + _SEP
            + r"(?P<v>.+)$",
            re.I,
        ),
    ),
    (
        ("web",),
        re.compile(
            r"^(?P<label>web(?:\s*site|\s*page)?|www|url|home\s*page|internet|"
            r"сайт|веб-сайт|интернет)" + _SEP + r"(?P<v>.+)$",
            re.I,
        ),
    ),
]
BARE_EMAIL = re.compile(r"^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$")
BARE_WEB = re.compile(r"^(?:https?://|www\.)\S+$", re.I)
EMAIL_IN_TEXT = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
WITHHELD_EMAIL = re.compile(r"\[\s*e-?mail[\s\u00a0]*protected\s*\]", re.I)
PHONE_PART = re.compile(r"\+?\d[\d\s().\-]{3,}\d")

ROLE_WORDS = frozenset(
    [
        "contact",
        "contacts",
        "coordinator",
        "coordinators",
        "director",
        "directors",
        "chair",
        "chairman",
        "chairwoman",
        "chairperson",
        "president",
        "vice-president",
        "secretary",
        "editor",
        "editor-in-chief",
        "head",
        "manager",
        "founder",
        "representative",
        "person",
        "контакт",
        "контакты",
        "координатор",
        "директор",
        "председатель",
        "президент",
        "руководитель",
        "секретарь",
        "редактор",
        "представитель",
        "лицо",
    ]
)
ROLE_LINE = re.compile(r"^(?P<role>[^:\d]{2,40}?)\s*:\s*(?P<name>\S.*)$")

POSTAL_FIRST = re.compile(r"^(?P<code>\d{6})[,\s]+(?P<city>[^\d,]{2,60}?)[,.]?$")
POSTAL_LAST = re.compile(r"^(?P<city>[^\d,]{2,60}?)[,\s]+(?P<code>\d{6})[.]?$")
PO_BOX = re.compile(
    r"^(?P<label>p\.?\s*o\.?\s*box|post\s+office\s+box|а/я|абонентский\s+ящик)"
    r"[\s.:№#]*(?P<v>\S.*)$",
    re.I,
)
BRANCH = re.compile(r"^(?P<label>(?:in|в)\s+(?P<city>[^:]{2,60})):\s*$", re.I)
OFFICE_WORDS = re.compile(
    r"\b(?:office|branch|bureau|cent(?:er|re)|chapter|section|headquarters|"
    r"офис|отделение|филиал|представительство|бюро|центр)\b",
    re.I,
)
PUBLICATIONS = re.compile(
    r"^(?:publications?|periodicals?|публикации|издания)\s*:\s*(?P<v>.*)$", re.I
)
SECTION_LABELS: list[tuple[str, re.Pattern[str]]] = [
    (
        "mission",
        re.compile(r"^(?:mission|goals?|aims?|purpose|миссия|цели|цель)\s*:\s*(?P<v>.*)$", re.I),
    ),
    ("history", re.compile(r"^(?:history|background|история)\s*:\s*(?P<v>.*)$", re.I)),
    (
        "activities",
        re.compile(
            r"^(?:activities|programs?|programmes?|projects?|деятельность|проекты|программы)"
            r"\s*:\s*(?P<v>.*)$",
            re.I,
        ),
    ),
    (
        "membership",
        re.compile(
            r"^(?:membership|members|structure|членство|члены|структура)\s*:\s*(?P<v>.*)$", re.I
        ),
    ),
]
ATTRIBUTION = re.compile(
    r"^(?:this\s+(?:organi[sz]ational\s+)?description\s+was\s+(?:sent|provided|submitted|prepared)"
    r"|описание\s+(?:прислал|предоставил|прислала|предоставила|прислали|предоставили))",
    re.I,
)
SOURCE = re.compile(r"post-?\s?soviet\s+handbook|print\s+edition|печатн\w+\s+издани", re.I)
SPONSORED = re.compile(r"^(?:sponsored\s+by|спонсор)\s*:\s*(?P<v>.*)$", re.I)
RETURN_TO = re.compile(r"^return\s+to\s+the\s+(?P<name>.+?)\s+page\.?\s*$", re.I)
ACCESSIBLE = re.compile(r"accessible\s+from\b.*?(?P<url>(?:https?://|www\.)\S+)", re.I)
LAST_UPDATED = re.compile(
    r"^(?:last\s+updated|updated|обновлено|последнее\s+обновление)\s*:\s*(?P<v>.+)$", re.I
)
SEPARATOR = re.compile(r"^\s*={3,}\s*$")

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan", "январь", "января", "янв"),
            ("february", "feb", "февраль", "февраля", "фев"),
            ("march", "mar", "март", "марта"),
            ("april", "apr", "апрель", "апреля", "апр"),
            ("may", "май", "мая"),
            ("june", "jun", "июнь", "июня"),
            ("july", "jul", "июль", "июля"),
            ("august", "aug", "август", "августа", "авг"),
            ("september", "sep", "sept", "сентябрь", "сентября", "сен"),
            ("october", "oct", "октябрь", "октября", "окт"),
            ("november", "nov", "ноябрь", "ноября", "ноя"),
            ("december", "dec", "декабрь", "декабря", "дек"),
        ],
        start=1,
    )
    for name in names
}

FREQUENCY = re.compile(
    r"\b(daily|weekly|bi-?weekly|monthly|bi-?monthly|quarterly|semi-?annual(?:ly)?|"
    r"bi-?annual(?:ly)?|annual(?:ly)?|yearly|irregular(?:ly)?|"
    r"ежедневн\w*|еженедельн\w*|ежемесячн\w*|ежеквартальн\w*|ежегодн\w*)\b",
    re.I,
)
LANGUAGE_NAMES = (
    r"(?:Russian|English|Ukrainian|Belarusian|German|French|Armenian|Georgian|Azerbaijani|"
    r"Kazakh|Kyrgyz|Tajik|Turkmen|Uzbek|Moldovan|Romanian|Tatar|Yiddish|Hebrew)"
)
LANGUAGE = re.compile(
    r"\b(?:in|into)\s+(?P<lang>"
    + LANGUAGE_NAMES
    + r"(?:\s*(?:,|and|&)\s*"
    + LANGUAGE_NAMES
    + r")*)\b"
    r"|\b(?:language|язык)\s*:\s*(?P<lang2>[^.;,]+)",
)
LANGUAGE_RU = re.compile(
    r"\bна\s+(?P<lang>(?:русском|английском|украинском)(?:\s+и\s+\w+)?)\s+язык", re.I
)
PREPARED_BY = re.compile(r"\bprepared\s+by\s+(?:the\s+)?(?P<who>[^,.;]+)", re.I)
TRANSLATED = re.compile(
    r"\b(?P<what>(?i:translated)\s+(?i:in)?to\s+\w+(?:\s+in\s+[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)*)?)"
)

SECTION_KEYWORDS: dict[str, list[tuple[re.Pattern[str], int]]] = {
    "mission": [
        (re.compile(r"\bworks?\s+(?:for|to|toward)\b|работает\s+(?:для|над)", re.I), 6),
        (re.compile(r"\b(?:aims?|mission|goals?|purpose|dedicated\s+to|seeks?\s+to)\b", re.I), 3),
        (re.compile(r"\bnon-?profit|non-?governmental|некоммерческ|цел[ьи]\b|задач", re.I), 2),
    ],
    "history": [
        (re.compile(r"\b(?:1[89]\d\d|20\d\d)\b"), 1),
        (
            re.compile(
                r"\b(?:founded|established|set\s+up|opened|formed|created|first|since|history|"
                r"основан\w*|создан\w*|возник\w*|истори\w*)",
                re.I,
            ),
            2,
        ),
    ],
    "activities": [
        (
            re.compile(
                r"\b(?:techniques?|campaigns?|activit(?:y|ies)|letter-writing|petitions?|"
                r"involved\s+in|public\s+education|programs?|programmes?|projects?|seminars?|"
                r"conferences?|monitor\w*|деятельност\w*|кампани\w*|проводит|проект\w*|"
                r"семинар\w*|мониторинг\w*)",
                re.I,
            ),
            2,
        ),
    ],
    "membership": [
        (
            re.compile(
                r"\b(?:membership|members?|volunteers?|chapters?|board|staff|"
                r"член\w*|участник\w*|волонтер\w*|сотрудник\w*)",
                re.I,
            ),
            1,
        ),
        (re.compile(r"^(?:the\s+)?(?:membership|members)\b", re.I), 6),
    ],
}

CYRILLIC = re.compile(r"[а-яё]", re.I)
COMMON_LOWER = "оеаинтср"


# --- data -----------------------------------------------------------------------------------
@dataclass
class ParsedChannel:
    kind: str
    value: str
    normalised: str = ""
    withheld: bool = False


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

    @property
    def name(self) -> str:
        return self.name_en or self.name_ru

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


# --- encodings ------------------------------------------------------------------------------
def _cyrillic_score(text: str) -> int:
    return sum(text.count(ch) for ch in COMMON_LOWER)


def detect_encoding(sample: bytes) -> str:
    """``utf-8`` (also for plain ASCII), ``utf-8-sig``, ``cp1251`` or ``koi8-r``."""
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # A sample cut in the middle of a character is still UTF-8.
        if exc.start >= len(sample) - 3 and exc.reason == "unexpected end of data":
            return "utf-8"
    scores = {
        encoding: _cyrillic_score(sample.decode(encoding, errors="replace"))
        for encoding in ("cp1251", "koi8-r")
    }
    return "koi8-r" if scores["koi8-r"] > scores["cp1251"] else "cp1251"


#: Control characters other than tab, line ends, form feed and the DOS end-of-file mark.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x19\x1b-\x1f]")


def _control_character(text: str) -> bool:
    return _CONTROL.search(text) is not None


# --- the file -------------------------------------------------------------------------------
class HandbookFile:
    """Stream a file of entries: ``encoding`` after opening, then iterate for entries and errors.

    Iterating yields :class:`ParsedEntry` and :class:`EntryError` objects, one entry's lines in
    memory at a time.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.display = str(path)
        with self.path.open("rb") as handle:
            sample = handle.read(SAMPLE_BYTES)
        self.empty = not sample.strip()
        self.binary = b"\x00" in sample or _control_character(sample.decode("latin-1"))
        self.encoding = "binary" if self.binary else detect_encoding(sample) if sample else "utf-8"
        self.entries_found = 0
        self.lines_read = 0

    def __iter__(self) -> Iterator[ParsedEntry | EntryError]:
        for item in self.raw_entries():
            yield item if isinstance(item, EntryError) else self.parse(item)

    def parse(self, lines: list[tuple[int, str]]) -> ParsedEntry | EntryError:
        """One entry of :meth:`raw_entries` read (in a worker process, too: no state changes)."""
        try:
            entry = parse_lines(lines)
        except MalformedEntry as exc:
            return EntryError(self.display, exc.line, exc.message)
        entry.source_encoding = self.encoding
        entry.path = self.display
        return entry

    def raw_entries(self) -> Iterator[list[tuple[int, str]] | EntryError]:
        """The lines of each entry, unparsed, in file order (and the errors of reading)."""
        if self.empty:
            yield EntryError(self.display, 1, _("the file is empty: no entries found"))
            return
        lines: list[tuple[int, str]] = []
        failed: EntryError | None = None
        number = 0
        encoding = "latin-1" if self.binary else self.encoding
        for number, text in self._decoded_lines(encoding):
            if text is None:
                failed = failed or EntryError(
                    self.display,
                    number,
                    _("bytes that are not valid %(encoding)s; the entry was skipped")
                    % {"encoding": self.encoding},
                )
                continue
            if _CONTROL.search(text):  # NUL included
                self.lines_read = number
                yield EntryError(
                    self.display,
                    number,
                    _("binary data (control characters), not a text file; reading stopped"),
                )
                return
            # Most lines are neither a form feed, a separator nor "Last updated": cheap
            # substring tests first, the patterns only where they may match.
            if "\f" in text:
                parts = text.split("\f")
            elif not text or text[0] == "=" or text[0].isspace():
                parts = [text]
            elif not _UPDATED_WORDS.search(text):
                if lines or text.strip():
                    lines.append((number, text.rstrip()))
                continue
            else:
                parts = [text]
            for index, part in enumerate(parts):
                if index > 0:  # a form feed ends the entry
                    yield from self._finish(lines, failed, number)
                    lines, failed = [], None
                if SEPARATOR.match(part):
                    yield from self._finish(lines, failed, number)
                    lines, failed = [], None
                    continue
                if not lines and not part.strip():
                    continue
                lines.append((number, part.rstrip()))
                if LAST_UPDATED.match(part.strip()):
                    yield from self._finish(lines, failed, number)
                    lines, failed = [], None
        self.lines_read = number
        yield from self._finish(lines, failed, number)
        if self.entries_found == 0 and number > 0:
            yield EntryError(self.display, number, _("no entries found in the file"))

    def _decoded_lines(self, encoding: str) -> Iterator[tuple[int, str | None]]:
        """(number, text without its line end) of every line; None for a line that is not
        valid in the encoding.  Lines are decoded a block (about 32 KiB) at a time: a block that
        decodes as a whole is split at its line feeds (the same lines: no encoding read here
        has a line feed byte inside a character); only a block that fails is decoded line by
        line, to find the lines that fail."""
        number = 0
        bom = self.encoding == "utf-8-sig"  # each line's BOM dropped, as decoding it alone does
        with self.path.open("rb") as handle:
            while raws := handle.readlines(READ_BLOCK):
                block: str | None = None
                if not bom:
                    try:
                        block = b"".join(raws).decode(encoding)
                    except UnicodeDecodeError:
                        block = None
                if block is not None:
                    texts = block.split("\n")
                    if block.endswith("\n"):
                        texts.pop()
                    if "\r" in block:
                        texts = [text.rstrip("\r") for text in texts]
                    for text in texts:
                        number += 1
                        yield number, text
                    continue
                for raw in raws:
                    number += 1
                    try:
                        text = raw.decode(encoding)
                    except UnicodeDecodeError:
                        yield number, None
                        continue
                    if number == 1 and bom:
                        text = text.removeprefix("\ufeff")
                    yield number, text.rstrip("\r\n")

    def _finish(
        self, lines: list[tuple[int, str]], failed: EntryError | None, number: int
    ) -> Iterator[list[tuple[int, str]] | EntryError]:
        self.lines_read = number
        while lines and not lines[-1][1].strip():
            lines.pop()
        if failed is not None:
            self.entries_found += 1
            yield failed
            return
        if not lines:
            return
        self.entries_found += 1
        yield lines


#: Every "Last updated:" label (see LAST_UPDATED) contains one of these.
_UPDATED_WORDS = re.compile(r"(?i:updated|обновлен)")


def parse_text(text: str, *, first_line: int = 1) -> ParsedEntry:
    """Parse one entry given as a string (tests, the demo, the editor's paste box)."""
    lines = [(first_line + i, line.rstrip()) for i, line in enumerate(text.splitlines())]
    while lines and not lines[0][1].strip():
        lines.pop(0)
    while lines and not lines[-1][1].strip():
        lines.pop()
    return parse_lines(lines)


# --- one entry ------------------------------------------------------------------------------
#: The line tests below run several times on the same line of an entry (a block is tested for
#: a cut, then its lines one by one): their answers for the last lines are kept.
LINE_CACHE = 256
RUSSIAN_CITY_NAMES = [ru for _s, _p, kind, _i, ru, _e, _n in REGION_TREE if kind == "city"]
LANGUAGE_NOMINATIVE = {
    "русском": "русский", "английском": "английский", "украинском": "украинский",
    "белорусском": "белорусский", "немецком": "немецкий", "французском": "французский",
}  # fmt: skip


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
    stripped = line.strip()
    for kinds, pattern in CHANNEL_LABELS:
        match = pattern.match(stripped)
        if match:
            return kinds, match.group("label"), match.group("v").strip()
    if BARE_EMAIL.match(stripped):
        return ("email",), "", stripped
    if BARE_WEB.match(stripped):
        return ("web",), "", stripped
    return None


@functools.lru_cache(maxsize=LINE_CACHE)
def _role_match(line: str) -> tuple[str, str] | None:
    match = ROLE_LINE.match(line.strip())
    if not match:
        return None
    role = match.group("role").strip()
    words = role.casefold().replace(".", " ").split()
    if not words or len(words) > 4 or words[-1] not in ROLE_WORDS:
        return None
    return role, match.group("name").strip()


@functools.lru_cache(maxsize=LINE_CACHE)
def _postal_match(line: str) -> tuple[str, str] | None:
    stripped = line.strip()
    match = POSTAL_FIRST.match(stripped) or POSTAL_LAST.match(stripped)
    if not match:
        return None
    return match.group("code"), match.group("city").strip()


@functools.lru_cache(maxsize=LINE_CACHE)
def _is_tail(line: str) -> bool:
    stripped = line.strip()
    return bool(
        ATTRIBUTION.match(stripped)
        or SPONSORED.match(stripped)
        or RETURN_TO.match(stripped)
        or ACCESSIBLE.search(stripped)
        or LAST_UPDATED.match(stripped)
        or (SOURCE.search(stripped) and len(stripped) > 40)
    )


def _is_field_like(line: str) -> bool:
    stripped = line.strip()
    return bool(
        _channel_match(stripped)
        or _role_match(stripped)
        or _postal_match(stripped)
        or PO_BOX.match(stripped)
        or PUBLICATIONS.match(stripped)
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


def _split_values(value: str, kind: str) -> list[str]:
    if kind in ("phone", "fax"):
        parts = re.split(r"\s*[;,]\s*", value)
    elif kind == "email":
        parts = re.split(r"\s*[;,]\s*|\s+", value) if EMAIL_IN_TEXT.search(value) else [value]
        parts = [p for p in parts if p]
        if len(parts) > 1 and not all(EMAIL_IN_TEXT.fullmatch(p) for p in parts):
            parts = [value]
    else:
        parts = re.split(r"\s*[;,]\s*|\s+", value)
    return [p for p in parts if p.strip()] or [value]


def _channels(kinds: tuple[str, ...], value: str) -> list[ParsedChannel]:
    channels: list[ParsedChannel] = []
    for kind in kinds:
        if kind == "email" and WITHHELD_EMAIL.search(value):
            channels.append(ParsedChannel(kind="email", value="", withheld=True))
            continue
        for part in _split_values(value, kind):
            channel = ParsedChannel(kind=kind, value=part.strip())
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


def _keyword_pattern() -> tuple[re.Pattern[str], dict[str, tuple[str, int]]]:
    """Every unanchored pattern of SECTION_KEYWORDS as one alternation, one named group each,
    matched case-sensitively against the lower-cased paragraph: one scan instead of eight, and
    without IGNORECASE's per-character folding (twice as fast).  No two of the patterns match
    overlapping text (different words; checked on the benchmark's 15,000 paragraphs and the
    fixtures: the same sections), so the counts are those of separate ``findall`` calls."""
    parts: list[str] = []
    weights: dict[str, tuple[str, int]] = {}
    for section, patterns in SECTION_KEYWORDS.items():
        for pattern, weight in patterns:
            if not pattern.pattern.startswith("^"):
                weights[f"k{len(weights)}"] = (section, weight)
                parts.append(f"(?P<k{len(weights) - 1}>{pattern.pattern})")
    return re.compile("|".join(parts)), weights


_KEYWORDS, _KEYWORD_WEIGHTS = _keyword_pattern()
#: The anchored patterns (a paragraph that starts with "Members ..."), matched as they are.
_ANCHORED_KEYWORDS = [
    (section, pattern, weight)
    for section, patterns in SECTION_KEYWORDS.items()
    for pattern, weight in patterns
    if pattern.pattern.startswith("^")
]


def _classify(paragraph: str) -> str:
    scores = dict.fromkeys(SECTION_KEYWORDS, 0)
    weights = _KEYWORD_WEIGHTS
    for match in _KEYWORDS.finditer(paragraph.lower()):
        section, weight = weights[match.lastgroup]  # type: ignore[index]
        scores[section] += weight
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


class _Parser:
    def __init__(self, lines: list[tuple[int, str]]) -> None:
        self.entry = ParsedEntry()
        self.lines = lines
        self.country_russia = False

    # bookkeeping
    def map(self, number: int, where: str) -> None:
        self.entry.trace[number] = where

    def keep(self, number: int, text: str) -> None:
        self.entry.unparsed.append((number, text))
        self.entry.trace[number] = "unparsed"

    def append_text(self, section: str, number_lines: list[tuple[int, str]]) -> None:
        paragraph = "\n".join(text for _n, text in number_lines)
        old = getattr(self.entry, section)
        setattr(self.entry, section, f"{old}\n\n{paragraph}" if old else paragraph)
        for number, _text in number_lines:
            self.map(number, section)

    def parse(self) -> ParsedEntry:
        entry = self.entry
        if not self.lines:
            raise MalformedEntry(1, _("the entry is empty"))
        entry.first_line = self.lines[0][0]
        entry.original_text = "\n".join(text for _n, text in self.lines)
        blocks = _blocks(self.lines)
        first_number, name = blocks[0][0]
        if _is_field_like(name) or _is_prose(name) or not re.search(r"\w", name):
            raise MalformedEntry(
                first_number,
                _("the entry has no name line: it starts with “%(line)s”") % {"line": name[:80]},
            )
        self.set_name(first_number, name)
        rest = blocks[0][1:]
        if rest and not _is_field_like(rest[0][1]) and not _is_prose(rest[0][1]):
            other_script = bool(CYRILLIC.search(rest[0][1])) != bool(CYRILLIC.search(name))
            if other_script and not any(ch.isdigit() for ch in rest[0][1]):
                self.set_name(rest[0][0], rest[0][1])
                rest = rest[1:]
        remaining = ([rest] if rest else []) + blocks[1:]
        self.walk(remaining)
        self.finish()
        return entry

    def set_name(self, number: int, text: str) -> None:
        if CYRILLIC.search(text) and len(CYRILLIC.findall(text)) * 2 >= len(
            re.findall(r"\w", text)
        ):
            if self.entry.name_ru:
                self.keep(number, text)
                return
            self.entry.name_ru = text
            self.map(number, "name_ru")
        else:
            if self.entry.name_en:
                self.keep(number, text)
                return
            self.entry.name_en = text
            self.map(number, "name_en")

    # the walk over blocks
    def walk(self, blocks: list[list[tuple[int, str]]]) -> None:
        phase = "head"
        pending_section = ""
        awaiting_sponsor = False
        for block in blocks:
            if phase == "head" and (
                any(_is_prose(t) for _n, t in block)
                or any(p.match(block[0][1]) for _s, p in SECTION_LABELS)
            ):
                phase = "body"
            if phase == "head":
                cut = next(
                    (i for i, (_n, t) in enumerate(block) if PUBLICATIONS.match(t) or _is_tail(t)),
                    None,
                )
                if cut is None:
                    self.head_block(block)
                    continue
                if cut:
                    self.head_block(block[:cut])
                block = block[cut:]
                phase = "body"
            # body, publications and tail are read line by line for their labels.
            paragraph: list[tuple[int, str]] = []
            for number, text in block:
                if awaiting_sponsor and not _is_tail(text):
                    self.entry.sponsor = (
                        f"{self.entry.sponsor}; {text}" if self.entry.sponsor else text
                    )
                    self.map(number, "sponsor")
                    continue
                awaiting_sponsor = False
                if _is_tail(text):
                    self.flush(paragraph, phase, pending_section)
                    paragraph = []
                    pending_section = ""
                    phase = "tail"
                    awaiting_sponsor = self.tail_line(number, text)
                    continue
                publications = PUBLICATIONS.match(text)
                if publications:
                    self.flush(paragraph, phase, pending_section)
                    paragraph = []
                    phase = "publications"
                    self.map(number, "publications")
                    if publications.group("v").strip():
                        self.entry.publications.append(
                            ParsedPublication(title=publications.group("v").strip())
                        )
                        self.map(number, f"publications[{len(self.entry.publications) - 1}]")
                    continue
                labelled = self.section_label(text)
                if labelled and phase != "tail":
                    self.flush(paragraph, phase, pending_section)
                    paragraph = []
                    phase = "body"
                    section, value = labelled
                    if value:
                        self.append_text(section, [(number, text)])
                        pending_section = ""
                    else:
                        self.map(number, section)
                        pending_section = section
                    continue
                paragraph.append((number, text))
            self.flush(paragraph, phase, pending_section)
            if paragraph:
                pending_section = ""

    def section_label(self, text: str) -> tuple[str, str] | None:
        for section, pattern in SECTION_LABELS:
            match = pattern.match(text)
            if match:
                return section, match.group("v").strip()
        return None

    def flush(self, paragraph: list[tuple[int, str]], phase: str, pending: str) -> None:
        if not paragraph:
            return
        if phase == "tail":
            for number, text in paragraph:
                self.keep(number, text)
            return
        if phase == "publications":
            self.publication_block(paragraph)
            return
        text = "\n".join(t for _n, t in paragraph)
        section = pending or _classify(text)
        if not section:
            if len(text.split()) < 6:
                for number, line in paragraph:
                    self.keep(number, line)
                return
            section = "mission" if not self.entry.mission else "activities"
        self.append_text(section, paragraph)

    def publication_block(self, block: list[tuple[int, str]]) -> None:
        publications = self.entry.publications
        first_number, first = block[0]
        if _is_prose(first) and publications:
            target = publications[-1]
            rest = block
        elif _is_prose(first):
            for number, text in block:
                self.keep(number, text)
            return
        else:
            target = ParsedPublication(title=first[:300])
            publications.append(target)
            rest = block[1:]
            self.map(first_number, f"publications[{len(publications) - 1}].title")
        index = publications.index(target)
        if rest:
            text = "\n".join(t for _n, t in rest)
            target.description = f"{target.description}\n\n{text}" if target.description else text
            for number, _t in rest:
                self.map(number, f"publications[{index}].description")
        whole = f"{target.title}\n{target.description}"
        target.frequency = target.frequency or _frequency(whole)
        target.language = target.language or _language(whole)
        target.prepared_by = target.prepared_by or _prepared_by(whole)

    def tail_line(self, number: int, text: str) -> bool:
        """Map one tail line; True when the next line is the sponsor's name."""
        entry = self.entry
        if match := SPONSORED.match(text):
            if match.group("v").strip():
                entry.sponsor = match.group("v").strip()
                self.map(number, "sponsor")
                return False
            self.map(number, "sponsor")
            return True
        if match := RETURN_TO.match(text):
            slug = REGION_BY_SOURCE_NAME.get(match.group("name").strip().casefold())
            if slug is None:
                self.keep(number, text)
            else:
                if slug not in entry.regions:
                    entry.regions.append(slug)
                self.map(number, "regions")
            return False
        if match := LAST_UPDATED.match(text):
            date = parse_date(match.group("v"))
            if date is None:
                self.keep(number, text)
            else:
                entry.last_updated = date
                self.map(number, "last_updated")
            return False
        if match := ACCESSIBLE.search(text):
            entry.source_url = match.group("url").rstrip(".,;")
            self.map(number, "source_url")
            return False
        if ATTRIBUTION.match(text):
            entry.attribution = f"{entry.attribution}\n{text}" if entry.attribution else text
            self.map(number, "attribution")
            return False
        entry.source = f"{entry.source}\n{text}" if entry.source else text
        self.map(number, "source")
        return False

    # the address part
    def new_office(self, label: str = "", city: str = "") -> int:
        self.entry.offices.append(ParsedOffice(label=label, city=city))
        return len(self.entry.offices) - 1

    def head_block(self, block: list[tuple[int, str]]) -> None:
        entry = self.entry
        first_number, first = block[0]
        branch = BRANCH.match(first)
        heading = None
        if branch:
            heading = (first_number, branch.group("label").strip(), branch.group("city").strip())
        elif first.endswith(":") and not _is_field_like(first):
            heading = (first_number, first.rstrip(":").strip(), "")
        elif (
            not _is_field_like(first)
            and len(block) > 1
            and (OFFICE_WORDS.search(first) or (entry.offices and not re.search(r"\d", first)))
        ):
            heading = (first_number, first, "")
        if heading:
            number, label, city = heading
            city = _nominative_city(city)
            office = self.new_office(label, city)
            self.map(number, f"offices[{office}].label")
            self.office_lines(office, block[1:])
            return
        only_people = all(
            _role_match(t) or (_channel_match(t) and i > 0) for i, (_n, t) in enumerate(block)
        )
        if only_people:
            office_index = len(entry.offices) - 1 if entry.offices else None
            self.office_lines(office_index, block)
            return
        if not entry.offices:
            self.office_lines(self.new_office(), block)
            return
        current = entry.offices[-1]
        has_address = any(_postal_match(t) or PO_BOX.match(t) for _n, t in block)
        if has_address and (current.postal_code or current.po_box):
            self.office_lines(self.new_office(), block)
        else:
            self.office_lines(len(entry.offices) - 1, block)

    def office_lines(self, office_index: int | None, block: list[tuple[int, str]]) -> None:
        entry = self.entry
        office = entry.offices[office_index] if office_index is not None else None
        contact: ParsedContact | None = None
        seen_channel = False
        for number, text in block:
            if channel := _channel_match(text):
                kinds, _label, value = channel
                parsed = _channels(kinds, value)
                if contact is not None:
                    contact.channels.extend(parsed)
                    self.map(number, f"contacts[{entry.contacts.index(contact)}].channels")
                elif office is not None:
                    office.channels.extend(parsed)
                    self.map(number, f"offices[{office_index}].channels")
                else:
                    office_index = self.new_office()
                    office = entry.offices[office_index]
                    office.channels.extend(parsed)
                    self.map(number, f"offices[{office_index}].channels")
                seen_channel = True
                continue
            if role := _role_match(text):
                contact = ParsedContact(name=role[1][:200], role=role[0][:120], office=office_index)
                entry.contacts.append(contact)
                self.map(number, f"contacts[{len(entry.contacts) - 1}]")
                continue
            if office is None:
                self.keep(number, text)
                continue
            if (postal := _postal_match(text)) and not office.postal_code:
                office.postal_code, city = postal
                office.city = office.city or city
                self.map(number, f"offices[{office_index}].postal_code")
                if city.casefold() in RUSSIA_NAMES:
                    self.country_russia = True
                continue
            if (box := PO_BOX.match(text)) and not office.po_box:
                office.po_box = box.group("v").strip()[:60]
                self.map(number, f"offices[{office_index}].po_box")
                continue
            if text.strip().rstrip(".").casefold() in RUSSIA_NAMES:
                self.country_russia = True
                self.keep(number, text)
                continue
            if not seen_channel and contact is None and len(text) <= 80 and not _is_prose(text):
                office.street_lines.append(text)
                self.map(number, f"offices[{office_index}].street_lines")
                continue
            self.keep(number, text)

    def finish(self) -> None:
        entry = self.entry
        russian = (
            self.country_russia
            or any(slug in RUSSIAN_REGION_SLUGS for slug in entry.regions)
            or any(
                office.city.casefold() in RUSSIAN_CITIES
                or office.label.casefold().removeprefix("in ").strip() in RUSSIAN_CITIES
                for office in entry.offices
            )
        )
        channels = [c for o in entry.offices for c in o.channels]
        channels += [c for p in entry.contacts for c in p.channels]
        for channel in channels:
            if channel.kind in ("phone", "fax"):
                channel.normalised = (
                    normalise_russian_phone(channel.value)
                    if russian
                    else _normalise_phone(
                        m.group(0) if (m := PHONE_PART.search(channel.value)) else channel.value
                    )
                )
        entry.unparsed.sort()


def parse_lines(lines: list[tuple[int, str]]) -> ParsedEntry:
    """Parse one entry from (line number, text) pairs; raises :class:`MalformedEntry`."""
    return _Parser(lines).parse()


def read_file(path: str | Path) -> HandbookFile:
    return HandbookFile(path)
