"""Pages that could leave something behind: a cached preview, a page loading from another
host, a dead end for a person whose link expired.

Issue 14, point 13.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from tests.publications.test_embargo import SLUG
from vigil.petitions import services

pytestmark = pytest.mark.django_db


def test_the_staff_preview_of_an_embargoed_document_is_not_cached(
    signed_in_staff: Client, embargoed: Callable[[datetime.datetime], dict[str, Any]]
) -> None:
    embargoed(timezone.now() + datetime.timedelta(days=1))
    page = signed_in_staff.get(f"/en/documents/d/{SLUG}/en/")
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    listing = signed_in_staff.get("/en/documents/embargoed/")
    assert "no-store" in listing["Cache-Control"] and "private" in listing["Cache-Control"]


def test_the_api_docs_load_nothing_from_another_host(client: Client) -> None:
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert not re.search(r"""(src|href)=["'](https?:)?//""", html)
    assets = re.findall(r"""(?:src|href)=["'](/static/[^"']+)["']""", html)
    assert any(a.endswith(".js") for a in assets) and any(a.endswith(".css") for a in assets)
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    # No inline script: the CSP ('self' only) would block it and leave the page blank.
    for script in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
        attributes, _body = script
        assert "src=" in attributes or 'type="application/json"' in attributes, script


def test_an_expired_my_data_link_offers_a_new_link(client: Client) -> None:
    token = services.data_token("0" * 64)
    later = timezone.now().timestamp() + services.LINK_MAX_AGE.total_seconds() + 60
    with mock.patch("django.core.signing.time.time", return_value=later):
        page = client.get(f"/en/petitions/my-data/{token}/")
        russian = client.get(f"/petitions/my-data/{token}/")
    html = page.content.decode()
    assert page.status_code == 400
    assert "sign again" not in html.lower()
    assert "ask for a new link" in html.lower()
    assert 'action="/en/petitions/my-data/"' in html and 'name="email"' in html
    assert 'action="/petitions/my-data/"' in russian.content.decode()
