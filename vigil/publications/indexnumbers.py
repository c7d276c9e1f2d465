"""Amnesty International index numbers ("EUR 46/039/2003"): one parser, one validator.

An index number names a document in every language it exists in: a region or subject prefix,
a two-digit subject code, a three-digit serial and the year.  Printed copies spell it in many
ways ("AI Index: EUR 46/39/2003", "eur46/039/2003"), and URLs need it without slashes
("eur-46-039-2003"); :func:`parse_index_number` reads all of these and :class:`IndexNumber`
writes the one canonical form that the database stores.
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

_STRICT = re.compile(
    r"^\s*(?:A[Il1]\s+Index\s*(?:No\.?)?\s*:?\s*)?"
    r"(?P<prefix>[A-Za-z]{3})[\s_\-]*(?P<subject>\d{1,2})[\s/_\-]+(?P<serial>\d{1,3})"
    r"[\s/_\-]+(?P<year>\d{4})\s*$"
)


@dataclass(frozen=True, order=True)
class IndexNumber:
    prefix: str
    subject: int
    serial: int
    year: int

    def __str__(self) -> str:
        return f"{self.prefix} {self.subject:02d}/{self.serial:03d}/{self.year}"

    @property
    def slug(self) -> str:
        """The form used in URLs: ``eur-46-039-2003``."""
        return f"{self.prefix.lower()}-{self.subject:02d}-{self.serial:03d}-{self.year}"

    @property
    def region_label(self) -> str:
        return PREFIXES[self.prefix]


def parse_index_number(text: str) -> IndexNumber:
    """Read an index number in any usual spelling; ValidationError says what is wrong."""
    match = _STRICT.match(text or "")
    if not match:
        raise ValidationError(
            _("“%(value)s” is not an index number such as “EUR 46/039/2003”."),
            code="invalid_index",
            params={"value": text},
        )
    prefix = match["prefix"].upper()
    if prefix not in PREFIXES:
        raise ValidationError(
            _("“%(prefix)s” is not a known index prefix (one of %(known)s)."),
            code="invalid_index_prefix",
            params={"prefix": prefix, "known": ", ".join(PREFIXES)},
        )
    year = int(match["year"])
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
