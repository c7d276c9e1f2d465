"""Bulletin fixtures: translators, a reviewer and an issue with one article."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import PASSWORD
from vigil.accounts.models import User
from vigil.accounts.roles import Role
from vigil.bulletin import services
from vigil.bulletin.models import Article, GlossaryTerm, Issue

BODY = (
    "Dr. Ivanov was arrested in Rostov on 3 May. We consider him a prisoner of conscience.\n\n"
    "Write to the prosecutor and ask for his release. Letters should be polite and brief."
)


@pytest.fixture
def translator(make_user: Callable[..., User]) -> User:
    return make_user("translator@example.org", Role.TRANSLATOR, name="Анна Переводчикова")


@pytest.fixture
def translator2(make_user: Callable[..., User]) -> User:
    return make_user("translator2@example.org", Role.TRANSLATOR, name="Борис Редактор")


@pytest.fixture
def issue(staff: User) -> Issue:
    return services.create_issue(staff, year=2026, month=11, title="November")


@pytest.fixture
def article(staff: User, issue: Issue) -> Article:
    return services.add_article(staff, issue, title="Journalist detained", body=BODY)


@pytest.fixture
def term(db: Any) -> GlossaryTerm:
    return GlossaryTerm.objects.create(source="prisoner of conscience", target="узник совести")


@pytest.fixture
def translator_client(client: Any, translator: User) -> Any:
    response = client.post(
        "/en/account/login/", {"username": translator.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client
