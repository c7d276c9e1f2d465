"""Postal addresses of the region: postcodes of every country, cities, countries.

Russia writes six digits (before or after the city); Ukraine five, and six before 1998;
Belarus, Kazakhstan, Central Asia and the Caucasus six in the Soviet scheme, Armenia and
Georgia four today, Azerbaijan "AZ1000", Moldova "MD-2012", Latvia "LV-1050", Lithuania
"LT-01108", Estonia five digits.  A four- or five-digit number counts as a postcode only
beside a city this module knows, so house numbers and years are not taken for one.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from .patterns import DIGIT, LINE_CACHE, PO_BOX, REGION_TREE

POSTCODE = re.compile(r"^(?:(?P<prefixed>(?:LV|LT|EE|MD|AZ)-?\s?\d{4,5})|(?P<digits>\d{4,6}))$")
CODE_AND_CITY = re.compile(
    r"^(?P<code>(?:(?:LV|LT|EE|MD|AZ)-?\s?\d{4,5})|\d{4,6})[,\s]+(?P<city>[^\d,;]{2,60}?)[.,;]?$"
)
CITY_AND_CODE = re.compile(
    r"^(?P<city>[^\d,;]{2,60}?)[,\s]+(?P<code>(?:(?:LV|LT|EE|MD|AZ)-?\s?\d{4,5})|\d{4,6})[.,;]?$"
)
#: "Kyiv - 133" (a post office number after the city).
CITY_DISTRICT = re.compile(r"^(?P<city>[^\d,;]{2,60}?)\s*-\s*\d{1,3}$")
#: Every postcode pattern above has four digits in a row: without them no part is a postcode.
FOUR_DIGITS = re.compile(r"\d{4}")
ADDRESS_PARTS = re.compile(r"\s*[,;]\s*")

COUNTRIES = frozenset(
    """russia|russian federation|ukraine|belarus|republic of belarus|kazakhstan|
    republic of kazakhstan|armenia|republic of armenia|georgia|republic of georgia|azerbaijan|
    republic of azerbaijan|kyrgyzstan|kyrgyz republic|kyrgyzia|tajikistan|republic of
    tajikistan|turkmenistan|uzbekistan|republic of uzbekistan|moldova|republic of moldova|
    latvia|lithuania|estonia|россия|российская федерация|украина|беларусь|белоруссия|
    казахстан|республика казахстан|армения|грузия|азербайджан|киргизия|кыргызстан|
    таджикистан|туркменистан|узбекистан|молдова|латвия|литва|эстония""".replace("\n", " ")
    .replace("  ", " ")
    .split("|")
)
COUNTRIES = frozenset(" ".join(name.split()) for name in COUNTRIES)

_CITY_LIST = """
moscow|st. petersburg|st petersburg|saint petersburg|sankt-peterburg|petersburg|leningrad|
kyiv|kiev|kharkiv|kharkov|lviv|lvov|odesa|odessa|dnipropetrovsk|donetsk|zaporizhzhia|
simferopol|sevastopol|chernihiv|poltava|vinnytsia|uzhgorod|ivano-frankivsk|luhansk|
minsk|brest|gomel|grodno|hrodna|vitebsk|mogilev|almaty|alma-ata|astana|akmola|karaganda|
shymkent|ust-kamenogorsk|pavlodar|tbilisi|kutaisi|batumi|sukhumi|yerevan|gyumri|vanadzor|
baku|ganja|sumgait|bishkek|osh|dushanbe|khujand|tashkent|samarkand|bukhara|nukus|ashgabat|
ashkhabad|chisinau|kishinev|tiraspol|riga|daugavpils|vilnius|kaunas|klaipeda|tallinn|tartu|
narva|tver|ryazan|kostroma|omsk|rostov-on-don|rostov|vladivostok|perm|ufa|nizhny novgorod|
nizhniy novgorod|novosibirsk|novorossiysk|kazan|irkutsk|pskov|tambov|volgograd|saratov|
tula|samara|yekaterinburg|ekaterinburg|petrozavodsk|bryansk|tomsk|smolensk|vologda|
arkhangelsk|murmansk|krasnoyarsk|khabarovsk|chelyabinsk|voronezh|kaliningrad|yaroslavl|
vladimir|kaluga|orel|kursk|belgorod|lipetsk|penza|ulyanovsk|izhevsk|kirov|syktyvkar|
tyumen|barnaul|kemerovo|chita|ulan-ude|yakutsk|magadan|krasnodar|stavropol|pyatigorsk|
nalchik|vladikavkaz|makhachkala|grozny|nazran|astrakhan|elista|orenburg|obninsk|dubna|
novgorod|veliky novgorod|ivanovo|cheboksary|yoshkar-ola|saransk|sochi|tolyatti|togliatti|
москва|санкт-петербург|петербург|нижний новгород|екатеринбург|архангельск|новосибирск|
казань|самара|омск|томск|пермь|уфа|владивосток|иркутск|ростов-на-дону|волгоград|саратов|
воронеж|красноярск|хабаровск|челябинск|мурманск|петрозаводск|тверь|рязань|тула|калуга|
киев|київ|харьков|харків|львов|львів|одесса|одеса|минск|мінск|алматы|алма-ата|тбилиси|
ереван|баку|бишкек|душанбе|ташкент|ашхабад|кишинев|кишинёв|рига|вильнюс|таллин|таллинн
"""
KNOWN_CITIES = frozenset(
    name.strip() for name in _CITY_LIST.replace("\n", "").split("|") if name.strip()
) | frozenset(
    name.casefold()
    for _slug, _parent, kind, _iso, ru, en, names in REGION_TREE
    if kind == "city"
    for name in (ru, en, *names)
)


def is_country(text: str) -> bool:
    return " ".join(text.strip().rstrip(".").casefold().split()) in COUNTRIES


def is_known_city(text: str) -> bool:
    return " ".join(text.strip().rstrip(".,").casefold().split()) in KNOWN_CITIES


@dataclass
class Address:
    postal_code: str = ""
    city: str = ""
    country: str = ""
    po_box: str = ""
    street: list[str] = field(default_factory=list)


def _code_part(part: str) -> tuple[str, str] | None:
    """(postcode, city) of "121019 Moscow", "Kazan 420012", "LV-1050 Riga" or "01601"."""
    if POSTCODE.match(part):
        return part, ""
    for pattern in (CODE_AND_CITY, CITY_AND_CODE):
        match = pattern.match(part)
        if match:
            code, city = match.group("code"), _city_of(match.group("city").strip())
            if len(code) >= 6 or code[:1].isalpha() or is_known_city(city):
                return code, city
    return None


def _city_of(text: str) -> str:
    district = CITY_DISTRICT.match(text)
    return district.group("city").strip() if district else text


@functools.lru_cache(maxsize=LINE_CACHE)
def parse_address(text: str) -> Address | None:
    """The parts of an address line, or None when it is not one (no postcode, or no known
    city beside a country or street)."""
    parts = [p.strip() for p in ADDRESS_PARTS.split(text.strip().rstrip(";.")) if p.strip()]
    if not parts or len(parts) > 8:
        return None
    may_have_code = bool(FOUR_DIGITS.search(text))
    if not may_have_code and (
        len(parts) == 1 or (not DIGIT.search(text) and not any(is_country(p) for p in parts))
    ):
        return None  # no postcode, and not a known city beside a country or a numbered street
    address = Address()
    bare_code = False
    for part in parts:
        if may_have_code and not address.postal_code and (coded := _code_part(part)):
            address.postal_code, city = coded
            bare_code = not city
            address.city = address.city or city
        elif not address.country and is_country(part):
            address.country = part
        elif not address.city and is_known_city(_city_of(part)):
            address.city = _city_of(part)
        elif not address.po_box and (box := PO_BOX.match(part)):
            address.po_box = box.group("v").strip()[:60]
        else:
            address.street.append(part)
    if bare_code and len(address.postal_code) < 6 and not address.city:
        return None
    if address.postal_code and (address.city or len(address.postal_code) >= 6):
        if not address.city and address.street and not DIGIT.search(address.street[0]):
            address.city = address.street.pop(0)
        return address
    streetish = any(DIGIT.search(part) for part in address.street)
    if address.city and (address.country or streetish) and len(parts) > 1:
        return address
    return None


@functools.lru_cache(maxsize=LINE_CACHE)
def city_line(text: str) -> tuple[str, str] | None:
    """(city, country) of a line that is only a city, maybe with its country."""
    parts = [p.strip() for p in text.strip().rstrip(".").split(",")]
    if len(parts) == 1 and is_known_city(parts[0]):
        return parts[0], ""
    if len(parts) == 2 and is_known_city(parts[0]) and is_country(parts[1]):
        return parts[0], parts[1]
    return None
