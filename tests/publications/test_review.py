"""Releases the importer is unsure of wait for staff: stored as drafts nobody outside the staff
sees, listed in the review queue with their original text, published by staff.  An index is
stored as printed and canonical, and the library finds either spelling."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from vigil.publications import selectors, services
from vigil.publications.importer import read_file
from vigil.publications.models import Document

pytestmark = pytest.mark.django_db
RELEASES = Path(__file__).parent / "releases"


def imported(name: str) -> services.ImportResult:
    return services.import_document(read_file(RELEASES / name))


def test_printed_and_canonical_index_are_both_found_in_the_library(client: Client) -> None:
    document = imported("02_news_service_and_index_one_line_1999.txt").document
    assert document is not None
    assert document.index_number == "EUR 46/034/1999"
    assert document.index_as_printed == "EUR 46/34/99"
    for query in ("EUR 46/34/99", "EUR 46/034/1999", "eur-46-034-1999"):
        found = selectors.library({"q": query})
        assert list(found) == [document], query
    page = client.get("/en/documents/", {"q": "EUR 46/34/99"}).content.decode()
    assert "Conscientious objector Pavel Korneyev" in page


def test_an_unsure_release_is_a_hidden_draft_until_staff_publish_it(
    client: Client, staff: Any
) -> None:
    result = imported("03_index_without_prefix_date_same_line.txt")
    assert result.status == "created" and result.to_review
    document = result.document
    assert document is not None
    assert document.needs_review and document.review_reasons == ["index_without_prefix"]
    assert document.index_prefix == "" and document.slug == "21-139-1999"
    assert not document.is_public()
    assert list(selectors.review_queue()) == [document]
    assert client.get(document.get_absolute_url()).status_code == 404

    document.index_number = "AMR 21/139/1999"  # staff add the prefix they know
    services.publish_reviewed(document)
    document.refresh_from_db()
    assert not document.needs_review and document.review_reasons == []
    assert document.is_public() and document.index_prefix == "AMR"
    assert list(selectors.review_queue()) == []

    # Importing the same file again finds the corrected document by its printed index.
    again = imported("03_index_without_prefix_date_same_line.txt")
    assert again.status == "unchanged" and not again.to_review
    assert Document.objects.count() == 1


def test_a_sure_release_is_published_and_a_second_import_changes_nothing() -> None:
    first = imported("01_classic_2003.txt")
    assert first.status == "created" and not first.to_review
    assert first.document is not None and not first.document.needs_review
    assert imported("01_classic_2003.txt").status == "unchanged"
