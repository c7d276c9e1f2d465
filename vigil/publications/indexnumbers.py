"""Amnesty International index numbers ("EUR 46/039/2003"): one parser, one validator.

An index number names a document in every language it exists in: a region or subject prefix,
a two-digit subject code, a three-digit serial and the year.  Printed copies spell it in many
ways ("AI Index: EUR 46/39/2003", "eur46/039/2003"; for years the 1990s' "EUR 46/34/99" with a
two-digit serial and year; sometimes "21/139/99" without the prefix), and URLs need it without
slashes ("eur-46-039-2003"); :func:`parse_index_number` reads all of these and
:class:`IndexNumber` writes the one canonical form that the database stores, so "EUR 46/34/99"
and "EUR 46/039/1999"'s neighbour "EUR 46/034/1999" are one number.  An index printed without
its prefix is read (``prefix == ""``) but is not :attr:`IndexNumber.certain`: the importer sends
such a document to review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: Region prefixes (Africa, Americas, Asia-Pacific, Europe, Middle East) and subject prefixes
#: (thematic campaigns, international organisations, policy, the organisation, news service).
PREFIXES: dict[str, str] = {
    "AFR": "Africa",
    "AMR": "Americas",
    "ASA": "Asia and the Pacific",
    "EUR": "Europe and Central Asia",
    "MDE": "Middle East and North Africa",
    "ACT": "Campaigns and themes",
    "IOR": "International organisations",
    "POL": "Policy",
    "ORG": "The organisation",
    "NWS": "News service",
}
#: The organisation was founded in 1961; no document is older.
FIRST_YEAR = 1961
LAST_YEAR = 2199
#: A two-digit year from 61 is of the 1900s, below it of the 2000s.
CENTURY_PIVOT = 61

_STRICT = re.compile(
    r"^\s*(?:A[Il1][\s\-]+Index\s*(?:No\.?)?\s*:?\s*)?"
    r"(?:(?P<prefix>[A-Za-z]{3})[\s_\-]*)?(?P<subject>\d{1,2})[\s/_\-]+(?P<serial>\d{1,3})"
    r"[\s/_\-]+(?P<year>\d{4}|\d{2})\s*$",
    re.I,
)


def full_year(text: str) -> int:
    """ "99" -> 1999, "00" -> 2000, "2003" -> 2003."""
    year = int(text)
    if len(text) == 2:
        year += 1900 if year >= CENTURY_PIVOT else 2000
    return year


@dataclass(frozen=True, order=True)
class IndexNumber:
    prefix: str
    subject: int
    serial: int
    year: int

    def __str__(self) -> str:
        number = f"{self.subject:02d}/{self.serial:03d}/{self.year}"
        return f"{self.prefix} {number}" if self.prefix else number

    @property
    def slug(self) -> str:
        """The form used in URLs: ``eur-46-039-2003`` (``21-139-1999`` without a prefix)."""
        number = f"{self.subject:02d}-{self.serial:03d}-{self.year}"
        return f"{self.prefix.lower()}-{number}" if self.prefix else number

    @property
    def certain(self) -> bool:
        """False for an index printed without its prefix: the document needs review."""
        return bool(self.prefix)

    @property
    def region_label(self) -> str:
        return PREFIXES.get(self.prefix, "")


def parse_index_number(text: str) -> IndexNumber:
    """Read an index number in any usual spelling; ValidationError says what is wrong."""
    match = _STRICT.match(text or "")
    if not match:
        raise ValidationError(
            _("“%(value)s” is not an index number such as “EUR 46/039/2003”."),
            code="invalid_index",
            params={"value": text},
        )
    prefix = (match["prefix"] or "").upper()
    if prefix and prefix not in PREFIXES:
        raise ValidationError(
            _("“%(prefix)s” is not a known index prefix (one of %(known)s)."),
            code="invalid_index_prefix",
            params={"prefix": prefix, "known": ", ".join(PREFIXES)},
        )
    year = full_year(match["year"])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(
            _("%(year)d is not a possible year of an index number."),
            code="invalid_index_year",
            params={"year": year},
        )
    return IndexNumber(prefix, int(match["subject"]), int(match["serial"]), year)


def validate_index_number(value: str) -> None:
    """Model-field validator: the stored value must be the canonical spelling."""
    parsed = parse_index_number(value)
    if str(parsed) != value:
        raise ValidationError(
            _("Write the index number as “%(canonical)s”."),
            code="index_not_canonical",
            params={"canonical": str(parsed)},
        )


def canonical_index_number(text: str) -> str:
    return str(parse_index_number(text))
