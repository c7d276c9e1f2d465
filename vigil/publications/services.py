"""Every write of the publications app: importing releases and announcing embargoed ones.

Visibility is not written anywhere: :meth:`DocumentQuerySet.public` computes it from the
embargo at request time, so a document becomes visible at its moment even when no worker runs.
What does need a worker is the *side effects* of the moment: :func:`announce_due` mails the
staff once per document ("now public") and marks it announced.  Import schedules it for the
embargo moment (:func:`schedule_announcement`), and ``vigil publish_due_documents`` (cron or a
worker loop) catches anything a lost task missed.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vigil.accounts.models import User
from vigil.accounts.roles import Role
from vigil.core.links import absolute_url
from vigil.core.tasks import queue_email

from .importer import ParsedDocument
from .models import Document

logger = logging.getLogger(__name__)

#: The fields an import writes; anything else on the document (attachments, links) stays.
IMPORTED_FIELDS = (
    "classification",
    "doc_type",
    "index_as_printed",
    "issuer",
    "banner",
    "distribution",
    "news_service_number",
    "date",
    "embargo_at",
    "embargo_zone",
    "title",
    "body",
    "correspondence_address",
    "contacts",
    "closing_lines",
    "unparsed_notes",
    "original_text",
    "source_name",
)


@dataclass
class ImportResult:
    status: str  # "created", "updated" or "unchanged"
    index_number: str
    language: str
    title: str
    slug: str
    diff: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    document: Document | None = None
    #: Written (or would be) as a draft for staff to review: see ``importer.REVIEW_REASONS``.
    to_review: bool = False


def _values(parsed: ParsedDocument) -> dict[str, Any]:
    values = {name: parsed.fields.get(name, "") for name in IMPORTED_FIELDS}
    values["date"] = parsed.fields.get("date")
    values["embargo_at"] = parsed.fields.get("embargo_at")
    values["unparsed_notes"] = [[number, text] for number, text in parsed.unparsed]
    values["original_text"] = parsed.original_text
    values["source_name"] = parsed.source_name.replace("\\", "/").rsplit("/", 1)[-1][:255]
    return values


def _existing(parsed: ParsedDocument, language: str) -> Document | None:
    """The version this release updates: same index and language, or the same index as
    printed (staff may have completed an index printed without its prefix)."""
    documents = Document.objects.select_for_update()
    found = documents.filter(index_number=str(parsed.index), language=language).first()
    if found is None:
        printed = parsed.fields.get("index_as_printed") or ""
        found = documents.filter(index_as_printed=printed, language=language).first()
    return found


@transaction.atomic
def import_document(parsed: ParsedDocument, *, dry_run: bool = False) -> ImportResult:
    """Create or update the document with this index number and language (never a duplicate).

    A release the importer was unsure of is written as a draft to review (hidden from the
    public); one that changes nothing is left alone, so staff's review is never undone."""
    index = parsed.index
    language = parsed.fields["language"]
    values = _values(parsed)
    existing = _existing(parsed, language)
    diff = {
        name: (getattr(existing, name) if existing else None, value)
        for name, value in values.items()
        if existing is None or getattr(existing, name) != value
    }
    status = "created" if existing is None else "updated" if diff else "unchanged"
    result = ImportResult(status, str(index), language, values["title"], index.slug, diff)
    result.to_review = status != "unchanged" and bool(parsed.review_reasons)
    if dry_run or status == "unchanged":
        result.document = existing
        return result
    document = existing or Document(index_number=str(index), language=language)
    for name, value in values.items():
        setattr(document, name, value)
    document.needs_review = result.to_review
    document.review_reasons = list(parsed.review_reasons) if result.to_review else []
    _reset_announcement(document)
    document.full_clean(exclude=["original"])
    document.save()
    link_translations(document)
    schedule_announcement(document)
    result.document = document
    return result


def _reset_announcement(document: Document, now: datetime.datetime | None = None) -> None:
    """A document whose embargo is still ahead must be announced again at its moment; one
    already visible when written has nothing to announce."""
    now = now or timezone.now()
    if document.embargo_at is not None and document.embargo_at > now:
        document.announced_at = None
    elif document.announced_at is None:
        document.announced_at = now


def save_document(document: Document) -> Document:
    """Save an edited document (the back office) with the same announcement rule as import."""
    with transaction.atomic():
        _reset_announcement(document)
        document.save()
        link_translations(document)
        schedule_announcement(document)
    return document


def publish_reviewed(document: Document) -> Document:
    """Staff have checked (and maybe corrected) a draft: it follows the ordinary rules now,
    public at once or at its embargo."""
    document.needs_review = False
    document.review_reasons = []
    document.full_clean(exclude=["original"])
    return save_document(document)


def link_translations(document: Document) -> None:
    """Versions sharing an index number are one document: the first one stored is the
    original, the others its translations."""
    if document.original_id is not None:
        return
    siblings = Document.objects.filter(index_number=document.index_number).exclude(pk=document.pk)
    first = siblings.filter(original__isnull=True).order_by("created_at", "pk").first()
    if first is not None and (first.created_at, first.pk) < (document.created_at, document.pk):
        Document.objects.filter(pk=document.pk).update(original=first)
        document.original = first
        Document.objects.filter(original=document).update(original=first)


def schedule_announcement(document: Document) -> None:
    """Queue the announcement task for the embargo moment (after the transaction commits)."""
    if document.embargo_at is None or document.announced_at is not None:
        return
    when = document.embargo_at

    def enqueue() -> None:
        from .tasks import publish_due_documents

        task = publish_due_documents
        if task.get_backend().supports_defer:
            task = task.using(run_after=when)
        task.enqueue()

    transaction.on_commit(enqueue)


def _staff_to_notify() -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            role_assignments__role__in=[Role.STAFF, Role.ADMIN],
            role_assignments__scope_type__isnull=True,
        ).distinct()
    )


def announce_due(now: datetime.datetime | None = None) -> list[Document]:
    """Mail the staff about every document that became public and is not announced yet.

    Each document is locked and marked in its own transaction together with its queued mail,
    so two workers never announce it twice and a failure leaves it for the next run.
    """
    now = now or timezone.now()
    announced: list[Document] = []
    due = Document.objects.public(now).filter(announced_at__isnull=True).values_list("pk")
    for (pk,) in list(due):
        with transaction.atomic():
            document = (
                Document.objects.public(now)
                .select_for_update(of=("self",))
                .filter(pk=pk, announced_at__isnull=True)
                .first()
            )
            if document is None:
                continue
            document.announced_at = now
            document.save(update_fields=["announced_at", "updated_at"])
            for person in _staff_to_notify():
                with translation.override(person.language or settings.LANGUAGE_CODE):
                    subject = _("Now public: %(index)s %(title)s") % {
                        "index": document.index_number,
                        "title": document.title,
                    }
                    body = _(
                        "The embargo on %(index)s has passed and the document is now public:\n\n"
                        "%(title)s\n%(url)s\n"
                    ) % {
                        "index": document.index_number,
                        "title": document.title,
                        "url": absolute_url(document.get_absolute_url()),
                    }
                transaction.on_commit(
                    partial(queue_email, to=[person.email], subject=subject, body=body)
                )
            announced.append(document)
            logger.info("announced %s (%s)", document.index_number, document.language)
    return announced
