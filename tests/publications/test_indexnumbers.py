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
