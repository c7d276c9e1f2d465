"""Fixtures for the standing guard: the apps' own fixtures, shared here by import."""

from __future__ import annotations

import pytest

from tests.groups.conftest import kazan, kazan_coordinator, make_group  # noqa: F401
from tests.petitions.conftest import consent, make_petition, petition  # noqa: F401
from tests.publications.conftest import embargoed, private_files, seed_document  # noqa: F401


@pytest.fixture(autouse=True)
def _regions(region_tree: None) -> None:
    """The region tree, restored after a test with real commits flushed it."""
