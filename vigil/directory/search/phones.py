"""Phone numbers, however written: in an entry's channels or its prose, and in a query.

An entry's number is indexed as every ending of seven digits or more of its digits (tagged
``p``), written internationally (``+380 44 417-41-18``, ``00 375 17 …``) or nationally
(``(044) 417-41-18``, ``8-095-291-29-04``): whichever way the query writes it, its national
significant number is such an ending.  A query number gives that number every way it can be
read: without the international prefix (``+``, ``00``, the old Soviet ``8 10``) and the country
code, and without a trunk prefix (the old ``8``, the ``0`` of Ukraine and the Caucasus), so
``+380 44 417 41 18``, ``0444174118``, ``8 044 417-41-18`` and ``417-41-18`` find the same entry.
"""

from __future__ import annotations

import re

TAG = "p"
#: The shortest ending indexed: a local number without its area code.
MIN_DIGITS = 7
MAX_DIGITS = 15
#: Country calling codes (ITU E.164) are prefix-free: 1 and 7 alone, these two-digit ones, every
#: other three digits long (+380 Ukraine, +375 Belarus, +995 Georgia, +374 Armenia, ...).
_TWO_DIGIT_CODES = frozenset(
    {
        *("20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45"),
        *("46", "47", "48", "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61"),
        *("62", "63", "64", "65", "66", "81", "82", "84", "86", "90", "91", "92", "93", "94"),
        *("95", "98"),
    }
)
_EXITS = ("810", "00")  # the old Soviet "8, dial tone, 10", and the international 00

#: A number in a text or a query: digits with the separators people write between them.
PHONE = re.compile(r"(?<![\w+])\+?\(?\d[\d \t().\-–/]{3,}\d(?!\w)")
_YEARS = re.compile(r"(?:1[89]|20)\d\d\s*[-–/]\s*(?:1[89]|20)?\d\d")
_DATE = re.compile(r"\d{1,2}[./]\d{1,2}[./]\d{2,4}")


def _country_code_length(digits: str) -> int:
    if digits[0] in "17":
        return 1
    return 2 if digits[:2] in _TWO_DIGIT_CODES else 3


def _significant(written: str) -> tuple[str, str | None]:
    """The digits without an international prefix, and whether they are international."""
    digits = "".join(ch for ch in written if ch.isdigit())
    if written.lstrip().startswith("+"):
        return digits, digits
    for exit_code in _EXITS:
        if digits.startswith(exit_code) and len(digits) - len(exit_code) >= 9:
            return digits[len(exit_code) :], digits[len(exit_code) :]
    return digits, None


def readings(written: str) -> list[str]:
    """The numbers a written phone number may be: as written, without its country code or its
    trunk prefix.  Most specific first."""
    digits, international = _significant(written)
    found = [digits]
    if international and len(international) > 8:
        national = international[_country_code_length(international) :]
        found += [national, national.lstrip("0")]
    elif digits[:1] == "8" and len(digits) >= 10:
        found += [digits[1:], digits[1:].lstrip("0")]
    elif digits[:1] == "0":
        found.append(digits.lstrip("0"))
    elif len(digits) >= 11:  # international without its "+"
        found.append(digits[_country_code_length(digits) :])
    return [d for d in dict.fromkeys(found) if d and (len(d) >= MIN_DIGITS or d == digits)]


def entry_tokens(*written: str) -> list[str]:
    """The tokens of a number of an entry (as written, and its stored normal form)."""
    endings: dict[str, None] = {}
    for text in written:
        for digits in readings(text) if text else ():
            if len(digits) <= MIN_DIGITS:
                endings[digits] = None
            else:
                endings.update(dict.fromkeys(digits[i:] for i in range(len(digits) - 6)))
    return [TAG + d for d in endings if len(d) <= MAX_DIGITS]


def query_tokens(written: str) -> list[str]:
    """The tokens a number typed as a query is looked up in (any of them)."""
    return [TAG + d for d in readings(written) if len(d) <= MAX_DIGITS]


def in_text(text: str) -> list[str]:
    """The phone numbers written in a prose text ("Tel: 928-2506"), not years or dates."""
    found = []
    for match in PHONE.finditer(text):
        written = match.group()
        digits = sum(ch.isdigit() for ch in written)
        if MIN_DIGITS <= digits <= MAX_DIGITS and not (
            _YEARS.fullmatch(written.strip()) or _DATE.fullmatch(written.strip())
        ):
            found.append(written)
    return found
