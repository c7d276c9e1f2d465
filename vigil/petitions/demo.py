"""Demo petition: one open petition and the consent text signers agree to."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.utils import timezone

from .models import ConsentText, Petition

CONSENT_RU = (
    "Я согласен(на), что мои имя, адрес электронной почты, страна, город и телефон хранятся "
    "в зашифрованном виде, а имя и город передаются адресату петиции. Данные удаляются после "
    "вручения петиции."
)
CONSENT_EN = (
    "I agree that my name, e-mail address, country, city and phone are stored encrypted, and "
    "that my name and city are handed to the petition's addressee. The data is deleted after "
    "the petition is delivered."
)


def load() -> Iterator[str]:
    _consent, created = ConsentText.objects.get_or_create(
        version=1, defaults={"text_ru": CONSENT_RU, "text_en": CONSENT_EN}
    )
    if created:
        yield "Petitions: consent text version 1"
    petition, created = Petition.objects.get_or_create(
        slug="free-the-journalist",
        defaults={
            "title_ru": "Освободите журналиста Ивана Сидорова",
            "title_en": "Free the journalist Ivan Sidorov",
            "target": "Генеральному прокурору Российской Федерации",
            "text_ru": (
                "Мы, нижеподписавшиеся, призываем немедленно и безусловно освободить "
                "журналиста Ивана Сидорова, задержанного за свою профессиональную работу."
            ),
            "text_en": (
                "We, the undersigned, call for the immediate and unconditional release of the "
                "journalist Ivan Sidorov, detained for his professional work."
            ),
            "goal": 5000,
            "closes_at": timezone.now() + datetime.timedelta(days=60),
        },
    )
    if created:
        yield f"Petitions: {petition.title_en}"
