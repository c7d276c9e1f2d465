"""Demo campaigns: a running one that gathers the demo case, petition, vigil and press release,
and an ended one.  Running it again adds nothing."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from vigil.cases.models import Case
from vigil.directory.models import Organisation
from vigil.events.models import Event
from vigil.petitions.models import Petition
from vigil.publications.models import Document

from . import services
from .models import Campaign

RUNNING = {
    "slug": "free-the-journalists",
    "title_ru": "Свободу журналистам",
    "title_en": "Free the journalists",
    "summary_ru": "Журналисты сидят в тюрьме за свою работу. Подпишите петицию, напишите "
    "письмо и приходите на акцию.",
    "summary_en": "Journalists are in prison for their work. Sign the petition, write a letter "
    "and come to the vigil.",
    "body_ru": "Кампания объединяет дела журналистов, задержанных за профессиональную "
    "деятельность.\n\nКаждое письмо и каждая подпись напоминают властям, что за судьбой "
    "этих людей следят.",
    "body_en": "The campaign brings together the cases of journalists detained for their "
    "professional work.\n\nEvery letter and every signature tells the authorities that people "
    "are watching.",
    "hero_alt_ru": "Свеча на тёмном фоне",
    "hero_alt_en": "A candle on a dark background",
}
ENDED = {
    "slug": "stop-torture-2025",
    "title_ru": "Остановить пытки",
    "title_en": "Stop torture",
    "summary_ru": "Кампания 2025 года против пыток в местах лишения свободы.",
    "summary_en": "The 2025 campaign against torture in places of detention.",
}


def _picture() -> ContentFile[bytes]:
    """A plain drawn candle, made here so that the demo loads nothing from anywhere."""
    image = Image.new("RGB", (1200, 500), (28, 36, 58))
    draw = ImageDraw.Draw(image)
    draw.ellipse((520, 80, 680, 260), fill=(250, 204, 21))
    draw.rectangle((570, 230, 630, 460), fill=(241, 245, 249))
    out = io.BytesIO()
    image.save(out, "PNG")
    return services.clean_hero_image(ContentFile(out.getvalue(), name="candle.png"))


def load() -> Iterator[str]:
    now = timezone.now()
    if not Campaign.objects.filter(slug=RUNNING["slug"]).exists():
        campaign = Campaign(
            **RUNNING,
            status=Campaign.Status.ACTIVE,
            starts_at=now - datetime.timedelta(days=14),
            ends_at=now + datetime.timedelta(days=90),
        )
        campaign.hero_image = _picture()
        services.save_campaign(campaign)
        campaign.cases.set(Case.objects.filter(slug="aliyev-journalist"))
        campaign.petitions.set(Petition.objects.filter(slug="free-the-journalist"))
        campaign.events.set(Event.objects.filter(title="Свеча за узников совести"))
        campaign.documents.set(Document.objects.filter(slug="eur-46-039-2003"))
        campaign.partners.set(Organisation.objects.filter(is_published=True).order_by("pk")[:1])
        yield f"Campaigns: {campaign.title_en} at /campaigns/{campaign.slug}/"
    if not Campaign.objects.filter(slug=ENDED["slug"]).exists():
        ended = Campaign(
            **ENDED,
            status=Campaign.Status.ENDED,
            starts_at=datetime.datetime(2025, 1, 15, 9, tzinfo=datetime.UTC),
            ends_at=datetime.datetime(2025, 12, 10, 18, tzinfo=datetime.UTC),
        )
        services.save_campaign(ended)
        ended.cases.set(Case.objects.filter(slug="petrova-torture"))
        yield f"Campaigns: {ended.title_en} (ended) at /campaigns/{ended.slug}/"
