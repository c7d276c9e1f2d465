"""An issue is named by its month in the reader's language: on the pages, in the mail's subject
and in the PDF ("Бюллетень за ноябрь 2026 г.", never "11/2026: November")."""

from __future__ import annotations

import pytest
from django.utils import translation

from vigil.bulletin.models import Issue


@pytest.mark.parametrize(
    ("language", "name", "label"),
    [
        ("ru", "ноябрь 2026 г.", "Бюллетень за ноябрь 2026 г."),
        ("en", "November 2026", "Bulletin for November 2026"),
    ],
)
def test_an_issue_is_named_by_its_month(language: str, name: str, label: str) -> None:
    issue = Issue(year=2026, month=11)
    with translation.override(language):
        assert str(issue) == name
        assert issue.label == label
    # A title that only repeats the month adds nothing; another one follows the month.
    issue.title = "November"
    with translation.override(language):
        assert issue.label == label
    issue.title = "Journalists in detention"
    with translation.override(language):
        assert issue.label == f"{label}: Journalists in detention"
