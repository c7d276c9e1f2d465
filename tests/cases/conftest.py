"""Cases fixtures: a Kazan group (Russia) with a member, and three cases as the issue names them."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from vigil.accounts.models import User
from vigil.cases.models import AppealTemplate, Case, Official, Outcome
from vigil.directory.models import Region
from vigil.groups import services as group_services
from vigil.groups.models import Group, Membership


@pytest.fixture(autouse=True)
def _regions(region_tree: None) -> None:
    """Every test here has the region tree (see tests/conftest.py)."""


@pytest.fixture
def make_group(db: Any) -> Callable[..., Group]:
    numbers = iter(range(500, 10_000))

    def make(country: str = "RU", **values: Any) -> Group:
        number = next(numbers)
        return group_services.create_group(
            number=number, name=values.pop("name", f"Группа-{number}"),
            slug=values.pop("slug", f"group-{number}"), city=values.pop("city", "Казань"),
            region=Region.objects.get(slug="kazan"), country=country, **values,
        )  # fmt: skip

    return make


@pytest.fixture
def kazan(make_group: Callable[..., Group]) -> Group:
    return make_group("RU", name="Казань-1", slug="kazan-1")


@pytest.fixture
def russian_member(make_user: Callable[..., User], kazan: Group) -> User:
    user = make_user("pavel@example.org", name="Павел Орлов")
    group_services.add_member(kazan, user, Membership.Role.MEMBER)
    return user


@pytest.fixture
def make_case(db: Any) -> Callable[..., Case]:
    counter = iter(range(1, 10_000))

    def make(country: str, category: str, **values: Any) -> Case:
        n = next(counter)
        values.setdefault("is_published", True)
        case = Case.objects.create(
            slug=values.pop("slug", f"case-{n}"),
            title_ru=values.pop("title_ru", f"Дело {n}"),
            title_en=values.pop("title_en", f"Case {n}"),
            people=values.pop("people", "Иван Петров"),
            summary_ru="Краткое описание дела.",
            summary_en="A short summary.",
            country=country,
            category=category,
            **values,
        )
        Official.objects.create(
            case=case, name="Генеральный прокурор", title="Генеральный прокурор",
            postal_address="ул. Большая Дмитровка, 15а\nМосква",
            salutation="Уважаемый господин прокурор!", salutation_en="Dear Prosecutor General",
            email="prosecutor@example.org", languages="ru,en",
        )  # fmt: skip
        AppealTemplate.objects.create(
            case=case, language="ru", subject="Призыв", body="Прошу освободить Ивана Петрова.",
            points="Назовите человека.", tone="Вежливо.", avoid="Не касайтесь политики.",
        )  # fmt: skip
        AppealTemplate.objects.create(
            case=case, language="en", subject="Appeal", body="I urge you to release Ivan Petrov.",
        )  # fmt: skip
        return case

    return make


@pytest.fixture
def abroad(make_case: Callable[..., Case]) -> Case:
    return make_case("AZ", Case.Category.PRISONER_OF_CONSCIENCE, slug="abroad",
                     title_ru="Узник совести за рубежом", allows_email=True)  # fmt: skip


@pytest.fixture
def death_penalty_ru(make_case: Callable[..., Case]) -> Case:
    return make_case("RU", Case.Category.DEATH_PENALTY, slug="death-ru",
                     title_ru="Смертный приговор в России", is_urgent=True,
                     deadline=datetime.date(2030, 1, 1))  # fmt: skip


@pytest.fixture
def torture_ru(make_case: Callable[..., Case]) -> Case:
    case = make_case("RU", Case.Category.TORTURE, slug="torture-ru", title_ru="Пытки в России")
    Outcome.objects.create(
        case=case, kind=Outcome.Kind.RELEASED, happened_on=datetime.date(2026, 5, 1)
    )
    return case
