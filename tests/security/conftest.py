"""Fixtures for the standing guard: the apps' own fixtures, shared here by import."""

from __future__ import annotations

from tests.groups.conftest import kazan, kazan_coordinator, make_group  # noqa: F401
from tests.petitions.conftest import consent, make_petition, petition  # noqa: F401
from tests.publications.conftest import embargoed, private_files, seed_document  # noqa: F401
