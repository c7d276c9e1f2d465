"""The importer's line patterns and word lists: labels, roles, postcodes, tail lines."""

from __future__ import annotations

import functools
import re

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
            r"^(?P<label>e\.?\s*-?\s*mail|эл\.?\s*почта|электронная\s+почта|e-?почта)"
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
ROLE_LINE = re.compile(r"^(?P<role>[^:\d]{2,80}?)\s*:\s*(?P<name>\S.*)$")

POSTAL_FIRST = re.compile(r"^(?P<code>\d{6})[,\s]+(?P<city>[^\d,]{2,60}?)[,.]?$")
POSTAL_LAST = re.compile(r"^(?P<city>[^\d,]{2,60}?)[,\s]+(?P<code>\d{6})[.]?$")
PO_BOX = re.compile(
    r"^(?P<label>p\.?\s*o\.?\s*box|post\s+office\s+box|а/я|a/ya|a/ja|абонентский\s+ящик)"
    r"[\s.:№#]*(?P<v>\S.*)$",
    re.I,
)
ADDRESS_LABEL = re.compile(
    r"^(?P<label>(?:(?:postal|mailing|street|legal|office|post)\s+)?address|"
    r"(?:почтовый\s+|юридический\s+|фактический\s+)?адрес)\s*:\s*(?P<v>.+)$",
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
#: Every labelled pattern (PUBLICATIONS, SECTION_LABELS, ROLE_LINE, ADDRESS_LABEL, SPONSORED,
#: LAST_UPDATED) needs this after its label: a line without it is not tried against them (most
#: lines of an entry: prose, names, addresses), which saves a pattern call per line and label.
LABEL_MARK = ":"
#: Every CHANNEL_LABELS pattern needs one of these after its label, a bare e-mail a dot, a bare
#: web address "://" or "www.": a line with neither is no channel.
CHANNEL_MARKS = (".", ":")
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
#: Words every match of SOURCE, ACCESSIBLE and LIKELY (boilerplate) holds, case-folded.  An
#: unanchored case-insensitive search tries every position of the line (25 µs on a line of
#: prose); a substring test of the case-folded line first costs a microsecond, and the pattern
#: still decides (casefold maps every character these patterns match to the word's letters,
#: but for the dotless "ı", which IGNORECASE takes for "i": :func:`folded` maps it).
SOURCE_WORDS = ("soviet", "edition", "печатн")
ACCESSIBLE_WORD = "accessible"
SPONSORED = re.compile(r"^(?:sponsored\s+by|спонсор)\s*:\s*(?P<v>.*)$", re.I)
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
#: A decimal digit anywhere in a line: one C-level scan where a loop over the characters in
#: Python (``any(ch.isdigit() ...)``) cost a fifth of the line tests' time.
DIGIT = re.compile(r"\d")
COMMON_LOWER = "оеаинтср"

RUSSIAN_CITY_NAMES = [ru for _s, _p, kind, _i, ru, _e, _n in REGION_TREE if kind == "city"]
LANGUAGE_NOMINATIVE = {
    "русском": "русский", "английском": "английский", "украинском": "украинский",
    "белорусском": "белорусский", "немецком": "немецкий", "французском": "французский",
}  # fmt: skip
