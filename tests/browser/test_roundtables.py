"""A roundtable end to end in a real browser, in Russian: staff plan it, invite two partner
organisations, a partner answers through the mailed link, staff record who came and the
minutes, add three action points with owners and due dates, a reminder arrives through the
local SMTP server, and a point marked done and public shows on the campaign page."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from tests.conftest import SmtpSink, current_totp
from tests.partners.conftest import Partners, build_partners, held
from tests.petitions.test_signing import body_of
from vigil.accounts.models import User
from vigil.actionpoints import services as point_services
from vigil.actionpoints.models import ActionPoint
from vigil.partners.models import Invitation, Roundtable

from .conftest import RequestLog
from .support import IMG, ru, run_tasks, sign_in

pytestmark = pytest.mark.browser

TITLE = "Круглый стол: журналисты под стражей"


def _ru_url(obj: Any) -> str:
    """The Russian page's address: reverse() prefixes whatever language an earlier test left
    active in this thread."""
    with translation.override("ru"):
        return str(obj.get_absolute_url())


def _staff_signs_in(page: Page, base: str, partners: Partners) -> None:
    sign_in(page, base, partners.staff.email)
    page.get_by_label(ru("Six-digit code from your authenticator app")).fill(
        current_totp(partners.staff)
    )
    page.get_by_role("button", name=ru("Confirm")).click()
    expect(page).not_to_have_url(re.compile(r"/account/two-factor/"))


def _invite(page: Page, search: str, organisation: str, contact: str, email: str) -> None:
    page.get_by_role("link", name=ru("Invite someone")).click()
    page.get_by_label(ru("Find the partner organisation in the directory")).fill(search)
    page.get_by_role("button", name=ru("Find")).click()
    page.get_by_role("link", name=organisation).click()
    page.get_by_label(re.compile(contact)).check()
    page.get_by_label(ru("E-mail")).fill(email)
    page.get_by_role("button", name=ru("Send the invitation")).click()
    expect(page.get_by_role("status")).to_contain_text(ru("The invitation is sent."))


def _add_point(page: Page, title: str, due: datetime.date, owners: list[str]) -> None:
    page.get_by_role("link", name=ru("Add an action point")).click()
    page.get_by_label(ru("Title in Russian")).fill(title)
    page.get_by_label(ru("Due")).fill(due.isoformat())
    for owner in owners:
        page.get_by_role("checkbox", name=owner, exact=True).check()
    page.get_by_label(ru("Show it on the campaign's page")).check()
    page.get_by_role("button", name=ru("Add the action point")).click()
    expect(page.get_by_role("status")).to_contain_text(ru("The action point is added."))


def test_a_roundtable_runs_end_to_end_in_russian(
    live_server: Any,
    make_user: Callable[..., User],
    page: Page,
    request_log: RequestLog,
    smtp_server: SmtpSink,
) -> None:
    partners = build_partners(make_user)
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    _staff_signs_in(page, base, partners)

    # Plan the roundtable for next week.
    page.goto(f"{base}/partners/roundtables/new/")
    start = timezone.localdate() + datetime.timedelta(days=7)
    page.locator("#id_title").fill(TITLE)
    page.get_by_label(partners.network.a.name).check()
    page.get_by_label(ru("Venue")).fill("Ресурсный центр")
    page.get_by_label(ru("Starts (time at the venue)")).fill(f"{start.isoformat()}T15:00")
    page.get_by_label(ru("Ends (time at the venue)")).fill(f"{start.isoformat()}T18:00")
    page.get_by_label(ru("Time zone of the venue")).fill("Europe/Moscow")
    page.get_by_label(ru("Campaign")).select_option(label=str(partners.campaign))
    page.get_by_role("button", name=ru("Plan the roundtable")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    roundtable = Roundtable.objects.get()

    page.get_by_text(ru("Change the agenda")).click()
    page.get_by_label(ru("Agenda items")).fill(
        "Журналисты под стражей | Journalists in detention\nКто что делает | Who does what"
    )
    page.get_by_role("button", name=ru("Save the agenda")).click()
    expect(page.locator("#s-agenda + ol li")).to_have_count(2)

    _invite(page, "Открытая", "Открытая дверь", "Марина Лебедева", "marina@example.org")
    _invite(page, "Свободное", "Свободное слово", "Олег Ветров", "oleg@example.org")
    expect(page.get_by_role("table").first).to_contain_text("Марина Лебедева")
    page.screenshot(path=IMG / "partners-roundtable.png", full_page=True)

    # Marina answers through the link in her mail, in a browser of her own.
    run_tasks()
    mail = next(m for m in smtp_server.messages if m["To"] == "marina@example.org")
    assert str(mail["Subject"]).startswith("Приглашение")
    link = re.search(r"http\S+/partners/invitation/\S+/", body_of(mail))
    assert link is not None
    answer_url = base + "/partners/" + link.group(0).split("/partners/", 1)[1]
    invitee = page.context.browser.new_page() if page.context.browser else page
    invitee.goto(answer_url)
    expect(invitee.get_by_role("heading", level=1)).to_have_text(TITLE)
    invitee.get_by_role("button", name=ru("I will come")).click()
    expect(invitee.get_by_role("status")).to_contain_text(ru("Thank you: we expect you."))
    invitee.close()
    assert Invitation.objects.get(email_index__isnull=False, answer="accepted").name == (
        "Марина Лебедева"
    )

    # The roundtable took place: who came, the minutes, closing.
    held(roundtable)
    page.goto(f"{base}{_ru_url(roundtable)}")
    page.get_by_role("link", name=ru("Record who came")).click()
    page.get_by_label(re.compile("Марина Лебедева")).check()
    page.get_by_label(ru("People who came without an invitation")).fill(
        "Анна Гостева | Независимая журналистка"
    )
    page.get_by_role("button", name=ru("Save attendance")).click()
    expect(page.get_by_role("status")).to_contain_text(ru("Attendance is saved: %(count)d came.")
                                                        % {"count": 2})  # fmt: skip
    page.get_by_role("link", name=ru("Write the minutes")).click()
    page.get_by_label(ru("Minutes in Russian")).fill(
        "<p>Договорились о совместной кампании.</p><script>alert(1)</script>"
    )
    page.get_by_role("button", name=ru("Save the minutes")).click()
    expect(page.locator(".prose")).to_contain_text("Договорились о совместной кампании.")
    page.get_by_role("button", name=ru("Close the roundtable")).click()
    expect(page.get_by_role("status")).to_contain_text(ru("The roundtable is closed."))
    pdf = page.context.request.get(  # WeasyPrint starts slowly: more than the usual 5 s
        f"{base}/partners/roundtables/{roundtable.pk}/minutes.pdf", timeout=60_000
    )
    assert pdf.ok and pdf.body().startswith(b"%PDF")

    # Three action points with owners and due dates.
    today = timezone.localdate()
    _add_point(page, "Памятка о правах задержанных", today + datetime.timedelta(days=2),
               ["Открытая дверь — Марина Лебедева"])  # fmt: skip
    _add_point(page, "Сведения о новых делах", today + datetime.timedelta(days=10),
               ["Свободное слово"])  # fmt: skip
    _add_point(page, "Письма на встрече группы", today + datetime.timedelta(days=20),
               [str(partners.network.a)])  # fmt: skip
    expect(page.locator("#s-points ~ table tbody tr, #s-points + * tbody tr")).to_have_count(3)
    assert ActionPoint.objects.count() == 3

    # The daily reminder run mails Marina, once.
    assert point_services.send_reminders() == 1
    assert point_services.send_reminders() == 0
    run_tasks()
    reminders = [m for m in smtp_server.messages if "Скоро срок" in str(m["Subject"])]
    assert [m["To"] for m in reminders] == ["marina@example.org"]

    # The leaflet is done: staff record it, and the public sees it on the campaign page.
    page.get_by_role("link", name="Памятка о правах задержанных").click()
    page.get_by_label(ru("Status")).select_option("done")
    page.get_by_label(ru("What happened, in Russian")).fill("Памятка напечатана.")
    page.get_by_role("button", name=ru("Record")).click()
    expect(page.get_by_role("status")).to_contain_text(ru("The progress is recorded."))

    visitor = page.context.browser.new_page() if page.context.browser else page
    for width in (390, 1280):
        visitor.set_viewport_size({"width": width, "height": 900})
        visitor.goto(f"{base}{_ru_url(partners.campaign)}")
        results = visitor.locator("ul.results")
        expect(results).to_contain_text("Памятка о правах задержанных")
        expect(results).to_contain_text(ru("done").capitalize())
        expect(results).to_contain_text("100 %")
        expect(results).to_contain_text("Памятка напечатана.")
        visitor.screenshot(path=IMG / f"campaigns-results-{width}.png", full_page=True)
        overflow = visitor.evaluate("document.documentElement.scrollWidth - innerWidth")
        assert overflow <= 0, f"the campaign page is {overflow}px too wide at {width}px"
    visitor.close()
    assert request_log.foreign() == []
