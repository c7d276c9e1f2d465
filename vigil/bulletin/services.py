"""Every write of the bulletin and the rules of a segment's life.

A segment moves to translate → translated → reviewed → approved.  Changing the Russian text
always sends it back to "translated" under the name of whoever changed it, so an approval is
always of the text that is stored now, and the one rule "nobody approves their own
translation" cannot be dodged by editing after review.  Approving puts the pair into the
translation memory in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from vigil.accounts.roles import Role
from vigil.core.permissions import ensure

from . import exchange, memory, segmentation
from .models import Article, GlossaryTerm, Issue, Segment

Status = Segment.Status


# --- issues, articles, glossary -------------------------------------------------------------
def create_issue(user: Any, *, year: int, month: int, title: str = "") -> Issue:
    ensure(user, "bulletin.add_issue")
    if not 1 <= month <= 12:
        raise ValidationError({"month": _("The month must be between 1 and 12.")})
    if Issue.objects.filter(year=year, month=month).exists():
        raise ValidationError({"month": _("There is already an issue for this month.")})
    try:
        with transaction.atomic():
            return Issue.objects.create(year=year, month=month, title=title.strip())
    except IntegrityError:  # created by someone else a moment ago
        raise ValidationError({"month": _("There is already an issue for this month.")}) from None


def add_article(user: Any, issue: Issue, *, title: str, body: str) -> Article:
    """Store an English article as segments: its title, then its paragraphs' sentences."""
    ensure(user, "bulletin.change_issue", issue)
    title = " ".join(title.split())
    parts = segmentation.split(body)
    if not title:
        raise ValidationError({"title": _("An article needs a title.")})
    if not parts:
        raise ValidationError({"body": _("An article needs some text.")})
    with transaction.atomic():
        last = issue.articles.order_by("-position").values_list("position", flat=True).first()
        article = Article.objects.create(issue=issue, position=(last or 0) + 1)
        rows = [Segment(article=article, paragraph=0, position=0, source=title)]
        for number, sentences in enumerate(parts, start=1):
            for sentence in sentences:
                rows.append(
                    Segment(article=article, paragraph=number, position=len(rows), source=sentence)
                )
        Segment.objects.bulk_create(rows)
    return article


def set_reviewers(user: Any, issue: Issue, reviewers: Iterable[Any]) -> None:
    ensure(user, "bulletin.change_issue", issue)
    chosen = list(reviewers)
    for person in chosen:
        if not person.has_role(Role.TRANSLATOR):
            raise ValidationError(_("Only translators can be named reviewers of an issue."))
    issue.reviewers.set(chosen)


def add_glossary_term(user: Any, *, source: str, target: str, note: str = "") -> GlossaryTerm:
    ensure(user, "bulletin.add_glossaryterm")
    source, target = " ".join(source.split()), " ".join(target.split())
    if not source or not target:
        raise ValidationError(_("A glossary term needs the English term and its translation."))
    if GlossaryTerm.objects.filter(source__iexact=source).exists():
        raise ValidationError({"source": _("This term is already in the glossary.")})
    return GlossaryTerm.objects.create(source=source, target=target, note=note.strip())


# --- a segment's life ----------------------------------------------------------------------
def _locked(segment: Segment) -> Segment:
    return Segment.objects.select_for_update().select_related("article__issue").get(pk=segment.pk)


def _translate(user: Any, segment: Segment, target: str) -> bool:
    target = target.strip()
    if target == segment.target:
        return False
    segment.target = target
    segment.status = Status.TRANSLATED if target else Status.TO_TRANSLATE
    segment.translated_by = user if target else None
    segment.reviewed_by = None
    segment.approved_by = None
    segment.save()
    return True


def _review(user: Any, segment: Segment) -> None:
    if segment.status != Status.TRANSLATED:
        raise ValidationError(_("Only a translated segment can be marked reviewed."))
    segment.status = Status.REVIEWED
    segment.reviewed_by = user
    segment.save()


