"""When the database does not answer, every page says so with a 503 in the visitor's
language, and a posted form comes back with what was typed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.utils import IntegrityError, OperationalError
from django.test import Client


def refuse(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


@pytest.fixture
def database_away(db: Any) -> Iterator[Client]:
    client = Client(raise_request_exception=False)
    with connection.execute_wrapper(refuse):
        yield client


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/petitions/", "Сайт ненадолго недоступен"),
        ("/en/petitions/", "The site is briefly unavailable"),
        ("/en/directory/", "The site is briefly unavailable"),
        ("/", "Сайт ненадолго недоступен"),
    ],
)
def test_every_page_answers_503_in_the_visitors_language(
    database_away: Client, path: str, words: str
) -> None:
    response = database_away.get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    assert words in response.content.decode()


def test_a_posted_form_comes_back_with_what_was_typed(database_away: Client) -> None:
    response = database_away.post(
        "/en/petitions/some-petition/sign/",
        {
            "name": "Анна <Петрова>",
            "email": "anna@example.org",
            "city": "Казань",
            "password": "never shown",
            "consent": "on",
            "website": "",
        },
    )
    assert response.status_code == 503
    page = response.content.decode()
    assert "Nothing was recorded." in page
    assert 'value="Анна &lt;Петрова&gt;"' in page and 'value="Казань"' in page
    assert 'action="/en/petitions/some-petition/sign/"' in page
    assert "never shown" not in page
    # The ticked box and the empty robot trap go back as they were, unseen.
    assert '<input type="hidden" name="consent" value="on">' in page
    assert '<input type="hidden" name="website" value="">' in page


def test_a_bug_in_a_query_stays_a_500(db: Any) -> None:
    def broken(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        raise IntegrityError("duplicate key")

    client = Client(raise_request_exception=False)
    with connection.execute_wrapper(broken):
        response = client.get("/en/petitions/")
    assert response.status_code == 500


def test_an_outage_is_logged_in_one_line(database_away: Client, caplog: Any) -> None:
    with caplog.at_level("WARNING", logger="django.request"):
        database_away.get("/en/petitions/")
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1 and records[0].levelname == "WARNING"
    assert records[0].exc_info is None
    assert records[0].getMessage() == (
        "database unavailable, answered 503: /en/petitions/ "
        "(connection to server at 127.0.0.1 failed: Connection refused)"
    )


def test_with_redis_away_signing_goes_on_and_health_says_so(
    transactional_db: Any, settings: Any
) -> None:
    import datetime as dt
    import re

    from django.apps import apps
    from django.core.cache import caches
    from django.utils import timezone

    models: dict[str, Any] = {m.__name__: m for m in apps.get_models()}
    models["ConsentText"].objects.create(version=1, text_ru="Согласен.", text_en="I agree.")
    models["Petition"].objects.create(
        slug="redis-away", title_ru="Т", title_en="T", target="Прокурору", text_ru="т",
        text_en="t", goal=100, closes_at=timezone.now() + dt.timedelta(days=3),
    )  # fmt: skip
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens there
        }
    }
    assert type(caches["default"]).__name__ == "RedisCache"  # the setting took
    client = Client(raise_request_exception=False)
    page = client.get("/en/petitions/redis-away/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    response = client.post(
        "/en/petitions/redis-away/sign/",
        {"csrfmiddlewaretoken": token.group(1), "name": "Анна", "email": "anna@example.org",
         "country": "Россия", "city": "Казань", "consent": "on", "consent_version": "1",
         "website": ""},
    )  # fmt: skip
    assert response.status_code == 302
    assert models["Signature"].objects.count() == 1
    health = client.get("/health/")
    assert health.status_code == 503 and health.json()["cache"] == "error"
