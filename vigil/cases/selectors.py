"""Reads for the case pages, the member's action list, the letter counts and the API."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from vigil.groups.models import Group
from vigil.groups.selectors import groups_of
from vigil.publications import selectors as publications_selectors

from .models import (
    AppealTemplate,
    Case,
    CaseAssignment,
    CaseDocument,
    Letter,
    Official,
    Outcome,
)
from .policy import Decision, may_act


def published_cases(
    *,
    country: str = "",
    category: str = "",
    urgent: bool | None = None,
    status: str = "",
) -> QuerySet[Case]:
    """Published cases, filtered; each carries ``results`` (outcomes that are results)."""
    cases = Case.objects.filter(is_published=True)
    if country:
        cases = cases.filter(country=country)
    if category:
        cases = cases.filter(category=category)
    if urgent is not None:
        cases = cases.filter(is_urgent=urgent)
    if status:
        cases = cases.filter(status=status)
    return cases.prefetch_related(
        "outcomes",
        Prefetch(
            "outcomes",
            queryset=Outcome.objects.filter(kind__in=Outcome.RESULTS),
            to_attr="results",
        ),
    )


def published_countries() -> list[str]:
    # order_by(): the model's ordering would otherwise join the DISTINCT and repeat countries.
    return sorted(
        Case.objects.filter(is_published=True)
        .order_by()
        .values_list("country", flat=True)
        .distinct()
    )


def case_by_slug(slug: str) -> Case | None:
    return (
        Case.objects.filter(slug=slug)
        .prefetch_related("outcomes", "documents", "officials", "templates")
        .first()
    )


def results_achieved(case: Case) -> list[Outcome]:
    return [outcome for outcome in case.outcomes.all() if outcome.is_result]


def template_for(case: Case, language: str) -> AppealTemplate | None:
    """The template in ``language``, else Russian, else English, else any."""
    templates = {t.language: t for t in case.templates.all()}
    for code in (language, "ru", "en"):
        if code in templates:
            return templates[code]
    return next(iter(templates.values()), None)


@dataclass(frozen=True)
class DocumentLink:
    document: CaseDocument
    #: The library's page of the document when it is there and published, else "".
    url: str


def documents_of(case: Case) -> list[DocumentLink]:
    """The case's documents, each linked to the library when the library publishes it
    (the publications app's embargo rule decides, not this one)."""
    documents = list(case.documents.all())
    urls = publications_selectors.library_urls(d.index_number for d in documents)
    return [DocumentLink(d, urls.get(d.index_number, "")) for d in documents]


def officials_of(case: Case) -> QuerySet[Official]:
    return Official.objects.filter(case=case)


def cases_of_group(group: Any) -> QuerySet[Case]:
    """The published cases assigned to a group, urgent first."""
    return (
        Case.objects.filter(assignments__group=group, is_published=True)
        .order_by("-is_urgent", "deadline", "slug")
        .distinct()
    )


def assignments_of(case: Case) -> QuerySet[CaseAssignment]:
    return CaseAssignment.objects.filter(case=case).select_related("group").order_by("group")


def assignable_groups(user: Any) -> list[Group]:
    """Groups the user may give a case to: those they manage (one rule decides, see rules)."""
    groups = Group.objects.exclude(status=Group.Status.CLOSED).select_related("region")
    return [group for group in groups if user.has_perm("cases.assign_to_group", group)]


@dataclass(frozen=True)
class ActionItem:
    case: Case
    decision: Decision
    #: The case was assigned to one of the member's groups.
    assigned: bool


def actions_for(user: Any) -> list[ActionItem]:
    """Every open case, each with the policy's answer for this member (offered first)."""
    cases = list(
        published_cases(status=Case.Status.OPEN).order_by("-is_urgent", "deadline", "-created_at")
    )
    assigned = set(
        CaseAssignment.objects.filter(group__in=groups_of(user)).values_list("case_id", flat=True)
    )
    items = [ActionItem(case, may_act(user, case), case.pk in assigned) for case in cases]
    return sorted(items, key=lambda item: (not item.decision.allowed, not item.assigned))


def in_a_group(user: Any) -> bool:
    return bool(groups_of(user).exists())


def kept_letters_of(user: Any) -> QuerySet[Letter]:
    """The writer's own letters whose text they chose to keep."""
    return Letter.objects.filter(writer=user, kept=True).select_related("case", "official")


def letter_count(case: Case) -> int:
    return Letter.objects.filter(case=case).count()


def letter_counts(
    *,
    case: Case | None = None,
    group_ids: Iterable[int] | None = None,
    month: datetime.date | None = None,
) -> list[dict[str, Any]]:
    """Letters per case, group and month (UTC month), newest month first.

    The one count of letters: the letters page and the coordination dashboard both read it.
    A letter is one row per writer, case, official and month (see ``Letter``).
    """
    letters = Letter.objects.all()
    if case is not None:
        letters = letters.filter(case=case)
    if group_ids is not None:
        letters = letters.filter(group_id__in=list(group_ids))
    if month is not None:
        letters = letters.filter(month=month.replace(day=1))
    rows = (
        letters.values(
            "month",
            "case_id",
            "case__slug",
            "case__title_ru",
            "case__title_en",
            "group_id",
            "group__number",
            "group__name",
            "group__name_en",
        )
        .annotate(letters=Count("pk"), emailed=Count("pk", filter=Q(channel=Letter.Channel.EMAIL)))
        .order_by("-month", "case__slug", "group__number")
    )
    return [dict(row) for row in rows]
