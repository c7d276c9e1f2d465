"""The public pages, feeds, sitemap and API of a published document, in Russian and English."""

from __future__ import annotations

import pytest
from django.test import Client

from vigil.publications.models import Document

pytestmark = pytest.mark.django_db
URL = "/documents/d/eur-46-039-2003/en/"


def test_document_page_in_both_languages(client: Client, seed_document: Document) -> None:
    for prefix in ("", "/en"):
        page = client.get(prefix + URL).content.decode()
        assert "Resource Centre plays key role" in page
        assert "EUR 46/039/2003" in page
        assert "PO Box 212" in page
    english = client.get("/en" + URL).content.decode()
    assert "28 May 2003, 10:00 GMT" in english  # the embargo as announced, with its zone
    russian = client.get(URL).content.decode()
    assert "28 мая 2003 г., 10:00 GMT" in russian


def test_library_filters(client: Client, seed_document: Document) -> None:
    def titles(query: str) -> bool:
        return (
            "Resource Centre plays key role"
            in client.get("/en/documents/" + query).content.decode()
        )

    assert titles("?type=news_release&region=EUR&year=2003&language=en")
    assert not titles("?type=report")
    assert not titles("?region=AFR")
    assert not titles("?year=2004")
    assert not titles("?language=ru")
    assert titles("?q=resource+centre")
    assert not titles("?q=nothing+like+this")
    assert "Resource Centre" in client.get("/en/documents/news/").content.decode()
    assert client.get("/en/documents/annual-reports/").status_code == 200


def test_bad_filters_are_errors_not_500(client: Client, seed_document: Document) -> None:
    response = client.get("/en/documents/?year=abc&type=nonsense&region=XXX&page=zz")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a whole number." in page
    assert "Select a valid choice." in page
    assert 'value="abc"' in page  # the form keeps what was typed


def test_feeds_and_sitemap(client: Client, seed_document: Document) -> None:
    rss = client.get("/en/documents/feed/rss/")
    assert rss["Content-Type"].startswith("application/rss+xml")
    assert "EUR 46/039/2003: Russian Federation" in rss.content.decode()
    atom = client.get("/documents/feed/atom/")
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert "/documents/d/eur-46-039-2003/en/" in atom.content.decode()
    sitemap = client.get("/documents/sitemap.xml").content.decode()
    assert "http://testserver/documents/d/eur-46-039-2003/en/" in sitemap
    assert "http://testserver/en/documents/d/eur-46-039-2003/en/" in sitemap
    assert "http://testserver/en/documents/news/" in sitemap


def test_api(client: Client, seed_document: Document) -> None:
    listing = client.get("/api/v1/documents/?region=EUR&year=2003").json()["_embedded"]
    assert [d["index_number"] for d in listing["osdi:documents"]] == ["EUR 46/039/2003"]
    assert client.get("/api/v1/documents/?region=AFR").json()["_embedded"] == {"osdi:documents": []}
    one = client.get("/api/v1/documents/eur-46-039-2003").json()
    assert one["title"].startswith("Russian Federation")
    assert one["embargo"].startswith("2003-05-28T10:00:00")
    assert client.get("/api/v1/documents/not-an-index").status_code == 404
    assert client.get("/api/v1/documents/?type=nonsense").status_code == 422


def test_nav_link_and_latest_news_include(client: Client, seed_document: Document) -> None:
    home = client.get("/en/").content.decode()
    assert 'href="/en/documents/news/"' in home


def test_unknown_attachment_and_language_are_404(client: Client, seed_document: Document) -> None:
    assert client.get("/documents/d/eur-46-039-2003/en/attachments/999/").status_code == 404
    assert client.get("/documents/d/eur-46-039-2003/fr/").status_code == 404
