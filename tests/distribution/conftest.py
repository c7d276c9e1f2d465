"""Distribution fixtures: an approved Russian issue and groups with and without e-mail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from vigil.bulletin.models import Article, Issue, Segment
from vigil.directory.models import Region
from vigil.groups.models import Group

APPROVED = Segment.Status.APPROVED


@pytest.fixture(autouse=True)
def _regions(region_tree: None) -> None:
    """Every test here has the region tree (see tests/conftest.py)."""


@pytest.fixture(autouse=True)
def https_site(settings: Any) -> None:
    settings.VIGIL_BASE_URL = "https://vigil.example.org"


def make_issue(year: int = 2026, month: int = 11, *, approved: bool = True) -> Issue:
    issue = Issue.objects.create(year=year, month=month, title="Ноябрь")
    article = Article.objects.create(issue=issue, position=0)
    texts = [
        (0, "Journalist detained", "Журналист задержан"),
        (1, "Dr. Ivanov was arrested.", "Доктор Иванов арестован <в Ростове> & осуждён."),
        (2, "Write to the prosecutor.", "Пишите прокурору."),
    ]
    for position, (paragraph, source, target) in enumerate(texts):
        Segment.objects.create(
            article=article,
            paragraph=paragraph,
            position=position,
            source=source,
            target=target,
            status=APPROVED if approved or position < 2 else Segment.Status.TRANSLATED,
        )
    return issue


@pytest.fixture
def issue(db: Any) -> Issue:
    return make_issue()


@pytest.fixture
def make_group(db: Any) -> Callable[..., Group]:
    numbers = iter(range(1, 10_000))

    def make(email: str = "", **values: Any) -> Group:
        number = next(numbers)
        values.setdefault("status", Group.Status.ACTIVE)
        return Group.objects.create(
            number=number,
            name=values.pop("name", f"Группа {number}"),
            slug=f"group-{number}",
            city="Казань",
            region=Region.objects.get(slug="kazan"),
            email=email,
            **values,
        )

    return make


@pytest.fixture
def groups(make_group: Callable[..., Group]) -> list[Group]:
    """Three groups by e-mail, one by post, one closed."""
    return [
        make_group("g1@example.org"),
        make_group("g2@example.org"),
        make_group("g3@example.org"),
        make_group("", postal_address="420111, Казань, ул. Баумана, 1"),
        make_group("closed@example.org", status=Group.Status.CLOSED),
    ]
