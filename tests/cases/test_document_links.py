"""Document numbers on a case page link to the library when the library publishes them."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from vigil.cases.models import Case, CaseDocument
from vigil.publications.models import Document

pytestmark = pytest.mark.django_db


def _document(index: str, **values: Any) -> Document:
    values.setdefault("classification", Document.Classification.PUBLIC)
    return Document.objects.create(
        index_number=index, language="en", doc_type=Document.Type.NEWS_RELEASE,
        title=f"Document {index}", **values,
    )  # fmt: skip


def test_published_numbers_link_and_the_others_do_not(
    client: Any, make_case: Callable[..., Case]
) -> None:
    case = make_case("AZ", Case.Category.PRISONER_OF_CONSCIENCE, slug="with-documents")
    published = _document("EUR 55/012/2026")
    embargoed = _document(
        "EUR 55/013/2026", embargo_at=timezone.now() + datetime.timedelta(days=2),
        embargo_zone="UTC",
    )  # fmt: skip
    for number in ("EUR 55/012/2026", "EUR 55/013/2026", "EUR 55/014/2026"):
        CaseDocument.objects.create(case=case, index_number=number)
    page = client.get("/cases/with-documents/").content.decode()
    assert f'href="/documents/d/{published.slug}/">EUR 55/012/2026</a>' in page
    assert f"/documents/d/{embargoed.slug}/" not in page and "EUR 55/013/2026" in page
    assert "EUR 55/014/2026" in page and "/documents/d/eur-55-014-2026/" not in page
    assert client.get(f"/documents/d/{published.slug}/").status_code in (200, 302)
