"""OSDI 1.1 shapes shared by the resources: identifiers, people's fields, collections.

Vigil keeps one name field per person, so a person's whole name is OSDI's ``given_name`` and
``family_name`` stays empty: splitting a name into parts cannot be done right for everybody.
"""

from __future__ import annotations

import datetime
from functools import cache
from typing import Any

from ninja import Field, Schema
from pydantic import create_model

from .pagination import Links

ORIGIN = "Vigil"


def identifiers(kind: str, pk: Any) -> list[str]:
    return [f"vigil:{kind}-{pk}"]


class EmailAddress(Schema):
    address: str
    primary: bool = True


class PostalAddress(Schema):
    locality: str = ""
    country: str = ""
    primary: bool = True


class PhoneNumber(Schema):
    number: str
    primary: bool = True


class PersonOut(Schema):
    identifiers: list[str] = []
    given_name: str
    family_name: str = ""
    email_addresses: list[EmailAddress]
    postal_addresses: list[PostalAddress] = []
    phone_numbers: list[PhoneNumber] = []
    languages_spoken: list[str] = []


class PersonIn(Schema):
    """The signer or attendee: a name and one e-mail address at least."""

    given_name: str = Field(..., min_length=1, max_length=150)
    family_name: str = Field("", max_length=150)
    email_addresses: list[EmailAddress] = Field(..., min_length=1, max_length=5)
    postal_addresses: list[PostalAddress] = Field([], max_length=5)
    phone_numbers: list[PhoneNumber] = Field([], max_length=5)

    def full_name(self) -> str:
        return " ".join(p for p in (self.given_name.strip(), self.family_name.strip()) if p)

    def email(self) -> str:
        primary = [e for e in self.email_addresses if e.primary] or self.email_addresses
        return primary[0].address

    def postal(self) -> PostalAddress:
        return (self.postal_addresses or [PostalAddress()])[0]

    def phone(self) -> str:
        return self.phone_numbers[0].number if self.phone_numbers else ""


def person_out(
    pk: Any, name: str, email: str, *, city: str = "", country: str = "", phone: str = "",
    language: str = "",
) -> dict[str, Any]:  # fmt: skip
    return {
        "identifiers": identifiers("person", pk) if pk else [],
        "given_name": name,
        "family_name": "",
        "email_addresses": [{"address": email, "primary": True}] if email else [],
        "postal_addresses": (
            [{"locality": city, "country": country, "primary": True}] if city or country else []
        ),
        "phone_numbers": [{"number": phone, "primary": True}] if phone else [],
        "languages_spoken": [language] if language else [],
    }


class Accepted(Schema):
    """The same answer whether the person was new or known: nothing tells who took part."""

    status: str = "received"
    detail: str


class Dated(Schema):
    identifiers: list[str]
    origin_system: str = ORIGIN
    created_date: datetime.datetime | None = None
    modified_date: datetime.datetime | None = None


@cache
def collection(name: str, item: type[Schema]) -> type[Schema]:
    """``{"per_page", "_links": {"self", "next"}, "_embedded": {"osdi:<name>": [...]}}``."""
    title = "".join(part.capitalize() for part in name.replace("-", "_").split("_"))
    embedded = create_model(
        f"{title}Embedded",
        __base__=Schema,
        items=(list[item], Field(..., alias=f"osdi:{name}")),  # type: ignore[valid-type]
    )
    model = create_model(
        f"{title}Collection",
        __base__=Schema,
        per_page=(int, ...),
        links=(Links, Field(..., alias="_links")),
        embedded=(embedded, Field(..., alias="_embedded")),
    )
    return model
