"""A campaign with one of everything it gathers: a case, a petition, an event, a document
(seed 001, with a clock to move its embargo) and a partner organisation."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.utils import timezone
from PIL import Image

from tests.publications.conftest import SEED, Clock
from vigil.campaigns import services
from vigil.campaigns.models import Campaign
from vigil.cases.models import Case
from vigil.directory.models import Organisation, Region
from vigil.events.models import Event
from vigil.groups.models import Group
from vigil.petitions.models import Petition
from vigil.publications import services as publication_services
from vigil.publications.importer import read_file
from vigil.publications.models import Document

DOCUMENT_TITLE = "Resource Centre plays key role"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture
def pictures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Hero pictures go to a throwaway folder instead of the data folder."""
    monkeypatch.setattr(
        Campaign._meta.get_field("hero_image"), "storage", FileSystemStorage(location=tmp_path)
    )
    return tmp_path


def picture_bytes(kind: str = "JPEG", size: tuple[int, int] = (64, 32), **save: Any) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, kind, **save)
    return out.getvalue()


@pytest.fixture
def make_campaign(db: Any) -> Callable[..., Campaign]:
    counter = iter(range(1, 1000))

    def make(status: str = Campaign.Status.ACTIVE, **fields: Any) -> Campaign:
        number = next(counter)
        values: dict[str, Any] = {
            "slug": f"campaign-{number}",
            "title_ru": f"Кампания {number}",
            "title_en": f"Campaign {number}",
            "summary_ru": "Краткое описание кампании.",
            "summary_en": "The campaign in short.",
            "status": status,
            "starts_at": timezone.now() - datetime.timedelta(days=number),
        }
        values.update(fields)
        return services.save_campaign(Campaign(**values))

    return make


@pytest.fixture
def linked(db: Any, region_tree: None) -> dict[str, Any]:
    """One published item of each kind, and one that must never show."""
    case = Case.objects.create(
        slug="aliyev", title_ru="Рашид Алиев, журналист", title_en="Rashid Aliyev, journalist",
        people="Rashid Aliyev", country="AZ", category=Case.Category.PRISONER_OF_CONSCIENCE,
        summary_ru="Журналист в заключении.", is_published=True,
    )  # fmt: skip
    hidden_case = Case.objects.create(
        slug="draft-case", title_ru="Черновик дела", title_en="Draft case", people="Someone",
        country="RU", category=Case.Category.OTHER, summary_ru="-", is_published=False,
    )  # fmt: skip
    petition = Petition.objects.create(
        slug="free-the-journalist", title_ru="Освободите журналиста",
        title_en="Free the journalist", target="The Prosecutor General",
        text_ru="Освободите.", text_en="Release him.", goal=100,
        closes_at=timezone.now() + datetime.timedelta(days=30),
    )  # fmt: skip
    hidden_petition = Petition.objects.create(
        slug="unpublished", title_ru="Неопубликованная петиция", title_en="Unpublished petition",
        target="Someone", text_ru="-", goal=10, is_published=False,
        closes_at=timezone.now() + datetime.timedelta(days=30),
    )  # fmt: skip
    group = Group.objects.create(
        number=1, slug="moscow-1", name="Группа 1", city="Москва",
        region=Region.objects.get(slug="moscow"), meeting_rule="FREQ=MONTHLY;BYDAY=1TU",
        meeting_time=datetime.time(19, 0), meeting_timezone="Europe/Moscow",
        meeting_place="Библиотека",
    )  # fmt: skip
    starts = timezone.now().replace(microsecond=0) + datetime.timedelta(days=5)
    event = Event.objects.create(
        title="Candlelight vigil", kind=Event.Kind.VIGIL, venue="Pushkin Square",
        starts_at=starts, ends_at=starts + datetime.timedelta(hours=2),
        time_zone="Europe/Moscow",
    )  # fmt: skip
    members_event = Event.objects.create(
        title="Members-only meeting", kind=Event.Kind.OTHER, venue="Office",
        starts_at=starts, ends_at=starts + datetime.timedelta(hours=2),
        time_zone="Europe/Moscow", visibility=Event.Visibility.MEMBERS,
    )  # fmt: skip
    event.organisers.add(group)
    members_event.organisers.add(group)
    partner = Organisation.objects.create(
        slug="memorial", name_ru="Мемориал", name_en="Memorial", is_published=True
    )
    hidden_partner = Organisation.objects.create(
        slug="hidden-org", name_ru="Скрытая", name_en="Hidden organisation", is_published=False
    )
    result = publication_services.import_document(read_file(SEED))
    assert result.document is not None
    return {
        "case": case,
        "hidden_case": hidden_case,
        "petition": petition,
        "hidden_petition": hidden_petition,
        "event": event,
        "members_event": members_event,
        "partner": partner,
        "hidden_partner": hidden_partner,
        "document": result.document,
    }


@pytest.fixture
def campaign(make_campaign: Callable[..., Campaign], linked: dict[str, Any]) -> Campaign:
    campaign = make_campaign(
        slug="free-the-journalists",
        title_ru="Свободу журналистам",
        title_en="Free the journalists",
        summary_ru="Журналисты в тюрьме за свою работу.",
        summary_en="Journalists are in prison for their work.",
        body_ru="Подробный текст кампании.",
        body_en="The campaign's full text.",
        ends_at=timezone.now() + datetime.timedelta(days=60),
    )
    campaign.cases.set([linked["case"], linked["hidden_case"]])
    campaign.petitions.set([linked["petition"], linked["hidden_petition"]])
    campaign.events.set([linked["event"], linked["members_event"]])
    campaign.partners.set([linked["partner"], linked["hidden_partner"]])
    campaign.documents.set([linked["document"]])
    return campaign


def embargo(document: Document, moment: datetime.datetime) -> None:
    document.embargo_at = moment
    document.embargo_zone = "GMT"
    publication_services.save_document(document)


def upload(data: bytes, name: str = "photo.jpg") -> ContentFile[bytes]:
    return ContentFile(data, name=name)
