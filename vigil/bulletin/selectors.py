"""Reads for the bulletin's pages, and the assembled Russian issue for distribution."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.html import format_html
from django.utils.safestring import SafeString

from . import glossary, memory
from .models import Article, GlossaryTerm, Issue, Segment

Status = Segment.Status


@dataclass(frozen=True)
class Progress:
    total: int
    counts: dict[str, int]

    @property
    def approved(self) -> int:
        return self.counts.get(Status.APPROVED, 0)

    @property
    def reviewed(self) -> int:
        return self.counts.get(Status.REVIEWED, 0)

    @property
    def percent(self) -> int:
        """Approved segments out of all, rounded down: 100 % means ready to distribute."""
        return self.approved * 100 // self.total if self.total else 0

    def by_status(self) -> list[tuple[str, str, int]]:
        return [(s.value, str(s.label), self.counts.get(s.value, 0)) for s in Status]


def _progress(segments: QuerySet[Segment]) -> Progress:
    counts = {row["status"]: row["n"] for row in segments.values("status").annotate(n=Count("id"))}
    return Progress(total=sum(counts.values()), counts=counts)


def issue_progress(issue: Issue) -> Progress:
    return _progress(Segment.objects.filter(article__issue=issue))


def article_progress(article: Article) -> Progress:
    return _progress(article.segments.all())


def issues() -> list[tuple[Issue, Progress]]:
    rows = Issue.objects.annotate(
        total=Count("articles__segments"),
        approved=Count("articles__segments", filter=Q(articles__segments__status=Status.APPROVED)),
    )
    return [
        (issue, Progress(total=issue.total, counts={Status.APPROVED: issue.approved}))
        for issue in rows
    ]


@dataclass
class ArticleRow:
    article: Article
    title: str
    progress: Progress


def articles(issue: Issue) -> list[ArticleRow]:
    rows = []
    for article in issue.articles.all():
        title = article.segments.filter(paragraph=0).values_list("source", flat=True).first()
        rows.append(ArticleRow(article, title or "", article_progress(article)))
    return rows


@dataclass
class EditorRow:
    segment: Segment
    matches: list[memory.Match] = field(default_factory=list)
    hints: list[glossary.Hint] = field(default_factory=list)

    @property
    def violations(self) -> list[GlossaryTerm]:
        return [hint.term for hint in self.hints if hint.violated]


def editor_rows(article: Article, *, suggestions: bool = True) -> list[EditorRow]:
    """The article's segments with memory matches (for unapproved ones) and glossary hints."""
    terms = list(GlossaryTerm.objects.all())
    rows = []
    for segment in article.segments.order_by("position"):
        matches = (
            memory.lookup(segment.source, exclude_segment=segment.pk)
            if suggestions and segment.status != Status.APPROVED
            else []
        )
        rows.append(
            EditorRow(segment, matches, glossary.hints(segment.source, segment.target, terms))
        )
    return rows


def glossary_terms() -> QuerySet[GlossaryTerm]:
    return GlossaryTerm.objects.all()


def glossary_violations(issue: Issue) -> list[tuple[Segment, list[GlossaryTerm]]]:
    terms = list(GlossaryTerm.objects.all())
    found = []
    for segment in Segment.objects.filter(article__issue=issue).exclude(target=""):
        broken = glossary.violations(segment.source, segment.target, terms)
        if broken:
            found.append((segment, broken))
    return found


# --- the Russian issue ---------------------------------------------------------------------
def _russian_articles(issue: Issue, *, approved_only: bool) -> list[tuple[str, list[str]]]:
    """Each article as (title, paragraphs) in Russian; untranslated sentences are left out."""
    result = []
    segments = Segment.objects.filter(article__issue=issue).order_by(
        "article__position", "article_id", "position"
    )
    wanted = {Status.APPROVED} if approved_only else set(Status) - {Status.TO_TRANSLATE}
    for _article_id, group in groupby(segments, key=lambda s: s.article_id):
        paragraphs: dict[int, list[str]] = {}
        for segment in group:
            if segment.status in wanted and segment.target:
                paragraphs.setdefault(segment.paragraph, []).append(segment.target)
        title = " ".join(paragraphs.pop(0, []))
        body = [" ".join(sentences) for _n, sentences in sorted(paragraphs.items())]
        if title or body:
            result.append((title, body))
    return result


def russian_issue_html(issue: Issue, *, approved_only: bool = True) -> SafeString:
    parts = []
    for title, body in _russian_articles(issue, approved_only=approved_only):
        inner = [format_html("<h2>{}</h2>", title)] if title else []
        inner += [format_html("<p>{}</p>", text) for text in body]
        parts.append(format_html("<article>\n{}\n</article>", SafeString("\n".join(inner))))
    return SafeString("\n".join(parts))


def approved_russian_issue_html(issue: Issue) -> SafeString:
    """The Russian issue as HTML, from approved segments only (for distribution by e-mail).

    Each article is ``<article><h2>title</h2><p>…</p></article>``; every text is escaped.
    Sentences not yet approved are left out, so check ``issue_progress(issue).percent == 100``
    before sending.
    """
    return russian_issue_html(issue, approved_only=True)


def can_actions(user: Any, issue: Issue) -> dict[str, bool]:
    return {
        "translate": bool(user.has_perm("bulletin.translate_issue", issue)),
        "review": bool(user.has_perm("bulletin.review_issue", issue)),
        "manage": bool(user.has_perm("bulletin.change_issue", issue)),
    }
