"""Local groups in a real browser, in Russian: a visitor in Kazan applies, the Kazan coordinator
accepts, the new member chooses a password and sees the next meeting; the coordinator logs a
meeting.  Screenshots for the user guide."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD, SmtpSink
from vigil.accounts.models import User
from vigil.directory.models import Region
from vigil.directory.regions import ensure_region_tree
from vigil.groups import services
from vigil.groups.models import Group, Meeting, Membership

from .conftest import RequestLog
from .support import IMG, ru, run_tasks, sign_in

pytestmark = pytest.mark.browser


def last_body(smtp: SmtpSink, to: str | None = None) -> str:
    """The last message's text, or the last one sent to ``to``."""
    sent = zip(smtp.messages, smtp.envelopes, strict=True)
    messages = [m for m, (_f, rcpt) in sent if to is None or rcpt == [to]]
    return str(messages[-1].get_payload(decode=True).decode())  # type: ignore[union-attr]


def test_join_accept_first_sign_in_and_log_a_meeting(
    live_server: Any,
    page: Page,
    make_user: Callable[..., User],
    smtp_server: SmtpSink,
    request_log: RequestLog,
) -> None:
    base = live_server.url
    if not Region.objects.filter(slug="kazan").exists():
        ensure_region_tree(Region)
    kazan = services.create_group(
        number=3, name="Казань-1", slug="kazan-1", city="Казань",
        region=Region.objects.get(slug="kazan"), meeting_rule="FREQ=MONTHLY;BYDAY=1TU",
        meeting_time=datetime.time(19, 0), meeting_timezone="Europe/Moscow",
        meeting_place="Национальная библиотека, зал 2",
    )  # fmt: skip
    coordinator = make_user("kazan@example.org", name="Рустам Хайруллин")
    services.add_member(kazan, coordinator, Membership.Role.COORDINATOR)
    page.set_viewport_size({"width": 1200, "height": 900})

    # 1. A visitor in Kazan applies, in Russian.
    page.goto(f"{base}/groups/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    page.get_by_role("link", name=ru("Join a group")).first.click()
    page.get_by_label(ru("Your name")).fill("Дина Гарипова")
    page.get_by_label(ru("E-mail address")).fill("dina@example.org")
    page.get_by_label(ru("City or town")).fill("Казань")
    page.get_by_label(ru("Region")).select_option(label="Казань")
    page.get_by_label(ru("Languages you read and write")).fill("русский, татарский")
    page.locator("#id_consent").check()
    IMG.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=IMG / "groups-join.png", full_page=True)
    page.get_by_role("button", name=ru("Send my application")).click()
    expect(page.get_by_role("status")).to_contain_text("Казань-1")

    # 2. The coordinator follows the link in the notice and accepts.
    run_tasks()
    # The applicant gets an acknowledgement; the coordinator, a notice naming nobody.
    assert "Казань-1" in last_body(smtp_server, "dina@example.org")
    notice = last_body(smtp_server, "kazan@example.org")
    link = re.search(r"https?://[^/\s]+(/groups/applications/\d+/)", notice)
    assert link is not None
    sign_in(page, base, coordinator.email, PASSWORD)
    page.goto(base + link.group(1))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Дина Гарипова")
    page.get_by_label(ru("Message to the applicant")).fill("Добро пожаловать! Ждём вас на встрече.")
    page.screenshot(path=IMG / "groups-application.png", full_page=True)
    page.get_by_role("button", name=ru("Accept"), exact=True).click()
    expect(page.get_by_role("status")).to_be_visible()

    # 3. The new member chooses a password from the welcome mail and sees the next meeting.
    run_tasks()
    assert smtp_server.envelopes[-1][1] == ["dina@example.org"]
    invitation = re.search(
        r"https?://[^/\s]+(/account/password/reset/\S+/)", last_body(smtp_server)
    )
    assert invitation is not None
    page.context.clear_cookies()
    page.goto(base + invitation.group(1))
    page.locator("#id_new_password1").fill("a long new passphrase")
    page.locator("#id_new_password2").fill("a long new passphrase")
    page.locator("main form button[type=submit]").click()
    sign_in(page, base, "dina@example.org", "a long new passphrase")
    page.goto(f"{base}/groups/")
    page.get_by_role("link", name="Казань-1").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Казань-1")
    expect(page.locator(".next-meetings time")).to_have_count(3)
    expect(page.get_by_text("Рустам Хайруллин")).to_be_visible()
    page.screenshot(path=IMG / "groups-member-page.png", full_page=True)

    # 4. The coordinator logs a meeting; it shows as recent activity.
    sign_in(page, base, coordinator.email, PASSWORD)
    page.goto(f"{base}/groups/kazan-1/")
    page.get_by_role("link", name=ru("Log a meeting")).click()
    held_on = timezone.localdate() - datetime.timedelta(days=1)
    page.get_by_label(ru("Date of the meeting")).fill(held_on.isoformat())
    page.get_by_label(ru("People present")).fill("8")
    page.locator("#id_letters-0-case_label").fill("Срочная акция 12/97")
    page.locator("#id_letters-0-count").fill("11")
    page.get_by_label(ru("Decisions")).fill("Написать в прокуратуру Татарстана.")
    page.screenshot(path=IMG / "groups-log-meeting.png", full_page=True)
    page.get_by_role("button", name=ru("Log the meeting")).click()
    expect(page).to_have_url(f"{base}/groups/kazan-1/")
    expect(page.locator(".meeting").first).to_contain_text("Написать в прокуратуру Татарстана.")
    assert Meeting.objects.get(group=kazan).letters.get().count == 11
    assert Group.objects.get(pk=kazan.pk).memberships.filter(left_at__isnull=True).count() == 2
    assert request_log.foreign() == []
