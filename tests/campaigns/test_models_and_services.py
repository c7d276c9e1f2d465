"""The campaign's phase at a moment, its dates, and the picture's journey in (metadata gone)."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from PIL import Image

from tests.campaigns.conftest import picture_bytes, upload
from vigil.campaigns import services
from vigil.campaigns.models import Campaign

pytestmark = pytest.mark.django_db


def test_phase_follows_the_end_date_with_nobody_acting(
    make_campaign: Callable[..., Campaign],
) -> None:
    now = timezone.now()
    campaign = make_campaign(ends_at=now + datetime.timedelta(hours=1))
    assert campaign.phase(now) == "active"
    later = now + datetime.timedelta(hours=1)
    assert campaign.phase(later) == "ended"
    assert list(Campaign.objects.running(now)) == [campaign]
    assert list(Campaign.objects.running(later)) == []
    assert list(Campaign.objects.finished(later)) == [campaign]
    draft = make_campaign(Campaign.Status.DRAFT)
    assert draft.phase(now) == "draft"
    assert draft not in Campaign.objects.published()
    assert draft not in Campaign.objects.running(now)
    assert draft not in Campaign.objects.finished(later)


def test_end_must_follow_start(make_campaign: Callable[..., Campaign]) -> None:
    now = timezone.now()
    with pytest.raises(ValidationError):
        make_campaign(starts_at=now, ends_at=now - datetime.timedelta(days=1))
    assert not Campaign.objects.exists()


def test_bilingual_text_falls_back_to_russian(make_campaign: Callable[..., Campaign]) -> None:
    from django.utils import translation

    campaign = make_campaign(title_en="", summary_en="")
    with translation.override("en"):
        assert campaign.title == campaign.title_ru
    campaign.title_en = "In English"
    with translation.override("en"):
        assert campaign.title == "In English"
    with translation.override("ru"):
        assert campaign.title == campaign.title_ru


def test_ending_sets_the_end_date(make_campaign: Callable[..., Campaign]) -> None:
    campaign = make_campaign()
    assert campaign.ends_at is None
    services.set_status(campaign, Campaign.Status.ENDED)
    campaign.refresh_from_db()
    assert campaign.status == "ended"
    assert campaign.ends_at is not None and campaign.ends_at <= timezone.now()
    with pytest.raises(ValidationError):
        services.set_status(campaign, "nonsense")


def _exif_with_gps() -> bytes:
    image = Image.new("RGB", (80, 40), (10, 120, 10))
    exif = Image.Exif()
    exif[0x0110] = "Secret Camera Model"  # Model
    exif[0x0112] = 6  # Orientation: rotate 90° to stand upright
    gps = exif.get_ifd(0x8825)
    gps[2] = (55.0, 45.0, 21.0)  # latitude
    gps[4] = (37.0, 37.0, 4.0)  # longitude
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"taken at the vigil")
    return out.getvalue()


def test_picture_loses_its_metadata_and_stands_upright() -> None:
    raw = _exif_with_gps()
    assert b"Secret Camera Model" in raw  # the test picture does carry it
    clean = services.clean_hero_image(upload(raw))
    data = clean.read()
    assert b"Secret Camera Model" not in data
    assert b"taken at the vigil" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        assert "comment" not in image.info
        assert image.size == (40, 80)  # turned as its orientation said


def test_large_pictures_are_scaled_down() -> None:
    clean = services.clean_hero_image(upload(picture_bytes("PNG", (3000, 600)), "big.png"))
    assert clean.name == "hero.png"
    with Image.open(io.BytesIO(clean.read())) as image:
        assert image.size == (2400, 480)


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
            "x.svg",
            "bad",
        ),
        (b"not a picture at all", "x.jpg", "bad"),
        (picture_bytes("GIF"), "x.gif", "format"),
    ],
)
def test_what_is_not_a_picture_is_refused(data: bytes, name: str, code: str) -> None:
    with pytest.raises(ValidationError) as error:
        services.clean_hero_image(upload(data, name))
    assert error.value.code == code


def test_too_large_and_too_many_pixels(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "MAX_IMAGE_BYTES", 100)
    with pytest.raises(ValidationError) as error:
        services.clean_hero_image(upload(picture_bytes(size=(300, 300))))
    assert error.value.code == "too_large"
    monkeypatch.setattr(services, "MAX_IMAGE_BYTES", 5 * 1024 * 1024)
    monkeypatch.setattr(services, "MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(ValidationError) as error:
        services.clean_hero_image(upload(picture_bytes(size=(100, 100))))
    assert error.value.code == "too_many_pixels"


def test_replacing_the_picture_deletes_the_old_file_after_commit(
    make_campaign: Callable[..., Campaign],
    pictures: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    campaign = make_campaign(hero_image=services.clean_hero_image(upload(picture_bytes())))
    first = pictures / str(campaign.hero_image.name)
    assert first.exists()
    campaign.hero_image = services.clean_hero_image(upload(picture_bytes("PNG"), "new.png"))
    with django_capture_on_commit_callbacks(execute=True):
        services.save_campaign(campaign)
    assert not first.exists()
    assert (pictures / str(campaign.hero_image.name)).exists()
    assert str(campaign.hero_image.name).endswith(".png")
