"""The cases' fixtures (groups, cases, the region tree) and a mail catcher for supporters."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cases.conftest import (  # noqa: F401 (fixtures)
    _regions,
    abroad,
    death_penalty_ru,
    kazan,
    make_case,
    make_group,
    russian_member,
    torture_ru,
)


@pytest.fixture
def mails(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Mails the supporter services queue (on commit), as keyword arguments."""
    queued: list[dict[str, Any]] = []
    monkeypatch.setattr("vigil.supporters.services.queue_email", lambda **mail: queued.append(mail))
    return queued
