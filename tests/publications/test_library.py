"""The library lists a document once, whatever the number of its language versions, with a
link to each; the language filter lists documents that have a version in that language."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.publications.conftest import RUSSIAN
from vigil.publications import selectors, services
from vigil.publications.importer import parse_text
from vigil.publications.models import Document

pytestmark = pytest.mark.django_db
ENGLISH_TITLE = "Russian Federation: Resource Centre plays key role"
RUSSIAN_TITLE = "Российская Федерация: Ресурсный центр играет ключевую роль"


@pytest.fixture
def two_versions(seed_document: Document) -> tuple[Document, Document]:
    russian = services.import_document(parse_text(RUSSIAN, source_name="ru.txt")).document
    assert russian is not None and russian.original == seed_document
    return seed_document, russian


def entries(client: Client, url: str) -> list[str]:
    text = client.get(url).content.decode()
    if '<ul class="org-list">' not in text:
        return []
    listing = text.split('<ul class="org-list">', 1)[1].split("</ul>", 1)[0]
    return re.findall(r"<li>.*?</li>", listing, re.S)


def test_one_entry_per_document_with_its_languages(
    client: Client, two_versions: tuple[Document, Document]
) -> None:
    english, russian = two_versions
    for url, title, other in (
        ("/en/documents/", ENGLISH_TITLE, russian),
        ("/documents/", RUSSIAN_TITLE, english),  # the reader's language first
        ("/en/documents/news/", ENGLISH_TITLE, russian),
    ):
        items = entries(client, url)
        assert len(items) == 1, url
        assert title in items[0]
        prefix = "/en" if url.startswith("/en/") else ""
        link = f'href="{prefix}/documents/d/eur-46-039-2003/{other.language}/"'
        assert f'{link} hreflang="{other.language}"' in items[0]


def test_language_filter_lists_documents_with_that_version(
    client: Client, two_versions: tuple[Document, Document]
) -> None:
    only_russian = entries(client, "/en/documents/?language=ru")
    assert len(only_russian) == 1
    assert RUSSIAN_TITLE in only_russian[0]  # the version asked for is the one shown
    assert len(entries(client, "/documents/?language=en")) == 1
    assert ENGLISH_TITLE in entries(client, "/documents/?language=en")[0]
    assert entries(client, "/en/documents/?language=fr") == []


def test_pages_count_documents_not_versions(two_versions: tuple[Document, Document]) -> None:
    rows = list(selectors.library_index({}))
    assert [row["index_number"] for row in rows] == ["EUR 46/039/2003"]
    grouped = selectors.entries_for(["EUR 46/039/2003"], "fr", "en")
    assert len(grouped) == 1
    assert grouped[0].document.language == "en"
    assert [v.language for v in grouped[0].versions] == ["en", "ru"]
    # No language matches: the original is shown.
    assert selectors.entries_for(["EUR 46/039/2003"], "ar")[0].document.language == "en"


def test_internal_translation_is_not_offered(
    client: Client, two_versions: tuple[Document, Document]
) -> None:
    _english, russian = two_versions
    russian.classification = Document.Classification.INTERNAL
    services.save_document(russian)
    items = entries(client, "/documents/")
    assert len(items) == 1
    assert ENGLISH_TITLE in items[0]
    assert russian.get_absolute_url() not in items[0]
    assert entries(client, "/documents/?language=ru") == []


def test_the_home_page_news_lists_a_release_once_in_the_reader_s_language(
    client: Client, two_versions: tuple[Document, Document]
) -> None:
    for url, title, other in (
        ("/", RUSSIAN_TITLE, ENGLISH_TITLE),
        ("/en/", ENGLISH_TITLE, RUSSIAN_TITLE),
    ):
        page = client.get(url).content.decode()
        news = page.split('class="latest-news"', 1)[1].split("</section>", 1)[0]
        assert len(re.findall(r"<li>", news)) == 1, url
        assert title in news and other not in news
    assert [d.language for d in selectors.latest_news(5, "fr")] == ["en"]  # else the original
