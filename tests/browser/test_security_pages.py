"""In a real browser, under the site's CSP: the API docs show, and an expired "my data" link
in Russian offers the form for a new link."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from vigil.petitions import services

from .conftest import RequestLog

pytestmark = pytest.mark.browser


def test_the_api_docs_show_under_the_csp(
    live_server: Any, page: Page, request_log: RequestLog
) -> None:
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    page.goto(f"{live_server.url}/api/v1/docs")
    # Swagger UI's script ran (it draws into the empty #swagger-ui): its files came from
    # Vigil and the CSP let them run.  What it draws depends on the schema, not on this.
    expect(page.locator("#swagger-ui .swagger-ui").first).to_be_visible()
    assert request_log.foreign() == []
    assert refused == []


@pytest.mark.django_db(transaction=True)
def test_an_expired_data_link_in_russian_offers_a_new_one(live_server: Any, page: Page) -> None:
    token = services.data_token("0" * 64)
    later = timezone.now().timestamp() + services.LINK_MAX_AGE.total_seconds() + 60
    with mock.patch("django.core.signing.time.time", return_value=later):
        page.goto(f"{live_server.url}/petitions/my-data/{token}/")
        expect(page.get_by_role("alert")).to_contain_text("Запросите новую ссылку")
    page.locator("input[name=email]").fill("someone@example.org")
    page.get_by_role("button", name="Прислать новую ссылку").click()
    expect(page).to_have_url(f"{live_server.url}/petitions/my-data/")
