"""Demo local groups: Moscow, St Petersburg, Kazan and a dormant one in Nizhny Novgorod.

Development only: the Kazan coordinator signs in with the demo password printed here.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from vigil.accounts.demo import DEMO_PASSWORD
from vigil.accounts.models import User
from vigil.accounts.services import create_user
from vigil.directory.models import Region

from . import services
from .models import Group, Meeting, Membership

KAZAN_COORDINATOR = "kazan@vigil.example"

# number, slug, name, English name, city, region slug, status, months old,
# members (e-mail, name, role)
GROUPS = [
    (1, "moscow-1", "Москва-1", "Moscow-1", "Москва", "moscow", Group.Status.ACTIVE, 30, [
        ("moscow@vigil.example", "Елена Миронова", Membership.Role.COORDINATOR),
        ("moscow-treasurer@vigil.example", "Андрей Белов", Membership.Role.TREASURER),
        ("member@vigil.example", "Павел Орлов", Membership.Role.MEMBER),
    ]),
    (2, "st-petersburg-1", "Санкт-Петербург-1", "St Petersburg-1",
     "Санкт-Петербург", "st-petersburg",
     Group.Status.ACTIVE, 24, [
        ("spb@vigil.example", "Мария Кузнецова", Membership.Role.COORDINATOR),
        ("spb-member@vigil.example", "Игорь Смирнов", Membership.Role.MEMBER),
    ]),
    (3, "kazan-1", "Казань-1", "Kazan-1", "Казань", "kazan", Group.Status.ACTIVE, 18, [
        (KAZAN_COORDINATOR, "Рустам Хайруллин", Membership.Role.COORDINATOR),
        ("kazan-treasurer@vigil.example", "Гульнара Сафина", Membership.Role.TREASURER),
        ("kazan-member@vigil.example", "Алексей Петров", Membership.Role.MEMBER),
    ]),
    (4, "nizhny-novgorod-1", "Нижний Новгород-1", "Nizhny Novgorod-1",
     "Нижний Новгород", "nizhny-novgorod",
     Group.Status.DORMANT, 20, [
        ("nn@vigil.example", "Ольга Васильева", Membership.Role.COORDINATOR),
    ]),
]  # fmt: skip


def _person(email: str, name: str) -> User:
    user = User.objects.get_by_email(email)
    return user or create_user(email=email, password=DEMO_PASSWORD, name=name)


def load() -> Iterator[str]:
    today = timezone.localdate()
    for number, slug, name, name_en, city, region_slug, status, months, people in GROUPS:
        region = Region.objects.filter(slug=region_slug).first()
        if region is None:
            yield f"Groups: region {region_slug} not found, group {name} skipped"
            continue
        group = Group.objects.filter(number=number).first()
        if group is None:
            group = services.create_group(
                number=number, name=name, name_en=name_en, slug=slug, city=city, region=region,
                status=status,
                meeting_rule="FREQ=MONTHLY;BYDAY=1TU", meeting_time=datetime.time(19, 0),
                meeting_timezone="Europe/Moscow", email=f"group{number}@vigil.example",
                meeting_place="Библиотека, читальный зал",
            )  # fmt: skip
            group.created_at = timezone.now() - relativedelta(months=months)
            group.save(update_fields=["created_at"])
        elif not group.name_en:  # a demo loaded before groups had English names
            group.name_en = name_en
            group.save(update_fields=["name_en"])
        coordinator = None
        for email, person_name, role in people:
            user = _person(email, person_name)
            services.add_member(group, user, role)
            coordinator = coordinator or user
        # Monthly meetings; the dormant group's last one was five months ago.
        first = 5 if status == Group.Status.DORMANT else 1
        for back in range(first, first + 3):
            day = today - relativedelta(months=back)
            if not Meeting.objects.filter(group=group, held_on=day).exists():
                services.log_meeting(
                    group, by=coordinator, held_on=day, attendance=len(people) + back,  # type: ignore[arg-type]
                    decisions="Письма по срочным акциям; план на следующий месяц.",
                    letters=[("Срочная акция 12/97", 6 + back), ("Узник совести", 3)],
                )  # fmt: skip
        if status == Group.Status.DORMANT and group.status != status:
            group.status = status
            group.save(update_fields=["status"])
        yield f"Groups: {group} ({group.get_status_display()}) at /groups/{group.slug}/"
    yield f"  Kazan coordinator: {KAZAN_COORDINATOR} (password {DEMO_PASSWORD})"
