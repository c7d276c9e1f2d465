from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.cases.conftest import make_case  # noqa: F401
from tests.events.conftest import coordinator, group, make_group  # noqa: F401
from tests.petitions.conftest import consent, make_petition, petition  # noqa: F401
from tests.publications.conftest import seed_document  # noqa: F401
from vigil.accounts.models import User
from vigil.api import tokens


@pytest.fixture
def bearer(staff: User) -> Callable[..., dict[str, str]]:
    """Headers with a fresh token of ``staff`` holding ``scopes``."""

    def make(*scopes: str, owner: User | None = None, per_minute: int = 1000) -> dict[str, str]:
        _token, raw = tokens.issue(
            owner or staff, name="test", scopes=list(scopes), per_minute=per_minute
        )
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    return make


@pytest.fixture(autouse=True)
def _fresh_limits(settings: Any) -> None:
    from django.core.cache import cache

    cache.clear()
