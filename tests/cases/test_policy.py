"""The own-country rule: one function, its answers and its reasons."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from vigil.accounts.models import User
from vigil.cases.models import Case, PolicySettings
from vigil.cases.policy import may_act
from vigil.groups import services as group_services
from vigil.groups.models import Group

pytestmark = pytest.mark.django_db


def test_member_in_russia(
    russian_member: User, abroad: Case, death_penalty_ru: Case, torture_ru: Case
) -> None:
    assert may_act(russian_member, abroad).allowed
    assert may_act(russian_member, death_penalty_ru).allowed
    refused = may_act(russian_member, torture_ru)
    assert not refused.allowed
    with translation.override("en"):
        reason = may_act(russian_member, torture_ru).reason
    assert "Russia" in reason and "death-penalty" in reason
    with translation.override("ru"):
        assert "Россия" in may_act(russian_member, torture_ru).reason


def test_group_follows_its_country(
    kazan: Group,
    make_group: Callable[..., Group],
    abroad: Case,
    torture_ru: Case,
    death_penalty_ru: Case,
) -> None:
    assert not may_act(kazan, torture_ru).allowed
    assert may_act(kazan, death_penalty_ru).allowed
    assert may_act(kazan, abroad).allowed
    baku = make_group("AZ", city="Баку")
    assert not may_act(baku, abroad).allowed
    assert may_act(baku, torture_ru).allowed


def test_member_of_two_groups_is_barred_in_both_countries(
    russian_member: User, make_group: Callable[..., Group], abroad: Case, torture_ru: Case
) -> None:
    group_services.add_member(make_group("AZ", city="Баку"), russian_member)
    assert not may_act(russian_member, abroad).allowed
    assert not may_act(russian_member, torture_ru).allowed


def test_without_a_group_or_signed_out(
    make_user: Callable[..., User], abroad: Case, death_penalty_ru: Case
) -> None:
    loner = make_user()
    with translation.override("en"):
        refused = may_act(loner, abroad)
        assert "country of residence is not known" in refused.reason and refused.needs_country
        assert not may_act(AnonymousUser(), abroad).allowed
    assert not may_act(loner, abroad).allowed
    # The death-penalty exception needs no country of residence.
    assert may_act(loner, death_penalty_ru).allowed
    # A declared country counts as a group's does: the union of both.
    loner.country = "AZ"
    assert not may_act(loner, abroad).allowed
    loner.country = "RU"
    assert may_act(loner, abroad).allowed


def test_closed_suspended_and_unpublished_cases(russian_member: User, abroad: Case) -> None:
    for change in ({"status": Case.Status.CLOSED}, {"status": Case.Status.SUSPENDED},
                   {"is_published": False}):  # fmt: skip
        values = {"status": Case.Status.OPEN, "is_published": True, **change}
        Case.objects.filter(pk=abroad.pk).update(**values)
        abroad.refresh_from_db()
        assert not may_act(russian_member, abroad).allowed


def test_staff_can_lift_the_rule(russian_member: User, torture_ru: Case) -> None:
    assert PolicySettings.load().mode == PolicySettings.Mode.OWN_COUNTRY
    settings = PolicySettings.load()
    settings.mode = PolicySettings.Mode.NONE
    settings.save()
    assert PolicySettings.objects.count() == 1
    assert may_act(russian_member, torture_ru).allowed
