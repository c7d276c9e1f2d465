"""The site in a real browser: languages, staff sign-in with a second factor, CSP, no foreign hosts,
no JavaScript, keyboard."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from tests.conftest import PASSWORD, current_totp
from vigil.accounts.models import User
from vigil.accounts.roles import Role

from .conftest import RequestLog

pytestmark = pytest.mark.browser

EN_HEADING = "Act for people whose rights are at risk"
#: What a Content-Security-Policy source may be: this site, nothing, or inline data: images.
ALLOWED_CSP_SOURCES = {"'self'", "'none'", "data:"}


def sign_in_with_password(page: Page, base: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/en/account/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def enter_code(page: Page, code: str) -> None:
    page.get_by_label("Six-digit code from your authenticator app").fill(code)
    page.get_by_role("button", name="Confirm").click()


def expect_signed_in(page: Page, base: str, email: str) -> None:
    expect(page).to_have_url(f"{base}/en/account/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My account")
    expect(page.locator("dl.facts")).to_contain_text(email)
    expect(page.locator("dl.facts")).to_contain_text("on for this session")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


# --- (a) languages -------------------------------------------------------------------------
def test_home_in_russian_and_english(page: Page, live_server: Any) -> None:
    response = page.goto(f"{live_server.url}/")
    assert response is not None and response.ok
    assert response.headers["content-language"] == "ru"
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    # The Russian wording itself is checked in tests/i18n.  Here: the page shows whatever the
    # compiled Russian catalog says for the heading (the English text when there is no catalog).
    with translation.override("ru"):
        ru_heading = gettext(EN_HEADING)
    expect(page.get_by_role("heading", level=1)).to_have_text(ru_heading)
    expect(page.locator(".language-switcher [aria-current]")).to_have_text("Русский")

    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(f"{live_server.url}/en/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(EN_HEADING)
    expect(page.locator(".language-switcher [aria-current]")).to_have_text("English")

    response = page.goto(f"{live_server.url}/en/")
    assert response is not None and response.headers["content-language"] == "en"


# --- (b) + (d) staff sign-in through the real pages, every request on this host -------------
def test_staff_signs_in_with_totp(
    page: Page, live_server: Any, make_user: Callable[..., User], request_log: RequestLog
) -> None:
    staff = make_user("staff@example.org", Role.STAFF)

    page.goto(f"{live_server.url}/en/account/login/")
    # The site's name, not the host's (Django's LoginView puts the host in "site_name").
    expect(page).to_have_title("Sign in · Vigil")
    expect(page.locator(".brand")).to_contain_text("Vigil")
    sign_in_with_password(page, live_server.url, staff.email)
    # "next" may come percent-encoded or not: both mean My account.
    expect(page).to_have_url(re.compile(r"/en/account/two-factor/\?next=(/|%2F)en\1account\1$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor check")
    # Known device: no enrolment, so neither QR code nor key.
    expect(page.locator("#totp-secret")).to_have_count(0)

    # Password only: the back office is not reachable yet.
    page.goto(f"{live_server.url}/en/back-office/")
    expect(page).to_have_url(re.compile(r"/en/account/two-factor/\?next="))

    enter_code(page, current_totp(staff))
    # The middleware kept the back office as "next".
    expect(page).to_have_url(f"{live_server.url}/en/back-office/")
    expect(page.locator("#site-name")).to_contain_text("Vigil back office")

    page.goto(f"{live_server.url}/en/account/")
    expect_signed_in(page, live_server.url, staff.email)

    assert request_log.urls, "no request was recorded"
    assert request_log.foreign() == []


def test_wrong_code_is_refused(
    page: Page, live_server: Any, make_user: Callable[..., User]
) -> None:
    staff = make_user("staff@example.org", Role.STAFF)
    sign_in_with_password(page, live_server.url, staff.email)
    good = int(current_totp(staff))
    enter_code(page, f"{(good + 1) % 1_000_000:06d}")
    expect(page.get_by_text("This code is wrong or has expired.")).to_be_visible()
    page.goto(f"{live_server.url}/en/account/")
    expect(page).to_have_url(re.compile(r"/en/account/two-factor/"))


# --- staff first sign-in: enrol an authenticator from the key on the page ------------------
def test_staff_enrols_an_authenticator_on_first_sign_in(
    page: Page, live_server: Any, make_user: Callable[..., User], request_log: RequestLog
) -> None:
    staff = make_user("new-staff@example.org", Role.STAFF, two_factor=False)

    sign_in_with_password(page, live_server.url, staff.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor check")
    qr = page.get_by_role("img", name="QR code for your authenticator app")
    expect(qr).to_be_visible()
    assert (qr.get_attribute("src") or "").startswith("data:image/svg+xml")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0"), "the QR code did not load"

    secret = page.locator("#totp-secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret), secret
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    enter_code(page, f"{totp(key):06d}")

    expect_signed_in(page, live_server.url, staff.email)
    expect(page.get_by_role("status")).to_contain_text(
        "Your authenticator app is now linked to your account."
    )
    assert TOTPDevice.objects.filter(user=staff, confirmed=True).count() == 1
    page.goto(f"{live_server.url}/en/back-office/")
    expect(page.locator("#site-name")).to_contain_text("Vigil back office")
    assert request_log.foreign() == []


# --- (c) Content-Security-Policy -----------------------------------------------------------
def test_content_security_policy(page: Page, live_server: Any) -> None:
    response = page.goto(f"{live_server.url}/")
    assert response is not None
    policy = response.headers.get("content-security-policy", "")
    assert policy, "no Content-Security-Policy header"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    directives = {
        name: sources
        for name, *sources in (part.split() for part in policy.split(";") if part.strip())
    }
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    for name, sources in directives.items():
        assert set(sources) <= ALLOWED_CSP_SOURCES, f"{name} allows {sources}"
    # The page really renders under it: the stylesheet applied (the header band is dark).
    background = page.locator(".site-header").evaluate("e => getComputedStyle(e).backgroundColor")
    assert background == "rgb(31, 42, 68)"


# --- (e) without JavaScript, and with the keyboard -----------------------------------------
def test_works_without_javascript(
    new_context: CreateContextCallback, live_server: Any, make_user: Callable[..., User]
) -> None:
    member = make_user("member@example.org", Role.MEMBER)
    page = new_context(java_script_enabled=False).new_page()

    page.goto(f"{live_server.url}/en/")
    expect(page.get_by_role("heading", level=1)).to_have_text(EN_HEADING)
    # vigil.js would have set the time-zone cookie: it did not run.
    assert all(c["name"] != "vigil_tz" for c in page.context.cookies())

    page.get_by_role("link", name="Sign in").click()
    sign_in_with_password(page, live_server.url, member.email)
    expect(page).to_have_url(f"{live_server.url}/en/account/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My account")
    expect(page.locator("dl.facts")).to_contain_text("member@example.org")

    # A plain form post signs out too.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def test_first_tab_focuses_the_skip_link(page: Page, live_server: Any) -> None:
    page.goto(f"{live_server.url}/en/")
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_text("Skip to main content")
    expect(focused).to_have_attribute("href", "#main")
    expect(focused).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/en/#main")
    expect(page.locator("main")).to_be_focused()
