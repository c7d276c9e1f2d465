from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from vigil.publications.indexnumbers import (
    IndexNumber,
    parse_index_number,
    validate_index_number,
)


@pytest.mark.parametrize(
    "text",
    [
        "EUR 46/039/2003",
        "AI Index: EUR 46/039/2003",
        "Al Index: EUR 46/39/2003",
        "eur46/039/2003",
        "eur-46-039-2003",
        " EUR 46 / 039 / 2003 ",
    ],
)
def test_spellings_read_to_one_canonical_form(text: str) -> None:
    parsed = parse_index_number(text)
    assert parsed == IndexNumber("EUR", 46, 39, 2003)
    assert str(parsed) == "EUR 46/039/2003"
    assert parsed.slug == "eur-46-039-2003"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("XYZ 46/039/2003", "invalid_index_prefix"),
        ("EUR 46/039/1950", "invalid_index_year"),
        ("EUR 46039", "invalid_index"),
        ("", "invalid_index"),
        ("EUR 460/039/2003", "invalid_index"),
    ],
)
def test_bad_index_numbers_say_why(text: str, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_index_number(text)
    assert caught.value.code == code


def test_validator_wants_the_canonical_spelling() -> None:
    validate_index_number("AMR 51/001/1999")
    with pytest.raises(ValidationError):
        validate_index_number("amr 51/1/1999")


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("EUR 46/34/99", "EUR 46/034/1999"),
        ("EUR 70/09/00", "EUR 70/009/2000"),
        ("AI INDEX: EUR 46/34/99", "EUR 46/034/1999"),
        ("AI Index EUR 70/09/00", "EUR 70/009/2000"),
        ("ASA 11/012/2001", "ASA 11/012/2001"),
        ("AFR 44/7/61", "AFR 44/007/1961"),
        ("MDE 15/3/60", "MDE 15/003/2060"),
    ],
)
def test_two_digit_serials_and_years(text: str, canonical: str) -> None:
    assert str(parse_index_number(text)) == canonical


def test_an_index_without_its_prefix_is_read_but_marked_uncertain() -> None:
    parsed = parse_index_number("21/139/99")
    assert str(parsed) == "21/139/1999"
    assert parsed.prefix == "" and not parsed.certain
    assert parsed.slug == "21-139-1999"
    assert parse_index_number("EUR 46/34/99").certain
    validate_index_number("21/139/1999")


def test_the_two_spellings_of_one_index_are_one_number() -> None:
    assert parse_index_number("EUR 46/34/99") == parse_index_number("EUR 46/034/1999")
