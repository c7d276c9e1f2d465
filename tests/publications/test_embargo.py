"""The embargo: before its moment the document is nowhere public; at the moment it is
everywhere, with nobody acting.  Every public surface is walked on both sides of the moment."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.template import Context, Template
from django.test import Client
from django.utils import timezone

from tests.conftest import SmtpSink
from tests.publications.conftest import Clock
from vigil.accounts.models import User
from vigil.publications import selectors, services
from vigil.publications.models import Document

SLUG = "eur-46-039-2003"
MARKERS = (
    "Resource Centre plays key role",
    "Ресурсный центр играет",
    "EUR 46/039/2003",
    SLUG,
    "Press pack",
    "Resource Centre press pack",
)


def surfaces(attachment_url: str) -> list[str]:
    """Every public URL that could show the document, in Russian and English."""
    pages = [
        f"/documents/d/{SLUG}/en/",
        f"/documents/d/{SLUG}/ru/",  # the translation
        f"/en/documents/d/{SLUG}/en/",
        f"/en/documents/d/{SLUG}/ru/",
        f"/documents/d/{SLUG}/",
        f"/en/documents/d/{SLUG}/",
        attachment_url,
    ]
    listings = [
        "/documents/",
        "/en/documents/",
        "/documents/news/",
        "/en/documents/news/",
        "/documents/?q=Resource+Centre",  # search, by words
        "/en/documents/?q=EUR+46%2F039%2F2003",  # search, by index number
        "/documents/?q=%D0%A0%D0%B5%D1%81%D1%83%D1%80%D1%81%D0%BD%D1%8B%D0%B9",  # "Ресурсный"
        "/documents/?region=EUR&year=2003",
        "/en/documents/?language=ru",
        "/documents/feed/rss/",
        "/en/documents/feed/rss/",
        "/documents/feed/atom/",
        "/en/documents/feed/atom/",
        "/documents/sitemap.xml",
        "/en/documents/sitemap.xml",
        "/api/v1/documents/",
        "/api/v1/documents/?q=Resource",
    ]
    api = [
        f"/api/v1/documents/{SLUG}",
        "/api/v1/documents/EUR-46-039-2003",
        f"/api/v1/documents/{SLUG}?language=ru",
    ]
    return pages + listings + api


ECHOES = re.compile(
    r'<nav class="language-switcher".*?</nav>|value="[^"]*"|"instance": "[^"]*"', re.S
)


def leaks(text: str) -> list[str]:
    """Markers of the document in a response, less what only echoes the request itself (the
    language switcher's links to this URL, the search box's value, the API problem's
    ``instance``, which is the path asked for)."""
    text = ECHOES.sub("", text)
    return [marker for marker in MARKERS if marker in text]


def latest_news_block() -> str:
    return Template("{% load publications %}{% latest_news 5 %}").render(Context({}))


@pytest.mark.django_db
def test_embargoed_document_leaks_nowhere_then_appears_everywhere(
    client: Client,
    clock: Clock,
    embargoed: Callable[[datetime.datetime], dict[str, Any]],
) -> None:
    moment = (timezone.now() + datetime.timedelta(hours=3)).replace(microsecond=0)
    docs = embargoed(moment)
    urls = surfaces(docs["attachment"].get_absolute_url())
    detail_pages = set(urls[:7]) | {urls[-2], urls[-1], urls[-3]}

    # Before: a minute to go.
    clock.set(moment - datetime.timedelta(minutes=1))
    for url in urls:
        response = client.get(url)
        body = b"".join(response).decode() if response.streaming else response.content.decode()
        assert not leaks(body), f"{url} leaks {leaks(body)} before the embargo"
        if url in detail_pages:
            assert response.status_code == 404, url
        else:
            assert response.status_code == 200, url
    assert not leaks(latest_news_block())
    assert not list(Document.objects.public())
    assert services.announce_due() == []

    # After: the moment has come; nobody has done anything.
    clock.set(moment)
    for url in urls:
        response = client.get(url, follow=url.endswith(f"/{SLUG}/"))
        body = b"".join(response).decode() if response.streaming else response.content.decode()
        assert response.status_code == 200, url
        assert leaks(body), f"{url} does not show the document after the embargo"
    assert "Ресурсный центр играет ключевую роль" in latest_news_block()  # the reader's version


@pytest.mark.django_db
def test_search_index_and_translation_follow_the_original(
    clock: Clock, embargoed: Callable[[datetime.datetime], dict[str, Any]]
) -> None:
    moment = timezone.now() + datetime.timedelta(hours=1)
    docs = embargoed(moment)
    assert docs["russian"].original == docs["english"]
    assert docs["russian"].embargo_at is None  # no embargo of its own...
    assert not docs["russian"].is_public()  # ...but it waits for its original's
    clock.set(moment + datetime.timedelta(seconds=1))
    assert docs["russian"].is_public()
    assert set(selectors.library({"q": "EUR 46/39/2003"})) == {docs["english"], docs["russian"]}


@pytest.mark.django_db
def test_internal_documents_never_public(seed_document: Document, client: Client) -> None:
    seed_document.classification = Document.Classification.INTERNAL
    services.save_document(seed_document)
    assert client.get(seed_document.get_absolute_url()).status_code == 404
    assert not Document.objects.public(timezone.now() + datetime.timedelta(days=9999)).exists()


@pytest.mark.django_db
def test_staff_preview_before_the_moment(
    signed_in_staff: Client,
    member: User,
    client: Client,
    embargoed: Callable[[datetime.datetime], dict[str, Any]],
) -> None:
    docs = embargoed(timezone.now() + datetime.timedelta(days=1))
    page = signed_in_staff.get(f"/en/documents/d/{SLUG}/en/")
    assert page.status_code == 200
    assert "Preview: not public yet" in page.content.decode()
    assert "GMT" in page.content.decode()
    listing = signed_in_staff.get("/en/documents/embargoed/")
    assert "Resource Centre plays key role" in listing.content.decode()
    download = signed_in_staff.get(docs["attachment"].get_absolute_url())
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"Resource Centre press pack"  # type: ignore[attr-defined]
    # The API is public-only, for staff too.
    assert signed_in_staff.get(f"/api/v1/documents/{SLUG}").status_code == 404
    # A member is not staff.
    signed_in_staff.logout()
    client.force_login(member)
    assert client.get(f"/en/documents/d/{SLUG}/en/").status_code == 404
    assert client.get("/en/documents/embargoed/").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_the_moment_mails_staff_once_with_nobody_acting(
    clock: Clock,
    staff: User,
    member: User,
    smtp_server: SmtpSink,
    run_tasks: Callable[[], None],
    embargoed: Callable[[datetime.datetime], dict[str, Any]],
) -> None:
    """Import schedules the task for the moment; the running worker picks it up by itself."""
    moment = (timezone.now() + datetime.timedelta(hours=2)).replace(microsecond=0)
    embargoed(moment)
    clock.set(moment - datetime.timedelta(seconds=30))
    run_tasks()
    call_command("publish_due_documents")  # the cron fallback finds nothing either
    run_tasks()
    assert smtp_server.messages == []

    clock.set(moment + datetime.timedelta(seconds=1))
    run_tasks()  # the worker that is always running: the deferred task is now due
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert "EUR 46/039/2003" in str(message["Subject"])
    assert smtp_server.envelopes[0][1] == ["staff@example.org"]
    call_command("publish_due_documents")
    run_tasks()
    assert len(smtp_server.messages) == 1  # announced once
