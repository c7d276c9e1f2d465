"""The back office in Russian where Django's own Russian stops: the scripts' catalog."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

pytestmark = pytest.mark.django_db

NOTE = "Note: Enter times in the %(timezone)s timezone. (You are %(offset)s hour behind.)"


def _catalog(client: Any, url: str) -> dict[str, Any]:
    script = client.get(url).content.decode()
    found = re.search(r"const newcatalog = (\{.*?\});", script, re.DOTALL)
    catalog: dict[str, Any] = json.loads(found.group(1)) if found else {}  # none in English
    return catalog


def test_the_date_fields_time_zone_note_is_in_russian(signed_in_staff: Any) -> None:
    # Shown under every date and time field when the browser's zone is not the server's.
    russian = _catalog(signed_in_staff, "/back-office/jsi18n/")
    assert russian[NOTE] == [
        "Примечание: вводите время по часовому поясу %(timezone)s "
        f"(ваше время отстаёт от него на %(offset)s {hours})."
        for hours in ("час", "часа", "часов", "часа")
    ]
    assert russian["Choose a Time"] == "Выберите время"  # Django's own Russian is kept
    assert NOTE not in _catalog(signed_in_staff, "/en/back-office/jsi18n/")
