"""The bulletin editor in a real browser, in Russian: a translator takes a match from the
translation memory and translates a sentence, the glossary flags a wrong term, and a translator
named reviewer of the issue approves.  Screenshots for the user guide."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from vigil.accounts.models import User
from vigil.accounts.roles import Role
from vigil.bulletin import services
from vigil.bulletin.models import GlossaryTerm, Segment

from .conftest import RequestLog
from .support import IMG, ru, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def patient(page: Page) -> Iterator[Page]:
    """The shared machine can be slow: wait longer than the suite's 5 s, then restore it."""
    page.set_default_timeout(30_000)
    expect.set_options(timeout=20_000)
    yield page
    expect.set_options(timeout=5_000)


def test_translate_with_memory_and_glossary_then_approve(
    patient: Page,
    live_server: Any,
    page: Page,
    make_user: Callable[..., User],
    staff: User,
    request_log: RequestLog,
) -> None:
    base = live_server.url
    translator = make_user("anna@example.org", Role.TRANSLATOR, name="Анна Переводчикова")
    reviewer = make_user("boris@example.org", Role.TRANSLATOR, name="Борис Рецензентов")
    GlossaryTerm.objects.create(source="prisoner of conscience", target="узник совести")
    past = services.create_issue(staff, year=2026, month=10)
    old = services.add_article(
        staff,
        past,
        title="Old",
        body="Write to the prosecutor and ask for the release of the prisoner.",
    )
    for segment, text in zip(
        old.segments.order_by("position"),
        ["Старое", "Напишите прокурору и попросите освободить заключённого."],
        strict=True,
    ):
        services.approve_segment(staff, services.save_translation(reviewer, segment, text))
    issue = services.create_issue(staff, year=2026, month=11, title="November")
    article = services.add_article(
        staff, issue, title="Journalist detained",
        body="We consider him a prisoner of conscience.\n\n"
        "Write to the prosecutor and ask for the release of the journalist.",
    )  # fmt: skip
    services.set_reviewers(staff, issue, [reviewer])
    title, conscience, letter = article.segments.order_by("position")
    page.set_viewport_size({"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    # 1. The translator finds the issue through the menu and opens the editor.
    sign_in(page, base, translator.email)
    page.get_by_role("link", name=ru("Bulletin"), exact=True).first.click()
    with translation.override("ru"):
        page.get_by_role("link", name=issue.label).click()
    page.get_by_role("link", name="Journalist detained").click()
    expect(page.locator(f"#s{letter.pk} .tm-score")).to_contain_text("%")

    # 2. "Use" copies the memory's fuzzy match; the translator corrects it and saves.
    row = page.locator(f"#s{letter.pk}")
    row.get_by_role("button", name=ru("Use")).click()
    box = page.locator(f"#s{letter.pk}-target")
    expect(box).to_have_value("Напишите прокурору и попросите освободить заключённого.")
    box.fill("Напишите прокурору и попросите освободить журналиста.")
    row.get_by_role("button", name=ru("Save"), exact=True).click()
    expect(page.locator(f"#s{letter.pk} .tm-status")).to_have_text(ru("Translated"))

    # 3. A translation without the approved term is flagged by the glossary.
    page.locator(f"#s{conscience.pk}-target").fill("Мы считаем его политзаключённым.")
    page.locator(f"#s{conscience.pk}").get_by_role("button", name=ru("Save"), exact=True).click()
    flagged = page.locator(f"#s{conscience.pk} .tm-violated")
    expect(flagged).to_contain_text("узник совести")
    page.locator(f"#s{conscience.pk}-target").fill("Мы считаем его узником совести.")
    page.locator(f"#s{conscience.pk}").get_by_role("button", name=ru("Save"), exact=True).click()
    expect(flagged).to_have_count(0)
    page.locator(f"#s{title.pk}-target").fill("Задержан журналист")
    page.locator(f"#s{title.pk}").get_by_role("button", name=ru("Save"), exact=True).click()
    # Not a reviewer: no approve button.
    expect(page.get_by_role("button", name=ru("Approve"))).to_have_count(0)
    IMG.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=IMG / "bulletin-editor.png", full_page=True)

    # 4. The reviewer approves every segment; the issue reaches 100 %.
    sign_in(page, base, reviewer.email)
    page.goto(f"{base}/bulletin/{issue.pk}/articles/{article.pk}/")
    for segment in (title, conscience, letter):
        page.locator(f"#s{segment.pk}").get_by_role("button", name=ru("Approve")).click()
        expect(page.locator(f"#s{segment.pk} .tm-status")).to_have_text(ru("Approved"))
    assert set(Segment.objects.filter(article=article).values_list("status", flat=True)) == {
        Segment.Status.APPROVED
    }
    page.goto(f"{base}/bulletin/{issue.pk}/")
    expect(page.locator(".tm-progress").first).to_contain_text("100")
    page.screenshot(path=IMG / "bulletin-issue.png", full_page=True)
    page.goto(f"{base}/bulletin/{issue.pk}/russian/")
    expect(page.locator(".tm-russian h2")).to_have_text("Задержан журналист")
    expect(page.locator(".tm-russian p").first).to_have_text("Мы считаем его узником совести.")

    assert request_log.foreign() == []
    assert errors == []
