"""The importer's line patterns and word lists: labels, roles, postcodes, tail lines."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from ..regions import REGION_TREE

SAMPLE_BYTES = 64 * 1024
#: Bytes of a file decoded at a time (whole lines).
READ_BLOCK = 32 * 1024
#: Lines longer than this are not an address line but prose.
PROSE_LENGTH = 100
#: The line tests below run several times on the same line of an entry (a block is tested for
#: a cut, then its lines one by one): their answers for the last lines are kept.
LINE_CACHE = 256

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
class Labelled:
    """A line pattern that starts with a label and needs a mark after it ("Address:",
    "Publications:", "Last updated:"), with :meth:`match` as the only way to try it on a line.

    Most lines of an entry (prose, names, addresses) hold no mark, and a substring test costs a
    fraction of a failed ``match`` call, made for every line of a block and often several times:
    :meth:`match` tries the pattern only on lines that hold ``mark``.  Keeping the mark with the
    pattern means no call site repeats the guard, forgets it or pairs a pattern with the wrong
    mark (tests check that every pattern fails on its lines without the mark).
    """

    __slots__ = ("mark", "pattern")

    def __init__(self, pattern: str, *, mark: str = ":", flags: int = re.I) -> None:
        self.pattern = re.compile(pattern, flags)
        #: The character every match holds after its label.
        self.mark = mark

    def match(self, text: str) -> re.Match[str] | None:
        """``pattern.match(text)``, without the call on a line that cannot match."""
        return self.pattern.match(text) if self.mark in text else None


class LabelledGroup[K]:
    """Labelled patterns tried in order on a line, the first match winning (the channel labels
    "Tel:" / "Fax." / "E-mail:", the section labels "Mission:" / "History:"): one test of the
    marks for the whole group, for :class:`Labelled`'s reason, then one regex call that tells
    which member matches (:func:`either`), then that member's own call for its groups.  Every
    member needs one of ``marks`` after its label."""

    __slots__ = ("_any", "_first", "_last", "marks", "members")

    def __init__(self, members: list[tuple[K, str]], *, marks: str = ":") -> None:
        if not 1 <= len(marks) <= 2:
            raise ValueError("one or two marks")
        self.marks = marks
        self.members = [(key, re.compile(pattern, re.I)) for key, pattern in members]
        #: All members as one alternation: which one matches, in one call (see either()).
        self._any = either(*(pattern for _key, pattern in self.members))
        # Two substring tests (a tenth of a regex search for either character).
        self._first, self._last = marks[0], marks[-1]

    def __iter__(self) -> Iterator[tuple[K, re.Pattern[str]]]:
        return iter(self.members)

    def marked(self, text: str) -> bool:
        """Does ``text`` hold one of the marks (else no member matches it)?"""
        return self._first in text or self._last in text

    def match(self, text: str) -> tuple[K, re.Match[str]] | None:
        """(key, match) of the first member that matches ``text``."""
        if self._first not in text and self._last not in text:
            return None
        found = self._any.match(text)
        if found is None:
            return None
        key, pattern = self.members[(found.lastindex or 0) - 1]
        match = pattern.match(text)
        return None if match is None else (key, match)


_GROUP_NAME = re.compile(r"\(\?P<\w+>")


def either(*patterns: re.Pattern[str] | Labelled) -> re.Pattern[str]:
    """One pattern that ``match``-es a line where any of ``patterns`` does, for the tests that
    ask which (or whether one) of several line patterns matches: one regex call, whose engine
    turns a line away at its first character for every alternative at once, instead of a
    Python-level call per pattern (and per :class:`Labelled` guard).

    Each pattern becomes one numbered group, its own groups dropped: ``lastindex - 1`` of a
    match is the index of the first pattern that matches (alternatives are tried in order, and
    nothing follows them).  The patterns share their flags."""
    compiled = [item.pattern if isinstance(item, Labelled) else item for item in patterns]
    flags = {pattern.flags for pattern in compiled}
    sources = [_GROUP_NAME.sub("(?:", pattern.pattern) for pattern in compiled]
    if len(flags) != 1 or any(re.compile(source).groups for source in sources):
        raise ValueError("patterns with different flags or with unnamed groups")
    return re.compile("|".join(f"({source})" for source in sources), flags.pop())


_SEP = r"\s*[.:]{1,2}\s*"
#: Every channel label needs a dot or a colon after it (see _SEP); the last two are no label.
CHANNEL_LABELS: LabelledGroup[tuple[str, ...]] = LabelledGroup(
    [
        (
            ("phone", "fax"),
            r"^(?P<label>(?:tel|phone|тел)\.?\s*(?:/|and|&|и)\s*(?:fax|факс))"
            + _SEP
            + r"(?P<v>.+)$",
        ),
        (
            ("phone",),
            r"^(?P<label>tel(?:ephone)?s?|phones?|ph|тел(?:ефон)?(?:ы)?)" + _SEP + r"(?P<v>.+)$",
        ),
        (("fax",), r"^(?P<label>fax|telefax|факс)" + _SEP + r"(?P<v>.+)$"),
        (
            ("email",),
            r"^(?P<label>e\.?\s*-?\s*mail|эл\.?\s*почта|электронная\s+почта|e-?почта)"
            + _SEP
            + r"(?P<v>.+)$",
        ),
        (
            ("web",),
            r"^(?P<label>web(?:\s*site|\s*page)?|www|url|home\s*page|internet|"
            r"сайт|веб-сайт|интернет)" + _SEP + r"(?P<v>.+)$",
        ),
        # A bare e-mail (its domain's dot) or web address ("://" or "www."): no label.
        (("email",), r"^(?P<label>)(?P<v>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)$"),
        (("web",), r"^(?P<label>)(?P<v>(?:https?://|www\.)\S+)$"),
    ],
    marks=".:",
)
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
        "member",
        "officer",
        "treasurer",
        "deputy",
        "executive",
        "spokesperson",
        "spokesman",
        "accountant",
        "lawyer",
        "attorney",
        "leader",
        "член",
        "заместитель",
        "юрист",
        "бухгалтер",
    ]
)
ROLE_LINE = Labelled(r"^(?P<role>[^:\d]{2,80}?)\s*:\s*(?P<name>\S.*)$", flags=0)

POSTAL_FIRST = re.compile(r"^(?P<code>\d{6})[,\s]+(?P<city>[^\d,]{2,60}?)[,.]?$")
POSTAL_LAST = re.compile(r"^(?P<city>[^\d,]{2,60}?)[,\s]+(?P<code>\d{6})[.]?$")
PO_BOX = re.compile(
    r"^(?P<label>p\.?\s*o\.?\s*box|post\s+office\s+box|а/я|a/ya|a/ja|абонентский\s+ящик)"
    r"[\s.:№#]*(?P<v>\S.*)$",
    re.I,
)
ADDRESS_LABEL = Labelled(
    r"^(?P<label>(?:(?:postal|mailing|street|legal|office|post)\s+)?address|"
    r"(?:почтовый\s+|юридический\s+|фактический\s+)?адрес)\s*:\s*(?P<v>.+)$"
)
BRANCH = Labelled(r"^(?P<label>(?:in|в)\s+(?P<city>[^:]{2,60})):\s*$")
OFFICE_WORDS = re.compile(
    r"\b(?:office|branch|bureau|cent(?:er|re)|chapter|section|headquarters|"
    r"офис|отделение|филиал|представительство|бюро|центр)\b",
    re.I,
)
PUBLICATIONS = Labelled(r"^(?:publications?|periodicals?|публикации|издания)\s*:\s*(?P<v>.*)$")
SECTION_LABELS: LabelledGroup[str] = LabelledGroup(
    [
        ("mission", r"^(?:mission|goals?|aims?|purpose|миссия|цели|цель)\s*:\s*(?P<v>.*)$"),
        ("history", r"^(?:history|background|история)\s*:\s*(?P<v>.*)$"),
        (
            "activities",
            r"^(?:activities|programs?|programmes?|projects?|деятельность|проекты|программы)"
            r"\s*:\s*(?P<v>.*)$",
        ),
        (
            "membership",
            r"^(?:membership|members|structure|членство|члены|структура)\s*:\s*(?P<v>.*)$",
        ),
    ]
)
ATTRIBUTION = re.compile(
    r"^(?:this\s+(?:organi[sz]ational\s+)?description\s+was\s+(?:sent|provided|submitted|prepared)"
    r"|описание\s+(?:прислал|предоставил|прислала|предоставила|прислали|предоставили))",
    re.I,
)
SOURCE = re.compile(r"post-?\s?soviet\s+handbook|print\s+edition|печатн\w+\s+издани", re.I)
#: Words every match of SOURCE, ACCESSIBLE and LIKELY (boilerplate) holds, case-folded.  An
#: unanchored case-insensitive search tries every position of the line (25 µs on a line of
#: prose); a substring test of the case-folded line first costs a microsecond, and the pattern
#: still decides (casefold maps every character these patterns match to the word's letters,
#: but for the dotless "ı", which IGNORECASE takes for "i": :func:`folded` maps it).
SOURCE_WORDS = ("soviet", "edition", "печатн")
ACCESSIBLE_WORD = "accessible"
SPONSORED = Labelled(r"^(?:sponsored\s+by|спонсор)\s*:\s*(?P<v>.*)$")
RETURN_TO = re.compile(r"^return\s+to\s+the\s+(?P<name>.+?)\s+page\.?\s*$", re.I)
ACCESSIBLE = re.compile(r"accessible\s+from\b.*?(?P<url>(?:https?://|www\.)\S+)", re.I)


@functools.lru_cache(maxsize=LINE_CACHE)
def folded(text: str) -> str:
    """The line case-folded as IGNORECASE compares it (for the substring tests above); kept
    for the last lines, as the covering, boilerplate and tail tests each fold the same line."""
    result = text.casefold()
    return result.replace("ı", "i") if "ı" in result else result


def mentions_source(text: str) -> bool:
    """SOURCE.search(text), the cheap way for the lines that cannot match."""
    low = folded(text)
    return any(word in low for word in SOURCE_WORDS) and bool(SOURCE.search(text))


def mentions_accessible(text: str) -> re.Match[str] | None:
    """ACCESSIBLE.search(text), the cheap way for the lines that cannot match."""
    if ACCESSIBLE_WORD not in folded(text):
        return None
    return ACCESSIBLE.search(text)


LAST_UPDATED = Labelled(
    r"^(?:last\s+updated|updated|обновлено|последнее\s+обновление)\s*:\s*(?P<v>.+)$"
)
#: The tail lines that start with their label: attribution, sponsor, region link, date.
TAIL_START = either(ATTRIBUTION, SPONSORED, RETURN_TO, LAST_UPDATED)
#: The labelled address and publication lines (_is_field_like asks for any of them).
FIELD_LABEL = either(PO_BOX, ADDRESS_LABEL, PUBLICATIONS)
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
#: A decimal digit anywhere in a line: one C-level scan where a loop over the characters in
#: Python (``any(ch.isdigit() ...)``) cost a fifth of the line tests' time.
DIGIT = re.compile(r"\d")
COMMON_LOWER = "оеаинтср"

RUSSIAN_CITY_NAMES = [ru for _s, _p, kind, _i, ru, _e, _n in REGION_TREE if kind == "city"]
LANGUAGE_NOMINATIVE = {
    "русском": "русский", "английском": "английский", "украинском": "украинский",
    "белорусском": "белорусский", "немецком": "немецкий", "французском": "французский",
}  # fmt: skip
