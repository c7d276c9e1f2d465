"""Reads for the staff pages: which issues can go out and how each group's copy fared."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Max, QuerySet

from vigil.bulletin import selectors as bulletin_selectors
from vigil.bulletin.models import Issue
from vigil.groups.models import Group
from vigil.groups.selectors import is_dormant

from .models import Delivery, Distribution


@dataclass(frozen=True)
class IssueRow:
    issue: Issue
    percent: int
    distribution: Distribution | None


def issues() -> list[IssueRow]:
    distributions = {d.issue_id: d for d in Distribution.objects.defer("pdf", "html", "text")}
    return [
        IssueRow(issue, progress.percent, distributions.get(issue.pk))
        for issue, progress in bulletin_selectors.issues()
    ]


def distribution_of(issue: Issue) -> Distribution | None:
    return Distribution.objects.defer("pdf").filter(issue=issue).first()


def status_counts(distribution: Distribution) -> list[tuple[str, str, int]]:
    """(status, label, count) for every status, in the order of the choices."""
    counts = dict(
        Delivery.objects.filter(distribution=distribution)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return [(value, str(label), counts.get(value, 0)) for value, label in Delivery.Status.choices]


def deliveries(distribution: Distribution, status: str = "") -> QuerySet[Delivery]:
    rows = Delivery.objects.filter(distribution=distribution).select_related("group")
    return rows.filter(status=status) if status else rows


def dormant_group_ids(distribution: Distribution) -> set[int]:
    """The groups of this distribution that are dormant, to mark them on the page: by the
    groups app's rule (no meeting for three months), or set dormant by staff."""
    group_ids = Delivery.objects.filter(distribution=distribution).values("group_id")
    groups = Group.objects.filter(pk__in=group_ids).annotate(last_held_on=Max("meetings__held_on"))
    return {
        group.pk
        for group in groups
        if group.status == Group.Status.DORMANT
        or is_dormant(group, last_held_on=group.last_held_on)
    }


def has_work(distribution: Distribution) -> bool:
    """Something is left to send or to settle: the page offers "resume"."""
    open_statuses = [Delivery.Status.PLANNED, Delivery.Status.SENDING, Delivery.Status.UNCERTAIN]
    return Delivery.objects.filter(distribution=distribution, status__in=open_statuses).exists()


def print_labels(distribution: Distribution) -> QuerySet[Delivery]:
    return deliveries(distribution, Delivery.Status.PRINT).order_by("group__number")
