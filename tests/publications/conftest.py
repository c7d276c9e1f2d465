"""Seed 001 imported, a Russian translation beside it, and a clock that can be moved."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.utils import timezone, translation

from vigil.publications import services
from vigil.publications.importer import parse_text, read_file
from vigil.publications.models import Attachment, Document

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "001_aee2a87a36fef532.txt"
RUSSIAN = """\
AMNESTY INTERNATIONAL

AI Index: EUR 46/039/2003 (Public)

28 May 2003

Российская Федерация: Ресурсный центр играет ключевую роль в кампании Международной амнистии

Международная амнистия открыла в Москве Российский ресурсный центр.

Correspondence address: PO Box 212
Moscow 119019
"""


@pytest.fixture
def english_reports() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def private_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Attachments go to a throwaway folder instead of the data folder."""
    monkeypatch.setattr(
        Attachment._meta.get_field("file"), "storage", FileSystemStorage(location=tmp_path)
    )
    return tmp_path


@pytest.fixture
def seed_document(db: Any) -> Document:
    result = services.import_document(read_file(SEED))
    assert result.document is not None
    return result.document


class Clock:
    """Moves ``django.utils.timezone.now`` (what every request, selector and worker asks)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch
        self.real_now = timezone.now

    def set(self, moment: datetime.datetime) -> None:
        self.monkeypatch.setattr(timezone, "now", lambda: moment)

    def reset(self) -> None:
        self.monkeypatch.setattr(timezone, "now", self.real_now)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture
def embargoed(
    seed_document: Document, private_files: Path
) -> Callable[[datetime.datetime], dict[str, Any]]:
    """Seed 001 with its embargo moved to ``moment``, a Russian translation and an attachment."""

    def make(moment: datetime.datetime) -> dict[str, Any]:
        seed_document.embargo_at = moment
        seed_document.embargo_zone = "GMT"
        services.save_document(seed_document)
        russian = services.import_document(parse_text(RUSSIAN, source_name="ru.txt")).document
        assert russian is not None
        attachment = Attachment(document=seed_document, title="Press pack")
        attachment.file.save("press-pack.txt", ContentFile(b"Resource Centre press pack"))
        return {"english": seed_document, "russian": russian, "attachment": attachment}

    return make
