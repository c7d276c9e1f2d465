"""What a walk-through of the case pages found: a country listed twice in the filter, a double
full stop after a Russian date, "action needed" and a masculine word for a released woman."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from vigil.cases.models import Case, Outcome

pytestmark = pytest.mark.django_db


def test_the_country_filter_lists_a_country_once(
    client: Any, make_case: Callable[..., Case], death_penalty_ru: Case, torture_ru: Case
) -> None:
    make_case("RU", Case.Category.OTHER, is_urgent=True, deadline=datetime.date(2031, 1, 1))
    page = client.get("/cases/")
    choices = [value for value, _label in page.context["form"].fields["country"].choices]
    assert choices.count("RU") == 1
    assert page.content.decode().count('value="RU"') == 1


def test_a_russian_date_ends_a_sentence_with_one_full_stop(
    client: Any, death_penalty_ru: Case
) -> None:
    page = client.get(death_penalty_ru.get_absolute_url()).content.decode()
    assert "1 января 2030 г." in page
    assert "г.." not in page


def test_a_released_womans_case_no_longer_asks_for_action(
    client: Any, make_case: Callable[..., Case]
) -> None:
    case = make_case("AZ", Case.Category.PRISONER_OF_CONSCIENCE, slug="released",
                     people="Анна Петрова, 35")  # fmt: skip
    Outcome.objects.create(case=case, kind=Outcome.Kind.ARRESTED,
                           happened_on=datetime.date(2026, 1, 10))  # fmt: skip
    Outcome.objects.create(case=case, kind=Outcome.Kind.RELEASED,
                           happened_on=datetime.date(2026, 5, 1))  # fmt: skip
    for url in ("/cases/released/", "/cases/"):
        page = client.get(url).content.decode()
        shown = page.split("</form>")[-1]  # the filter's list of statuses aside
        assert "нужны действия" not in shown, url
        assert "освобождён" not in page and "арестован" not in page, url
        assert "освобождение" in page, url
    english = client.get("/en/cases/released/").content.decode()
    assert "action needed" not in english and "result achieved: released" in english
    assert "достигнут результат: освобождение" in client.get("/cases/").content.decode()
    # Arrested again after the release: action is needed again.
    Outcome.objects.create(case=case, kind=Outcome.Kind.ARRESTED,
                           happened_on=datetime.date(2026, 9, 1))  # fmt: skip
    assert "action needed" in client.get("/en/cases/released/").content.decode()