def _approve(user: Any, segment: Segment) -> None:
    if segment.status not in (Status.TRANSLATED, Status.REVIEWED) or not segment.target:
        raise ValidationError(_("Only a translated segment can be approved."))
    if segment.translated_by_id is not None and segment.translated_by_id == user.pk:
        raise ValidationError(_("You cannot approve your own translation; another reviewer must."))
    segment.status = Status.APPROVED
    segment.approved_by = user
    if segment.reviewed_by_id is None:
        segment.reviewed_by = user
    segment.save()
    memory.remember(segment.source, segment.target, segment_id=segment.pk)


def save_translation(user: Any, segment: Segment, target: str) -> Segment:
    with transaction.atomic():
        segment = _locked(segment)
        ensure(user, "bulletin.translate_issue", segment.article.issue)
        _translate(user, segment, target)
    return segment


def review_segment(user: Any, segment: Segment) -> Segment:
    with transaction.atomic():
        segment = _locked(segment)
        ensure(user, "bulletin.review_issue", segment.article.issue)
        _review(user, segment)
    return segment


def approve_segment(user: Any, segment: Segment) -> Segment:
    with transaction.atomic():
        segment = _locked(segment)
        ensure(user, "bulletin.review_issue", segment.article.issue)
        _approve(user, segment)
    return segment


@dataclass
class BulkApproval:
    approved: int = 0
    #: Reviewed segments the reviewer translated: another reviewer must approve them.
    own: int = 0


def approve_reviewed(user: Any, issue: Issue) -> BulkApproval:
    """A reviewer approves every reviewed segment of the issue at once (not their own
    translations: the same rule as one by one), all in one transaction."""
    ensure(user, "bulletin.review_issue", issue)
    result = BulkApproval()
    with transaction.atomic():
        segments = (
            Segment.objects.select_for_update(of=("self",))
            .select_related("article__issue")
            .filter(article__issue=issue, status=Status.REVIEWED)
            .order_by("article__position", "position")
        )
        for segment in segments:
            if segment.translated_by_id is not None and segment.translated_by_id == user.pk:
                result.own += 1
                continue
            _approve(user, segment)
            result.approved += 1
    return result


def reopen_segment(user: Any, segment: Segment) -> Segment:
    """A reviewer sends a segment back to the translators (its text stays)."""
    with transaction.atomic():
        segment = _locked(segment)
        ensure(user, "bulletin.review_issue", segment.article.issue)
        if segment.status in (Status.REVIEWED, Status.APPROVED):
            segment.status = Status.TRANSLATED
            segment.reviewed_by = None
            segment.approved_by = None
            segment.save()
    return segment


# --- exchange files ------------------------------------------------------------------------
@dataclass
class ImportResult:
    translated: int = 0
    reviewed: int = 0
    approved: int = 0
    unchanged: int = 0
    #: Segments marked final in the file that the importer translated: not approved.
    own: list[str] = field(default_factory=list)


def import_translations(user: Any, issue: Issue, data: bytes) -> ImportResult:
    """Bring back an XLIFF 2.0 or PO file exported for ``issue``.

    The whole file is checked first; any mismatch refuses it with every reason, and nothing is
    written.  Unchanged Russian text marked reviewed/final in the file is reviewed/approved
    when the importer may review and did not translate it.
    """
    ensure(user, "bulletin.translate_issue", issue)
    parsed = exchange.parse(data)
    may_review = user.has_perm("bulletin.review_issue", issue)
    result = ImportResult()
    with transaction.atomic():
        segments = {
            s.exchange_id: s
            for s in Segment.objects.select_for_update().filter(article__issue=issue)
        }
        exchange.check(parsed, issue, segments)
        for unit in parsed.units:
            segment = segments[unit.id]
            if not unit.target.strip():
                result.unchanged += 1
                continue
            if _translate(user, segment, unit.target):
                result.translated += 1
                continue
            if not may_review or unit.state not in ("reviewed", "final"):
                result.unchanged += 1
                continue
            if unit.state == "reviewed" and segment.status == Status.TRANSLATED:
                _review(user, segment)
                result.reviewed += 1
            elif unit.state == "final" and segment.status in (Status.TRANSLATED, Status.REVIEWED):
                if segment.translated_by_id == user.pk:
                    result.own.append(unit.id)
                else:
                    _approve(user, segment)
                    result.approved += 1
            else:
                result.unchanged += 1
    return result
