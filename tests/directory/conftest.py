from collections.abc import Iterator

import pytest


@pytest.fixture
def english_reports(english: None) -> Iterator[None]:
    """Command reports are read in English (see tests/conftest.py ``english``)."""
    yield
