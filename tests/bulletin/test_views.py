"""The bulletin pages: who may open them, the editor's forms, exchange files, the glossary."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from tests.conftest import PASSWORD
from vigil.accounts.models import User
from vigil.bulletin import exchange, services
from vigil.bulletin.models import Article, GlossaryTerm, Issue, Segment

pytestmark = pytest.mark.django_db
Status = Segment.Status


def _url(name: str, *args: Any) -> str:
    with translation.override("en"):
        return reverse(f"bulletin:{name}", args=args)


def _first(article: Article, position: int = 1) -> Segment:
    return article.segments.get(position=position)


def test_pages_are_for_translators_and_staff_only(
    client: Any, member: User, translator: User, article: Article
) -> None:
    issue = article.issue
    urls = [
        _url("index"),
        _url("glossary"),
        _url("issue", issue.pk),
        _url("editor", issue.pk, article.pk),
        _url("russian", issue.pk),
        _url("export", issue.pk, "xlf"),
    ]
    for url in urls:
        assert client.get(url).status_code == 302, url  # anonymous: sign in first
    client.post("/en/account/login/", {"username": member.email, "password": PASSWORD})
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert "/bulletin/" not in client.get("/en/").content.decode()
    client.post("/en/account/logout/")
    client.post("/en/account/login/", {"username": translator.email, "password": PASSWORD})
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert 'href="/en/bulletin/"' in client.get("/en/").content.decode()
    # Translators do not create issues, add articles or keep the glossary.
    assert client.post(_url("index"), {"year": 2027, "month": 1}).status_code == 403
    assert (
        client.post(_url("add_article", issue.pk), {"title": "T", "body": "B."}).status_code == 403
    )
    assert client.post(_url("glossary"), {"source": "a", "target": "б"}).status_code == 403
    assert not Issue.objects.filter(year=2027).exists()
    assert client.get(_url("export", issue.pk, "docx")).status_code == 404


def test_staff_create_an_issue_and_add_an_article(signed_in_staff: Any) -> None:
    response = signed_in_staff.post(_url("index"), {"year": 2026, "month": 13, "title": "X"})
    assert response.status_code == 400
    assert 'value="X"' in response.content.decode()
    response = signed_in_staff.post(_url("index"), {"year": 2026, "month": 11, "title": "Nov"})
    issue = Issue.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/bulletin/{issue.pk}/")
    response = signed_in_staff.post(_url("index"), {"year": 2026, "month": 11})
    assert response.status_code == 400
    assert "There is already an issue for this month." in response.content.decode()
    response = signed_in_staff.post(
        _url("add_article", issue.pk), {"title": "Title", "body": "One. Two.\n\nThree."}
    )
    assert response.status_code == 302
    assert Segment.objects.filter(article__issue=issue).count() == 4
    response = signed_in_staff.post(_url("add_article", issue.pk), {"title": "Kept", "body": ""})
    assert response.status_code == 400 and 'value="Kept"' in response.content.decode()


def test_the_editor_shows_source_target_memory_and_glossary(
    translator_client: Any, staff: User, translator2: User, article: Article, term: GlossaryTerm
) -> None:
    services.set_reviewers(staff, article.issue, [translator2])
    # A past approved sentence close to one in this article.
    past = services.create_issue(staff, year=2026, month=10)
    old = services.add_article(staff, past, title="Old", body="Letters must be polite and brief.")
    segment = services.save_translation(translator2, _first(old), "Письма должны быть вежливыми.")
    services.approve_segment(staff, segment)
    target = _first(article, 2)
    services.save_translation(translator2, target, "Мы считаем его политзаключённым.")

    page = translator_client.get(_url("editor", article.issue.pk, article.pk)).content.decode()
    assert "We consider him a prisoner of conscience." in page
    assert "Мы считаем его политзаключённым." in page
    assert "missing in the translation" in page  # the glossary flag
    assert "Письма должны быть вежливыми." in page  # the memory's fuzzy match …
    score = page.split('class="tm-score">')[1].split("<")[0]
    assert score.endswith("%") and 60 <= int(score.rstrip(" %")) < 100  # … with its score
    assert 'name="action" value="approve"' not in page  # not a reviewer of this issue
    assert "<script>" not in page and "bulletin/bulletin.js" in page


def test_save_then_approve_through_the_editor(
    translator_client: Any, client: Any, staff: User, article: Article
) -> None:
    issue = article.issue
    segment = _first(article)
    field = f"s{segment.pk}-target"
    response = translator_client.post(
        _url("segment", issue.pk, segment.pk), {field: "Доктор Иванов арестован.", "action": "save"}
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#s{segment.pk}")
    segment.refresh_from_db()
    assert segment.status == Status.TRANSLATED

    # The translator tries to approve: not a reviewer of this issue.
    response = translator_client.post(
        _url("segment", issue.pk, segment.pk),
        {field: "Доктор Иванов арестован.", "action": "approve"},
    )
    assert response.status_code == 403


def test_approving_own_text_shows_the_reason_and_keeps_what_was_typed(
    signed_in_staff: Any, article: Article
) -> None:
    segment = _first(article)
    field = f"s{segment.pk}-target"
    response = signed_in_staff.post(
        _url("segment", article.issue.pk, segment.pk),
        {field: "Текст, набранный рецензентом.", "action": "approve"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "You cannot approve your own translation" in page
    assert "Текст, набранный рецензентом." in page
    segment.refresh_from_db()
    assert segment.status == Status.TRANSLATED  # saved, not approved


def test_a_staff_reviewer_approves_a_translators_segment(
    translator: User, signed_in_staff: Any, article: Article
) -> None:
    segment = services.save_translation(translator, _first(article), "Иванов арестован.")
    response = signed_in_staff.post(
        _url("segment", article.issue.pk, segment.pk),
        {f"s{segment.pk}-target": "Иванов арестован.", "action": "approve"},
    )
    assert response.status_code == 302
    segment.refresh_from_db()
    assert segment.status == Status.APPROVED
    page = signed_in_staff.get(_url("issue", article.issue.pk)).content.decode()
    assert "20 % approved (1 of 5 segments)" in page
    russian = signed_in_staff.get(_url("russian", article.issue.pk)).content.decode()
    assert "<p>Иванов арестован.</p>" in russian


def test_export_and_import_through_the_pages(translator_client: Any, article: Article) -> None:
    issue = article.issue
    response = translator_client.get(_url("export", issue.pk, "xlf"))
    assert response["Content-Type"] == "application/xliff+xml"
    assert 'filename="bulletin-2026-11-ru.xlf"' in response["Content-Disposition"]
    data = response.content.replace(
        b"<source>Journalist detained</source>", b"<source>Changed</source>"
    )
    upload = SimpleUploadedFile("issue.xlf", data, content_type="application/xliff+xml")
    response = translator_client.post(_url("import", issue.pk), {"file": upload})
    assert response.status_code == 400
    assert "has changed since the export" in response.content.decode()

    store = exchange.po.pofile.parsestring(
        translator_client.get(_url("export", issue.pk, "po")).content
    )
    for unit in store.units:
        if not unit.isheader():
            unit.target = "Перевод."
    upload = SimpleUploadedFile("issue.po", bytes(store), content_type="text/x-gettext-translation")
    response = translator_client.post(_url("import", issue.pk), {"file": upload})
    assert response.status_code == 302
    assert set(Segment.objects.values_list("target", flat=True)) == {"Перевод."}
    response = translator_client.post(_url("import", issue.pk), {})
    assert response.status_code == 400


def test_staff_keep_the_glossary(signed_in_staff: Any) -> None:
    response = signed_in_staff.post(
        _url("glossary"), {"source": "prisoner of conscience", "target": "узник совести"}
    )
    assert response.status_code == 302
    response = signed_in_staff.post(
        _url("glossary"), {"source": "Prisoner of Conscience", "target": "узник"}
    )
    assert response.status_code == 400
    assert "already in the glossary" in response.content.decode()
    assert GlossaryTerm.objects.count() == 1
    assert "узник совести" in signed_in_staff.get(_url("glossary")).content.decode()


def test_staff_name_reviewers(
    signed_in_staff: Any, translator: User, member: User, issue: Issue
) -> None:
    response = signed_in_staff.post(_url("reviewers", issue.pk), {"reviewers": [translator.pk]})
    assert response.status_code == 302
    assert list(issue.reviewers.all()) == [translator]
    response = signed_in_staff.post(_url("reviewers", issue.pk), {"reviewers": [member.pk]})
    assert response.status_code == 400  # not offered: only translators


def test_the_back_office_lists_issues_glossary_and_memory(
    signed_in_staff: Any, issue: Issue
) -> None:
    for model in ("issue", "glossaryterm", "memoryentry"):
        response = signed_in_staff.get(f"/en/back-office/bulletin/{model}/")
        assert response.status_code == 200, model
    assert (
        signed_in_staff.get(f"/en/back-office/bulletin/issue/{issue.pk}/change/").status_code == 200
    )


def test_a_reviewer_approves_every_reviewed_segment_at_once(
    staff: User, translator: User, translator2: User, client: Any, article: Article
) -> None:
    segments = list(article.segments.order_by("position"))
    services.set_reviewers(staff, article.issue, [translator2, translator])
    texts = ["Журналист задержан", "Иванов арестован.", "Узник совести.", "Пишите."]
    for segment, text in zip(segments, texts, strict=False):
        services.save_translation(translator, segment, text)
    for segment in segments[:3]:
        services.review_segment(staff, segment)
    own = services.save_translation(translator2, segments[4], "Кратко.")
    services.review_segment(staff, own)
    client.post("/en/account/login/", {"username": translator2.email, "password": PASSWORD})
    page = client.get(_url("issue", article.issue.pk)).content.decode()
    assert "Approve all reviewed segments" in page
    response = client.post(f"/en/bulletin/{article.issue.pk}/approve-reviewed/", follow=True)
    text = response.content.decode()
    assert "3 reviewed segments are approved." in text
    assert "your own translation" in text
    statuses = [s.status for s in article.segments.order_by("position")]
    assert statuses == [Status.APPROVED] * 3 + [Status.TRANSLATED, Status.REVIEWED]
    # A translator who is not a reviewer may not.
    client.logout()
    client.post("/en/account/login/", {"username": translator.email, "password": PASSWORD})
    services.set_reviewers(staff, article.issue, [translator2])
    assert client.post(f"/en/bulletin/{article.issue.pk}/approve-reviewed/").status_code == 403
