"""A segment's life: to translate → translated → reviewed → approved, and who may do what."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from vigil.accounts.models import User
from vigil.bulletin import memory, selectors, services
from vigil.bulletin.models import Article, Issue, MemoryEntry, Segment

pytestmark = pytest.mark.django_db
Status = Segment.Status


def test_an_article_is_stored_as_title_and_sentences_by_paragraph(article: Article) -> None:
    rows = list(article.segments.values_list("paragraph", "position", "source"))
    assert rows == [
        (0, 0, "Journalist detained"),
        (1, 1, "Dr. Ivanov was arrested in Rostov on 3 May."),
        (1, 2, "We consider him a prisoner of conscience."),
        (2, 3, "Write to the prosecutor and ask for his release."),
        (2, 4, "Letters should be polite and brief."),
    ]
    assert str(article) == "Journalist detained"


@pytest.mark.usefixtures("english")
def test_one_issue_a_month_and_only_staff_create(
    staff: User, translator: User, issue: Issue
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.create_issue(staff, year=2026, month=11)
    assert "already an issue" in str(caught.value)
    with pytest.raises(PermissionDenied):
        services.create_issue(translator, year=2026, month=12)
    with pytest.raises(PermissionDenied):
        services.add_article(translator, issue, title="T", body="B.")
    with pytest.raises(ValidationError):
        services.add_article(staff, issue, title="Title", body="  \n\n ")


def _segments(article: Article) -> list[Segment]:
    return list(article.segments.order_by("position"))


def test_translate_review_approve_and_progress(
    staff: User, translator: User, article: Article
) -> None:
    issue = article.issue
    title, *_rest = _segments(article)
    assert selectors.issue_progress(issue).percent == 0

    title = services.save_translation(translator, title, "  Задержан журналист ")
    assert (title.status, title.target, title.translated_by) == (
        Status.TRANSLATED, "Задержан журналист", translator,
    )  # fmt: skip
    title = services.review_segment(staff, title)
    assert title.status == Status.REVIEWED and title.reviewed_by == staff
    title = services.approve_segment(staff, title)
    assert title.status == Status.APPROVED and title.approved_by == staff

    progress = selectors.issue_progress(issue)
    assert (progress.approved, progress.total, progress.percent) == (1, 5, 20)
    # Approval fed the translation memory, which offers it to the next issue.
    assert MemoryEntry.objects.filter(segment=title, target="Задержан журналист").exists()
    assert memory.lookup("Journalist detained")[0].target == "Задержан журналист"
    # …but the segment itself is not offered its own approved text.
    assert memory.lookup("Journalist detained", exclude_segment=title.pk) == []


@pytest.mark.usefixtures("english")
def test_nobody_approves_their_own_translation(
    staff: User, translator: User, article: Article
) -> None:
    segment = _segments(article)[1]
    segment = services.save_translation(staff, segment, "Доктор Иванов арестован.")
    with pytest.raises(ValidationError) as caught:
        services.approve_segment(staff, segment)
    assert "your own translation" in str(caught.value)
    segment.refresh_from_db()
    assert segment.status == Status.TRANSLATED
    assert not MemoryEntry.objects.exists()


def test_a_translator_reviews_only_issues_they_are_named_reviewer_of(
    staff: User, translator: User, translator2: User, article: Article
) -> None:
    segment = services.save_translation(translator, _segments(article)[1], "Иванов арестован.")
    with pytest.raises(PermissionDenied):
        services.approve_segment(translator2, segment)
    services.set_reviewers(staff, article.issue, [translator2])
    segment = services.approve_segment(translator2, segment)
    assert segment.status == Status.APPROVED
    # Named reviewer, but the translation is their own: refused.
    services.set_reviewers(staff, article.issue, [translator, translator2])
    own = services.save_translation(translator, _segments(article)[2], "Узник совести.")
    with pytest.raises(ValidationError):
        services.approve_segment(translator, own)


def test_only_translators_can_be_named_reviewers(staff: User, member: User, issue: Issue) -> None:
    with pytest.raises(ValidationError):
        services.set_reviewers(staff, issue, [member])
    assert not issue.reviewers.exists()


def test_changing_the_text_sends_the_segment_back_to_translated(
    staff: User, translator: User, article: Article
) -> None:
    segment = services.save_translation(translator, _segments(article)[1], "Иванов арестован.")
    segment = services.approve_segment(staff, segment)
    same = services.save_translation(translator, segment, "Иванов арестован.")
    assert same.status == Status.APPROVED  # nothing changed, nothing reset
    changed = services.save_translation(translator, segment, "Доктор Иванов арестован.")
    assert (changed.status, changed.approved_by, changed.reviewed_by) == (
        Status.TRANSLATED, None, None,
    )  # fmt: skip
    emptied = services.save_translation(translator, changed, "   ")
    assert emptied.status == Status.TO_TRANSLATE and emptied.translated_by is None
    with pytest.raises(ValidationError):
        services.review_segment(staff, emptied)
    with pytest.raises(ValidationError):
        services.approve_segment(staff, emptied)


def test_reopen_sends_an_approved_segment_back(
    staff: User, translator: User, article: Article
) -> None:
    segment = services.save_translation(translator, _segments(article)[1], "Иванов арестован.")
    segment = services.approve_segment(staff, segment)
    with pytest.raises(PermissionDenied):
        services.reopen_segment(translator, segment)
    segment = services.reopen_segment(staff, segment)
    assert segment.status == Status.TRANSLATED and segment.approved_by is None


def test_the_russian_issue_keeps_paragraphs_and_escapes_text(
    staff: User, translator: User, article: Article
) -> None:
    russian = [
        "Задержан журналист",
        "Доктор Иванов арестован в Ростове 3 мая.",
        "Мы считаем его <узником> совести.",
        "Напишите прокурору.",
        "Письма должны быть вежливыми.",
    ]
    for segment, text in zip(_segments(article), russian, strict=True):
        segment = services.save_translation(translator, segment, text)
        if text != "Письма должны быть вежливыми.":
            services.approve_segment(staff, segment)
    html = selectors.approved_russian_issue_html(article.issue)
    assert html == (
        "<article>\n<h2>Задержан журналист</h2>\n"
        "<p>Доктор Иванов арестован в Ростове 3 мая. Мы считаем его &lt;узником&gt; совести.</p>\n"
        "<p>Напишите прокурору.</p>\n</article>"
    )
    draft = selectors.russian_issue_html(article.issue, approved_only=False)
    assert "<p>Напишите прокурору. Письма должны быть вежливыми.</p>" in draft
    assert selectors.issue_progress(article.issue).percent == 80


def test_glossary_violations_of_an_issue(translator: User, article: Article, term: object) -> None:
    segment = _segments(article)[2]
    services.save_translation(translator, segment, "Мы считаем его политзаключённым.")
    assert [
        (s.pk, [t.source for t in terms])
        for s, terms in selectors.glossary_violations(article.issue)
    ] == [(segment.pk, ["prisoner of conscience"])]
    services.save_translation(translator, segment, "Мы считаем его узником совести.")
    assert selectors.glossary_violations(article.issue) == []
