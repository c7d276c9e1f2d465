"""The coordination dashboard in a real browser, in Russian: a dormant group stands out, the
chart is drawn under the CSP, nothing comes from another host; a screenshot for the guide."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD
from tests.coordination.network import build_network
from vigil.accounts.models import User

from .conftest import RequestLog
from .support import IMG

pytestmark = pytest.mark.browser


def test_dashboard_in_russian_shows_a_dormant_group(
    live_server: Any, make_user: Callable[..., User], page: Page, request_log: RequestLog
) -> None:
    network = build_network(make_user)
    coordinator = network.people["regional_a"]
    page.set_viewport_size({"width": 1280, "height": 900})
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            csp_errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    page.goto(f"{live_server.url}/en/account/login/?next=/coordination/")
    page.get_by_label("E-mail address").fill(coordinator.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}/coordination/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")

    with translation.override("ru"):
        heading = gettext("Regional coordination")
        dormant = pgettext("group status", "dormant")
        chart_title = gettext("Groups and their activity by region")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)

    # Kazan's group has not met for four months: its row says so, and is tinted.
    row = page.locator("tr", has_text=network.b.name)
    expect(row.locator(".badge-dormant")).to_have_text(dormant)
    background = row.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background == "rgb(255, 251, 235)"  # the page's stylesheet applied under the CSP
    moscow = page.locator("tr", has_text=network.a.name)
    expect(moscow.locator(".badge-dormant")).to_have_count(0)
    expect(page.get_by_text(network.c.name)).to_have_count(0)  # east of the Urals: not theirs

    # The chart: an image with an accessible name, laid out at a real size.
    chart = page.get_by_role("img", name=chart_title)
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box is not None and box["width"] > 500 and box["height"] > 80
    expect(chart.locator("g.chart-row")).to_have_count(2)
    bar = chart.locator("rect.bar").first
    assert bar.evaluate("e => getComputedStyle(e).fill") != "none"

    IMG.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=IMG / "coordination-dashboard.png", full_page=True)

    assert csp_errors == []
    assert request_log.urls, "no request was recorded"
    assert request_log.foreign() == []
