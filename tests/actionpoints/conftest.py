"""The partners tests' network: staff, groups, two partner organisations and a campaign."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.partners.conftest import Partners, build_partners
from vigil.accounts.models import User


@pytest.fixture
def partners(make_user: Callable[..., User]) -> Partners:
    return build_partners(make_user)
