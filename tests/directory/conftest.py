from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture
def english_reports() -> Iterator[None]:
    """Command reports are read in English; a command speaks whatever language is active."""
    with translation.override("en"):
        yield
