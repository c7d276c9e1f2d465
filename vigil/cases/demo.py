"""Demo cases (fictional people): a prisoner of conscience abroad, a death-penalty case in
Russia and a torture case in Russia, so the own-country rule can be seen at work."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.utils import timezone

from vigil.groups.models import Group

from .models import AppealTemplate, Case, CaseAssignment, CaseDocument, Official, Outcome

CASES: list[dict[str, Any]] = [
    {
        "slug": "aliyev-journalist", "title_ru": "Рашид Алиев, журналист",
        "title_en": "Rashid Aliyev, journalist", "people": "Рашид Алиев (Rashid Aliyev), 41",
        "country": "AZ", "category": Case.Category.PRISONER_OF_CONSCIENCE,
        "summary_ru": "Журналист осуждён на пять лет за статьи о коррупции. Мы считаем его узником "
                      "совести, заключённым только за мирное выражение своих убеждений.",
        "summary_en": "A journalist sentenced to five years for articles about corruption. We "
                      "consider him a prisoner of conscience, held solely for the peaceful "
                      "expression of his beliefs.",
        "is_urgent": False, "allows_email": True,
        "outcomes": [(-400, Outcome.Kind.ARRESTED), (-300, Outcome.Kind.SENTENCED)],
        "document": "EUR 55/012/2026",
    },
    {
        "slug": "ivanov-death-sentence", "title_ru": "Сергей Иванов: смертный приговор",
        "title_en": "Sergei Ivanov: death sentence", "people": "Сергей Иванов (Sergei Ivanov), 29",
        "country": "RU", "category": Case.Category.DEATH_PENALTY,
        "summary_ru": "Приговорён к смертной казни после суда, на котором показания, данные под "
                      "давлением, были приняты как доказательство.",
        "summary_en": "Sentenced to death after a trial that admitted a statement made under "
                      "duress as evidence.",
        "is_urgent": True, "allows_email": False,
        "outcomes": [(-200, Outcome.Kind.SENTENCED)],
        "document": "EUR 46/039/2026",
    },
    {
        "slug": "petrova-torture", "title_ru": "Анна Петрова: пытки в изоляторе",
        "title_en": "Anna Petrova: torture in detention",
        "people": "Анна Петрова (Anna Petrova), 35",
        "country": "RU", "category": Case.Category.TORTURE,
        "summary_ru": "Правозащитница сообщила о пытках в изоляторе временного содержания.",
        "summary_en": "A human rights defender reported torture in a temporary detention centre.",
        "is_urgent": False, "allows_email": False,
        "outcomes": [(-90, Outcome.Kind.ARRESTED), (-10, Outcome.Kind.RELEASED)],
        "document": "",
    },
]  # fmt: skip

OFFICIAL = {
    "AZ": ("Prosecutor General", "Prosecutor General of the Republic of Azerbaijan", "", "",
           "7 Nizami Street\nBaku AZ1001\nAzerbaijan", "prosecutor@example.org",
           "Dear Prosecutor General", "en,ru"),
    "RU": ("Генеральный прокурор", "Генеральный прокурор Российской Федерации",
           "Prosecutor General", "Prosecutor General of the Russian Federation",
           "ул. Большая Дмитровка, 15а\nМосква, 125993\nРоссия", "",
           "Уважаемый господин Генеральный прокурор!", "ru"),
}  # fmt: skip

TEMPLATES = {
    "ru": ("Призыв по делу: {title}",
           "Я пишу Вам в связи с делом: {people}.\n\nПрошу Вас обеспечить справедливое и "
           "гуманное обращение, доступ к адвокату и родственникам, и пересмотреть дело в "
           "соответствии с международными стандартами.\n\nС уважением,",
           "Назовите человека полностью. Попросите о конкретных действиях.",
           "Вежливо и уважительно.", "Не касайтесь политики и не обвиняйте правительство."),
    "en": ("Appeal: {title}",
           "I am writing to you about the case of {people}.\n\nI urge you to ensure humane "
           "treatment, access to a lawyer and to family, and a review of the case in line with "
           "international standards.\n\nYours sincerely,",
           "Name the person in full. Ask for specific steps.",
           "Courteous and respectful.", "Do not discuss politics or accuse the government."),
}  # fmt: skip


def load() -> Iterator[str]:
    today = timezone.localdate()
    for data in CASES:
        if Case.objects.filter(slug=data["slug"]).exists():
            continue
        values: dict[str, Any] = dict(data)
        outcomes: list[tuple[int, str]] = values.pop("outcomes")
        document: str = values.pop("document")
        with transaction.atomic():
            case = Case.objects.create(
                **values, is_published=True,
                deadline=today + datetime.timedelta(days=21) if values["is_urgent"] else None,
            )  # fmt: skip
            for days, kind in outcomes:
                Outcome.objects.create(
                    case=case, kind=kind, happened_on=today + datetime.timedelta(days=days)
                )
            if document:
                CaseDocument.objects.create(case=case, index_number=document)
            name, title, name_en, title_en, address, email, salutation, languages = OFFICIAL[
                case.country
            ]
            Official.objects.create(
                case=case, name=name, title=title, name_en=name_en, title_en=title_en,
                postal_address=address, email=email,
                salutation=salutation, salutation_en="Dear Prosecutor General",
                languages=languages,
            )  # fmt: skip
            for language, (subject, body, points, tone, avoid) in TEMPLATES.items():
                title = case.title_en if language == "en" else case.title_ru
                AppealTemplate.objects.create(
                    case=case, language=language,
                    subject=subject.format(title=title),
                    body=body.format(people=case.people), points=points, tone=tone, avoid=avoid,
                )  # fmt: skip
        yield f"Cases: {case.slug}"
    moscow = Group.objects.filter(slug="moscow-1").first()
    abroad = Case.objects.filter(slug="aliyev-journalist").first()
    if moscow and abroad:
        CaseAssignment.objects.get_or_create(case=abroad, group=moscow)
