"""The Python example of docs/api.md runs, as written, against a live server with the demo."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from vigil.accounts.models import User
from vigil.api import tokens
from vigil.api.models import Scope

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def example() -> str:
    (code,) = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.S)
    return code


@pytest.mark.django_db(transaction=True)
def test_the_docs_example_runs_against_the_demo(
    live_server: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("load_demo", stdout=StringIO())
    staff = User.objects.get_by_email("staff@vigil.example")
    _token, raw = tokens.issue(
        staff, name="docs", scopes=[Scope.READ_PUBLIC, Scope.READ_PEOPLE, Scope.WRITE_ACTIONS]
    )
    monkeypatch.setenv("VIGIL_URL", live_server.url)
    monkeypatch.setenv("VIGIL_TOKEN", raw)
    exec(compile(example(), str(DOC), "exec"), {"__name__": "__docs__"})  # noqa: S102
    printed = capsys.readouterr().out
    assert "maria.ivanova@example.org False" in printed
