"""Reads for the petition pages: lists, the live count, what a signer or staff may see."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import IntegerField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from vigil.accounts.roles import Role
from vigil.core.memo import ProcessMemo
from vigil.groups.models import Group

from .models import ConsentText, PaperBatch, Petition, Signature


def current_consent() -> ConsentText | None:
    """The newest wording: the one a new signer agrees to."""
    return ConsentText.objects.order_by("-version").first()


def open_petitions() -> QuerySet[Petition]:
    return with_counts(
        Petition.objects.filter(
            is_published=True, delivered_at__isnull=True, closes_at__gt=timezone.now()
        ).order_by("closes_at", "id")
    )


def with_counts(petitions: QuerySet[Petition]) -> QuerySet[Petition]:
    """Annotate ``online`` and ``paper`` in the same query: lists cost one query."""
    online = (
        Signature.objects.filter(petition=OuterRef("pk"), confirmed_at__isnull=False)
        .order_by()
        .values("petition")
        .annotate(n=models.Count("pk"))
        .values("n")
    )
    paper = (
        PaperBatch.objects.filter(petition=OuterRef("pk"))
        .order_by()
        .values("petition")
        .annotate(n=Sum("count"))
        .values("n")
    )
    return petitions.annotate(
        online=Coalesce(Subquery(online, output_field=IntegerField()), 0),
        paper=Coalesce(Subquery(paper, output_field=IntegerField()), 0),
    )


def petition_for_page(slug: str) -> Petition | None:
    return with_counts(Petition.objects.filter(slug=slug, is_published=True)).first()


#: Open petitions by slug, remembered briefly by this process for signing.  Only an open
#: petition is remembered, and the insert checks again that it is open, so a stale entry
#: can neither let a signature into a closed petition nor refuse one for long.
PETITION_MEMO_SECONDS = 5.0
_to_sign: ProcessMemo[str, tuple[float, Petition]] = ProcessMemo(
    "petitions.selectors.to_sign", keeps="open petitions by slug, for signing", bound=1000
)


def petition_to_sign(slug: str) -> Petition | None:
    """Without the counts: counting the signatures on every signature would grow with the
    petition.  The page shown again after a refused signature counts them then."""
    now = time.monotonic()
    memo = _to_sign.get(slug)
    if memo is not None and memo[0] > now and memo[1].is_open():
        return memo[1]
    petition = Petition.objects.filter(slug=slug, is_published=True).first()
    if petition is not None and petition.is_open():
        _to_sign[slug] = (now + PETITION_MEMO_SECONDS, petition)
    else:
        _to_sign.pop(slug, None)
    return petition


def forget_petition(slug: str) -> None:
    """A petition was saved or deleted in this process: sign against the new row at once."""
    _to_sign.pop(slug, None)


def any_petition(slug: str) -> Petition | None:
    """Also unpublished ones: for staff pages."""
    return with_counts(Petition.objects.filter(slug=slug)).first()


@dataclass(frozen=True)
class Count:
    online: int
    paper: int
    goal: int

    @property
    def total(self) -> int:
        return self.online + self.paper

    @property
    def percent(self) -> int:
        """For the progress bar: 0-100, whole numbers."""
        return min(100, (self.total * 100) // self.goal) if self.goal else 0

    def as_json(self) -> dict[str, Any]:
        return {
            "count": self.total,
            "online": self.online,
            "paper": self.paper,
            "goal": self.goal,
            "percent": self.percent,
        }


def count_of(petition: Petition) -> Count:
    """Confirmed online signatures plus paper ones: one query unless already annotated."""
    online: Any = getattr(petition, "online", None)
    paper: Any = getattr(petition, "paper", None)
    if online is None or paper is None:
        fresh = with_counts(Petition.objects.filter(pk=petition.pk).only("pk", "goal")).get()
        online, paper = getattr(fresh, "online", 0), getattr(fresh, "paper", 0)
    return Count(online=int(online), paper=int(paper), goal=petition.goal)


def count_for_slug(slug: str) -> Count | None:
    """The JSON counter's read: one query."""
    row = with_counts(
        Petition.objects.filter(slug=slug, is_published=True).only("pk", "goal")
    ).first()
    return None if row is None else count_of(row)


def paper_batches(petition: Petition) -> QuerySet[PaperBatch]:
    return petition.paper_batches.select_related("group", "entered_by")


def confirmed_signers(petition: Petition) -> list[tuple[str, str]]:
    """Names and cities of the confirmed signatures, for the delivery lists; nothing else."""
    rows = (
        Signature.objects.filter(petition=petition, confirmed_at__isnull=False)
        .only("name", "city")
        .order_by("confirmed_at", "id")
    )
    return [(row.name, row.city) for row in rows]


def signatures_of(email_index: str) -> QuerySet[Signature]:
    """Everything held about one person (found by the blind index), for a copy or erasure."""
    return (
        Signature.objects.filter(email_index=email_index)
        .select_related("petition", "consent")
        .order_by("created_at", "id")
    )


def flagged_count(petition: Petition) -> int:
    return Signature.objects.filter(petition=petition, flagged=True).count()


def groups_for_paper(user: Any) -> QuerySet[Group]:
    """The groups a person may enter paper signatures for: all open ones for staff, else
    the groups they coordinate (the same role ``groups.rules.is_group_coordinator`` reads)."""
    if user.has_role(Role.STAFF, Role.ADMIN):
        return Group.objects.exclude(status=Group.Status.CLOSED)
    led = user.role_assignments.filter(
        role=Role.GROUP_COORDINATOR, scope_type=ContentType.objects.get_for_model(Group)
    ).values_list("scope_id", flat=True)
    return Group.objects.filter(pk__in=list(led))


def signatures_for_staff(petition: Petition) -> QuerySet[Signature]:
    """A petition's signatures with what the back office shows of them (the caller checks
    ``petitions.view_signature``)."""
    return Signature.objects.filter(petition=petition).select_related("consent")
