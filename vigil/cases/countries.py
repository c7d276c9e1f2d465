"""ISO 3166-1 alpha-2 country codes: every code is accepted, the common ones have names.

No library in the lock carries country names in Russian, so the names a case page needs are
kept here; an unnamed code is shown as the code itself.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from vigil.core.i18n import in_english

ISO_CODES = frozenset(
    """AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO
    DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU
    GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW
    KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU
    MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW
    PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF
    TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA
    ZM ZW""".split()  # noqa: SIM905 (a table is easier to check than a list)
)

#: code: (Russian, English)
NAMES: dict[str, tuple[str, str]] = {
    "AM": ("Армения", "Armenia"), "AZ": ("Азербайджан", "Azerbaijan"),
    "BY": ("Беларусь", "Belarus"), "CN": ("Китай", "China"), "DE": ("Германия", "Germany"),
    "EG": ("Египет", "Egypt"), "FR": ("Франция", "France"),
    "GB": ("Великобритания", "United Kingdom"),
    "GE": ("Грузия", "Georgia"), "IN": ("Индия", "India"), "IR": ("Иран", "Iran"),
    "IQ": ("Ирак", "Iraq"), "KG": ("Киргизия", "Kyrgyzstan"), "KZ": ("Казахстан", "Kazakhstan"),
    "LT": ("Литва", "Lithuania"), "LV": ("Латвия", "Latvia"), "EE": ("Эстония", "Estonia"),
    "MD": ("Молдова", "Moldova"), "MM": ("Мьянма", "Myanmar"), "NG": ("Нигерия", "Nigeria"),
    "PK": ("Пакистан", "Pakistan"), "RU": ("Россия", "Russia"),
    "SA": ("Саудовская Аравия", "Saudi Arabia"), "TJ": ("Таджикистан", "Tajikistan"),
    "TM": ("Туркменистан", "Turkmenistan"), "TR": ("Турция", "Türkiye"),
    "UA": ("Украина", "Ukraine"), "US": ("США", "United States"),
    "UZ": ("Узбекистан", "Uzbekistan"), "VN": ("Вьетнам", "Viet Nam"),
}  # fmt: skip


def country_name(code: str) -> str:
    """The country's name in the active language, or the code when it has no name here."""
    names = NAMES.get(code)
    if names is None:
        return code
    return names[1] if in_english() else names[0]


def validate_country(value: str) -> None:
    if value not in ISO_CODES:
        raise ValidationError(
            _("“%(value)s” is not an ISO 3166-1 country code (two capital letters, like RU)."),
            params={"value": value},
            code="country",
        )


def country_choices() -> list[tuple[str, str]]:
    """Named countries for filters, in the active language's alphabetical order."""
    return sorted(((code, country_name(code)) for code in NAMES), key=lambda c: c[1])
