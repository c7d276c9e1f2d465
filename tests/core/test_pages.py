"""Pages: health, errors, security headers, nothing from another host."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db
VIGIL = Path(settings.BASE_DIR) / "vigil"


def test_health_reports_database_and_cache(client: Any) -> None:
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_health_says_503_when_the_cache_is_away(client: Any, settings: Any) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
        }
    }
    # Django resets its cache handlers when CACHES changes (setting_changed).
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["cache"] == "error"


def test_security_headers_and_csp_without_unsafe_inline(client: Any) -> None:
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "http" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_pages_have_landmarks_skip_link_and_language(client: Any) -> None:
    html = client.get("/en/").content.decode()
    assert '<html lang="en">' in html
    for landmark in ('role="banner"', '<main id="main"', 'role="contentinfo"', "<nav"):
        assert landmark in html
    assert 'class="skip-link" href="#main"' in html
    assert "<script>" not in html and " style=" not in html and "<style" not in html


#: A plain link the visitor may choose to follow (a petition's "share on Telegram") loads
#: nothing; it must not pass the page's address on.
_OUTGOING_LINK = re.compile(r'<a href="https://[^"]*"( rel="noopener noreferrer")?')


def test_templates_and_static_files_name_no_other_host() -> None:
    """No resource from another host: only outgoing plain links, which leak no referrer."""
    offenders = []
    for file in list(VIGIL.rglob("templates/**/*.html")) + list(VIGIL.rglob("static/**/*")):
        if file.is_file() and file.suffix in {".html", ".css", ".js", ".svg"}:
            text = file.read_text()
            for link in _OUTGOING_LINK.finditer(text):
                if not link.group(1):
                    offenders.append(f"{file.relative_to(VIGIL)}: no rel: {link.group(0)}")
            text = _OUTGOING_LINK.sub("<a", text)
            for url in re.findall(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}[^\s\"')]*", text):
                if "www.w3.org/2000/svg" not in url:
                    offenders.append(f"{file.relative_to(VIGIL)}: {url}")
    assert offenders == []


def test_missing_page_is_a_friendly_404_in_both_languages(client: Any) -> None:
    english = client.get("/en/no-such-page/")
    assert english.status_code == 404 and b"Page not found" in english.content
    russian = client.get("/no-such-page/")
    assert russian.status_code == 404 and b'lang="ru"' in russian.content


def test_expired_form_is_explained_not_a_500(client: Any, member: Any) -> None:
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/en/account/login/", {"username": "a@b.org", "password": "x"})
    assert response.status_code == 403
    assert b"The form has expired" in response.content


def test_favicon_is_served_before_the_application(
    client: Any, django_assert_num_queries: Any
) -> None:
    """Browsers ask for /favicon.ico beside pages without an icon link (the back office's):
    a file from the site's root, with no session, locale or database work."""
    with django_assert_num_queries(0):
        response = client.get("/favicon.ico")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert "sessionid" not in response.cookies
    assert "Content-Language" not in response
