from collections.abc import Callable

import pytest

from vigil.accounts.models import User

from .network import Network, build_network


@pytest.fixture
def network(make_user: Callable[..., User]) -> Network:
    return build_network(make_user)
