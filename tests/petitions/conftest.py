"""Petitions, a consent text, groups and their coordinators for the petitions tests."""

from __future__ import annotations

import datetime
import itertools
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import FileSystemStorage
from django.utils import timezone

from tests.directory.factories import region_tree
from vigil.accounts.models import User
from vigil.accounts.roles import Role
from vigil.accounts.services import assign_role
from vigil.directory.models import Region
from vigil.groups.models import Group, Membership
from vigil.petitions.models import ConsentText, PaperBatch, Petition

BASE_URL = "http://testserver"
_numbers = itertools.count(1)


@pytest.fixture
def consent(db: Any) -> ConsentText:
    return ConsentText.objects.create(
        version=1,
        text_ru="Я согласен(на) на обработку моих данных для этой петиции.",
        text_en="I agree that my data is used for this petition.",
    )


@pytest.fixture
def make_petition(db: Any) -> Callable[..., Petition]:
    def make(slug: str = "free-them", **fields: Any) -> Petition:
        values: dict[str, Any] = {
            "title_ru": "Освободите узников совести",
            "title_en": "Free the prisoners of conscience",
            "target": "Генеральному прокурору",
            "text_ru": "Мы призываем освободить их.",
            "text_en": "We call for their release.",
            "goal": 10,
            "closes_at": timezone.now() + datetime.timedelta(days=30),
        }
        values.update(fields)
        return Petition.objects.create(slug=slug, **values)

    return make


@pytest.fixture
def petition(make_petition: Callable[..., Petition], consent: ConsentText) -> Petition:
    return make_petition()


@pytest.fixture
def ip() -> str:
    """A fresh address per test: the rate-limit counters live in the shared cache."""
    return f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{1 + secrets.randbelow(254)}"


def form_data(consent_text: ConsentText, /, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Анна Каренина",
        "email": "anna@example.org",
        "country": "Россия",
        "city": "Тверь",
        "phone": "",
        "consent": "on",
        "consent_version": consent_text.version,
        "website": "",
    }
    data.update(fields)
    return data


def make_group(slug: str = "tver-1", region: str = "moscow") -> Group:
    region_tree()
    return Group.objects.create(
        number=next(_numbers) + 10_000 + secrets.randbelow(890_000),
        slug=slug,
        name=f"Группа {slug}",
        city="Тверь",
        region=Region.objects.get(slug=region),
    )


def join(group: Group, user: User, role: str = Membership.Role.MEMBER) -> Membership:
    membership = Membership.objects.create(group=group, user=user, role=role)
    assign_role(user, Role.MEMBER)
    if role == Membership.Role.COORDINATOR:
        assign_role(user, Role.GROUP_COORDINATOR, scope=group)
    return membership


@pytest.fixture
def group(db: Any) -> Group:
    return make_group()


@pytest.fixture
def coordinator(make_user: Callable[..., User], group: Group) -> User:
    user = make_user("coordinator@example.org", name="Елена Миронова")
    join(group, user, Membership.Role.COORDINATOR)
    return user


@pytest.fixture
def private_dir(tmp_path: Path) -> Iterator[Path]:
    """Scans go to a throwaway private folder for the test."""
    field: Any = PaperBatch._meta.get_field("scan")
    before = field.storage
    field.storage = FileSystemStorage(location=tmp_path / "private", base_url=None)
    try:
        yield tmp_path / "private"
    finally:
        field.storage = before
